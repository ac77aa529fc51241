import Foundation
import OrgWizCore
import OrgWizJSON
import OrgWizTestSupport
import Testing

/// `orgwiz verify` and `apply --verify`, driven through the built binary against the fake Okta,
/// which answers `/v1/interact` and `/idp/idx/introspect` with the catalogue's texts
/// (`../shared/reference/okta-oauth-errors.md`) and flags any Management credential sent there.
@Suite(.serialized) struct VerifyTests {
  typealias Place = LiveOrgTests.Place

  /// A fake org with the setting on, pulled into the place's model (see
  /// ``LiveOrgTests/afterThePull(interactionCode:_:)``); no Management credential may reach
  /// the app's own endpoints.
  func pulled(_ body: (FakeOkta, Place) async throws -> Void) async throws {
    try await LiveOrgTests().afterThePull { okta, place in
      try await body(okta, place)
      // No Management credential ever reaches the app's own endpoints.
      for request in try await okta.requests()
      where request.path.contains("interact") || request.path.contains("/idp/idx/") {
        #expect(
          request.headers["Authorization"] == nil, "\(request.path) carried an Authorization")
      }
    }
  }

  /// Acme Web, the confidential web app, lists the Interaction Code grant in Okta.
  func giveTheWebAppTheGrant(_ okta: FakeOkta) async throws {
    try await okta.drift(
      path: "/api/v1/apps/0oa2web",
      set: [
        "settings.oauthClient.grant_types": .strings(["authorization_code", "interaction_code"])
      ])
  }

  /// `verify --json` with these arguments: its exit status and its result.
  func verify(
    _ place: Place, _ arguments: [String], extra: [String: String] = [:]
  ) throws -> (status: Int32, json: JSONValue, run: BoundedRun) {
    let run = try place.orgwiz(["verify", "--json"] + arguments, extra: extra)
    let json = (try? JSONParser.parse(Array(run.stdout.utf8))) ?? .null
    return (run.status, json, run)
  }

  /// Expects the reason, the exit status that goes with it, and (when Okta refused) the stage.
  func expectReason(
    _ place: Place, _ arguments: [String], _ reason: VerifyReason,
    stage: String? = nil, sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    let (status, json, run) = try verify(place, arguments)
    #expect(
      json["reason"]?.stringValue == reason.rawValue, "\(run.stdout)\n\(run.stderr)",
      sourceLocation: sourceLocation)
    #expect(status == (reason == .ok ? 0 : 1), sourceLocation: sourceLocation)
    #expect(json["works"] == .bool(reason == .ok), sourceLocation: sourceLocation)
    #expect(json["requestIds"]?.arrayValue?.isEmpty == false, sourceLocation: sourceLocation)
    if reason != .ok {
      #expect(json["fix"]?["adminConsole"]?.stringValue != nil, sourceLocation: sourceLocation)
      #expect(
        json["okta"]?["error_description"]?.stringValue != nil, sourceLocation: sourceLocation)
    }
    if let stage {
      #expect(json["okta"]?["stage"]?.stringValue == stage, sourceLocation: sourceLocation)
    }
  }

  func oauthFault(_ okta: FakeOkta, _ name: String) async throws {
    try await okta.control(
      "POST", "/__fake/faults",
      body: .object([
        "path": "/v1/interact$", "kind": "oauth", "internal": .string(name),
      ]))
  }

  static let mobile = ["--app", "Acme Mobile"]
  static let orgServer = ["--server", "org-authorization-server"]
  static let api = ["--server", "api"]

  // Every reason of the contract's table, each from the org the fake holds (or, for PKCE and
  // "other", a catalogue answer the fake is told to give).
  @Test func everyReasonOfTheTable() async throws {
    try await pulled { okta, place in
      try expectReason(place, Self.mobile + Self.orgServer, .appLacksGrant)
      try await okta.drift(
        path: "/api/v1/apps/0oa1mob",
        set: [
          "settings.oauthClient.grant_types": .strings([
            "authorization_code", "refresh_token", "interaction_code",
          ])
        ])
      try expectReason(place, Self.mobile + Self.orgServer, .ok)
      try expectReason(place, Self.mobile + Self.api, .noMatchingPolicy, stage: "interact")
      try await okta.drift(path: "settings", set: ["noMatchingPolicyAt": "introspect"])
      try expectReason(place, Self.mobile + Self.api, .noMatchingPolicy, stage: "introspect")
      try await okta.drift(path: "settings", set: ["noMatchingPolicyAt": "interact"])
      try await okta.drift(
        path: "/api/v1/authorizationServers/aus1api/policies/00p2mob/rules/0pr2mob",
        set: [
          "conditions.grantTypes.include": .strings(["authorization_code", "interaction_code"])
        ])
      try expectReason(place, Self.mobile + Self.api, .ok)
      try expectReason(
        place, Self.mobile + Self.api + ["--redirect-uri", "https://elsewhere.example/cb"],
        .redirectURI)
      try await oauthFault(okta, "pkce_invalid_challenge")
      try expectReason(place, Self.mobile + Self.api, .pkceRequired)
      try await oauthFault(okta, "user_not_assigned")
      try expectReason(place, Self.mobile + Self.api, .other)
      try await okta.drift(
        path: "/api/v1/authorizationServers/aus1api", set: ["status": "INACTIVE"])
      try expectReason(place, Self.mobile + Self.api, .invalidServer)
      try await okta.drift(path: "/api/v1/apps/0oa1mob", set: ["status": "INACTIVE"])
      try expectReason(place, Self.mobile + Self.orgServer, .invalidClient)
      try await okta.drift(path: "/api/v1/apps/0oa1mob", set: ["status": "ACTIVE"])
      try await okta.driftSettings(interactionCode: false)
      try expectReason(place, Self.mobile + Self.orgServer, .orgSettingOff)
      // At a terminal or not, the same words as --json: the reason, Okta's text and the fix.
      let text = try place.orgwiz(["verify"] + Self.mobile + Self.orgServer)
      #expect(text.status == 1)
      #expect(text.stdout.contains("Does not work (org-setting-off)"))
      #expect(text.stdout.contains("Settings > Account > Embedded widget sign-in support"))
      #expect(
        text.stdout.contains(
          "The requested feature (Interaction Code flow) isn't enabled in this environment."))
    }
  }

  // A confidential web app authenticates as itself: without a secret and a terminal, 64
  // naming --client-secret-file; a wrong one is client-auth; the right one works, from a file
  // or the environment. No secret of the probe is printed or written.
  @Test func aConfidentialWebAppWithAndWithoutItsSecret() async throws {
    try await pulled { okta, place in
      try await giveTheWebAppTheGrant(okta)
      let web = ["--app", "Acme Web"] + Self.orgServer
      let none = try place.orgwiz(["verify"] + web)
      #expect(none.status == 64, "\(none.stderr)")
      #expect(none.stderr.contains("--client-secret-file"))
      _ = try place.directory.write("wrong.secret", "not-the-secret\n")
      _ = try place.directory.write("right.secret", LiveOrgTests.exampleSecret + "\n")
      chmod(place.directory.file("right.secret"), 0o600)
      chmod(place.directory.file("wrong.secret"), 0o600)
      try expectReason(place, web + ["--client-secret-file", "wrong.secret"], .clientAuth)
      try expectReason(place, web + ["--client-secret-file", "right.secret"], .ok)
      let fromEnvironment = try verify(
        place, web, extra: ["ORGWIZ_CLIENT_SECRET": LiveOrgTests.exampleSecret])
      #expect(fromEnvironment.status == 0, "\(fromEnvironment.run.stderr)")
      let probes = try await okta.control("GET", "/__fake/probes").arrayValue ?? []
      #expect(probes.contains { $0["clientSecretSent"] == true })
      let held = probes.flatMap { probe in
        ["handle", "state", "stateHandle"].compactMap { probe[$0]?.stringValue }
      }
      #expect(held.count >= 6)
      place.expectNoSecrets(
        in: place.runs.all, secrets: [okta.token, LiveOrgTests.exampleSecret] + held,
        except: ["right.secret"])
      // Nor does the fake's own log keep them.
      let log = JSONWriter.string(.array(try await okta.requests().map(\.raw)))
      for secret in held + [LiveOrgTests.exampleSecret] {
        #expect(!log.contains(secret), "the fake's log holds a secret of the probe")
      }
    }
  }

  // When only an inference could say the setting is on (an app lists the grant), pull asks Okta
  // with the probe: a handle proves it on, oie_not_enabled_for_interact shows it off.
  @Test func pullLearnsTheSettingByAProbeWhereAnAppListsTheGrant() async throws {
    let okta = try await FakeOkta.start(options: .init(interactionCode: true))
    defer { okta.stop() }
    let place = try Place(okta)
    defer { place.directory.remove() }
    try await okta.drift(
      path: "/api/v1/apps/0oa1mob",
      set: [
        "settings.oauthClient.grant_types": .strings([
          "authorization_code", "refresh_token", "interaction_code",
        ])
      ])
    let on = try place.pull([])
    #expect(on.status == 0, "\(on.stderr)")
    #expect(on.stderr.contains("learned by a probe"), "\(on.stderr)")
    let source = JSONPointer.root / "pull" / "embeddedWidgetSignInSupport"
    #expect(try place.model()[source / "source"] == "probe")
    #expect(try place.model()[source / "value"] == true)

    // Turned off in the Admin Console after the app got the grant: the probe shows it.
    try await okta.driftSettings(interactionCode: false)
    let off = try place.pull(["--force"])
    #expect(off.status == 0, "\(off.stderr)")
    #expect(off.stderr.contains("oie_not_enabled_for_interact"), "\(off.stderr)")
    #expect(try place.model()[source / "value"] == false)
    #expect(try place.model()[source / "source"] == "probe")
    let requests = try await okta.requests().filter { $0.path.hasSuffix("/v1/interact") }
    #expect(requests.count == 2)
    #expect(requests.allSatisfy { $0.headers["Authorization"] == nil })
    let violations = try await okta.violations()
    #expect(violations.isEmpty, "\(violations)")
  }

  // At a terminal the secret is asked for with echo off: what is typed never shows, and the
  // probe authenticates with it.
  @Test func aSecretTypedAtATerminalIsNotShown() async throws {
    try await pulled { okta, place in
      try await giveTheWebAppTheGrant(okta)
      let variables = place.environment.map { "\($0.key)='\($0.value)'" }.sorted()
        .joined(separator: " ")
      let terminal = try TerminalSession(
        "env \(variables) '\(TerminalEndToEndTests.binary)' verify --app 'Acme Web' "
          + "--server org-authorization-server",
        in: place.directory.path)
      #expect(terminal.waitFor("(not shown as you type"), "\(terminal.transcript)")
      terminal.type(LiveOrgTests.exampleSecret + "\r")
      #expect(terminal.finish() == 0, "\(terminal.transcript)")
      #expect(!terminal.transcript.contains(LiveOrgTests.exampleSecret), "the secret was echoed")
      let probes = try await okta.control("GET", "/__fake/probes").arrayValue ?? []
      #expect(probes.contains { $0["clientSecretSent"] == true })
    }
  }

  // --app and --server default to the last run's choice (kept in the undo record); apply
  // --verify runs the probe after adding the grant and records it; verify works afterwards.
  @Test func defaultsFromTheLastRunAndApplyVerify() async throws {
    try await pulled { okta, place in
      let nothing = try place.orgwiz(["verify"])
      #expect(nothing.status == 64, "\(nothing.stderr)")
      #expect(nothing.stderr.contains("--app") && nothing.stderr.contains("--server"))
      #expect(try place.orgwiz(["run"] + LiveOrgTests.enable).status == 0)
      let before = try verify(place, [])
      #expect(before.json["app"]?["id"]?.stringValue == "0oa1mob", "\(before.run.stderr)")
      #expect(before.json["server"]?["id"]?.stringValue == "aus1api")
      #expect(before.json["reason"]?.stringValue == "app-lacks-grant", "not in Okta yet")
      let applied = try place.orgwiz(["apply", "--yes", "--verify", "--json"])
      #expect(applied.status == 0, "\(applied.stderr)")
      let record = try JSONParser.parse(Array(applied.stdout.utf8))
      #expect(record["verification"]?["reason"]?.stringValue == "ok")
      #expect(record["verification"]?["works"] == true)
      let markdown = try #require(place.changeRecord())
      #expect(markdown.contains("## Verified in Okta"))
      #expect(markdown.contains("can start the Interaction Code flow"))
      let after = try verify(place, [])
      #expect(after.status == 0, "\(after.run.stdout)")
      let skipped = try place.orgwiz(["apply", "--yes", "--no-verify"])
      #expect(skipped.status == 0)
      let interacts = try await okta.requests().filter { $0.path.hasSuffix("/v1/interact") }
      #expect(interacts.count == 3, "verify twice and apply --verify once")
    }
  }
}
