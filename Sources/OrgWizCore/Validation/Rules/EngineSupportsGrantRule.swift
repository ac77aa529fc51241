import OrgWizJSON

/// The Interaction Code grant exists only on Identity Engine orgs.
struct EngineSupportsGrantRule: ValidationRule {
  static let descriptor = RuleDescriptor(
    id: "engine-supports-grant", severity: .error,
    title: "Interaction Code only on Identity Engine",
    rationale:
      "Okta offers the Interaction Code grant only on Identity Engine orgs; a Classic Engine org "
      + "has no such grant, and the Embedded widget sign-in support setting does nothing there. "
      + "On a classic org the setting must be off and no app or rule may list interaction_code, "
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
        "a Classic Engine org where Acme Mobile lists interaction_code",
        edits: [
          ExampleOrg.engine: "classic",
          ExampleOrg.mobileGrants: ["authorization_code", "interaction_code"],
        ],
        at: ExampleOrg.mobileGrants),
      .fails(
        "a Classic Engine org where the rule \"Mobile sign-in\" lists interaction_code",
        edits: [
          ExampleOrg.engine: "classic",
          ExampleOrg.mobileRuleGrants: ["authorization_code", "interaction_code"],
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
    var findings: [Finding] = []
    if model.interactionCodeEnabled {
      findings.append(
        finding(
          .root / "settings" / "embeddedWidgetSignInSupport" / "interactionCode",
          "the org runs Classic Engine, which has no Interaction Code grant; the setting "
            + "must be false"))
    }
    for app in model.appsListingInteractionCode {
      findings.append(
        finding(
          app.grantTypesPointer,
          "app \"\(app.label)\" lists interaction_code on a Classic Engine org"))
    }
    for (_, _, rule) in model.allRules where rule.allowsInteractionCode {
      findings.append(
        finding(
          rule.grantTypesPointer,
          "rule \"\(rule.name)\" lists interaction_code on a Classic Engine org"))
    }
    return findings
  }
}
