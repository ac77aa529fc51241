import OrgWizJSON

/// Grant types are values of the Management API's `GrantType`.
struct KnownGrantTypesRule: ValidationRule {
  static let descriptor = RuleDescriptor(
    id: "known-grant-types", severity: .warning, title: "Grant types are Okta grant types",
    rationale:
      "Okta's Management API accepts only GrantType values in an app's grant_types and a rule's "
      + "grantTypes.include. A misspelt grant type never matches a token request, so evaluation "
      + "silently ignores it and the app or rule allows less than it seems to.",
    examples: [
      .passes(
        "Acme Mobile lists the device authorization grant by its URN",
        edits: [
          ExampleOrg.mobileGrants: [
            "authorization_code", "urn:ietf:params:oauth:grant-type:device_code",
          ]
        ]),
      .fails(
        "Acme Mobile lists \"authorisation_code\"",
        edits: [ExampleOrg.mobileGrants: ["authorisation_code"]], at: ExampleOrg.mobileGrants / 0),
      .fails(
        "the rule \"Mobile sign-in\" lists \"Interaction_Code\" (grant types are case-sensitive)",
        edits: [ExampleOrg.mobileRuleGrants: ["authorization_code", "Interaction_Code"]],
        at: ExampleOrg.mobileRuleGrants / 1),
    ])

  /// What the check reads (through the typed views); see ``ValidationRule/reads``.
  static let reads: [ModelRead]? = [
    "/apps/*/settings/oauthClient/grant_types",
    "/authorizationServers/*/policies/*/rules/*/conditions/grantTypes/include",
  ]

  func check(_ model: OrgModel) -> [Finding] {
    let known = Set(Okta.grantTypes)
    var findings: [Finding] = []
    // Apps and rules are read in place, not copied one by one (see OrgModel.listings).
    let apps = model.apps
    for app in apps.indices {
      for (index, grant) in apps[app].grantTypes.enumerated() where !known.contains(grant) {
        findings.append(
          finding(apps[app].grantTypesPointer / index, "unknown grant type \"\(grant)\""))
      }
    }
    for server in model.servers {
      for policy in server.policies {
        let rules = policy.rules
        for rule in rules.indices {
          for (index, grant) in rules[rule].grantTypes.enumerated() where !known.contains(grant) {
            findings.append(
              finding(rules[rule].grantTypesPointer / index, "unknown grant type \"\(grant)\""))
          }
        }
      }
    }
    return findings
  }
}
