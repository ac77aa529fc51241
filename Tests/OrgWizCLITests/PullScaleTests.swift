import Foundation
import OrgWizCore
import OrgWizJSON
import OrgWizTestSupport
import Testing

@testable import OrgWizCLI

/// Issue 25: a scoped pull, a resumed pull and the pull journal, through the built binary
/// against the fake Okta (every request checked against Okta's spec).
@Suite(.serialized) struct PullScaleTests {
  typealias Place = LiveOrgTests.Place

  func conforming(_ okta: FakeOkta) async throws {
    let violations = try await okta.violations()
    #expect(violations.isEmpty, "requests that break Okta's spec: \(violations)")
  }

  @Test func scopedPullReadsOnlyTheServerTheAppAndTheTokensOwner() async throws {
    let okta = try await FakeOkta.start()
    defer { okta.stop() }
    let place = try Place(okta)
    defer { place.directory.remove() }
    let pulled = try place.pull([
      "--embedded-widget", "off", "--server", "api", "--app", "Acme Mobile",
    ])
    #expect(pulled.status == 0, "\(pulled.stderr)")
    let requests = try await okta.requests()
    #expect(requests.count <= 30)
    #expect(!requests.contains { $0.path == "/api/v1/iam/assignees/users" })
    #expect(
      !requests.contains { $0.path == "/api/v1/apps" && $0.query["q"] == nil },
      "an app is looked up, not found by listing every app")
    let model = try place.model()
    #expect(model["pull"]?["scope"]?["servers"] == ["aus1api"])
    #expect(model["pull"]?["scope"]?["apps"] == ["0oa1mob"])
    #expect(model["pull"]?["scope"]?["admins"] == ["00u1ada"])
    #expect(model["apps"]?.arrayValue?.count == 1)
    #expect(model["admins"]?.arrayValue?.count == 1)
    #expect(pulled.stderr.contains("apps other than Acme Mobile (0oa1mob) were not pulled"))
    #expect(pulled.stderr.contains("\(requests.count) requests"))
    place.expectNoSecrets(in: place.runs.all, secrets: [okta.token, LiveOrgTests.exampleSecret])
    try await conforming(okta)
  }

  @Test func aScopedModelsRecordsSayWhatIsNotKnown() async throws {
    let okta = try await FakeOkta.start(options: .init(interactionCode: true))
    defer { okta.stop() }
    let place = try Place(okta)
    defer { place.directory.remove() }
    let pulled = try place.pull([
      "--embedded-widget", "on", "--server", "api", "--app", "0oa1mob", "--operator",
      "ada@acme.example",
    ])
    #expect(pulled.status == 0, "\(pulled.stderr)")
    let run = try place.orgwiz(["run"] + LiveOrgTests.enable + ["--summary", "change.md"])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stderr.contains("The model is partial"))
    let record = try #require(place.changeRecord())
    #expect(record.contains("apps other than Acme Mobile (0oa1mob) were not pulled"))
    #expect(record.contains("not known"))
    // The JSON record says so too, beside its list of affected apps.
    let json = try place.orgwiz(["run"] + LiveOrgTests.enable + ["--dry-run", "--json"])
    let risk = try JSONParser.parse(Array(json.stdout.utf8))["riskAndImpact"]
    #expect(
      risk?["partialModel"]?.stringValue?.contains("were not pulled") == true, "\(json.stdout)")
    let check = try place.orgwiz(["check"])
    #expect(check.stderr.contains("were not pulled"))
    #expect(!check.stdout.contains("no admin holds SUPER_ADMIN"))
    let simulate = try place.orgwiz([
      "simulate", "--app", "Acme Mobile", "--server", "api", "--grant", "interaction_code",
    ])
    #expect(simulate.stderr.contains("The model is partial"))
    // apply works on a scoped model as on a whole one.
    let apply = try place.orgwiz(["apply", "--yes", "--no-verify"])
    #expect(apply.status == 0, "\(apply.stderr)")
    #expect((apply.stdout + apply.stderr).contains("this rule serves is not known"))
    place.expectNoSecrets(in: place.runs.all, secrets: [okta.token, LiveOrgTests.exampleSecret])
    try await conforming(okta)
  }

  @Test func anOperatorWhoMayNotIsToldOnlySomeAdminsWerePulled() async throws {
    let okta = try await FakeOkta.start(options: .init(interactionCode: true))
    defer { okta.stop() }
    let place = try Place(okta)
    defer { place.directory.remove() }
    let pulled = try place.pull([
      "--embedded-widget", "on", "--server", "api", "--operator", "bob@acme.example",
    ])
    #expect(pulled.status == 0, "\(pulled.stderr)")
    let bob = try place.orgwiz([
      "run", "--no-input", "--operator", "bob@acme.example", "--dry-run",
    ])
    #expect(bob.status == 1, "\(bob.stderr)")
    #expect(bob.stderr.contains("only the admins a scoped pull read"), "\(bob.stderr)")
    #expect(!bob.stderr.contains("ask your Okta org's owner"), "\(bob.stderr)")
  }

  @Test func anInterruptedPullResumesToTheSameModel() async throws {
    let okta = try await FakeOkta.start(options: .init(pageSize: 1))
    defer { okta.stop() }
    let place = try Place(okta)
    defer { place.directory.remove() }
    let whole = try place.pull(["--embedded-widget", "off", "--org", "whole.json"])
    #expect(whole.status == 0, "\(whole.stderr)")
    let full = try await okta.requests().count
    try await okta.clearRequests()
    // A rate limit that resets in an hour, from the 12th request on: the pull stops (75).
    _ = try await okta.fault(pathRegex: ".*", status: 429, count: -1, resetSeconds: 3600, skip: 12)
    let cut = try place.pull()
    #expect(cut.status == 75, "\(cut.stderr)")
    #expect(!FileManager.default.fileExists(atPath: place.directory.file("org.json")))
    let journal = place.directory.file("org.json.pull.journal")
    #expect(cut.stderr.contains("is kept in"))
    var status = stat()
    #expect(lstat(journal, &status) == 0 && status.st_mode & 0o077 == 0)
    try await okta.clearFaults()
    try await okta.clearRequests()
    let resumed = try place.pull()
    #expect(resumed.status == 0, "\(resumed.stderr)")
    #expect(resumed.stderr.contains("Resuming the pull"))
    #expect(try await okta.requests().count < full)
    #expect(!FileManager.default.fileExists(atPath: journal))
    var one = try place.model()
    var other = try JSONParser.parse(Array(try #require(place.directory.read("whole.json")).utf8))
    _ = one.removeMember(at: JSONPointer.root / "pull" / "pulledAt")
    _ = other.removeMember(at: JSONPointer.root / "pull" / "pulledAt")
    #expect(one == other, "the resumed model equals an uninterrupted pull's")
    place.expectNoSecrets(in: place.runs.all, secrets: [okta.token, LiveOrgTests.exampleSecret])
    try await conforming(okta)
  }

  @Test func aJournalOthersCouldWriteIsNeverRead() async throws {
    let okta = try await FakeOkta.start()
    defer { okta.stop() }
    let place = try Place(okta)
    defer { place.directory.remove() }
    let journal = place.directory.file("org.json.pull.journal")
    // A planted journal that would put a made-up org into the model.
    let planted =
      "{\"format\":\"orgwiz pull journal\",\"version\":1,\"orgUrl\":\"\(okta.url)\","
      + "\"startedAt\":\"2026-01-01T00:00:00.000Z\"}\n"
      + "{\"key\":\"org\",\"requests\":1,\"value\":{\"id\":\"00oEVIL\",\"companyName\":\"Planted\"}}\n"
    try #require(
      FileManager.default.createFile(
        atPath: journal, contents: Data(planted.utf8), attributes: [.posixPermissions: 0o666]))
    let pulled = try place.pull()
    #expect(pulled.status == 0, "\(pulled.stderr)")
    #expect(pulled.stderr.contains("was left alone"))
    #expect(!pulled.stderr.contains("Resuming"))
    #expect(try place.model()["org"]?["name"]?.stringValue != "Planted")
    // A link planted at the journal's name is replaced, never followed.
    try FileManager.default.removeItem(atPath: place.directory.file("org.json"))
    let target = place.directory.file("elsewhere")
    try #require(FileManager.default.createFile(atPath: target, contents: Data("keep\n".utf8)))
    try FileManager.default.createSymbolicLink(atPath: journal, withDestinationPath: target)
    _ = try await okta.fault(pathRegex: "/api/v1/apps", status: 429, count: -1, resetSeconds: 3600)
    let cut = try place.pull()
    #expect(cut.status == 75)
    #expect(place.directory.read("elsewhere") == "keep\n")
    var status = stat()
    #expect(lstat(journal, &status) == 0 && status.st_mode & S_IFMT == S_IFREG)
    place.expectNoSecrets(in: place.runs.all, secrets: [okta.token, LiveOrgTests.exampleSecret])
  }

  @Test func restartIgnoresTheJournal() async throws {
    let okta = try await FakeOkta.start()
    defer { okta.stop() }
    let place = try Place(okta)
    defer { place.directory.remove() }
    _ = try await okta.fault(pathRegex: "/api/v1/apps", status: 429, count: -1, resetSeconds: 3600)
    #expect(try place.pull().status == 75)
    try await okta.clearFaults()
    let again = try place.pull(["--embedded-widget", "off", "--restart"])
    #expect(again.status == 0, "\(again.stderr)")
    #expect(!again.stderr.contains("Resuming"))
    #expect(again.stderr.contains("--restart"))
  }
}

/// The groups the rules name are read a few at a time, not one request each.
@Suite struct PullGroupBatchTests {
  @Test func aWholePullReadsTheRulesGroupsByFiftyAtATime() async throws {
    let okta = try await FakeOkta.start()
    defer { okta.stop() }
    let place = try LiveOrgTests.Place(okta)
    defer { place.directory.remove() }
    let pulled = try place.pull(["--embedded-widget", "off"])
    #expect(pulled.status == 0, "\(pulled.stderr)")
    let requests = try await okta.requests()
    #expect(!requests.contains { $0.path.hasPrefix("/api/v1/groups/") }, "a group read alone")
    let searches = requests.filter { $0.path == "/api/v1/groups" }
    #expect(searches.count == 1, "\(searches.map(\.path))")
    // Every group a rule names is in the model, as before.
    let model = try place.model()
    let groups = model["groups"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
    #expect(!groups.isEmpty)
  }
}

/// A pull shows how far it is: off a terminal a line every 10 seconds, and its request count at
/// the end.
@Suite struct PullProgressTests {
  @Test func aSlowPullOffATerminalPrintsAProgressLine() async throws {
    let okta = try await FakeOkta.start()
    defer { okta.stop() }
    let place = try LiveOrgTests.Place(okta)
    defer { place.directory.remove() }
    // Okta holds the app list for 11 seconds: the 10-second line comes while it waits.
    _ = try await okta.fault(pathRegex: "^/api/v1/apps$", delaySeconds: 11)
    let pulled = try place.pull(["--embedded-widget", "off"])
    #expect(pulled.status == 0, "\(pulled.stderr)")
    let lines = pulled.stderr.split(separator: "\n").filter { $0.hasPrefix("Pulling: ") }
    #expect(!lines.isEmpty, "\(pulled.stderr)")
    #expect(lines.allSatisfy { $0.contains("object") && $0.contains("request") }, "\(lines)")
    // Off a terminal a line is a line: no carriage return or escape redraws it.
    #expect(!pulled.stderr.contains("\r") && !pulled.stderr.contains("\u{1B}["))
    #expect(pulled.stderr.contains(" requests) into "), "\(pulled.stderr)")
  }

  @Test func aSlowPullAtATerminalRedrawsOneProgressLine() async throws {
    let okta = try await FakeOkta.start()
    defer { okta.stop() }
    let place = try LiveOrgTests.Place(okta)
    defer { place.directory.remove() }
    // Okta holds the app list for 3 seconds: the line is drawn each second meanwhile.
    _ = try await okta.fault(pathRegex: "^/api/v1/apps$", delaySeconds: 3)
    let exports = place.environment.map { "\($0.key)='\($0.value)'" }.joined(separator: " ")
    let terminal = try TerminalSession(
      "env \(exports) \(TerminalEndToEndTests.binary) pull --okta-url \(okta.url) "
        + "--embedded-widget off --no-color",
      in: place.directory.path)
    #expect(terminal.finish(seconds: 60) == 0, "\(terminal.transcript)")
    let shown = terminal.transcript
    // Redrawn in place (carriage return, clear line), with objects and requests, then cleared
    // before the closing lines.
    // Counted on the bytes: a clear-line sequence (ESC [ K) right before each redrawn line.
    let bytes = Array(shown.utf8)
    let mark = Array("\u{1B}[KPulling: ".utf8)
    let redraws = bytes.indices.filter { bytes[$0...].starts(with: mark) }.count
    #expect(redraws >= 2, "\(shown)")
    // Never shown as text: the sequence acts on the terminal.
    #expect(!shown.contains("^[[K"), "\(shown)")
    #expect(shown.contains("request"), "\(shown)")
    #expect(shown.contains("Pulled "), "\(shown)")
    #expect(!shown.contains(okta.token))
  }

  @Test func theTimeLeftHonoursTheRateLimitBudget() {
    // 100 requests done in 10 s, 500 to go: 50 s at that pace.
    #expect(
      PullProgress.timeLeft(expected: 500, requests: 100, seconds: 10, budget: nil) == 50)
    // Only 50 left in the budget, resetting in 30 s, 100 a minute after: no sooner than the
    // reset plus the minutes the other 450 take.
    let limited = PullProgress.timeLeft(
      expected: 500, requests: 100, seconds: 10, budget: (remaining: 50, limit: 100, resetIn: 30))
    #expect(limited.map { Int($0) } == 30 + 4 * 60)
    #expect(PullProgress.duration(45) == "45 s" && PullProgress.duration(720) == "12 min")
  }
}
