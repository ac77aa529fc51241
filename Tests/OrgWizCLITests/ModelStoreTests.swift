import Foundation
import OrgWizCore
import OrgWizJSON
import OrgWizTestSupport
import Testing

@testable import OrgWizCLI

#if canImport(Glibc)
  import Glibc
#endif

/// The model store's contract (``ModelStore``, ``ModelFile``): every command reads a model
/// the same way, refuses the same files, and writes only over the model it read.
@Suite(.serialized) struct ModelStoreTests {
  /// The example org with a 4 MiB string near its top, so that the releasing parse has given
  /// pages back before it meets `broken`, the third line.
  static func largeModel(broken: String? = nil) throws -> String {
    let text = String(decoding: try Fixtures.exampleBytes(), as: UTF8.self)
    let padding = String(repeating: "x", count: 4 << 20)
    let inserted = "{\n  \"padding\": \"\(padding)\",\n" + (broken.map { $0 + "\n" } ?? "")
    return inserted + text.drop { $0 != "\n" }.dropFirst()
  }

  // MARK: Through the binary

  /// Whichever command reads it, to read only or to edit, a model that does not parse is
  /// reported at its exact line and column, after the parse that gave its pages back failed.
  @Test(arguments: [
    ["check"], ["run", "--no-input"], ["apply", "--dry-run"], ["verify"],
    ["export", "--requests", "out"], ["checklist"], ["simulate", "--app", "a", "--server", "s"],
  ])
  func aModelThatDoesNotParseIsReportedAtItsLineAndColumn(_ command: [String]) throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    try directory.write("org.json", try Self.largeModel(broken: "  \"broken\": ,"))
    let run = try BoundedRun.orgwiz(command + ["--org", "org.json"], in: directory.path)
    #expect(run.status == 65, "\(command[0]): \(run.stderr)")
    #expect(run.stderr.contains("org.json:3:13: malformed JSON"), "\(command[0]): \(run.stderr)")
    #expect(directory.listing() == ["org.json"], "\(command[0]) wrote something")
  }

  /// The read-only commands refuse a FIFO as the model at once, as run, check and undo do
  /// (HostileFileTests), instead of waiting on it.
  @Test(arguments: [
    ["verify"], ["export", "--requests", "out"], ["checklist"],
    ["simulate", "--app", "a", "--server", "s"], ["apply", "--dry-run"],
  ])
  func aFIFOAsTheModelIsRefusedByEveryReader(_ command: [String]) throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    #expect(mkfifo(directory.file("org.json"), 0o600) == 0)
    let run = try BoundedRun.orgwiz(
      command + ["--org", "org.json"], in: directory.path, seconds: 10)
    #expect(!run.timedOut, "\(command[0]) hung on a FIFO")
    #expect(run.status == 66, "\(command[0]): \(run.stderr)")
    #expect(run.stderr.contains("FIFO"), "\(command[0]): \(run.stderr)")
  }

  /// undo's last look: the model edited while undo is about to write is kept, with undo's
  /// own words.
  @Test func undoKeepsAModelChangedWhileItWasGoingOn() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    try Data(try Fixtures.exampleBytes()).write(
      to: URL(fileURLWithPath: directory.file("org.json")))
    let first = try BinaryRun(SafetyTests.answers, in: directory.path).finish()
    #expect(first.status == 0, "\(first.stderr)")
    let pause = FaultPause("before-write")
    let undo = try BinaryRun(
      ["undo", "--yes", "--org", "org.json"], in: directory.path, environment: pause.environment)
    try pause.waitUntilReached(by: undo.process)
    let edited = try #require(directory.read("org.json")) + "\n"
    try directory.write("org.json", edited)
    pause.release()
    let result = undo.finish()
    #expect(result.status == 1, "\(result.stderr)")
    #expect(result.stderr.contains("was changed by another program while undo was going on"))
    #expect(directory.read("org.json") == edited)
    #expect(!directory.listing().contains { $0.hasSuffix(".undo.md") })
  }

  /// pull's last look: a model edited after pull read it for its backup (paused before the
  /// write), or while pull reads Okta (paused once Okta is read: the model it replaces is read
  /// before Okta is, and a large org takes many minutes), is kept, and so is the backup there
  /// was.
  @Test(arguments: ["before-write", "pulled"])
  func pullKeepsAModelChangedWhileItWasGoingOn(_ point: String) async throws {
    let okta = try await FakeOkta.start()
    defer { okta.stop() }
    let place = try LiveOrgTests.Place(okta)
    defer { place.directory.remove() }
    try place.directory.write("org.json", "{\"formatVersion\": 1}")
    let pause = FaultPause(point)
    let pull = try BinaryRun(
      ["pull", "--okta-url", okta.url, "--embedded-widget", "off", "--force"],
      in: place.directory.path, environment: place.environment.merging(pause.environment) { $1 })
    try pause.waitUntilReached(by: pull.process)
    try place.directory.write("org.json", "{\"formatVersion\": 1, \"edited\": true}")
    pause.release()
    let result = pull.finish()
    #expect(result.status == 1, "\(result.stderr)")
    #expect(result.stderr.contains("was changed by another program while pull was reading Okta"))
    #expect(place.directory.read("org.json") == "{\"formatVersion\": 1, \"edited\": true}")
    #expect(place.directory.listing() == ["org.json"])
  }

  /// apply's last look: the requests are sent, the model edited meanwhile is kept, and the
  /// message says the model does not know of them.
  @Test func applyKeepsAModelChangedWhileItSent() async throws {
    try await LiveOrgTests().afterTheExampleRun { okta, place in
      let before = try #require(place.directory.read("org.json"))
      let pause = FaultPause("before-write")
      let apply = try BinaryRun(
        ["apply", "--yes"], in: place.directory.path,
        environment: place.environment.merging(pause.environment) { $1 })
      try pause.waitUntilReached(by: apply.process)
      let edited = before + "\n"
      try place.directory.write("org.json", edited)
      pause.release()
      let result = apply.finish()
      #expect(result.status == 1, "\(result.stderr)")
      #expect(
        result.stderr.contains(
          "was changed by another program during apply. The requests above were sent"))
      #expect(place.directory.read("org.json") == edited)
      #expect(try await okta.requests().contains { $0.method == "PUT" })
    }
  }

  // MARK: Through the store

  /// Only the executable keeps the models it reads until the process exits
  /// (`ProcessLifetime`); commands run in one process, as the tests run them, keep none, so
  /// such a process does not grow with every command it runs.
  @Test func commandsRunInProcessKeepNoModel() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    try directory.write("org.json", try Self.largeModel())
    for command in [["check"], ["checklist"], ["run", "--no-input"]] {
      let run = CLIRunner.run(command + ["--org", "org.json"], in: directory.path)
      // The model was read (not refused as missing or malformed).
      #expect(![65, 66].contains(run.status), "\(command[0]): \(run.stderr)")
      #expect(ProcessLifetime.count == 0, "\(command[0]) kept its model")
    }
  }

  /// The last look passes over the file as read, and over the transaction's own hard link
  /// (the backup), which changes the file's change time; an edit of the same size is a change.
  @Test func theLastLookTellsAnEditFromTheBackupsOwnLink() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let path = directory.file("org.json")
    try directory.write("org.json", try Self.largeModel())
    let (file, _, _) = try ModelStore.readToEdit(path, source: "org.json", hint: "")
    let transaction = WriteTransaction(model: path, environment: [:])
    let changed = OrgWizFailure(.failure, "changed", next: "again")
    try file.ensureUnchanged(links: transaction.links, otherwise: changed)
    try transaction.stage(try #require(file.backup(otherwise: changed)))
    try file.ensureUnchanged(links: transaction.links, otherwise: changed)
    let edited = try #require(directory.read("org.json")).replacingOccurrences(
      of: "Acme Corp", with: "Acme Cord")
    try directory.write("org.json", edited)
    let refusal = #expect(throws: OrgWizFailure.self) {
      try file.ensureUnchanged(links: transaction.links, otherwise: changed)
    }
    #expect(refusal?.message == "changed")
  }

  /// Where the backup cannot be a hard link, it is a copy that must be the model as read: a
  /// model changed since is refused with the command's words, and nothing is left staged.
  @Test func aBackupCopyOfAChangedModelIsRefused() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let path = directory.file("org.json")
    try directory.write("org.json", "{\"formatVersion\": 1}")
    let file = try ModelStore.readToReplace(path)
    let transaction = WriteTransaction(
      model: path, environment: ["ORGWIZ_TEST_FAULT": "link-backup:fail"])
    let changed = OrgWizFailure(.failure, "changed while pull was reading", next: "again")
    let backup = try #require(file.backup(otherwise: changed))
    try transaction.stage(backup)
    #expect(
      FileManager.default.contents(atPath: transaction.stagingPath(for: path + ".bak"))
        == Data("{\"formatVersion\": 1}".utf8))
    try directory.write("org.json", "{\"formatVersion\": 2}")
    let refusal = #expect(throws: OrgWizFailure.self) { try transaction.stage(backup) }
    #expect(refusal?.message == "changed while pull was reading")
    #expect(directory.listing(all: true) == ["org.json"])
  }

  /// A model staged from its document is the text the writer makes, and its fingerprint is
  /// that text's: what the change record and the undo record name is what lands on disk.
  @Test func aStagedModelIsTheWritersTextAndItsFingerprint() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let path = directory.file("org.json")
    let model = try Fixtures.exampleModel()
    let transaction = WriteTransaction(model: path, environment: [:])
    let staged = try ModelStore.stage(model, in: transaction)
    let text = try #require(
      FileManager.default.contents(atPath: transaction.stagingPath(for: path)))
    #expect([UInt8](text) == model.encoded())
    #expect(staged.sha256 == SHA256.hex(model.encoded()))
    #expect(staged.file.role == "model" && staged.file.destination == path)
  }
}
