import OrgWizJSON

/// Grant types are values of the Management API's `GrantType`.
struct KnownGrantTypesRule: ValidationRule {
  let id = "known-grant-types"
  let title = "Grant types are Okta grant types"
  let rationale =
    "A misspelt grant type is silently ignored by evaluation; the lists must hold GrantType "
    + "values of the Management API."
  let severity = Finding.Severity.warning

  func check(_ model: OrgModel) -> [Finding] {
    let known = Set(Okta.grantTypes)
    var findings: [Finding] = []
    for app in model.apps {
      for (index, grant) in app.grantTypes.enumerated() where !known.contains(grant) {
        findings.append(finding(app.grantTypesPointer / index, "unknown grant type \"\(grant)\""))
      }
    }
    for server in model.servers {
      for policy in server.policies {
        for rule in policy.rules {
          for (index, grant) in rule.grantTypes.enumerated() where !known.contains(grant) {
            findings.append(
              finding(rule.grantTypesPointer / index, "unknown grant type \"\(grant)\""))
          }
        }
      }
    }
    return findings
  }
}
