import Foundation
import OrgWizCore
import OrgWizJSON
import OrgWizTerminal
import OrgWizTestSupport
import Testing

/// A line break in a name is a control character like any other: shown, never obeyed, so a
/// label cannot print a line of its own ("FAKE: approved") in the wizard's output.
@Suite struct ForgedLineTests {
  static let forged = "api\r\nFAKE: Super Admin approved"

  func forgedModel(_ directory: TemporaryDirectory) throws {
    var document = try JSONParser.parse(Fixtures.exampleBytes())
    _ = document.set(
      .string(Self.forged), at: JSONPointer.root / "authorizationServers" / 0 / "name")
    _ = document.set(
      .string("Acme\nFAKE: Mobile"), at: JSONPointer.root / "apps" / 0 / "label")
    try Data(JSONWriter.write(document)).write(
      to: URL(fileURLWithPath: directory.file("org.json")))
  }

  @Test func aNameCannotForgeALineInTheRunsOutput() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    try forgedModel(directory)
    let run = CLIRunner.run(
      [
        "run", "--dry-run", "--no-input", "--operator", "ada@acme.example", "--set",
        "org-setting=enable", "--set", "server=aus1api", "--set", "app=0oa1mob", "--set",
        "app-grant=yes",
      ], in: directory.path)
    #expect(run.status == 0, "\(run.stderr)")
    for line in (run.stderr + run.stdout).split(separator: "\n") {
      #expect(!line.hasPrefix("FAKE:"), "a name printed a line of its own: \(line)")
    }
    #expect(run.stderr.contains("^J") || run.stderr.contains("^M"))
  }

  @Test func aChoiceIsOneLine() {
    let question = Question(
      key: "server", prompt: "Which server?", help: "",
      choices: [Choice(value: "aus1api", label: Self.forged, detail: "aus1api\nFAKE: detail")],
      defaultValue: "aus1api")
    let text =
      PromptText.question(question, style: Style(enabled: false), width: 200)
      + PromptText.inputLine(question)
    for line in text.split(separator: "\n") {
      #expect(!line.hasPrefix("FAKE:"), "\(text)")
    }
  }

  @Test func jsonAndASummaryOnStandardOutputAreRefusedTogether() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    try Data(Fixtures.exampleBytes()).write(to: URL(fileURLWithPath: directory.file("org.json")))
    let run = CLIRunner.run(
      [
        "run", "--no-input", "--json", "--summary", "-", "--operator", "ada@acme.example",
        "--set", "org-setting=keep",
      ], in: directory.path)
    #expect(run.status == 64, "\(run.stderr)")
    #expect(run.stdout.isEmpty)
  }
}
