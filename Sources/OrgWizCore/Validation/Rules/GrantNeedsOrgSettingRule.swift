import OrgWizJSON

/// While the org setting is off, nothing may list the Interaction Code grant.
struct GrantNeedsOrgSettingRule: ValidationRule {
  let id = "grant-needs-org-setting"
  let title = "Interaction Code needs Embedded widget sign-in support"
  let rationale =
    "While Settings > Account > Embedded widget sign-in support is off, Okta offers the "
    + "Interaction Code grant nowhere: no app and no rule may list it."
  let severity = Finding.Severity.error

  func check(_ model: OrgModel) -> [Finding] {
    guard !model.interactionCodeEnabled, model.org.engine == .identityEngine else { return [] }
    var findings: [Finding] = []
    for app in model.appsListingInteractionCode {
      findings.append(
        finding(
          app.grantTypesPointer,
          "app \"\(app.label)\" lists interaction_code while the org setting is off"))
    }
    for (server, _, rule) in model.allRules where rule.allowsInteractionCode {
      findings.append(
        finding(
          rule.grantTypesPointer,
          "rule \"\(rule.name)\" of server \"\(server.name)\" lists interaction_code while the "
            + "org setting is off"))
    }
    return findings
  }
}
