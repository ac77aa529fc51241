import Foundation
import OrgWizCore
import OrgWizJSON
import OrgWizTestSupport
import Testing

/// The change record must be true: each test here is a false or unreadable record a new
/// admin met before the change set existed.
@Suite struct ChangeRecordTests {
  static let enable = ChangeSetAgreementTests.enable

  func example(_ directory: TemporaryDirectory, edits: [JSONPointer: JSONValue] = [:]) throws {
    var document = try JSONParser.parse(Fixtures.exampleBytes())
    for (pointer, value) in edits { document.set(value, at: pointer) }
    try Data(JSONWriter.write(document)).write(
      to: URL(fileURLWithPath: directory.file("org.json")))
  }

  @Test func findingsTheModelAlreadyHadAreSaidBeforeTheFirstQuestionAndInTheRisk() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    // Two policies of server "api" with one priority: an error before any change.
    let policies = JSONPointer.root / "authorizationServers" / 0 / "policies"
    try example(directory, edits: [policies / 0 / "priority": 1, policies / 1 / "priority": 1])
    let run = CLIRunner.run(
      ["run", "--no-input"] + Self.enable + ["--summary", "record.md"], in: directory.path)
    #expect(run.status == 0, "\(run.stderr)")
    let warning = try #require(run.stderr.range(of: "Warning: the model already has 1 error"))
    let firstStep = try #require(run.stderr.range(of: "Step 1 of"))
    #expect(warning.lowerBound < firstStep.lowerBound, "\(run.stderr)")
    #expect(run.stderr.contains("unique-priorities"))
    let record = try #require(directory.read("record.md"))
    let risk = try #require(record.components(separatedBy: "## Risk and impact").last)
    #expect(risk.contains("the model already had error findings before this run"))
    #expect(risk.contains("\\[unique-priorities\\]"), "\(risk)")
    #expect(!risk.contains("Risk: low (additive)\n"))
  }

  @Test func aPlainTextRecordHasNoMarkdown() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    try example(directory)
    let run = CLIRunner.run(
      ["run", "--no-input", "--summary-format", "text"] + Self.enable, in: directory.path)
    #expect(run.status == 0, "\(run.stderr)")
    let name = try #require(directory.listing().first { $0.hasSuffix(".summary.txt") })
    let text = try #require(directory.read(name))
    #expect(text.contains("\nSummary\n-------\n"))
    #expect(text.contains("Operator: ada@acme.example (00u1ada)"))
    #expect(text.contains("Backout plan"))
    for markdown in ["| ", "**", "```", "## ", "&lt;", "\\_"] {
      #expect(!text.contains(markdown), "plain text holds \(markdown)")
    }
  }

  @Test func aStepsConsolePathAndAnswersAreListItemsNotRunOnText() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    try example(directory)
    let run = CLIRunner.run(
      ["run", "--no-input"] + Self.enable + ["--summary", "record.md"], in: directory.path)
    #expect(run.status == 0, "\(run.stderr)")
    let record = try #require(directory.read("record.md"))
    // In GitHub-flavoured Markdown, a line right under a list item's text runs into it; as a
    // nested item it stands on its own.
    #expect(record.contains("\n   - Admin Console: Settings > Account > Embedded widget"))
    #expect(record.contains("\n   - Answers: org-setting = enable"))
    #expect(!record.contains("\n   Admin Console:"))
    // The outcome is the title, said once.
    #expect(!record.contains("Outcome:"))
  }

  @Test func undoSetsAsideAModelTheRunCreated() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let run = CLIRunner.run(
      ["run", "--example", "--no-input"] + Self.enable + ["--summary", "record.md"],
      in: directory.path)
    #expect(run.status == 0, "\(run.stderr)")
    let created = try #require(directory.read("org.json"))
    let record = try #require(directory.read("record.md"))
    #expect(record.contains("This run created the model file"))
    #expect(record.contains("orgwiz undo --org"))
    #expect(!record.contains("Dry run"))
    let refused = CLIRunner.run(["undo"], in: directory.path)
    #expect(refused.status == 64, "\(refused.stderr)")
    #expect(directory.read("org.json") == created)
    let undone = CLIRunner.run(["undo", "--yes"], in: directory.path)
    #expect(undone.status == 0, "\(undone.stderr)")
    #expect(!FileManager.default.fileExists(atPath: directory.file("org.json")))
    #expect(directory.read("org.json.bak") == created, "the created model was not kept")
    let backout = try #require(directory.listing().first { $0.hasSuffix(".undo.md") })
    #expect(directory.read(backout)?.contains("was set aside as") == true)
    let again = CLIRunner.run(["undo", "--yes"], in: directory.path)
    #expect(again.status != 0 || again.stderr.contains("nothing"), "\(again.stderr)")
    #expect(directory.read("org.json.bak") == created)
  }
}
