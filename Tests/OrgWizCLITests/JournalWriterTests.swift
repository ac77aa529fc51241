import Foundation
import OrgWizCore
import OrgWizTestSupport
import Testing

@testable import OrgWizCLI

/// The run's journal is written beside the next question; these check that it is written in
/// order and completely by the time `drain()` returns (the terminal tests check that a prompt
/// waits for it before it reads an answer or lets Ctrl-C end the run).
@Suite struct JournalWriterTests {
  static func journal(_ answers: [String]) -> RunJournal {
    RunJournal(
      procedure: "interaction-code", procedureSHA256: "abc", baseSHA256: "def",
      answers: answers.map { GivenAnswer(key: $0, value: $0 + "-value", label: $0) },
      stepNumber: answers.count + 1, stepTitle: "Step", updatedAt: "2026-12-01T00:00:00Z")
  }

  @Test func versionsAreWrittenInOrderAndCompleteWhenDrained() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let model = directory.file("org.json")
    // Each version stops before it is written until the test lets it go on: the first would
    // land after the second if they overtook.
    let pause = FaultPause("journal")
    let writer = JournalWriter(model: model, environment: pause.environment, width: 80)
    writer.write(Self.journal(["operator"]))
    writer.write(Self.journal(["operator", "org-setting"]))
    writer.write(Self.journal(["operator", "org-setting", "server"]))
    // Written on another thread: the first version is held there, still unwritten.
    try pause.waitUntilReached()
    #expect(RunJournal.read(model: model) == nil)
    try pause.pass(3)
    writer.drain()
    #expect(RunJournal.read(model: model) == Self.journal(["operator", "org-setting", "server"]))
    // A removal waits for the versions before it, and a version after it comes back.
    writer.write(Self.journal(["operator"]))
    writer.remove()
    try pause.pass(1)
    writer.drain()
    #expect(RunJournal.read(model: model) == nil)
    writer.remove()
    writer.write(Self.journal(["operator", "app"]))
    try pause.pass(1)
    writer.drain()
    #expect(RunJournal.read(model: model) == Self.journal(["operator", "app"]))
    // No staged copy is left behind.
    #expect(directory.listing(all: true) == ["org.json.journal"])
  }
}
