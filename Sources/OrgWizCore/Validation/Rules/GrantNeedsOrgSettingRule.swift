import OrgWizJSON

/// The Interaction Code grant's type, in examples.
private let ic = Grants.interactionCode.type

/// While the org setting is off, nothing may list the Interaction Code grant.
struct GrantNeedsOrgSettingRule: ValidationRule {
  static let descriptor = RuleDescriptor(
    id: "grant-needs-org-setting", severity: .error,
    title: "Interaction Code needs Embedded widget sign-in support",
    rationale:
      "Okta offers the Interaction Code grant only while Settings > Account > Embedded widget "
      + "sign-in support is on, and turning the setting off removes \(ic) from every "
      + "app and rule that had it. So while it is off, no app may list the grant in "
      + "settings.oauthClient.grant_types and no rule in conditions.grantTypes.include.",
    examples: [
      .passes(
        "the setting is on and Acme Mobile and its rule \"Mobile sign-in\" list \(ic)",
        edits: [
          ExampleOrg.setting: true,
          ExampleOrg.mobileGrants: ["authorization_code", .string(ic)],
          ExampleOrg.mobileRuleGrants: ["authorization_code", .string(ic)],
        ]),
      .passes("the setting is off and nothing lists \(ic) (the bundled example)"),
      .fails(
        "the setting is off and Acme Mobile lists \(ic)",
        edits: [ExampleOrg.mobileGrants: ["authorization_code", .string(ic)]],
        at: ExampleOrg.mobileGrants),
      .fails(
        "the setting is off and the rule \"Default Policy Rule\" lists \(ic)",
        edits: [ExampleOrg.defaultRuleGrants: [.string(ic)]],
        at: ExampleOrg.defaultRuleGrants),
    ])

  /// What the check reads (through the typed views); see ``ValidationRule/reads``.
  static let reads: [ModelRead]? = [
    "/org/engine",
    "/settings/embeddedWidgetSignInSupport/interactionCode",
    "/apps/*/settings/oauthClient/grant_types",
    "/apps/*/label",
    "/authorizationServers/*/policies/*/rules/*/conditions/grantTypes/include",
    "/authorizationServers/*/policies/*/rules/*/name",
    "/authorizationServers/*/name",
  ]

  func check(_ model: OrgModel) -> [Finding] {
    guard model.org.engine == .identityEngine else { return [] }
    return Grants.switched.flatMap { grant -> [Finding] in
      guard let setting = grant.orgSwitch, !model.isOn(setting) else { return [] }
      return model.listings(of: grant).map { listing in
        finding(
          listing.pointer,
          "\(listing.object) lists \(grant.type) while the org setting is off")
      }
    }
  }
}
