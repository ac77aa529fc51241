import OrgWizJSON

/// Admin roles are values of the Management API's `RoleType`.
struct KnownRolesRule: ValidationRule {
  static let descriptor = RuleDescriptor(
    id: "known-roles", severity: .warning, title: "Admin roles are Okta role types",
    rationale:
      "Admin roles are RoleType values of Okta's Management API. The permission check looks for "
      + "SUPER_ADMIN, so a misspelt role would hide a Super Admin or claim a role Okta does not "
      + "have.",
    examples: [
      .passes(
        "Bob holds three standard roles",
        edits: [ExampleOrg.admin(1) / "roles": ["APP_ADMIN", "HELP_DESK_ADMIN", "READ_ONLY_ADMIN"]]),
      .fails(
        "Bob's role is written \"SUPERADMIN\"",
        edits: [ExampleOrg.admin(1) / "roles": ["SUPERADMIN"]],
        at: ExampleOrg.admin(1) / "roles" / 0),
    ])

  /// What the check reads (through the typed views); see ``ValidationRule/reads``.
  static let reads: [ModelRead]? = [
    "/admins/*/roles"
  ]

  func check(_ model: OrgModel) -> [Finding] {
    let known = Set(Okta.roleTypes)
    return model.admins.flatMap { admin in
      admin.roles.enumerated().filter { !known.contains($0.element) }.map { index, role in
        finding(admin.pointer / "roles" / index, "unknown role type \"\(role)\"")
      }
    }
  }
}
