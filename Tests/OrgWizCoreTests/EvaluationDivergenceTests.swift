import OrgWizCore
import OrgWizJSON
import OrgWizTestSupport
import Testing

/// Divergences between orgwiz's evaluation and Okta's, each with the Okta source it follows.
@Suite struct EvaluationDivergenceTests {
  static let setting =
    JSONPointer.root / "settings" / "embeddedWidgetSignInSupport" / "interactionCode"
  static let api = JSONPointer.root / "authorizationServers" / 0
  /// "Mobile sign-in" (0pr2mob) of "Mobile Apps" (00p2mob) on "api".
  static let mobileRule = api / "policies" / 1 / "rules" / 0
  static let defaultRule = api / "policies" / 0 / "rules" / 0
  static let mobileGrants =
    JSONPointer.root / "apps" / 0 / "settings" / "oauthClient"
    / "grant_types"

  func explain(
    _ model: OrgModel, app: String = "0oa1mob", server: String = "aus1api", grant: String,
    scopes: [String] = [], groups: [String] = [], user: String? = nil
  ) throws -> TokenEvaluation {
    let app = try #require(model.app(id: app))
    let server = try #require(model.server(id: server))
    return TokenEvaluator.explain(
      app: app, server: server,
      request: TokenRequest(
        appID: app.id, serverID: server.id, grant: grant, scopes: scopes, groups: groups,
        userID: user),
      in: model)
  }

  // Okta AuthorizationServerPolicyRule `conditions.people.groups.exclude` /
  // `people.users.exclude` (management-openapi.yaml, org-model.md semantics 8): exclude wins.
  @Test func oktaPeopleGroupsExcludeWinsOverInclude() throws {
    let model = try Fixtures.exampleModel(edits: [
      Self.mobileRule / "conditions" / "people" / "groups" / "exclude": ["00g2mob"]
    ])
    let evaluation = try explain(model, grant: "authorization_code", groups: ["00g2mob"])
    // Mobile sign-in excludes the user's group; Default Policy Rule serves them instead.
    guard case .allowed(let policy, let rule) = evaluation.outcome else {
      Issue.record("expected the next policy to serve")
      return
    }
    #expect(policy.id == "00p1def")
    #expect(rule.id == "0pr1def")
    #expect(evaluation.trace.contains { $0.ruleID == "0pr2mob" && $0.reasons == [.userExcluded] })
    // A user outside the group is still served by Mobile sign-in.
    guard case .allowed(_, let other) = try explain(model, grant: "authorization_code").outcome
    else {
      Issue.record("expected allowed")
      return
    }
    #expect(other.id == "0pr2mob")
  }

  @Test func oktaPeopleUsersExcludeWinsOverInclude() throws {
    let model = try Fixtures.exampleModel(edits: [
      Self.mobileRule / "conditions" / "people" / "users": [
        "include": ["00u9"], "exclude": ["00u9"],
      ],
      Self.mobileRule / "conditions" / "people" / "groups" / "include": [],
      Self.defaultRule / "conditions" / "people" / "users" / "exclude": ["00u9"],
    ])
    let evaluation = try explain(model, grant: "authorization_code", user: "00u9")
    #expect(evaluation.outcome == .accessDenied)
  }

  // org-model.md semantics 9: the default pair uses the same evaluation, exclusions included.
  @Test func defaultPairSkipsARuleThatExcludesSomePeople() throws {
    let model = try Fixtures.exampleModel(edits: [
      Self.mobileRule / "conditions" / "people" / "groups" / "exclude": ["00g2mob"]
    ])
    let app = try #require(model.app(id: "0oa1mob"))
    let server = try #require(model.server(id: "aus1api"))
    let pair = try #require(TokenEvaluator.servingPair(app: app, server: server))
    // Mobile sign-in no longer serves everyone: Default Policy Rule does.
    #expect(pair.rule.id == "0pr1def")
  }

  // org-model.md semantics 8: "An app or a server that is not ACTIVE serves nothing."
  @Test func oktaInactiveAppIsServedNothing() throws {
    let model = try Fixtures.exampleModel(edits: [
      JSONPointer.root / "apps" / 0 / "status": "INACTIVE"
    ])
    let evaluation = try explain(model, grant: "authorization_code")
    #expect(!evaluation.outcome.isAllowed)
    #expect(evaluation.outcome == .notActive(.app(label: "Acme Mobile", status: "INACTIVE")))
    #expect(evaluation.outcome.explanation.contains("INACTIVE"))
  }

  @Test func oktaInactiveServerServesNothing() throws {
    let model = try Fixtures.exampleModel(edits: [Self.api / "status": "INACTIVE"])
    let evaluation = try explain(model, grant: "authorization_code")
    #expect(evaluation.outcome == .notActive(.server(name: "api", status: "INACTIVE")))
    #expect(evaluation.outcome.explanation.contains("serves nothing"))
  }

  // Okta's catalogue (shared/reference/okta-oauth-errors.md, release 2026.08.1): an inactive
  // app is invalid_client_id, an inactive server invalid_authorization_server (issue 22, 4).
  @Test func oktaInactiveAppAndServerAnswerWithTheCataloguesWords() throws {
    let app = try explain(
      try Fixtures.exampleModel(edits: [JSONPointer.root / "apps" / 0 / "status": "INACTIVE"]),
      grant: "authorization_code"
    ).outcome
    #expect(app.errorCode == "invalid_client")
    #expect(app.errorDescription == "Invalid value for 'client_id' parameter.")
    #expect(app.oktaInternal == "invalid_client_id")
    let server = try explain(
      try Fixtures.exampleModel(edits: [Self.api / "status": "INACTIVE"]),
      grant: "authorization_code"
    ).outcome
    #expect(server.errorCode == "invalid_request")
    #expect(server.errorDescription == "The authorization server id is invalid.")
    #expect(server.oktaInternal == "invalid_authorization_server")
  }

  // openid_not_allowed_client_creds: "Cannot request 'openid' scopes using client
  // credentials.", on a custom server and on the Org Authorization Server.
  @Test func oktaRefusesOpenIDWithClientCredentials() throws {
    let model = try Fixtures.exampleModel(edits: [
      Self.defaultRule / "conditions" / "scopes" / "include": ["*"]
    ])
    let custom = try explain(
      model, app: "0oa3rpt", grant: "client_credentials", scopes: ["openid", "reports"])
    #expect(custom.outcome == .openIDWithClientCredentials)
    #expect(custom.outcome.errorCode == "invalid_scope")
    #expect(
      custom.outcome.errorDescription == "Cannot request 'openid' scopes using client credentials.")
    #expect(try explain(model, app: "0oa3rpt", grant: "client_credentials").outcome.isAllowed)
    let service = try #require(model.app(id: "0oa3rpt"))
    let org = TokenEvaluator.explainOrgServer(
      app: service,
      request: TokenRequest(
        appID: service.id, serverID: Okta.orgAuthorizationServer, grant: "client_credentials",
        scopes: ["openid", "okta.users.read"]),
      in: model)
    #expect(org.outcome == .openIDWithClientCredentials)
  }

  // invalid_application_type_client_credentials: only a service app may use
  // client_credentials with the Org Authorization Server.
  @Test func oktaRefusesAWebAppClientCredentialsOnTheOrgServer() throws {
    let model = try Fixtures.exampleModel(edits: [
      JSONPointer.root / "apps" / 1 / "settings" / "oauthClient" / "grant_types": [
        "authorization_code", "client_credentials",
      ]
    ])
    let web = try #require(model.app(id: "0oa2web"))
    let outcome = TokenEvaluator.explainOrgServer(
      app: web,
      request: TokenRequest(
        appID: web.id, serverID: Okta.orgAuthorizationServer, grant: "client_credentials",
        scopes: ["okta.users.read"]),
      in: model
    ).outcome
    #expect(outcome == .clientCredentialsNeedsServiceApp(applicationType: "web"))
    #expect(outcome.errorCode == "invalid_client")
    #expect(
      outcome.errorDescription
        == "Only clients with 'application_type' of 'service' may use the client_credentials "
        + "'grant_type' with the Org Authorization Server.")
  }

  // Okta's token endpoint error for a grant the client lacks: "The client is not authorized to
  // use the provided grant type. Configured grant types: [...]" (org-model.md semantics 8).
  @Test func oktaUnauthorizedClientNamesConfiguredGrantTypes() throws {
    let model = try Fixtures.exampleModel()
    let outcome = try explain(model, app: "0oa2web", grant: "client_credentials").outcome
    #expect(
      outcome.errorDescription
        == "The client is not authorized to use the provided grant type. Configured grant "
        + "types: [authorization_code].")
  }

  // org-model.md semantics 11: each policy and rule tried, in order, and why.
  @Test func denialExplainsEachPolicyAndRuleInOrder() throws {
    let model = try Fixtures.exampleModel()
    let evaluation = try explain(model, grant: "refresh_token", scopes: ["email"])
    #expect(evaluation.outcome == .accessDenied)
    let tried = evaluation.trace.map { ($0.ruleID ?? $0.policyID, $0.reasons) }
    #expect(tried.map(\.0) == ["00p2mob", "0pr2mob", "0pr3tst", "00p1def", "0pr1def"])
    #expect(tried[0].1 == [])
    #expect(tried[1].1 == [.grantNotIncluded, .scopeNotIncluded])
    #expect(tried[2].1 == [.notActive])
    #expect(tried[4].1 == [.grantNotIncluded])
    let lines = evaluation.lines
    #expect(lines.contains { $0.contains("Testers, long sessions") && $0.contains("not ACTIVE") })
    // A policy that does not hold the client says so.
    let web = try explain(model, app: "0oa2web", grant: "authorization_code", groups: ["00g1eng"])
    #expect(web.trace.first?.reasons == [.clientNotIncluded])
    let restricted = try Fixtures.exampleModel(edits: [
      Self.defaultRule / "conditions" / "people" / "groups" / "include": ["00g1eng"]
    ])
    let outsider = try explain(restricted, app: "0oa2web", grant: "authorization_code")
    #expect(outsider.trace.last?.reasons == [.userNotIncluded])
  }

  // Okta answers a scope the server does not define with invalid_scope (GET
  // /api/v1/authorizationServers/{id}/scopes lists the scopes a server defines).
  @Test func oktaUndefinedScopeIsInvalidScopeWhenTheModelHasTheServersScopes() throws {
    let scoped = try Fixtures.exampleModel(edits: [
      Self.api / "scopes": [["name": "openid"], ["name": "profile"], ["name": "offline_access"]]
    ])
    let outcome = try explain(scoped, grant: "authorization_code", scopes: ["openid", "orders"])
      .outcome
    #expect(outcome == .invalidScope(undefined: ["orders"]))
    #expect(outcome.errorCode == "invalid_scope")
    #expect(try explain(scoped, grant: "authorization_code", scopes: ["openid"]).outcome.isAllowed)
    // Without the server's scopes the model cannot tell: evaluation goes on to the rules.
    let unscoped = try Fixtures.exampleModel()
    #expect(
      try explain(unscoped, grant: "authorization_code", scopes: ["openid", "orders"]).outcome
        .isAllowed)
  }

  // GET /api/v1/users/{id}/roles returns role objects with `type`; its discriminator mapping
  // has MOBILE_ADMIN, which the RoleType enum lacks.
  @Test func oktaRoleObjectsAreReadAsTheirTypes() throws {
    let model = try Fixtures.exampleModel(edits: [
      JSONPointer.root / "admins" / 1 / "roles": [
        ["id": "ra1", "type": "SUPER_ADMIN", "status": "ACTIVE"], ["type": "MOBILE_ADMIN"],
      ]
    ])
    #expect(model.admins[1].roles == ["SUPER_ADMIN", "MOBILE_ADMIN"])
    #expect(model.admins[1].isSuperAdmin)
    let report = ValidationRegistry.validate(model)
    #expect(!report.findings.contains { $0.ruleID == "known-roles" })
  }
}

/// `check`'s grant-usable warning and `simulate` use one evaluation (issue item 3).
@Suite struct CheckSimulateAgreementTests {
  static let mobileRule = EvaluationDivergenceTests.mobileRule

  func models() throws -> [OrgModel] {
    let base: [JSONPointer: JSONValue] = [
      EvaluationDivergenceTests.setting: true,
      EvaluationDivergenceTests.mobileGrants: ["authorization_code", "interaction_code"],
      Self.mobileRule / "conditions" / "grantTypes" / "include": [
        "authorization_code", "interaction_code",
      ],
    ]
    let people = Self.mobileRule / "conditions" / "people"
    let variants: [[JSONPointer: JSONValue]] = [
      [:],
      [people / "groups" / "include": ["00g2mob"]],
      [people / "groups": ["include": ["00g2mob"], "exclude": ["00g2mob"]]],
      [people / "groups" / "exclude": ["00g1eng"]],
      [people: ["users": ["include": ["00u7"]]]],
      [people: ["users": ["include": ["00u7"], "exclude": ["00u7"]]]],
      [Self.mobileRule / "status": "INACTIVE"],
      [JSONPointer.root / "apps" / 0 / "status": "INACTIVE"],
    ]
    return try variants.map { variant in
      try Fixtures.exampleModel(edits: base.merging(variant) { $1 })
    }
  }

  @Test func checkWarnsExactlyWhenSimulateDeniesEveryUser() throws {
    for model in try models() {
      let app = try #require(model.app(id: "0oa1mob"))
      let warned = ValidationRegistry.validate(model).findings.contains {
        $0.ruleID == "grant-usable"
      }
      // Every user simulate could be asked about: each group and user the model's rules name,
      // alone, and nobody in particular.
      let groups = Set(model.allRules.flatMap { $0.rule.groupsInclude + $0.rule.groupsExclude })
      let users = Set(model.allRules.flatMap { $0.rule.usersInclude + $0.rule.usersExclude })
      var requests = [TokenRequest(appID: app.id, serverID: "", grant: "interaction_code")]
      requests += groups.map {
        TokenRequest(appID: app.id, serverID: "", grant: "interaction_code", groups: [$0])
      }
      requests += users.map {
        TokenRequest(appID: app.id, serverID: "", grant: "interaction_code", userID: $0)
      }
      let allowedSomewhere = model.servers.contains { server in
        requests.contains { request in
          TokenEvaluator.evaluate(app: app, server: server, request: request, in: model).isAllowed
        }
      }
      #expect(warned == !allowedSomewhere, "model \(model.servers[0].policies[1].rules[0])")
    }
  }
}
