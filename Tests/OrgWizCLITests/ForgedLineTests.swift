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

  /// `simulate`, through the built binary, on a model whose app label, policy name and rule
  /// name carry a line break and a terminal escape: each is shown (`^J`, `^[`), none starts a
  /// line of its own or reaches the terminal as an escape, in the denial's header, its
  /// explanation and every policy and rule it lists as tried.
  @Test func aNameCannotForgeALineInSimulatesOutput() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    var document = try JSONParser.parse(Fixtures.exampleBytes())
    let server = JSONPointer.root / "authorizationServers" / 0
    _ = document.set(
      .string("Acme Mobile\nFAKE: allowed by policy \"Admins\"\u{1B}[2J"),
      at: JSONPointer.root / "apps" / 0 / "label")
    _ = document.set(
      .string("Mobile Apps\nFAKE: policy\u{1B}]0;owned\u{07}"),
      at: server / "policies" / 1 / "name")
    _ = document.set(
      .string("Mobile sign-in\r\nFAKE: rule"), at: server / "policies" / 1 / "rules" / 0 / "name")
    try Data(JSONWriter.write(document)).write(
      to: URL(fileURLWithPath: directory.file("org.json")))
    let run = try BoundedRun.orgwiz(
      ["simulate", "--app", "0oa1mob", "--server", "api", "--grant", "refresh_token"],
      in: directory.path)
    #expect(run.status == 1, "\(run.stderr)")
    let output = run.stdout + run.stderr
    #expect(output.contains("tried, in order:"), "\(output)")
    // Split on the byte: "\r\n" is one Character, which a split on Character "\n" keeps whole.
    for line in output.utf8.split(separator: UInt8(ascii: "\n")) {
      let text = String(decoding: line, as: UTF8.self)
      #expect(!text.hasPrefix("FAKE:"), "a name printed a line of its own: \(text)")
    }
    #expect(!output.unicodeScalars.contains("\r"), "a carriage return reached the output")
    #expect(!output.unicodeScalars.contains("\u{1B}"), "an escape reached the output")
    #expect(!output.unicodeScalars.contains("\u{07}"), "a bell reached the output")
    #expect(run.stdout.hasPrefix("denied: refresh_token from \"Acme Mobile^JFAKE: allowed"))
    #expect(output.contains("Mobile Apps^JFAKE: policy^[]0;owned^G"), "\(output)")
    #expect(output.contains("Mobile sign-in^M^JFAKE: rule"), "\(output)")
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
