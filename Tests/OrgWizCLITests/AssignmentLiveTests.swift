import Foundation
import OrgWizCore
import OrgWizJSON
import OrgWizTestSupport
import Testing

/// Who may sign in (issue 22, point 5): `pull` reads the group assignments of the apps a run can
/// touch (`GET /api/v1/apps/{appId}/groups`), and `simulate --user/--group` refuses a user in
/// none of them as Okta does: `access_denied`, "User is not assigned to the client
/// application." (catalogue: user_not_assigned, `shared/reference/okta-oauth-errors.md`).
@Suite(.serialized) struct AssignmentLiveTests {
  /// The example org with Acme Mobile assigned to the group 00g2mob only; the fake answers
  /// every other app's assignments as none.
  static func assignedModel() throws -> JSONValue {
    var model = try JSONParser.parse(
      Array(try #require(FileManager.default.contents(atPath: Fixtures.exampleOrgPath))))
    guard case .object(var root) = model else { throw CancellationError() }
    root["appGroupAssignments"] = .object(
      JSONObject([("0oa1mob", .array([.object(JSONObject([("id", .string("00g2mob"))]))]))]))
    model = .object(root)
    return model
  }

  static let request = [
    "simulate", "--app", "Acme Mobile", "--server", "api", "--grant", "authorization_code",
  ]

  @Test func pullReadsAssignmentsAndSimulateRefusesAUserWhoIsNotAssigned() async throws {
    let okta = try await FakeOkta.start(model: .json(Self.assignedModel()))
    defer { okta.stop() }
    let place = try LiveOrgTests.Place(okta)
    defer { place.directory.remove() }
    let pulled = try place.pull(["--embedded-widget", "on"])
    #expect(pulled.status == 0, "\(pulled.stderr)")

    // Read only for the OIDC apps that can use the grant (native, browser, web), paged.
    let reads = try await okta.requests().filter {
      $0.path.hasPrefix("/api/v1/apps/") && $0.path.hasSuffix("/groups")
    }
    #expect(
      Set(reads.map(\.path)) == [
        "/api/v1/apps/0oa1mob/groups", "/api/v1/apps/0oa2web/groups", "/api/v1/apps/0oa5tv/groups",
      ])
    #expect(reads.allSatisfy { $0.query["expand"] == ["group"] })
    // The Trusted Origins are read too (point 6), into the model's trustedOrigins.
    #expect(try await okta.requests().contains { $0.path == "/api/v1/trustedOrigins" })
    #expect(
      try place.model()["trustedOrigins"]?.arrayValue != nil, "no trustedOrigins in the model")
    let model = try place.model()
    let held = try #require(model["appGroupAssignments"]?.objectValue)
    #expect(held.members.map(\.key) == ["0oa1mob", "0oa2web", "0oa5tv"])
    #expect(held["0oa1mob"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == ["00g2mob"])
    #expect(held["0oa2web"]?.arrayValue?.isEmpty == true)

    // In none of the app's groups: Okta's words, exit 1.
    let refused = try place.orgwiz(Self.request + ["--group", "00g1eng"])
    #expect(refused.status == 1)
    #expect(
      refused.stdout.contains(
        "access_denied: User is not assigned to the client application."), "\(refused.stdout)")
    let json = try place.orgwiz(Self.request + ["--group", "00g1eng", "--json"])
    let answer = try JSONParser.parse(Array(json.stdout.utf8))
    #expect(answer["error"] == "access_denied")
    #expect(answer["oktaInternal"] == "user_not_assigned")
    #expect(answer["errorDescription"] == "User is not assigned to the client application.")
    #expect(answer["assignment"] == "not-assigned")

    // In the assigned group: the rules decide, and the output says how the user is assigned.
    let allowed = try place.orgwiz(Self.request + ["--group", "00g2mob"])
    #expect(allowed.status == 0, "\(allowed.stdout)")
    #expect(allowed.stdout.contains("assigned the app through group 00g2mob"))

    try await LiveOrgTests().expectConforming(okta)
  }

  @Test func aModelWithoutAssignmentsSaysAssignmentWasNotChecked() throws {
    // The bundled example predates assignments: nothing is claimed about them.
    let place = try TemporaryDirectory()
    defer { place.remove() }
    let run = try BoundedRun.orgwiz(
      Self.request + ["--example", "--group", "00g1eng"], in: place.path, seconds: 60)
    #expect(run.status == 0, "\(run.stdout)")
    #expect(run.stdout.contains("app assignment not checked"), "\(run.stdout)")
    #expect(!run.stdout.contains("not assigned to the client application"))
  }
}
