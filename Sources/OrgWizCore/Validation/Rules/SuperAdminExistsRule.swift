import OrgWizJSON

/// Someone must be able to change the org setting.
struct SuperAdminExistsRule: ValidationRule {
  static let descriptor = RuleDescriptor(
    id: "super-admin-exists", severity: .warning, title: "A Super Admin exists",
    rationale:
      "Okta lets only a Super Admin (role SUPER_ADMIN) change Embedded widget sign-in support; "
      + "a model in which no admin holds the role cannot be taken through the procedure's first "
      + "step.",
    examples: [
      .passes(
        "the only Super Admin is not the first admin listed",
        edits: [
          ExampleOrg.admin(0) / "roles": ["ORG_ADMIN"],
          ExampleOrg.admin(2) / "roles": ["SUPER_ADMIN"],
        ]),
      .fails(
        "Ada, the only Super Admin, becomes an Org Admin",
        edits: [ExampleOrg.admin(0) / "roles": ["ORG_ADMIN"]], at: .root / "admins"),
    ])

  /// What the check reads (through the typed views); see ``ValidationRule/reads``.
  static let reads: [ModelRead]? = [
    "/admins/*/roles",
    "/pull/scope",
  ]

  func check(_ model: OrgModel) -> [Finding] {
    // A scoped pull holds only the operator: another admin may hold the role.
    model.superAdmins.isEmpty && model.pullScope == nil
      ? [finding(.root / "admins", "no admin holds SUPER_ADMIN")] : []
  }
}
