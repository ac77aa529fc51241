import OrgWizJSON

/// The Interaction Code grant's type, in examples.
private let ic = Grants.interactionCode.type

/// The Interaction Code grant exists only on Identity Engine orgs.
struct EngineSupportsGrantRule: ValidationRule {
  static let descriptor = RuleDescriptor(
    id: "engine-supports-grant", severity: .error,
    title: "Interaction Code only on Identity Engine",
    rationale:
      "Okta offers the Interaction Code grant only on Identity Engine orgs; a Classic Engine org "
      + "has no such grant, and the Embedded widget sign-in support setting does nothing there. "
      + "On a classic org the setting must be off and no app or rule may list \(ic), "
      + "or the model describes an org Okta cannot have.",
    examples: [
      .passes(
        "a Classic Engine org with the setting off and no app or rule listing the grant",
        edits: [ExampleOrg.engine: "classic"]),
      .passes(
        "an Identity Engine org with the setting on (the bundled example, turned on)",
        edits: [ExampleOrg.setting: true]),
      .fails(
        "a Classic Engine org with the setting on",
        edits: [ExampleOrg.engine: "classic", ExampleOrg.setting: true], at: ExampleOrg.setting),
      .fails(
        "a Classic Engine org where Acme Mobile lists \(ic)",
        edits: [
          ExampleOrg.engine: "classic",
          ExampleOrg.mobileGrants: ["authorization_code", .string(ic)],
        ],
        at: ExampleOrg.mobileGrants),
      .fails(
        "a Classic Engine org where the rule \"Mobile sign-in\" lists \(ic)",
        edits: [
          ExampleOrg.engine: "classic",
          ExampleOrg.mobileRuleGrants: ["authorization_code", .string(ic)],
        ],
        at: ExampleOrg.mobileRuleGrants),
    ])

  /// What the check reads (through the typed views); see ``ValidationRule/reads``.
  static let reads: [ModelRead]? = [
    "/org/engine",
    "/settings/embeddedWidgetSignInSupport/interactionCode",
    "/apps/*/settings/oauthClient/grant_types",
    "/apps/*/label",
    "/authorizationServers/*/policies/*/rules/*/conditions/grantTypes/include",
    "/authorizationServers/*/policies/*/rules/*/name",
  ]

  func check(_ model: OrgModel) -> [Finding] {
    guard model.org.engine == .classic else { return [] }
    return Grants.all.filter(\.identityEngineOnly).flatMap { check($0, in: model) }
  }

  private func check(_ grant: GrantFacts, in model: OrgModel) -> [Finding] {
    var findings: [Finding] = []
    if let setting = grant.orgSwitch, model.isOn(setting) {
      findings.append(
        finding(
          setting.pointer,
          "the org runs Classic Engine, which has no \(grant.name) grant; the setting "
            + "must be false"))
    }
    for listing in model.listings(of: grant) {
      findings.append(
        finding(listing.pointer, "\(listing.object) lists \(grant.type) on a Classic Engine org"))
    }
    return findings
  }
}
