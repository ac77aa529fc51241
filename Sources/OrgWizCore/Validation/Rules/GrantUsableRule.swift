import OrgWizJSON

/// The Interaction Code grant's type, in examples.
private let ic = Grants.interactionCode.type

/// An app that lists the grant should be able to use it on a custom server.
struct GrantUsableRule: ValidationRule {
  static let descriptor = RuleDescriptor(
    id: "grant-usable", severity: .warning, title: "Apps with the grant can use it",
    rationale:
      "For a custom authorization server Okta requires both the app and a rule of the server to "
      + "allow a grant (for \(ic), the example below). An app that lists a grant while no rule "
      + "of any active custom server would serve it gets access_denied (no_matching_policy) from "
      + "them, and can use the grant only against the Org Authorization Server. Checked for the "
      + "grants with an org-wide setting, once it is on (\(ic)); for another grant the change "
      + "record's simulation of the chosen app says whether a rule serves it.",
    examples: [
      .passes(
        "Acme Mobile and the rule \"Mobile sign-in\" that serves it both list \(ic)",
        edits: [
          ExampleOrg.setting: true,
          ExampleOrg.mobileGrants: ["authorization_code", .string(ic)],
          ExampleOrg.mobileRuleGrants: ["authorization_code", .string(ic)],
        ]),
      .passes(
        "an org with no custom server: the Org Authorization Server needs only the setting and "
          + "the app's grant",
        edits: [
          ExampleOrg.setting: true, .root / "authorizationServers": [],
          ExampleOrg.mobileGrants: ["authorization_code", .string(ic)],
        ]),
      .fails(
        "Acme Mobile lists \(ic) but no rule of api or partners allows it",
        edits: [
          ExampleOrg.setting: true,
          ExampleOrg.mobileGrants: ["authorization_code", .string(ic)],
        ],
        at: ExampleOrg.mobileGrants),
      .fails(
        "only the inactive rule \"Testers, long sessions\" would serve Acme Mobile the grant",
        edits: [
          ExampleOrg.setting: true,
          ExampleOrg.mobileGrants: ["authorization_code", .string(ic)],
          ExampleOrg.mobilePolicy / "rules" / 1 / "conditions" / "grantTypes" / "include": [
            "authorization_code", .string(ic),
          ],
        ],
        at: ExampleOrg.mobileGrants),
      .passes(
        "the rule that serves Acme Mobile the grant is limited to the group Mobile Testers: "
          + "simulate allows their requests, so the app is served",
        edits: [
          ExampleOrg.setting: true,
          ExampleOrg.mobileGrants: ["authorization_code", .string(ic)],
          ExampleOrg.mobileRuleGrants: ["authorization_code", .string(ic)],
          ExampleOrg.mobileRule / "conditions" / "people" / "groups" / "include": ["00g2mob"],
        ]),
      .fails(
        "the only rule with the grant excludes everyone it includes",
        edits: [
          ExampleOrg.setting: true,
          ExampleOrg.mobileGrants: ["authorization_code", .string(ic)],
          ExampleOrg.mobileRuleGrants: ["authorization_code", .string(ic)],
          ExampleOrg.mobileRule / "conditions" / "people" / "groups": [
            "include": ["00g2mob"], "exclude": ["00g2mob"],
          ],
        ],
        at: ExampleOrg.mobileGrants),
    ])

  func check(_ model: OrgModel) -> [Finding] {
    guard !model.servers.isEmpty else { return [] }
    // The grants with an org-wide switch (Interaction Code), once it is on: an org's 20,000
    // apps all list authorization_code, and walking every grant's apps through every server
    // after each step cost a quarter of a second a prompt (scripts/bench) to say what the
    // record's simulation of the chosen app already says.
    return Grants.switched.filter(model.switchAllows).flatMap { check($0, in: model) }
  }

  private func check(_ grant: GrantFacts, in model: OrgModel) -> [Finding] {
    let activeServers = model.servers.filter { $0.isActive && $0.uses(grant) }
    // An app that cannot use the grant at all (a service app) is grant-app-type's finding.
    return model.appsUsing(grant).filter { $0.refusal(for: grant) == nil }.compactMap { app in
      guard app.isActive else {
        return finding(
          app.grantTypesPointer,
          "app \"\(app.label)\" lists \(grant.type) but is \(app.status); an app that is not "
            + "ACTIVE is served nothing")
      }
      // The same evaluation as `simulate`, asked whether some user would be served: a rule
      // limited to groups serves their members.
      let served = activeServers.contains { server in
        TokenEvaluator.pairServingSomeone(
          app: app, server: server, grant: grant.type, in: model) != nil
      }
      guard !served else { return nil }
      let fallback =
        grant.orgServer
        ? "it works only with the Org Authorization Server (expected when that is the server "
          + "the app uses)"
        : "and the Org Authorization Server does not serve it, so no server does"
      return finding(
        app.grantTypesPointer,
        "app \"\(app.label)\" lists \(grant.type) but no rule of an active custom server "
          + "serves it; \(fallback)")
    }
  }
}
