import Foundation
import OrgWizCLI
import OrgWizCore
import OrgWizJSON
import OrgWizTestSupport
import Testing

/// The binary, started as a separate process, for the tests that kill it or run two at once.
struct BinaryRun {
  let process: RunningProcess

  /// - Parameter closeOutput: close the reading end of standard output at once, as when
  ///   `orgwiz ... | head -c0` has gone away.
  init(
    _ arguments: [String], in directory: String, environment extra: [String: String] = [:],
    closeOutput: Bool = false
  )
    throws
  {
    process = try ProcessRunner.startOrgwiz(
      arguments, in: directory, environment: extra, stdout: closeOutput ? .closedPipe : .capture)
  }

  /// Waits for the end; returns the exit status (or the signal) and standard error.
  func finish() -> (status: Int32, killed: Bool, stderr: String) {
    let run = process.finish()
    #expect(!run.timedOut, "\(run)")
    return (run.status, run.signaled, run.stderr)
  }
}

@Suite(.serialized) struct SafetyTests {
  static let answers = [
    "--no-input", "--operator", "ada@acme.example", "--set", "org-setting=enable", "--set",
    "server=api", "--set", "app=Acme Mobile", "--set", "app-grant=yes", "--summary", "change.md",
  ]

  func exampleModel(in directory: TemporaryDirectory) throws -> [UInt8] {
    let bytes = try Fixtures.exampleBytes()
    try Data(bytes).write(to: URL(fileURLWithPath: directory.file("org.json")))
    return bytes
  }

  func bytes(_ directory: TemporaryDirectory, _ name: String) -> [UInt8]? {
    FileManager.default.contents(atPath: directory.file(name)).map { [UInt8]($0) }
  }

  /// A run of the answers in `directory`, paused once it holds the model's lock; the caller
  /// releases the pause.
  func runHoldingTheLock(in directory: TemporaryDirectory) throws -> (BinaryRun, FaultPause) {
    let locked = FaultPause("locked")
    let run = try BinaryRun(Self.answers, in: directory.path, environment: locked.environment)
    try locked.waitUntilReached(by: run.process)
    return (run, locked)
  }

  /// No write was left half-done in `directory`: no staged `.orgwiz` file, no write journal.
  func expectNoWriteLeftOver(
    _ directory: TemporaryDirectory, sourceLocation: SourceLocation = #_sourceLocation
  ) {
    let names = directory.listing(all: true)
    #expect(
      !names.contains { $0.contains(".orgwiz") || $0.hasSuffix(".write.journal") }, "\(names)",
      sourceLocation: sourceLocation)
  }

  /// The objects a run changes; their `lastUpdated` carries the run's time.
  static let touched: [JSONPointer] = [
    JSONPointer.root / "apps" / 0,
    JSONPointer(["authorizationServers", "0", "policies", "1", "rules", "0"]),
  ]

  /// The model a successful run writes, with `lastUpdated` normalised, for comparison.
  func expectedAfter() throws -> [UInt8]? {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    _ = try exampleModel(in: directory)
    let run = try BinaryRun(Self.answers, in: directory.path).finish()
    #expect(run.status == 0, "\(run.stderr)")
    return normalised(bytes(directory, "org.json"))
  }

  func normalised(_ bytes: [UInt8]?) -> [UInt8]? {
    guard let bytes, var document = try? JSONParser.parse(bytes) else { return bytes }
    for pointer in Self.touched {
      document.set("T", at: pointer / "lastUpdated")
    }
    return JSONWriter.write(document)
  }

  @Test(arguments: [
    "locked", "staged-backup", "staged-undo", "staged-model", "staged-summary",
    "committed-backup", "committed-undo", "committed-model", "committed-summary",
  ])
  func killedAtAnyPointTheModelIsOldOrNewNeverPartial(_ point: String) throws {
    let after = try expectedAfter()
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let before = try exampleModel(in: directory)
    let run = try BinaryRun(
      Self.answers, in: directory.path, environment: ["ORGWIZ_TEST_FAULT": point]
    )
    .finish()
    #expect(run.killed && run.status == 9, "\(point): \(run.status) \(run.stderr)")
    let model = bytes(directory, "org.json")
    let replaced = ["committed-model", "committed-summary"].contains(point)
    if replaced {
      #expect(normalised(model) == after, "\(point): the model is not the new version")
      #expect(bytes(directory, "org.json.bak") == before)
    } else {
      #expect(model == before, "\(point): the model is not the old version")
    }
    // The next run cleans up after the killed one and completes.
    let again = try BinaryRun(Self.answers, in: directory.path).finish()
    #expect(again.status == 0, "\(point): \(again.stderr)")
    #expect(normalised(bytes(directory, "org.json")) == after)
    expectNoWriteLeftOver(directory)
  }

  @Test func aSummaryLeftStagedByAKillAfterTheModelIsPutInPlaceByTheNextRun() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    _ = try exampleModel(in: directory)
    let killed = try BinaryRun(
      Self.answers, in: directory.path, environment: ["ORGWIZ_TEST_FAULT": "committed-model"]
    )
    .finish()
    #expect(killed.killed)
    #expect(!directory.listing().contains("change.md"))
    var answers = Self.answers
    answers[answers.count - 1] = "again.md"
    let again = try BinaryRun(answers, in: directory.path).finish()
    #expect(again.status == 0, "\(again.stderr)")
    #expect(again.stderr.contains("its write is now finished: \(directory.path)/change.md"))
    let recovered = try #require(directory.read("change.md"))
    #expect(recovered.contains("/settings/embeddedWidgetSignInSupport/interactionCode"))
    #expect(recovered.contains("| false | true |"))
    // The second run found nothing left to change, and says so in its own record.
    #expect(directory.read("again.md")?.contains("| false | true |") == false)
    expectNoWriteLeftOver(directory)
  }

  @Test func aRecoveryKilledHalfWayIsFinishedByTheNextRun() throws {
    // A run is killed once its model is in place; the run that finishes its write is killed
    // in turn after moving the summary in; the third run still moves the answers in.
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    _ = try exampleModel(in: directory)
    try FileManager.default.createDirectory(
      atPath: directory.file("o"), withIntermediateDirectories: false)
    let options =
      Self.answers.dropLast(2) + ["--summary", "o/s.md", "--record-answers", "o/a.yaml"]
    let killed = try BinaryRun(
      Array(options), in: directory.path, environment: ["ORGWIZ_TEST_FAULT": "committed-model"]
    ).finish()
    #expect(killed.killed)
    let second = try BinaryRun(
      Self.answers, in: directory.path, environment: ["ORGWIZ_TEST_FAULT": "recovered-summary"]
    ).finish()
    #expect(second.killed)
    #expect(directory.read("o/s.md")?.contains("## Backout plan") == true)
    #expect(directory.read("o/a.yaml") == nil)
    let third = try BinaryRun(Self.answers, in: directory.path).finish()
    #expect(third.status == 0, "\(third.stderr)")
    #expect(third.stderr.contains("its write is now finished: \(directory.path)/o/a.yaml"))
    #expect(directory.read("o/a.yaml")?.contains("server: \"aus1api\"") == true)
    #expect(!directory.listing(all: true).contains { $0.contains(".orgwiz") })
    #expect(
      !((try? FileManager.default.contentsOfDirectory(atPath: directory.file("o"))) ?? [])
        .contains { $0.contains(".orgwiz") })
  }

  /// A stream is written only once the write is complete (it cannot be taken back); when its
  /// reader has gone by then, the record is kept in the default file instead of being lost.
  @Test func aReaderThatGoesAwayGetsTheRecordSavedBesideTheModel() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let before = try exampleModel(in: directory)
    var answers = Self.answers
    answers[answers.count - 1] = "-"
    let run = try BinaryRun(answers, in: directory.path, closeOutput: true)
    let result = run.finish()
    #expect(result.status == 73, "\(result.stderr)")
    #expect(result.stderr.contains("The model was written"), "\(result.stderr)")
    #expect(bytes(directory, "org.json") != before)
    let saved = try #require(directory.listing().first { $0.hasSuffix(".summary.md") })
    #expect(result.stderr.contains(saved), "\(result.stderr)")
    #expect(directory.read(saved)?.contains("## Backout plan") == true)
  }

  @Test(arguments: ["committed-backup", "committed-undo"])
  func anEarlierBackupSetAsideByAKilledRunIsPutBack(_ point: String) throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let before = try exampleModel(in: directory)
    try directory.write("org.json.bak", "the backup of an earlier run\n")
    let killed = try BinaryRun(
      Self.answers, in: directory.path, environment: ["ORGWIZ_TEST_FAULT": point]
    )
    .finish()
    #expect(killed.killed)
    #expect(bytes(directory, "org.json") == before)
    // The next run puts the earlier backup back before anything else (here it then stops at
    // an invalid answer, so nothing new is written).
    var answers = Self.answers
    answers[answers.firstIndex(of: "server=api")!] = "server=nope"
    let next = try BinaryRun(answers, in: directory.path).finish()
    #expect(next.status == 64, "\(next.stderr)")
    #expect(next.stderr.contains("an earlier run on this model was killed while writing"))
    #expect(directory.read("org.json.bak") == "the backup of an earlier run\n")
    #expect(!directory.listing(all: true).contains("org.json.undo.journal"))
    #expect(bytes(directory, "org.json") == before)
    expectNoWriteLeftOver(directory)
  }

  @Test func aSecondRunOnTheSameModelExits75NamingTheHolder() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    _ = try exampleModel(in: directory)
    let (first, locked) = try runHoldingTheLock(in: directory)
    let second = try BinaryRun(Self.answers, in: directory.path).finish()
    #expect(second.status == 75, "\(second.stderr)")
    #expect(second.stderr.contains("is locked by another orgwiz run: pid \(first.process.pid)"))
    locked.release()
    #expect(first.finish().status == 0)
    #expect(!FileManager.default.fileExists(atPath: directory.file("org.json.lock")))
  }

  @Test func lockTimeoutWaitsForTheOtherRun() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    _ = try exampleModel(in: directory)
    let (first, locked) = try runHoldingTheLock(in: directory)
    // The second run signals once it has found the lock held and begun to wait.
    let waiting = FaultPause("lock-wait", limit: 0)
    let secondRun = try BinaryRun(
      Self.answers + ["--lock-timeout", "60"], in: directory.path,
      environment: waiting.environment)
    try waiting.waitUntilReached(by: secondRun.process)
    waiting.release()
    locked.release()
    #expect(first.finish().status == 0)
    let second = secondRun.finish()
    #expect(second.status == 0, "\(second.stderr)")
    #expect(second.stderr.contains("No changes"))
  }

  @Test func aStaleLockIsTakenOverWithAMessage() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    _ = try exampleModel(in: directory)
    try directory.write(
      "org.json.lock",
      #"{"host": "gone", "pid": 999999, "user": "ada", "startedAt": "2026-11-24T10:00:00Z", "command": "orgwiz"}"#
    )
    let run = try BinaryRun(Self.answers, in: directory.path).finish()
    #expect(run.status == 0, "\(run.stderr)")
    #expect(
      run.stderr.contains("Took over a stale lock on the model left by pid 999999 of ada on gone"))
  }

  /// Another program edits the model (in place) while the run is paused before it writes, or
  /// after everything is staged, just before the renames.
  @Test(arguments: ["before-write", "staged-summary"])
  func aModelChangedOnDiskDuringTheRunIsNotOverwritten(_ point: String) throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    _ = try exampleModel(in: directory)
    // Both points come after the run has read the model.
    let pause = FaultPause(point)
    let run = try BinaryRun(Self.answers, in: directory.path, environment: pause.environment)
    try pause.waitUntilReached(by: run.process)
    let edited = String(decoding: try Fixtures.exampleBytes(), as: UTF8.self)
      .replacingOccurrences(of: "Acme Corp", with: "Acme Corporation")
    try directory.write("org.json", edited)
    pause.release()
    let result = run.finish()
    #expect(result.status == 1, "\(result.stderr)")
    #expect(result.stderr.contains("was changed by another program"))
    #expect(directory.read("org.json") == edited)
    #expect(directory.listing() == ["org.json"])
  }

  /// A model of several MiB, whose text the parse gives back to the system as it goes: the run
  /// makes its change and keeps everything else, the backup holds the file as read, and a
  /// mistake near its end is still reported at its own line.
  @Test func aLargeModelIsReadWrittenAndReportedAsASmallOneIs() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    guard case .object(var root) = try JSONParser.parse(try Fixtures.exampleBytes()) else {
      Issue.record("the example is not an object")
      return
    }
    let padding: [JSONValue] = (0..<30_000).map { index in
      .object(
        JSONObject([
          ("id", .string("00gpad\(index)")),
          (
            "profile",
            .object(
              JSONObject([
                ("description", .string("Padding group \(index) of a large model")),
                ("name", .string("Pad \(index)")),
              ]))
          ),
        ]))
    }
    root["groups"] = .array((root["groups"]?.arrayValue ?? []) + padding)
    let large = JSONWriter.write(.object(root))
    #expect(large.count > 4 << 20)
    try Data(large).write(to: URL(fileURLWithPath: directory.file("org.json")))
    let run = try BinaryRun(Self.answers, in: directory.path).finish()
    #expect(run.status == 0, "\(run.stderr)")
    #expect(bytes(directory, "org.json.bak") == large)
    let written = try JSONParser.parse(try #require(bytes(directory, "org.json")))
    #expect(written["groups"] == root["groups"])
    let mobile = written["apps"]?.arrayValue?.first { $0["label"] == .string("Acme Mobile") }
    let grants = mobile?["settings"]?["oauthClient"]?["grant_types"]?.arrayValue ?? []
    #expect(grants.contains(.string("interaction_code")))

    // A control character in the last group's name, some 5 MiB in.
    var broken = large
    let needle = Array("Pad 29999".utf8)
    let offset = try #require(
      (0...(broken.count - needle.count)).reversed().first {
        broken[$0..<($0 + needle.count)].elementsEqual(needle)
      })
    broken[offset + 3] = 0x01
    let line = broken[..<offset].filter { $0 == 0x0A }.count + 1
    try Data(broken).write(to: URL(fileURLWithPath: directory.file("broken.json")))
    let failed = try BinaryRun(
      Self.answers + ["--org", "broken.json"], in: directory.path
    ).finish()
    #expect(failed.status == 65, "\(failed.stderr)")
    #expect(failed.stderr.contains("broken.json:\(line):"), "\(failed.stderr)")
    #expect(line > 100_000, "the mistake is far beyond the first MiB, which the parse gave back")
    let check = try BinaryRun(["check", "--org", "broken.json"], in: directory.path).finish()
    #expect(check.status == 65, "\(check.stderr)")
    #expect(check.stderr.contains("broken.json:\(line):"), "\(check.stderr)")
    let good = try BinaryRun(["check", "--org", "org.json"], in: directory.path).finish()
    #expect(good.status == 0, "\(good.stderr)")
  }

  /// Where the backup cannot be a hard link (another file system's rules, a link count at its
  /// limit), it is a copy of the model as read, checked against the fingerprint the record
  /// gives it, and undo brings that back.
  @Test func aBackupThatCannotBeLinkedIsACheckedCopy() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let before = try exampleModel(in: directory)
    var original = stat()
    #expect(stat(directory.file("org.json"), &original) == 0)
    let run = try BinaryRun(
      Self.answers, in: directory.path, environment: ["ORGWIZ_TEST_FAULT": "link-backup:fail"]
    ).finish()
    #expect(run.status == 0, "\(run.stderr)")
    #expect(bytes(directory, "org.json.bak") == before)
    #expect(bytes(directory, "org.json") != before)
    var backup = stat()
    #expect(stat(directory.file("org.json.bak"), &backup) == 0)
    // A link would be the model's old file itself.
    #expect(backup.st_ino != original.st_ino, "the backup is a copy, not a link")
    let record = directory.read("change.md") ?? ""
    #expect(record.contains(SHA256.hex(before)), "the record names the backup's fingerprint")
    let undo = try BinaryRun(["undo", "--yes", "--org", "org.json"], in: directory.path).finish()
    #expect(undo.status == 0, "\(undo.stderr)")
    #expect(bytes(directory, "org.json") == before)
  }

  @Test func anInterruptDuringTheWriteIsHeldUntilItIsComplete() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let before = try exampleModel(in: directory)
    let pause = FaultPause("committed-undo")
    let run = try BinaryRun(Self.answers, in: directory.path, environment: pause.environment)
    try pause.waitUntilReached(by: run.process)
    run.process.send(SIGINT)
    run.process.send(SIGTERM)
    pause.release()
    let result = run.finish()
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stderr.contains("an interrupt came while the files were being written"))
    #expect(bytes(directory, "org.json.bak") == before)
    #expect(directory.read("change.md") != nil)
    #expect(!directory.listing(all: true).contains { $0.contains(".orgwiz") })
  }

  @Test func aRunOnAnotherModelNeverTouchesThisRunsFiles() throws {
    // Two models of the same name in two directories; run A writes its summary into B's
    // directory and is paused there while a run on B starts and settles B's leftovers.
    let root = try TemporaryDirectory()
    defer { root.remove() }
    for name in ["a", "b"] {
      try FileManager.default.createDirectory(
        atPath: root.file(name), withIntermediateDirectories: false)
      try Data(try Fixtures.exampleBytes()).write(
        to: URL(fileURLWithPath: root.file("\(name)/org.json")))
    }
    try root.write("b/s.md", "OLD SUMMARY\n")
    var answers = Self.answers
    answers[answers.count - 1] = "../b/s.md"
    let pause = FaultPause("staged-summary")
    let first = try BinaryRun(answers, in: root.file("a"), environment: pause.environment)
    try pause.waitUntilReached(by: first.process)
    let second = try BinaryRun(Self.answers, in: root.file("b")).finish()
    #expect(second.status == 0, "\(second.stderr)")
    #expect(!second.stderr.contains("killed"))
    pause.release()
    let result = first.finish()
    #expect(result.status == 0, "\(result.stderr)")
    #expect(root.read("b/s.md")?.contains("## Backout plan") == true)
    #expect(root.read("b/s.md")?.contains("a/org.json") == true)
  }

  @Test func aSymbolicLinkToTheModelStaysALinkAndSharesItsLock() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let before = try exampleModel(in: directory)
    try FileManager.default.createSymbolicLink(
      atPath: directory.file("link.json"), withDestinationPath: "org.json")
    let (holder, locked) = try runHoldingTheLock(in: directory)
    var throughLink = Self.answers
    throughLink += ["--org", "link.json"]
    let second = try BinaryRun(throughLink, in: directory.path).finish()
    #expect(second.status == 75, "\(second.stderr)")
    locked.release()
    #expect(holder.finish().status == 0)
    #expect(
      try FileManager.default.destinationOfSymbolicLink(atPath: directory.file("link.json"))
        == "org.json")
    #expect(bytes(directory, "org.json.bak") == before)
    #expect(!directory.listing(all: true).contains("link.json.bak"))
  }

  @Test func aFullDiskIsExit73AndTheModelIsUntouched() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let before = try exampleModel(in: directory)
    let binary = try Fixtures.binary()
    // Files may not grow past 8 KiB: the summary fits, the model (14 KiB) does not.
    let shell = try ProcessRunner.run(
      "/bin/bash", ["-c", "ulimit -f 8; trap '' XFSZ; exec \"$0\" \"$@\"", binary] + Self.answers,
      in: directory.path, removing: ["ORGWIZ_CONTENT"], stdout: .discard)
    let text = shell.stderr
    #expect(shell.status == 73, "\(shell)")
    #expect(text.contains("Cannot write"))
    #expect(bytes(directory, "org.json") == before)
    #expect(directory.listing() == ["org.json"])
  }
}

@Suite struct UndoAndResumeTests {
  func prepared() throws -> (TemporaryDirectory, [UInt8]) {
    let directory = try TemporaryDirectory()
    let bytes = try Fixtures.exampleBytes()
    try Data(bytes).write(to: URL(fileURLWithPath: directory.file("org.json")))
    return (directory, bytes)
  }

  /// A run in `directory` that the operator interrupts at the setting's question (130),
  /// leaving its journal.
  func interruptAtTheSetting(
    in directory: TemporaryDirectory, sourceLocation: SourceLocation = #_sourceLocation
  ) {
    let interrupted = ScriptedPrompter([
      .answer("operator", "ada@acme.example"), .interrupt("org-setting"),
    ])
    let run = CLIRunner.run(["run"], in: directory.path, prompter: interrupted)
    #expect(run.status == 130, "\(run.stderr)", sourceLocation: sourceLocation)
  }

  @Test func twoRunsInTheSameSecondKeepBothChangeRecords() throws {
    let (directory, _) = try prepared()
    defer { directory.remove() }
    let answers = Array(SafetyTests.answers.dropLast(2))
    let first = CLIRunner.run(["run"] + answers, in: directory.path)
    #expect(first.status == 0, "\(first.stderr)")
    let second = CLIRunner.run(["run"] + answers, in: directory.path)
    #expect(second.status == 0, "\(second.stderr)")
    // CLIRunner's clock stands still, so both runs start in the same second.
    #expect(
      first.stderr.contains("Change record: \(directory.path)/org.20261125T014500Z.summary.md"))
    #expect(
      second.stderr.contains("Change record: \(directory.path)/org.20261125T014500Z-2.summary.md")
    )
    #expect(directory.read("org.20261125T014500Z.summary.md")?.contains("| false | true |") == true)
  }

  @Test func undoRestoresTheBackupAfterShowingTheChanges() throws {
    let (directory, original) = try prepared()
    defer { directory.remove() }
    #expect(CLIRunner.run(["run"] + SafetyTests.answers, in: directory.path).status == 0)
    let summary = try #require(directory.read("change.md"))
    #expect(summary.contains("orgwiz undo --org \(directory.path)/org.json"))
    let refused = CLIRunner.run(["undo"], in: directory.path)
    #expect(refused.status == 64)
    #expect(
      refused.stderr.contains(
        "interactionCode: true → false  (/settings/embeddedWidgetSignInSupport/interactionCode)")
    )
    let undone = CLIRunner.run(["undo", "--yes"], in: directory.path)
    #expect(undone.status == 0, "\(undone.stderr)")
    #expect(directory.read("org.json").map { Array($0.utf8) } == original)
    // A second undo (or one repeated after being cut short) finds nothing left to restore.
    let again = CLIRunner.run(["undo", "--yes"], in: directory.path)
    #expect(again.status == 0)
    #expect(again.stderr.contains("nothing to restore"))
    #expect(!directory.listing(all: true).contains("org.json.undo.journal"))
  }

  @Test func undoRefusesWhenTheModelChangedSinceUnlessForced() throws {
    let (directory, original) = try prepared()
    defer { directory.remove() }
    #expect(CLIRunner.run(["run"] + SafetyTests.answers, in: directory.path).status == 0)
    let changed = try #require(directory.read("org.json")).replacingOccurrences(
      of: "Acme Web", with: "Acme Website")
    try directory.write("org.json", changed)
    let refused = CLIRunner.run(["undo", "--yes"], in: directory.path)
    #expect(refused.status == 1)
    #expect(refused.stderr.contains("no longer matches what the run of"))
    #expect(directory.read("org.json") == changed)
    let forced = CLIRunner.run(["undo", "--yes", "--force"], in: directory.path)
    #expect(forced.status == 0)
    #expect(directory.read("org.json").map { Array($0.utf8) } == original)
  }

  @Test func undoAsksAtAPrompt() throws {
    let (directory, original) = try prepared()
    defer { directory.remove() }
    #expect(CLIRunner.run(["run"] + SafetyTests.answers, in: directory.path).status == 0)
    let declined = CLIRunner.run(
      ["undo"], in: directory.path, prompter: ScriptedPrompter([.confirm(false)]))
    #expect(declined.status == 2)
    let accepted = CLIRunner.run(
      ["undo"], in: directory.path, prompter: ScriptedPrompter([.confirm(true)]))
    #expect(accepted.status == 0)
    #expect(directory.read("org.json").map { Array($0.utf8) } == original)
  }

  @Test func anInterruptedRunCanBeResumed() throws {
    let (directory, _) = try prepared()
    defer { directory.remove() }
    let interrupted = ScriptedPrompter([
      .answer("operator", "ada@acme.example"), .answer("org-setting", "enable"),
      .interrupt("server"),
    ])
    #expect(CLIRunner.run(["run"], in: directory.path, prompter: interrupted).status == 130)
    #expect(directory.listing(all: true).contains("org.json.journal"))
    // Without a terminal and without --resume, the journal is reported and the run starts over.
    let fresh = CLIRunner.run(["run", "--dry-run", "--set", "server=api"], in: directory.path)
    #expect(fresh.status == 64)
    // At a prompt, the offer to resume skips the questions already answered.
    let resumed = ScriptedPrompter([
      .confirm(true), .answer("server", "api"), .answer("app", "none"), .answer("policy", ""),
      .answer("rule", ""),
    ])
    let run = CLIRunner.run(["run", "--yes"], in: directory.path, prompter: resumed)
    #expect(run.status == 0, "\(run.stderr) \(resumed.failures)")
    #expect(resumed.leftOver.isEmpty)
    #expect(run.stderr.contains("Resuming the run that stopped at step 3"))
    #expect(!directory.listing(all: true).contains("org.json.journal"))
    let model = try OrgModel.load(Array(try #require(directory.read("org.json")).utf8), source: "m")
    #expect(model.interactionCodeEnabled)
  }

  @Test func resumeAndRestartChooseWithoutAsking() throws {
    let (directory, _) = try prepared()
    defer { directory.remove() }
    interruptAtTheSetting(in: directory)
    let resumed = CLIRunner.run(
      ["run", "--resume", "--no-input", "--set", "org-setting=keep"], in: directory.path)
    #expect(resumed.status == 0, "\(resumed.stderr)")
    #expect(resumed.stderr.contains("Resuming"))

    interruptAtTheSetting(in: directory)
    let restarted = ScriptedPrompter([.answer("operator", "1"), .answer("org-setting", "keep")])
    let run = CLIRunner.run(["run", "--restart"], in: directory.path, prompter: restarted)
    #expect(run.status == 0, "\(run.stderr) \(restarted.failures)")
    #expect(!directory.listing(all: true).contains("org.json.journal"))
  }

  @Test func aJournalForAnotherVersionOfTheModelIsDiscarded() throws {
    let (directory, _) = try prepared()
    defer { directory.remove() }
    interruptAtTheSetting(in: directory)
    let edited = try #require(directory.read("org.json")).replacingOccurrences(
      of: "Acme Corp", with: "Acme Inc")
    try directory.write("org.json", edited)
    let run = CLIRunner.run(
      [
        "run", "--resume", "--no-input", "--operator", "ada@acme.example", "--set",
        "org-setting=keep",
      ],
      in: directory.path)
    #expect(run.status == 0)
    #expect(run.stderr.contains("no longer fit"))
  }
}
