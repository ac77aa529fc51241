import Foundation
import OrgWizCore
import OrgWizJSON
import OrgWizTestSupport
import Synchronization
import Testing

/// `pull` and `apply` driven through the built binary against the fake Okta of
/// `tools/fake-okta`, which validates every request against Okta's published spec: each test
/// ends by asserting that no request broke it.
@Suite(.serialized) struct LiveOrgTests {
  static let enable = [
    "--no-input", "--operator", "ada@acme.example", "--set", "org-setting=enable", "--set",
    "server=api", "--set", "app=Acme Mobile", "--set", "app-grant=yes",
  ]
  /// The example's client secret, which the fake returns on every GET of the app.
  static let exampleSecret = "s3cr3t-never-printed"

  /// A working directory with its own HOME (no okta.yaml unless a test writes one) and no
  /// Okta variables but the token of the fake.
  struct Place {
    let directory: TemporaryDirectory
    let okta: FakeOkta
    var environment: [String: String]
    /// Every run of orgwiz in this place, for the search for secrets.
    let runs = RunLog()

    final class RunLog: Sendable {
      private let kept = Mutex<[BoundedRun]>([])
      func append(_ run: BoundedRun) { kept.withLock { $0.append(run) } }
      var all: [BoundedRun] { kept.withLock { $0 } }
    }

    init(_ okta: FakeOkta) throws {
      self.okta = okta
      directory = try TemporaryDirectory()
      environment = [
        "HOME": directory.path, "OKTA_API_TOKEN": okta.token, "OKTA_CLIENT_TOKEN": "",
        "OKTA_CLIENT_ORGURL": "", "OKTA_CLIENT_CLIENTID": "", "OKTA_CLIENT_PRIVATEKEY": "",
        "OKTA_CLIENT_KID": "", "ORGWIZ_RETRY_SECONDS": "3",
      ]
    }

    func orgwiz(_ arguments: [String], extra: [String: String] = [:]) throws -> BoundedRun {
      let run = try BoundedRun.orgwiz(
        arguments, in: directory.path, environment: environment.merging(extra) { $1 },
        seconds: 60)
      runs.append(run)
      return run
    }

    func pull(_ extra: [String] = ["--embedded-widget", "off"]) throws -> BoundedRun {
      try orgwiz(["pull", "--okta-url", okta.url] + extra)
    }

    /// Every file the commands wrote, and what they printed, must be free of the secrets.
    func expectNoSecrets(in runs: [BoundedRun], secrets: [String], except: Set<String> = []) {
      let names = (try? FileManager.default.subpathsOfDirectory(atPath: directory.path)) ?? []
      for name in names where !except.contains(name) {
        guard let data = FileManager.default.contents(atPath: directory.file(name)) else {
          continue
        }
        let text = String(decoding: data, as: UTF8.self)
        for secret in secrets where !secret.isEmpty {
          #expect(!text.contains(secret), "\(name) holds a secret")
        }
      }
      for run in runs {
        for secret in secrets where !secret.isEmpty {
          #expect(!(run.stdout + run.stderr).contains(secret), "the output holds a secret")
        }
      }
    }

    /// The text of the run's change record (`*.summary.md`), which apply and verify add to.
    func changeRecord() -> String? {
      let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
      return names.filter { $0.hasSuffix(".summary.md") || $0 == "change.md" }.sorted().last
        .flatMap { directory.read($0) }
    }

    /// What apply recorded: its own records (`*.apply.md`, for a model without a change
    /// record), and the sections it added to the change record.
    func applyRecords() -> [String] {
      let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
      let own = names.filter { $0.hasSuffix(".apply.md") }.sorted().compactMap {
        directory.read($0)
      }
      let added =
        changeRecord().map { text in
          text.components(separatedBy: "\n## Applied in Okta").dropFirst()
            .map { "## Applied in Okta" + $0 }
        } ?? []
      return own + added
    }

    func model() throws -> JSONValue {
      try JSONParser.parse(Array(try #require(directory.read("org.json")).utf8))
    }
  }

  func expectConforming(_ okta: FakeOkta) async throws {
    let violations = try await okta.violations()
    #expect(violations.isEmpty, "requests that break Okta's spec: \(violations)")
  }

  /// A fake org (the setting on in Okta unless `interactionCode` is false), pulled into a
  /// fresh place with the setting stated on; `body` goes on from there, and every request must
  /// have kept to Okta's spec.
  func afterThePull(
    interactionCode: Bool = true, _ body: (FakeOkta, Place) async throws -> Void
  ) async throws {
    let okta = try await FakeOkta.start(options: .init(interactionCode: interactionCode))
    defer { okta.stop() }
    let place = try Place(okta)
    defer { place.directory.remove() }
    let pull = try place.pull(["--embedded-widget", "on"])
    #expect(pull.status == 0, "\(pull.stderr)")
    try await body(okta, place)
    try await expectConforming(okta)
  }

  /// ``afterThePull(interactionCode:_:)``, and the example change made to the model by a run.
  func afterTheExampleRun(
    interactionCode: Bool = true, _ body: (FakeOkta, Place) async throws -> Void
  ) async throws {
    try await afterThePull(interactionCode: interactionCode) { okta, place in
      #expect(try place.orgwiz(["run"] + Self.enable).status == 0)
      try await body(okta, place)
    }
  }

  @Test func pullRunApplyThenUndoAndApplyBacksTheChangeOut() async throws {
    let okta = try await FakeOkta.start(options: .init(pageSize: 1))
    defer { okta.stop() }
    let place = try Place(okta)
    defer { place.directory.remove() }

    let pulled = try place.pull()
    #expect(pulled.status == 0, "\(pulled.stderr)")
    let requests = try await okta.requests()
    // Every page: with one object a page, apps and servers are read by following the links,
    // and the admins by the body's links.
    #expect(requests.filter { $0.path == "/api/v1/apps" }.count >= 4)
    #expect(requests.filter { $0.path == "/api/v1/authorizationServers" }.count >= 2)
    #expect(requests.filter { $0.path == "/api/v1/iam/assignees/users" }.count >= 3)
    let model = try place.model()
    #expect(model["pull"]?["orgUrl"]?.stringValue == okta.url)
    #expect(model[JSONPointer.root / "org" / "engine"] == "identity-engine")
    #expect(model["apps"]?.arrayValue?.count == 5, "only the OpenID Connect apps")

    let run = try place.orgwiz(["run"] + Self.enable + ["--summary", "change.md"])
    #expect(run.status == 0, "\(run.stderr)")
    let change = try #require(place.directory.read("change.md"))
    #expect(change.contains("orgwiz apply"))
    // Copying a pulled model's backup back by hand would hide from apply what Okta has: only
    // undo is offered.
    #expect(!change.contains("cp -p"), "the record offers a backout that apply cannot follow")

    let refused = try place.orgwiz(["apply"])
    #expect(refused.status == 64, "\(refused.stderr)")
    let dry = try place.orgwiz(["apply", "--dry-run", "--yes"])
    #expect(dry.status == 0, "\(dry.stderr)")
    #expect(dry.stderr.contains("PUT /api/v1/apps/0oa1mob"))
    #expect(dry.stderr.contains("Settings > Account > Embedded widget sign-in support"))
    var puts = try await okta.requests().filter { $0.method == "PUT" }
    #expect(puts.isEmpty, "a refused or dry apply sent \(puts)")

    // The admin turns the setting on by hand, then applies.
    try await okta.driftSettings(interactionCode: true)
    let applied = try place.orgwiz(["apply", "--yes", "--json"])
    #expect(applied.status == 0, "\(applied.stderr)")
    puts = try await okta.requests().filter { $0.method == "PUT" }
    #expect(
      puts.map(\.path) == [
        "/api/v1/authorizationServers/aus1api/policies/00p2mob/rules/0pr2mob",
        "/api/v1/apps/0oa1mob",
      ])
    let result = try JSONParser.parse(Array(applied.stdout.utf8))
    #expect(result["complete"] == true)
    let ids = result["requests"]?.arrayValue?.compactMap { $0["requestId"]?.stringValue } ?? []
    #expect(ids.count == 2)
    let record = try #require(place.applyRecords().first)
    for id in ids { #expect(record.contains(id), "the apply record lacks request id \(id)") }
    // Made as the token's admin, named.
    #expect(record.contains("@acme.example"), "the apply record does not say who made the change")
    let state = try await okta.state()
    #expect(JSONWriter.string(state).contains("interaction_code"))

    let again = try place.orgwiz(["apply", "--yes"])
    #expect(again.status == 0, "\(again.stderr)")
    #expect(again.stderr.contains("Nothing to apply"))

    // Backout: undo the model, then apply sends the restored grant types (not drift).
    let undone = try place.orgwiz(["undo", "--yes"])
    #expect(undone.status == 0, "\(undone.stderr)")
    let backedOut = try place.orgwiz(["apply", "--yes"])
    #expect(backedOut.status == 0, "\(backedOut.stderr)")
    #expect(backedOut.stderr.contains("interaction_code removed from app \"Acme Mobile\""))
    let after = try await okta.state()
    #expect(!JSONWriter.string(after).contains("interaction_code"), "the grant is still in Okta")
    try await expectConforming(okta)
    place.expectNoSecrets(
      in: [pulled, run, dry, applied, again, undone, backedOut],
      secrets: [okta.token, Self.exampleSecret])
  }

  // With the Org Authorization Server chosen, apply sends only the app's grant: no rule of any
  // custom server is touched (cli.md `server`).
  @Test func theOrgAuthorizationServerChangesOnlyTheAppInOkta() async throws {
    try await afterThePull { okta, place in
      let run = try place.orgwiz([
        "run", "--no-input", "--operator", "ada@acme.example", "--set", "org-setting=keep",
        "--set", "server=org-authorization-server", "--set", "app=Acme Mobile", "--set",
        "app-grant=yes", "--summary", "change.md",
      ])
      #expect(run.status == 0, "\(run.stderr)")
      let change = try #require(place.directory.read("change.md"))
      #expect(change.contains("The Org Authorization Server was chosen in this run."))
      let applied = try place.orgwiz(["apply", "--yes"])
      #expect(applied.status == 0, "\(run.stderr)\n\(applied.stderr)")
      let puts = try await okta.requests().filter { $0.method == "PUT" }
      #expect(puts.map(\.path) == ["/api/v1/apps/0oa1mob"])
    }
  }

  // A PUT that Okta carried out but whose answer was lost is read back, not called "not in
  // Okta": the model records it, and the next apply has nothing to send.
  @Test func aWriteWhoseAnswerWasLostIsReadBackAndCounted() async throws {
    try await afterTheExampleRun { okta, place in
      try await okta.fault(
        method: "PUT", pathRegex: "/api/v1/apps/0oa1mob$", count: -1, kind: .lost)
      let applied = try place.orgwiz(["apply", "--yes", "--json"])
      #expect(applied.status == 0, "\(applied.stderr)")
      #expect(applied.stderr.contains("Okta's answer was lost; reading it back shows the change"))
      let result = try JSONParser.parse(Array(applied.stdout.utf8))
      #expect(result["complete"] == true, "\(applied.stdout)")
      try await okta.clearFaults()
      let again = try place.orgwiz(["apply", "--yes"])
      #expect(again.status == 0, "\(again.stderr)")
      #expect(again.stderr.contains("Nothing to apply"), "\(again.stderr)")
    }
  }

  // When the object cannot be read back either, apply says it does not know, and what to do.
  @Test func aWriteThatCannotBeReadBackIsReportedAsUnknown() async throws {
    try await afterTheExampleRun { okta, place in
      // apply reads the app once before its PUT; every request after that loses its answer.
      try await okta.fault(pathRegex: "/api/v1/apps/0oa1mob$", count: -1, kind: .lost, skip: 1)
      let applied = try place.orgwiz(["apply", "--yes"])
      #expect(applied.status == 69, "\(applied.stderr)")
      #expect(applied.stderr.contains("whether Okta made it is not known"), "\(applied.stderr)")
      #expect(applied.stderr.contains("Not known whether in Okta: app \"Acme Mobile\""))
      #expect(applied.stderr.contains("orgwiz pull --force"))
      #expect(!applied.stderr.contains("Not in Okta: app"), "it may be in Okta: \(applied.stderr)")
    }
  }

  @Test func aLiveChangeSinceThePullIsDriftAndNothingIsSent() async throws {
    try await afterTheExampleRun { okta, place in
      try await okta.drift(path: "/api/v1/apps/0oa1mob", set: ["label": "Acme Mobile (renamed)"])
      let applied = try place.orgwiz(["apply", "--yes"])
      #expect(applied.status == 1, "\(applied.stderr)")
      #expect(applied.stderr.contains("changed in Okta since the model was pulled"))
      #expect(applied.stderr.contains("0oa1mob"))
      #expect(try await okta.requests().filter { $0.method == "PUT" }.isEmpty)
    }
  }

  @Test func aPartialFailureSaysWhatIsInOktaAndTheNextApplySendsTheRest() async throws {
    try await afterTheExampleRun { okta, place in
      try await okta.fault(
        method: "PUT", pathRegex: "/api/v1/apps/", status: 400, kind: .validation)
      let first = try place.orgwiz(["apply", "--yes"])
      #expect(first.status == 1, "\(first.stderr)")
      #expect(first.stderr.contains("Changed in Okta: interaction_code added to rule"))
      #expect(first.stderr.contains("Not in Okta: app \"Acme Mobile\""))
      try await okta.clearRequests()
      let second = try place.orgwiz(["apply", "--yes"])
      #expect(second.status == 0, "\(second.stderr)")
      let puts = try await okta.requests().filter { $0.method == "PUT" }
      #expect(puts.map(\.path) == ["/api/v1/apps/0oa1mob"], "only the rest is sent")
    }
  }

  @Test func theSettingIsStatedInferredOrRefusedWithoutATerminal() async throws {
    let okta = try await FakeOkta.start()
    defer { okta.stop() }
    let place = try Place(okta)
    defer { place.directory.remove() }
    let unknown = try place.pull([])
    #expect(unknown.status == 64, "\(unknown.stderr)")
    #expect(unknown.stderr.contains("--embedded-widget"))
    #expect(!FileManager.default.fileExists(atPath: place.directory.file("org.json")))
    // Once a rule lists the grant, the setting must be on: inferred, and said.
    try await okta.driftSettings(interactionCode: true)
    try await okta.drift(
      path: "/api/v1/authorizationServers/aus1api/policies/00p2mob/rules/0pr2mob",
      set: ["conditions.grantTypes.include": ["authorization_code", "interaction_code"]])
    let inferred = try place.pull([])
    #expect(inferred.status == 0, "\(inferred.stderr)")
    #expect(inferred.stderr.contains("inferred as on"))
    let model = try place.model()
    #expect(
      model[JSONPointer.root / "pull" / "embeddedWidgetSignInSupport" / "source"] == "inferred")
  }

  @Test func anExistingModelIsReplacedOnlyWithForceAndKeptAsBackup() async throws {
    let okta = try await FakeOkta.start()
    defer { okta.stop() }
    let place = try Place(okta)
    defer { place.directory.remove() }
    try place.directory.write("org.json", "{\"formatVersion\": 1}")
    let refused = try place.pull()
    #expect(refused.status == 64, "\(refused.stderr)")
    #expect(try await okta.requests().isEmpty, "pull read Okta before refusing")
    let forced = try place.pull(["--embedded-widget", "off", "--force"])
    #expect(forced.status == 0, "\(forced.stderr)")
    #expect(place.directory.read("org.json.bak") == "{\"formatVersion\": 1}")
  }

  @Test func credentialsAndTransportFailuresHaveTheirExitCodes() async throws {
    let okta = try await FakeOkta.start()
    defer { okta.stop() }
    let place = try Place(okta)
    defer { place.directory.remove() }
    let bad = try place.orgwiz(
      ["pull", "--okta-url", okta.url, "--embedded-widget", "off"],
      extra: ["OKTA_API_TOKEN": "00wrongTOKEN000000000"])
    #expect(bad.status == 77, "\(bad.stderr)")
    try await okta.fault(method: "GET", pathRegex: "^/api/v1/apps$", status: 403)
    let forbidden = try place.pull()
    #expect(forbidden.status == 77, "\(forbidden.stderr)")
    #expect(forbidden.stderr.contains("okta.apps.read"), "\(forbidden.stderr)")
    try await okta.fault(method: "GET", pathRegex: "^/api/v1/org$", status: 429, resetSeconds: 1)
    let limited = try place.pull()
    #expect(limited.status == 0, "a 429 is waited out: \(limited.stderr)")
    try await okta.fault(method: "GET", pathRegex: "^/api/v1/org$", status: 503, count: -1)
    let down = try place.pull(["--embedded-widget", "off", "--force"])
    #expect(down.status == 69, "\(down.stderr)")
    try await okta.clearFaults()
    let plain = try place.orgwiz(
      ["pull", "--okta-url", "http://acme.okta.com", "--embedded-widget", "off", "--force"])
    #expect(plain.status == 64, "\(plain.stderr)")
    place.expectNoSecrets(in: [bad, forbidden, limited, down, plain], secrets: [okta.token])
  }

  @Test func oktaYAMLAndAServiceAppWithAKeyBothWork() async throws {
    let keys = try TemporaryDirectory()
    defer { keys.remove() }
    let key = keys.file("key.pem")
    let pub = keys.file("pub.pem")
    let generated = try BoundedRun.run(
      "/bin/sh",
      [
        "-c",
        "openssl genrsa -out '\(key)' 2048 2>/dev/null && openssl rsa -in '\(key)' -pubout -out '\(pub)' 2>/dev/null",
      ],
      in: keys.path)
    #expect(generated.status == 0, "openssl is needed to make a test key: \(generated.stderr)")
    let okta = try await FakeOkta.start(
      options: .init(clientID: "0oa9svcapp000", publicKey: pub, keyID: "k1"))
    defer { okta.stop() }
    var place = try Place(okta)
    defer { place.directory.remove() }
    // okta.yaml gives the URL and the token.
    try FileManager.default.createDirectory(
      atPath: place.directory.file(".okta"), withIntermediateDirectories: true)
    try place.directory.write(
      ".okta/okta.yaml", "okta:\n  client:\n    orgUrl: \(okta.url)\n    token: \(okta.token)\n")
    place.environment["OKTA_API_TOKEN"] = ""
    let fromYAML = try place.orgwiz(["pull", "--embedded-widget", "off", "--org", "a.json"])
    #expect(fromYAML.status == 0, "\(fromYAML.stderr)")
    // The service app: a signed client assertion, then a bearer token with the pull scopes.
    try FileManager.default.removeItem(atPath: place.directory.file(".okta"))
    let service = try place.orgwiz([
      "pull", "--okta-url", okta.url, "--embedded-widget", "off", "--org", "b.json",
      "--client-id", "0oa9svcapp000", "--private-key", key, "--key-id", "k1",
    ])
    #expect(service.status == 0, "\(service.stderr)")
    let tokenRequests = try await okta.requests().filter { $0.path == "/oauth2/v1/token" }
    #expect(!tokenRequests.isEmpty)
    let keyText = try String(contentsOfFile: key, encoding: .utf8)
    let keyBody = keyText.split(separator: "\n").dropFirst().prefix(3).joined()
    try await expectConforming(okta)
    place.expectNoSecrets(
      in: [fromYAML, service], secrets: [okta.token, keyBody, Self.exampleSecret])
  }

  @Test func aClassicOrgIsPulledAsClassic() async throws {
    let okta = try await FakeOkta.start()
    defer { okta.stop() }
    let place = try Place(okta)
    defer { place.directory.remove() }
    try await okta.driftSettings(engine: "classic")
    #expect(try place.pull().status == 0)
    #expect(try place.model()[JSONPointer.root / "org" / "engine"] == "classic")
  }

  @Test func theSettingOffInOktaIsExplainedAndNothingIsApplied() async throws {
    try await afterTheExampleRun(interactionCode: false) { okta, place in
      let applied = try place.orgwiz(["apply", "--yes"])
      #expect(applied.status == 1, "\(applied.stderr)")
      // The fake's error names the grant only; the hint is orgwiz's (okta-api.md, apply step
      // 4), on the line of the object Okta refused (issue 22, point 7).
      let refused = applied.stderr.split(separator: "\n").first { $0.contains("✗") } ?? ""
      #expect(
        refused.contains("Turn on Embedded widget sign-in support (Settings > Account) first"),
        "\(applied.stderr)")
      #expect(applied.stderr.contains("Nothing was changed in Okta"))
      let record = try #require(place.changeRecord())
      #expect(record.split(separator: "\n").first?.hasSuffix("(not applied)") == true)
      #expect(place.applyRecords().count == 1)
    }
  }

  @Test func aForbiddenWriteNamesWhatIsNeededAndChangesNothing() async throws {
    try await afterTheExampleRun { okta, place in
      try await okta.fault(method: "PUT", pathRegex: "/rules/", status: 403)
      let applied = try place.orgwiz(["apply", "--yes"])
      #expect(applied.status == 77, "\(applied.stderr)")
      #expect(applied.stderr.contains("okta.authorizationServers.manage"), "\(applied.stderr)")
      #expect(applied.stderr.contains("Nothing was changed in Okta"))
      // Nothing was applied, so the model's pull record is as it was: the next apply sends all.
      let text = try #require(place.directory.read("org.json"))
      let model = try OrgModel.load(Array(text.utf8), source: "org.json")
      #expect(ApplyPlan.make(model)?.items.count == 2)
    }
  }
}
