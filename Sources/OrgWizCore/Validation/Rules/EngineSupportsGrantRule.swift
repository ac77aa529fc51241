import OrgWizJSON

/// The Interaction Code grant exists only on Identity Engine orgs.
struct EngineSupportsGrantRule: ValidationRule {
  let id = "engine-supports-grant"
  let title = "Interaction Code only on Identity Engine"
  let rationale =
    "Classic Engine orgs have no Interaction Code grant: the setting must be off and no app or "
    + "rule may list the grant."
  let severity = Finding.Severity.error

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
