import Foundation
import OrgWizCore
import OrgWizJSON
import OrgWizTestSupport
import Testing

/// `pull`, `apply` and `export` against a hostile Okta (or a proxy in between) and hostile
/// model files, through the built binary: a Super Admin's token is never steered to another
/// object, and never printed or written. Each test here was an attack that worked before its
/// fix (issue 19).
@Suite(.serialized) struct HostileOktaTests {
  typealias Place = LiveOrgTests.Place

  /// A fake org with the setting on, pulled, and the example change made by a run; afterwards
  /// no file the commands wrote, nothing they printed and nothing in the fake's own log holds
  /// the token or the client secret the fake serves.
  func afterTheExampleRun(_ body: (FakeOkta, Place) async throws -> Void) async throws {
    try await LiveOrgTests().afterTheExampleRun { okta, place in
      try await body(okta, place)
      expectNoSecrets(place)
    }
  }

  /// Every file of the place (but those the test itself put a secret in), every run's output
  /// and the fake's log, searched for the secrets.
  func expectNoSecrets(_ place: Place, except: Set<String> = []) {
    let secrets = [place.okta.token, LiveOrgTests.exampleSecret]
    place.expectNoSecrets(in: place.runs.all, secrets: secrets, except: except)
    #expect(!place.runs.all.isEmpty)
    let log = place.okta.log()
    #expect(!log.contains(place.okta.token), "the fake's log holds the token")
  }

  /// The requests `apply` may send for the model in `place`: each path with the body built
  /// from the pulled copy of its object (what `export --requests` writes).
  func allowedRequests(_ place: Place) throws -> [String: JSONValue] {
    let text = try #require(place.directory.read("org.json"))
    let model = try OrgModel.load(Array(text.utf8), source: "org.json")
    let plan = try #require(ExportPlan.make(model))
    return Dictionary(uniqueKeysWithValues: plan.entries.map { ($0.item.path, $0.body) })
  }

  /// Every PUT the fake received went to an object of the plan, with exactly the planned body.
  func expectOnlyPlannedWrites(
    _ okta: FakeOkta, allowed: [String: JSONValue]
  ) async throws -> [FakeOkta.LoggedRequest] {
    let puts = try await okta.requests().filter { $0.method != "GET" }
    for put in puts {
      let expected = allowed[put.path]
      #expect(expected != nil, "a write to \(put.path), which the review did not show")
      if let expected {
        #expect(put.body == expected, "the body sent to \(put.path) is not the planned one")
      }
    }
    return puts
  }

  // MARK: - Ids

  /// Writes the example's model with the app's id (in the model and in the pull record)
  /// replaced by `id`.
  func plant(appID id: String, in place: Place) throws {
    var model = try place.model()
    let apps = try #require(model["apps"]?.arrayValue)
    let index = try #require(apps.firstIndex { $0["id"] == "0oa1mob" })
    _ = model.set(.string(id), at: JSONPointer.root / "apps" / String(index) / "id")
    let objects = try #require(model[JSONPointer.root / "pull" / "objects"]?.arrayValue)
    for (position, object) in objects.enumerated() where object["id"] == "0oa1mob" {
      _ = model.set(
        .string(id), at: JSONPointer.root / "pull" / "objects" / String(position) / "id")
    }
    _ = try place.directory.write("org.json", JSONWriter.string(model))
  }

  @Test func anIDThatIsNotOktasIsRefusedBeforeAnyRequest() async throws {
    try await afterTheExampleRun { okta, place in
      let admin = "00u1ada"
      let original = try #require(place.directory.read("org.json"))
      for (number, planted) in [
        "../users/\(admin)", "0oa1mob/../../users/\(admin)", "%2e%2e", "a b",
      ].enumerated() {
        _ = try place.directory.write("org.json", original)
        try plant(appID: planted, in: place)
        try await okta.clearRequests()
        let applied = try place.orgwiz(["apply", "--yes"])
        #expect(applied.status == 65, "\(planted): \(applied.stderr)")
        #expect(applied.stderr.contains("/pull/objects/"), "no JSON pointer: \(applied.stderr)")
        #expect(applied.stderr.contains("is not an Okta id"), "\(applied.stderr)")
        #expect(try await okta.requests().isEmpty, "\(planted): apply sent a request")
        let exported = try place.orgwiz(["export", "--requests", "out-\(number)"])
        #expect(exported.status == 65, "\(planted): \(exported.stderr)")
        #expect(place.directory.read("out-\(number)/send.sh") == nil)
        let terraform = try place.orgwiz(["export", "--terraform", "tf"])
        #expect(terraform.status == 65, "\(planted): \(terraform.stderr)")
      }
    }
  }

  @Test func aPulledIDThatIsNotOktasStopsThePull() async throws {
    let okta = try await FakeOkta.start()
    defer { okta.stop() }
    let place = try Place(okta)
    defer { place.directory.remove() }
    try await okta.tamper(
      pathRegex: "^/api/v1/apps$",
      .replace([["id": "../users/00u1", "signOnMode": "OPENID_CONNECT", "label": "x"]]))
    let pulled = try place.pull()
    #expect(pulled.status == 69, "\(pulled.stderr)")
    #expect(pulled.stderr.contains("GET /api/v1/apps"), "\(pulled.stderr)")
    #expect(pulled.stderr.contains("\"../users/00u1\" is not an Okta id"), "\(pulled.stderr)")
    #expect(place.directory.read("org.json") == nil, "a refused pull wrote a model")
    expectNoSecrets(place)
  }

  // MARK: - Objects

  /// Every way a read of the app can answer something else than the app.
  static let lies: [(String, FakeOkta.Tamper)] = [
    ("swap", .from("/api/v1/apps/0oa2web")),
    ("rename", .set(["label": "Acme Mobile (forged)"])),
    ("re-id", .set(["id": "0oa2web"])),
    ("another client", .set(["credentials.oauthClient.client_id": "0oaFORGED1"])),
    ("drop", .replace([:])),
    ("duplicate", .replace([["id": "0oa1mob"], ["id": "0oa1mob"]])),
    ("not an object", .replace("0oa1mob")),
  ]

  @Test(arguments: Self.lies.indices)
  func aLyingReadBeforeTheWritesGetsNothingSent(_ index: Int) async throws {
    let (name, lie) = Self.lies[index]
    try await afterTheExampleRun { okta, place in
      try await okta.tamper(pathRegex: "^/api/v1/apps/0oa1mob$", lie)
      try await okta.clearRequests()
      let applied = try place.orgwiz(["apply", "--yes"])
      #expect(applied.status == 1, "\(name): \(applied.stderr)")
      let puts = try await okta.requests().filter { $0.method == "PUT" }
      #expect(puts.isEmpty, "\(name): apply wrote \(puts) from a lying answer")
      #expect(applied.stderr.contains("0oa1mob"), "\(name): \(applied.stderr)")
    }
  }

  @Test func aLyingRuleReadGetsNothingSent() async throws {
    try await afterTheExampleRun { okta, place in
      try await okta.tamper(
        pathRegex: "/rules/0pr2mob$",
        .from("/api/v1/authorizationServers/aus1api/policies/00p1def/rules/0pr1def"))
      let applied = try place.orgwiz(["apply", "--yes"])
      #expect(applied.status == 1, "\(applied.stderr)")
      #expect(try await okta.requests().filter { $0.method == "PUT" }.isEmpty)
    }
  }

  @Test func aLyingReadBackStopsApplyAndNothingElseIsWritten() async throws {
    try await afterTheExampleRun { okta, place in
      let allowed = try allowedRequests(place)
      // The rule's read-back answers another rule: the rule was sent, the app must not be.
      try await okta.tamper(
        pathRegex: "/rules/0pr2mob$",
        .from("/api/v1/authorizationServers/aus1api/policies/00p1def/rules/0pr1def"), skip: 1)
      let applied = try place.orgwiz(["apply", "--yes"])
      #expect(applied.status == 1, "\(applied.stderr)")
      let puts = try await expectOnlyPlannedWrites(okta, allowed: allowed)
      #expect(
        puts.map(\.path) == ["/api/v1/authorizationServers/aus1api/policies/00p2mob/rules/0pr2mob"])
      #expect(applied.stderr.contains("Not known whether in Okta"), "\(applied.stderr)")
    }
  }

  @Test func anHonestServerGetsExactlyThePlannedBodies() async throws {
    try await afterTheExampleRun { okta, place in
      let allowed = try allowedRequests(place)
      let applied = try place.orgwiz(["apply", "--yes"])
      #expect(applied.status == 0, "\(applied.stderr)")
      let puts = try await expectOnlyPlannedWrites(okta, allowed: allowed)
      #expect(Set(puts.map(\.path)) == Set(allowed.keys))
    }
  }

  // MARK: - Found by the audit of the fix

  @Test func aRedirectedWriteLandsNowhereElse() async throws {
    try await afterTheExampleRun { okta, place in
      let allowed = try allowedRequests(place)
      try await okta.control(
        "POST", "/__fake/faults",
        body: [
          "method": "PUT", "path": "/rules/0pr2mob$", "kind": "redirect", "status": 308,
          "location": "/api/v1/authorizationServers/aus2prt/policies/00p3prt/rules/0pr4prt",
        ])
      let applied = try place.orgwiz(["apply", "--yes"])
      #expect(applied.status != 0, "\(applied.stderr)")
      let puts = try await expectOnlyPlannedWrites(okta, allowed: allowed)
      #expect(puts.count == 1, "\(puts)")
      #expect(!applied.stderr.contains("Changed in Okta"), "\(applied.stderr)")

      try await okta.clearRequests()
      try await okta.control(
        "POST", "/__fake/faults",
        body: [
          "method": "PUT", "path": "/apps/0oa1mob$", "kind": "redirect", "status": 307,
          "location": "/api/v1/users/00u1ada",
        ])
      let again = try place.orgwiz(["apply", "--yes"])
      #expect(again.status != 0, "\(again.stderr)")
      _ = try await expectOnlyPlannedWrites(okta, allowed: allowed)
    }
  }

  @Test func aModelOfAnotherUserCannotChooseWhereTheTokenGoes() async throws {
    try await afterTheExampleRun { okta, place in
      let model = place.directory.file("org.json")
      #expect(chown(model, 65534, 65534) == 0)
      try await okta.clearRequests()
      let refused = try place.orgwiz(["apply", "--dry-run"])
      #expect(refused.status == 64, "\(refused.stderr)")
      #expect(refused.stderr.contains("belongs to nobody"), "\(refused.stderr)")
      #expect(refused.stderr.contains("--okta-url \(okta.url)"), "\(refused.stderr)")
      #expect(try await okta.requests().isEmpty, "the token went to the model's org")
      let named = try place.orgwiz(["apply", "--dry-run", "--okta-url", okta.url])
      #expect(named.status == 0, "\(named.stderr)")
      #expect(chown(model, 0, 0) == 0)

      var document = try place.model()
      _ = document.set("not a url", at: JSONPointer.root / "pull" / "orgUrl")
      _ = try place.directory.write("org.json", JSONWriter.string(document))
      let unparsable = try place.orgwiz(["apply", "--dry-run", "--okta-url", okta.url])
      #expect(unparsable.status == 65, "\(unparsable.stderr)")
      #expect(unparsable.stderr.contains("/pull/orgUrl"), "\(unparsable.stderr)")
    }
  }

  @Test func exportRefusesADirectoryItsOwnerCouldRewrite() async throws {
    try await afterTheExampleRun { okta, place in
      let out = place.directory.file("theirs")
      try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: false)
      chmod(out, 0o755)
      #expect(chown(out, 65534, 65534) == 0)
      let exported = try place.orgwiz(["export", "--requests", "theirs"])
      #expect(exported.status == 73, "\(exported.stderr)")
      #expect(exported.stderr.contains("belongs to nobody"), "\(exported.stderr)")
      #expect(try FileManager.default.contentsOfDirectory(atPath: out).isEmpty)
    }
  }

  @Test func aSecretCutOffInAMessageLeavesNoPieceOfIt() async throws {
    try await afterTheExampleRun { okta, place in
      // Okta's error texts are cut at 500 characters: the token starts just before the cut.
      try await okta.echo(
        method: "PUT", pathRegex: "^/api/v1/apps/",
        errorSummary: String(repeating: "A", count: 490) + "{credential}")
      let applied = try place.orgwiz(["apply", "--yes", "--json"])
      #expect(applied.status == 1, "\(applied.stderr)")
      let piece = String(okta.token.prefix(SecretScrubber.minimumLength))
      place.expectNoSecrets(in: place.runs.all, secrets: [piece])
    }
  }

  /// The tests run the debug build, which links the shared Swift runtime; there the runtime's
  /// backtracer catches SIGSEGV (prints a backtrace, and for a signal sent from outside lets the
  /// process go on). The release binary (--static-swift-stdlib) has no backtracer and dies of
  /// the signal, so the crash tests turn the backtracer off to crash the way it ships.
  static let noBacktracer = "export SWIFT_BACKTRACE=enable=no"
  /// Shell lines that print the core limit of the process `$pid`, crash it with SIGSEGV and
  /// print its exit status, for ``expectCrashedWithoutACore(_:in:sourceLocation:)``.
  static let crashThePid = """
    grep 'Max core file size' /proc/$pid/limits
    kill -SEGV $pid
    wait $pid
    echo "exit $?"
    """

  /// The process ``crashThePid`` crashed died of SIGSEGV (exit 139) with a core limit of 0,
  /// and no core file was written in `directory`.
  func expectCrashedWithoutACore(
    _ crashed: BoundedRun, in directory: TemporaryDirectory,
    sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    #expect(
      crashed.stdout.contains("exit 139"), "\(crashed.stdout)\(crashed.stderr)",
      sourceLocation: sourceLocation)
    let limits = crashed.stdout.split(separator: "\n").first { $0.contains("Max core") } ?? ""
    #expect(
      limits.split(separator: " ", omittingEmptySubsequences: true).dropFirst(4).prefix(2)
        == ["0", "0"], "core limit: \(limits)", sourceLocation: sourceLocation)
    let files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
    #expect(
      !files.contains { $0.hasPrefix("core") }, "a core file was written: \(files)",
      sourceLocation: sourceLocation)
  }

  @Test func aTokenInTheEnvironmentMakesNoCoreEvenBeforeItIsUsed() async throws {
    try await afterTheExampleRun { okta, place in
      // The first apply holds the model's lock (paused once it has it); the second waits for
      // it, before it has read its credentials, and is crashed there.
      let binary = try Fixtures.binary()
      let locked = FaultPause("locked")
      let waiting = FaultPause("lock-wait", limit: 0)
      let script = """
        \(Self.noBacktracer)
        \(locked.shellAssignments) '\(binary)' apply --yes >/dev/null 2>&1 &
        \(locked.shellWait())
        ulimit -c unlimited
        \(waiting.shellAssignments) '\(binary)' apply --yes --lock-timeout 20 >/dev/null 2>&1 &
        pid=$!
        \(waiting.shellWait())
        \(Self.crashThePid)
        rm -f '\(locked.signal)' '\(waiting.signal)'
        wait
        """
      let crashed = try BoundedRun.run(
        "/bin/sh", ["-c", script], in: place.directory.path, environment: place.environment,
        seconds: 40)
      try expectCrashedWithoutACore(crashed, in: place.directory)
    }
  }

  @Test func aNameFromOktaCannotForgeALineOfTheReview() async throws {
    try await afterTheExampleRun { okta, place in
      try await okta.tamper(
        pathRegex: "^/api/v1/users/me$",
        .set(["profile.login": "evil@x\nApply: 0 requests to nowhere"]))
      let applied = try place.orgwiz(["apply", "--dry-run"])
      #expect(applied.status == 0, "\(applied.stderr)")
      let lines = applied.stderr.split(separator: "\n")
      #expect(!lines.contains { $0.hasPrefix("Apply: 0 requests") }, "\(applied.stderr)")
    }
  }

  @Test func sendShTakesOnlyARealLoopbackHostForHTTP() async throws {
    try await afterTheExampleRun { okta, place in
      let exported = try place.orgwiz(["export", "--requests", "out"])
      #expect(exported.status == 0, "\(exported.stderr)")
      let script = place.directory.file("out/send.sh")
      for org in [
        "http://127.evil.example", "http://127.0.0.1@evil.example",
        "http://localhost:80@evil.example", "http://[::1]@evil.example", "http://localhost.evil",
        "http://127.0.0.1/../x", "https://acme.okta.com/path", "acme.okta.com?x",
      ] {
        let run = try BoundedRun.run(
          "/bin/sh", [script, org], in: place.directory.path, environment: ["OKTA_API_TOKEN": ""])
        #expect(run.status == 64, "\(org): \(run.stderr)")
        #expect(!run.stderr.contains("set OKTA_API_TOKEN"), "\(org) was accepted: \(run.stderr)")
      }
      for org in ["http://127.0.0.1:8080", "http://localhost", "http://[::1]:9", "acme.okta.com"] {
        let run = try BoundedRun.run(
          "/bin/sh", [script, org], in: place.directory.path, environment: ["OKTA_API_TOKEN": ""])
        #expect(run.stderr.contains("set OKTA_API_TOKEN"), "\(org) was refused: \(run.stderr)")
      }
    }
  }

  @Test func aServerWithoutAnIDAndAnObjectTwiceAreRefused() async throws {
    try await afterTheExampleRun { okta, place in
      var document = try place.model()
      let objects = try #require(document[JSONPointer.root / "pull" / "objects"]?.arrayValue)
      _ = document.set(.array(objects + [objects[0]]), at: JSONPointer.root / "pull" / "objects")
      _ = try place.directory.write("org.json", JSONWriter.string(document))
      try await okta.clearRequests()
      let applied = try place.orgwiz(["apply", "--yes"])
      #expect(applied.status == 65, "\(applied.stderr)")
      #expect(applied.stderr.contains("already holds"), "\(applied.stderr)")
      #expect(try await okta.requests().isEmpty)

      try await okta.tamper(
        pathRegex: "^/api/v1/authorizationServers$", .replace([["name": "no id"]]))
      let pulled = try place.pull(["--embedded-widget", "on", "--force"])
      #expect(pulled.status == 69, "\(pulled.stderr)")
      #expect(pulled.stderr.contains("GET /api/v1/authorizationServers"), "\(pulled.stderr)")
    }
  }

  // MARK: - A crash mid-apply

  @Test func anApplyKilledAfterItsFirstWriteIsSettledByTheNextApply() async throws {
    try await afterTheExampleRun { okta, place in
      let killed = try place.orgwiz(["apply", "--yes"], extra: ["ORGWIZ_TEST_FAULT": "apply-sent"])
      #expect(killed.status != 0, "\(killed.stderr)")
      let rulePath = "/api/v1/authorizationServers/aus1api/policies/00p2mob/rules/0pr2mob"
      var puts = try await okta.requests().filter { $0.method == "PUT" }
      #expect(puts.map(\.path) == [rulePath], "the rule was sent before the kill")
      #expect(place.directory.read("org.json.apply.journal") != nil, "no journal was left")

      let settled = try place.orgwiz(["apply", "--yes"])
      #expect(settled.status == 0, "\(settled.stderr)")
      #expect(settled.stderr.contains("was cut short"), "\(settled.stderr)")
      puts = try await okta.requests().filter { $0.method == "PUT" }
      #expect(
        puts.map(\.path) == [rulePath, "/api/v1/apps/0oa1mob"],
        "the rule was sent again, or the app not at all: \(puts)")
      #expect(place.directory.read("org.json.apply.journal") == nil)
      let records = place.applyRecords()
      #expect(records.count == 2, "\(records)")
      let interrupted = records.first { $0.contains("cut short") }
      #expect(interrupted?.contains("interaction_code added to rule") == true, "\(records)")
      let again = try place.orgwiz(["apply", "--yes"])
      #expect(again.stderr.contains("Nothing to apply"), "\(again.stderr)")
    }
  }

  @Test func anApplyKilledAfterItsFirstWriteIsSettledByAPull() async throws {
    try await afterTheExampleRun { okta, place in
      let killed = try place.orgwiz(["apply", "--yes"], extra: ["ORGWIZ_TEST_FAULT": "apply-sent"])
      #expect(killed.status != 0, "\(killed.stderr)")
      let pulled = try place.pull(["--embedded-widget", "on", "--force"])
      #expect(pulled.status == 0, "\(pulled.stderr)")
      #expect(pulled.stderr.contains("was cut short"), "\(pulled.stderr)")
      #expect(place.directory.read("org.json.apply.journal") == nil)
      let record = try #require(place.applyRecords().first)
      #expect(record.contains("interaction_code added to rule"), "\(record)")
      #expect(record.contains("not sent (the apply was cut short before it)"), "\(record)")
    }
  }

  @Test func aPlantedJournalSteersNoRequest() async throws {
    try await afterTheExampleRun { okta, place in
      let planted = """
        {"format": 1, "orgUrl": "\(okta.url)", "as": "x", "startedAt": "", "toolVersion": "",
         "needsSetting": false, "requests": [{"object": {"type": "app", "id": "0oa1mob",
         "name": "x", "pointer": "/apps/0"}, "kind": "app", "path": "/api/v1/users/00u1ada",
         "before": [], "after": [], "state": "sending", "requestId": null, "outcome": null}]}
        """
      _ = try place.directory.write("org.json.apply.journal", planted)
      try await okta.clearRequests()
      let applied = try place.orgwiz(["apply", "--yes"])
      #expect(applied.status == 65, "\(applied.stderr)")
      let requests = try await okta.requests()
      #expect(!requests.contains { $0.path.hasPrefix("/api/v1/users/00u1ada") }, "\(requests)")
      #expect(!requests.contains { $0.method == "PUT" }, "\(requests)")
    }
  }

  @Test func anotherUsersJournalIsLeftAlone() async throws {
    try await afterTheExampleRun { okta, place in
      let file = place.directory.file("org.json.apply.journal")
      _ = try place.directory.write(
        "org.json.apply.journal",
        "{\"format\": 1, \"orgUrl\": \"\(okta.url)\", \"requests\": []}")
      #expect(chown(file, 65534, 65534) == 0)
      let applied = try place.orgwiz(["apply", "--yes"])
      #expect(applied.status == 0, "\(applied.stderr)")
      #expect(applied.stderr.contains("was left alone: it belongs to"), "\(applied.stderr)")
      #expect(!applied.stderr.contains("cut short"), "\(applied.stderr)")
    }
  }

  // MARK: - Secrets

  @Test func anEchoedTokenIsNeitherPrintedNorWritten() async throws {
    let okta = try await FakeOkta.start(options: .init(interactionCode: true))
    defer { okta.stop() }
    let place = try Place(okta)
    defer { place.directory.remove() }
    try await okta.echo(
      pathRegex: "^/api/v1/org$", status: 401, errorSummary: "Invalid token: {credential}")
    let refused = try place.pull(["--embedded-widget", "on"])
    #expect(refused.status == 77, "\(refused.stderr)")
    #expect(refused.stderr.contains("Invalid token: [redacted]"), "\(refused.stderr)")

    // A server that puts the token into an object: the model holds the mark instead.
    try await okta.tamper(pathRegex: "^/api/v1/org$", .set(["companyName": .string(okta.token)]))
    let pulled = try place.pull(["--embedded-widget", "on"])
    #expect(pulled.status == 0, "\(pulled.stderr)")
    #expect(pulled.stderr.contains("held the credential orgwiz sent"), "\(pulled.stderr)")

    let run = try place.orgwiz(["run"] + LiveOrgTests.enable)
    #expect(run.status == 0, "\(run.stderr)")
    try await okta.echo(
      method: "PUT", pathRegex: "^/api/v1/apps/", errorSummary: "Bad request from {credential}")
    let applied = try place.orgwiz(["apply", "--yes", "--json"])
    #expect(applied.status == 1, "\(applied.stderr)")
    let records = place.applyRecords()
    #expect(records.count == 1)
    let record = try #require(records.first)
    // (Markdown escapes the brackets of the mark.)
    #expect(record.contains("Bad request from \\[redacted\\]"), "\(record)")
    expectNoSecrets(place)
  }

  @Test func aProcessHoldingATokenDumpsNoCore() async throws {
    let okta = try await FakeOkta.start()
    defer { okta.stop() }
    let place = try Place(okta)
    defer { place.directory.remove() }
    // Okta holds the pull's first request; the fake counts it as it arrives.
    try await okta.fault(pathRegex: "^/api/v1/org$", delaySeconds: 30)
    let binary = try Fixtures.binary()
    let go = NSTemporaryDirectory() + "/orgwiz-go-\(UUID().uuidString)"
    defer { unlink(go) }
    // The shell lifts the core limit as an admin's shell may; orgwiz, holding the token,
    // must drop it again and be undumpable, so the crash below leaves no core file. It is
    // crashed once the test has seen its request reach Okta.
    let script = """
      \(Self.noBacktracer)
      ulimit -c unlimited
      '\(binary)' pull --okta-url '\(okta.url)' --embedded-widget off &
      pid=$!
      i=0; while [ ! -e '\(go)' ] && [ $i -lt 6000 ]; do sleep 0.01; i=$((i+1)); done
      \(Self.crashThePid)
      """
    let shell = try ProcessRunner.start(
      "/bin/sh", ["-c", script], in: place.directory.path, environment: place.environment,
      removing: ["ORGWIZ_CONTENT"], timeout: 90)
    var arrived = false
    let deadline = Date().addingTimeInterval(60)
    while !arrived && Date() < deadline && shell.isRunning {
      let faults = try await okta.faults().arrayValue ?? []
      arrived = faults.contains { ($0["hits"]?.intValue ?? 0) > 0 }
      // A poll of the fake's count (10 ms apart): this waits for the request to arrive.
      if !arrived { try await Task.sleep(nanoseconds: 10_000_000) }
    }
    #expect(arrived, "the pull's request never reached the fake")
    _ = FileManager.default.createFile(atPath: go, contents: nil)
    let crashed = shell.finish()
    try expectCrashedWithoutACore(crashed, in: place.directory)
  }

  // MARK: - Credentials

  @Test func theTokenFileNamedOnTheCommandLineBeatsTheEnvironment() async throws {
    let okta = try await FakeOkta.start()
    defer { okta.stop() }
    var place = try Place(okta)
    defer { place.directory.remove() }
    place.environment["OKTA_API_TOKEN"] = "wrong-token-from-the-environment"
    _ = try place.directory.write("token", okta.token + "\n")
    chmod(place.directory.file("token"), 0o600)
    let pulled = try place.pull(["--embedded-widget", "off", "--token-file", "token"])
    #expect(pulled.status == 0, "\(pulled.stderr)")
    #expect(!pulled.stderr.contains("Warning"), "\(pulled.stderr)")
    expectNoSecrets(place, except: ["token"])
  }

  @Test func aSecretOthersCanReadIsUsedWithAWarning() async throws {
    let okta = try await FakeOkta.start()
    defer { okta.stop() }
    var place = try Place(okta)
    defer { place.directory.remove() }
    place.environment["OKTA_API_TOKEN"] = ""
    try FileManager.default.createDirectory(
      atPath: place.directory.file(".okta"), withIntermediateDirectories: true)
    _ = try place.directory.write(
      ".okta/okta.yaml",
      "okta:\n  client:\n    orgUrl: \(okta.url)\n    token: \(okta.token)\n"
        + "    proxy:\n      host: proxy.example\n      port: 3128\n")
    chmod(place.directory.file(".okta/okta.yaml"), 0o644)
    let pulled = try place.orgwiz(["pull", "--embedded-widget", "off"])
    #expect(pulled.status == 0, "\(pulled.stderr)")
    #expect(pulled.stderr.contains("other users can read it (mode 644)"), "\(pulled.stderr)")
    #expect(pulled.stderr.contains("chmod 600"), "\(pulled.stderr)")
    #expect(pulled.stderr.contains("okta.client.proxy, which orgwiz does not use"))
    #expect(pulled.stderr.contains("https_proxy"), "\(pulled.stderr)")
    expectNoSecrets(place, except: [".okta/okta.yaml"])
  }

  @Test func anEncryptedPrivateKeyIsNamedAsSuch() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    _ = try directory.write(
      "key.pem",
      "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIFHDBOBgkqhkiG9w0BBQ0wQTApBgkqhkiG9w0BBQwwHAQI\n"
        + "-----END ENCRYPTED PRIVATE KEY-----\n")
    chmod(directory.file("key.pem"), 0o600)
    let pulled = try BoundedRun.orgwiz(
      [
        "pull", "--okta-url", "http://127.0.0.1:9", "--client-id", "0oaSERVICE1",
        "--private-key", "key.pem", "--embedded-widget", "off",
      ], in: directory.path, environment: ["HOME": directory.path])
    #expect(pulled.status == 65, "\(pulled.stderr)")
    #expect(pulled.stderr.contains("encrypted with a passphrase"), "\(pulled.stderr)")
  }
}
