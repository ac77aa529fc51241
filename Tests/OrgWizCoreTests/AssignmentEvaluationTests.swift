import OrgWizCore
import OrgWizJSON
import OrgWizTestSupport
import Testing

/// Who may sign in (issue 22, point 5). Okta refuses a user who is not assigned the app:
/// `access_denied`, "User is not assigned to the client application." (catalogue:
/// user_not_assigned, `shared/reference/okta-oauth-errors.md`, release 2026.08.1). The model
/// holds the app's group assignments (`appGroupAssignments`, `GET /api/v1/apps/{appId}/groups`).
@Suite struct AssignmentEvaluationTests {
  static let assignments = JSONPointer.root / "appGroupAssignments"

  /// The example with Acme Mobile assigned to the group 00g2mob only.
  static func model(_ assigned: JSONValue = [["id": "00g2mob"]]) throws -> OrgModel {
    try Fixtures.exampleModel(edits: [assignments: ["0oa1mob": assigned]])
  }

  func evaluate(
    _ model: OrgModel, server: String? = "aus1api", groups: [String] = [], user: String? = nil
  ) throws -> TokenOutcome {
    let app = try #require(model.app(id: "0oa1mob"))
    let request = TokenRequest(
      appID: app.id, serverID: server ?? Okta.orgAuthorizationServer,
      grant: "authorization_code", groups: groups, userID: user)
    if let server {
      return TokenEvaluator.explain(
        app: app, server: try #require(model.server(id: server)), request: request, in: model
      ).outcome
    }
    return TokenEvaluator.explainOrgServer(app: app, request: request, in: model).outcome
  }

  @Test func aUserInNoneOfTheAssignedGroupsGetsOktasWords() throws {
    let model = try Self.model()
    for server in ["aus1api", nil] {
      let outcome = try evaluate(model, server: server, groups: ["00g1eng"])
      #expect(!outcome.isAllowed)
      #expect(outcome.errorCode == "access_denied")
      #expect(outcome.oktaInternal == "user_not_assigned")
      #expect(outcome.errorDescription == "User is not assigned to the client application.")
      // A user named only by id is in the groups given: none.
      #expect(try evaluate(model, server: server, user: "00u9").oktaInternal == "user_not_assigned")
    }
  }

  @Test func aUserInAnAssignedGroupIsLeftToThePolicies() throws {
    let model = try Self.model()
    #expect(try evaluate(model, groups: ["00g2mob"]).isAllowed)
    #expect(try evaluate(model, server: nil, groups: ["00g1eng", "00g2mob"]).isAllowed)
  }

  @Test func theEveryoneGroupAssignsEveryUser() throws {
    // expand=group embeds the group; Okta's Everyone group is of type BUILT_IN.
    let model = try Self.model([
      ["id": "00g0all", "_embedded": ["group": ["id": "00g0all", "type": "BUILT_IN"]]]
    ])
    #expect(try evaluate(model, groups: ["00g1eng"]).isAllowed)
  }

  @Test func withoutAssignmentsOrAPersonNothingIsClaimed() throws {
    // An older model: no appGroupAssignments member, so assignment is not checked.
    let old = try Fixtures.exampleModel()
    let app = try #require(old.app(id: "0oa1mob"))
    let evaluation = TokenEvaluator.explain(
      app: app, server: try #require(old.server(id: "aus1api")),
      request: TokenRequest(
        appID: app.id, serverID: "aus1api", grant: "authorization_code", groups: ["00g1eng"]),
      in: old)
    #expect(evaluation.outcome.isAllowed)
    #expect(evaluation.lines.contains { $0.hasPrefix("app assignment not checked") })
    // Another app than the one whose assignments the model holds: not checked either.
    let model = try Self.model()
    let web = try #require(model.app(id: "0oa2web"))
    let other = TokenEvaluator.explain(
      app: web, server: try #require(model.server(id: "aus1api")),
      request: TokenRequest(
        appID: web.id, serverID: "aus1api", grant: "authorization_code", groups: ["00g1eng"]),
      in: model)
    #expect(other.outcome.oktaInternal != "user_not_assigned")
    // No user and no group named: nobody to ask about.
    #expect(try evaluate(model).oktaInternal != "user_not_assigned")
  }
}
