import OrgWizCore
import OrgWizJSON
import OrgWizTestSupport
import Testing

@Suite struct EvaluationTests {
  let on: [JSONPointer: JSONValue] = [
    JSONPointer.root / "settings" / "embeddedWidgetSignInSupport" / "interactionCode": true
  ]

  func outcome(
    _ model: OrgModel, app: String, server: String = "aus1api", grant: String,
    scopes: [String] = [], groups: [String] = [], user: String? = nil
  ) throws -> TokenOutcome {
    let app = try #require(model.app(id: app))
    let server = try #require(model.server(id: server))
    return TokenEvaluator.evaluate(
      app: app, server: server,
      request: TokenRequest(
        appID: app.id, serverID: server.id, grant: grant, scopes: scopes, groups: groups,
        userID: user),
      in: model)
  }

  @Test func appWithoutTheGrantIsUnauthorizedClient() throws {
    let model = try Fixtures.exampleModel(edits: on)
    let result = try outcome(model, app: "0oa2web", grant: "client_credentials")
    #expect(
      result
        == .unauthorizedClient(
          appGrantTypes: ["authorization_code"], reason: .appLacksGrant, grant: "client_credentials"
        ))
    #expect(result.errorCode == "unauthorized_client")
    #expect(
      result.errorDescription
        == "The client is not authorized to use the provided grant type. Configured grant types: "
        + "[authorization_code].")
  }

  @Test func interactionCodeWhileTheSettingIsOffIsUnauthorizedClient() throws {
    let model = try Fixtures.exampleModel(edits: [
      JSONPointer.root / "apps" / 0 / "settings" / "oauthClient" / "grant_types": [
        "interaction_code"
      ]
    ])
    let result = try outcome(model, app: "0oa1mob", grant: "interaction_code")
    #expect(result.errorCode == "unauthorized_client")
    #expect(result.explanation.contains("setting is off"))
  }

  @Test func appSpecificPolicyWithHigherPriorityWins() throws {
    let model = try Fixtures.exampleModel()
    guard
      case .allowed(let policy, let rule) = try outcome(
        model, app: "0oa1mob", grant: "authorization_code")
    else {
      Issue.record("expected allowed")
      return
    }
    #expect(policy.name == "Mobile Apps")
    #expect(rule.name == "Mobile sign-in")
  }

  @Test func whenNoRuleOfAnApplyingPolicyMatchesTheNextPolicyIsTried() throws {
    let model = try Fixtures.exampleModel()
    // Mobile Apps applies but its active rule lacks client_credentials: Default Policy serves.
    let app = JSONPointer.root / "apps" / 0 / "settings" / "oauthClient" / "grant_types"
    let withGrant = try Fixtures.exampleModel(edits: [
      app: ["authorization_code", "client_credentials"]
    ])
    guard
      case .allowed(let policy, let rule) = try outcome(
        withGrant, app: "0oa1mob", grant: "client_credentials")
    else {
      Issue.record("expected allowed by the next policy")
      return
    }
    #expect(policy.name == "Default Policy")
    #expect(rule.name == "Default Policy Rule")
    _ = model
  }

  @Test func noMatchingPairIsAccessDenied() throws {
    let model = try Fixtures.exampleModel()
    let result = try outcome(model, app: "0oa1mob", grant: "refresh_token")
    #expect(result == .accessDenied)
    #expect(result.errorCode == "access_denied")
    #expect(
      result.errorDescription
        == "Policy evaluation failed for this request, please check the policy configurations.")
    #expect(result.explanation.contains("no_matching_policy"))
  }

  @Test func scopesMustAllBeHeldUnlessTheRuleHasAStar() throws {
    let model = try Fixtures.exampleModel()
    #expect(
      try outcome(
        model, app: "0oa1mob", grant: "authorization_code", scopes: ["openid", "profile"]
      ).isAllowed)
    // Mobile sign-in lacks "email": evaluation moves on to Default Policy, whose rule has "*".
    guard
      case .allowed(let policy, _) = try outcome(
        model, app: "0oa1mob", grant: "authorization_code", scopes: ["openid", "email"])
    else {
      Issue.record("expected allowed")
      return
    }
    #expect(policy.name == "Default Policy")
  }

  @Test func peopleConditionMatchesGroupsUsersAndEveryone() throws {
    let rulePath = JSONPointer.root / "authorizationServers" / 1 / "policies" / 0 / "rules" / 0
    let groups = rulePath / "conditions" / "people" / "groups" / "include"
    let users = rulePath / "conditions" / "people" / "users" / "include"
    let service = "0oa3rpt"
    let restricted = try Fixtures.exampleModel(edits: [groups: ["00g1eng"], users: ["00u9"]])
    #expect(
      try !outcome(restricted, app: service, server: "aus2prt", grant: "client_credentials")
        .isAllowed)
    #expect(
      try outcome(
        restricted, app: service, server: "aus2prt", grant: "client_credentials",
        groups: ["00g1eng"]
      ).isAllowed)
    #expect(
      try outcome(
        restricted, app: service, server: "aus2prt", grant: "client_credentials", user: "00u9"
      ).isAllowed)
    let open = try Fixtures.exampleModel(edits: [groups: [], users: []])
    #expect(
      try outcome(open, app: service, server: "aus2prt", grant: "client_credentials").isAllowed)
  }

  @Test func inactivePoliciesAndRulesAreSkipped() throws {
    let policy = JSONPointer.root / "authorizationServers" / 1 / "policies" / 0
    let model = try Fixtures.exampleModel(edits: [policy / "status": "INACTIVE"])
    #expect(
      try outcome(model, app: "0oa3rpt", server: "aus2prt", grant: "client_credentials")
        == .accessDenied)
  }
}

@Suite struct EngineAndCountEvaluationTests {
  @Test func interactionCodeOnAClassicOrgIsUnauthorizedClient() throws {
    let model = try Fixtures.exampleModel(edits: [
      JSONPointer.root / "org" / "engine": "classic",
      JSONPointer.root / "settings" / "embeddedWidgetSignInSupport" / "interactionCode": true,
      JSONPointer.root / "apps" / 1 / "settings" / "oauthClient" / "grant_types": [
        "interaction_code"
      ],
      JSONPointer.root / "authorizationServers" / 0 / "policies" / 0 / "rules" / 0 / "conditions"
        / "grantTypes" / "include": ["interaction_code"],
    ])
    let app = try #require(model.app(id: "0oa2web"))
    let server = try #require(model.server(id: "aus1api"))
    let outcome = TokenEvaluator.evaluate(
      app: app, server: server,
      request: TokenRequest(appID: app.id, serverID: server.id, grant: "interaction_code"),
      in: model)
    #expect(
      outcome
        == .unauthorizedClient(
          appGrantTypes: ["interaction_code"], reason: .classicEngine, grant: "interaction_code"))
    #expect(outcome.explanation.contains("Classic Engine"))
  }

  @Test func onlyOpenIDConnectAppsCountAsUsingTheGrant() throws {
    let model = try Fixtures.exampleModel(edits: [
      JSONPointer.root / "apps" / 3 / "settings" / "oauthClient" / "grant_types": [
        "interaction_code"
      ],
      JSONPointer.root / "apps" / 0 / "settings" / "oauthClient" / "grant_types": [
        "interaction_code"
      ],
    ])
    #expect(model.appsUsing(Grants.interactionCode).map(\.id) == ["0oa1mob"])
    // Turning the setting off still strips every app that lists it, whatever it is.
    #expect(model.appsListing(Grants.interactionCode).map(\.id) == ["0oa1mob", "0oa4hr"])
  }
}
