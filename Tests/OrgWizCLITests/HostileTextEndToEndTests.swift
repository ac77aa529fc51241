import Foundation
import OrgWizCore
import OrgWizJSON
import OrgWizTestSupport
import Testing

/// A model whose labels try to act on the terminal, the YAML of recorded answers and the
/// summary: orgwiz shows them and records them, and obeys none of them.
@Suite(.serialized) struct HostileTextEndToEndTests {
  static let escapes = "\u{1B}[2J\u{1B}]0;pwned\u{07}"
  static let label = "Acme " + escapes + "\u{0}Mobile"

  /// The example org with the mobile app relabelled.
  func model(_ directory: TemporaryDirectory, label: String = Self.label) throws {
    let model = try Fixtures.exampleModel(edits: [
      JSONPointer.root / "apps" / 0 / "label": .string(label)
    ])
    try Data(model.encoded()).write(to: URL(fileURLWithPath: directory.file("org.json")))
  }

  static let answers = [
    "--set", "operator=ada@acme.example", "--set", "org-setting=enable", "--set", "server=api",
    "--set", "app=0oa1mob", "--set", "app-grant=yes",
  ]

  func expectNoRawControls(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
    let raw = text.unicodeScalars.filter {
      ($0.value < 0x20 && $0 != "\n" && $0 != "\t") || $0 == "\u{7F}"
    }
    #expect(raw.isEmpty, "raw controls: \(raw.map(\.value))", sourceLocation: sourceLocation)
  }

  @Test func aDryRunShowsTheLabelVisiblyInTheDiffAndTheSummary() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    try model(directory)
    let run = CLIRunner.run(["run", "--no-input", "--dry-run"] + Self.answers, in: directory.path)
    #expect(run.status == 0, "\(run.stderr)")
    expectNoRawControls(run.stdout)
    expectNoRawControls(run.stderr)
    #expect((run.stdout + run.stderr).contains("^[[2J^[]0;pwned^G^@Mobile"))
  }

  // A megabyte label (a planted model) is shown by its beginning and its length, never
  // repeated whole through the wizard's lines and the record; the model keeps it exactly.
  @Test func aMegabyteLabelIsShownShortAndKeptWhole() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let label = "Acme " + String(repeating: "x", count: 1_000_000)
    try model(directory, label: label)
    let run = CLIRunner.run(
      ["run", "--no-input", "--yes", "--summary", "change.md"] + Self.answers, in: directory.path)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stderr.utf8.count < 20_000, "the wizard printed \(run.stderr.utf8.count) bytes")
    let record = try #require(directory.read("change.md"))
    #expect(record.utf8.count < 100_000, "the record is \(record.utf8.count) bytes")
    #expect(record.contains("… (1000005 characters)"))
    let written = try OrgModel.load(
      Array(try #require(directory.read("org.json")).utf8), source: "org.json")
    #expect(written.app(id: "0oa1mob")?.label == label)
    #expect(written.app(id: "0oa1mob")?.lists(Grants.interactionCode) == true)
  }

  @Test func simulateAndErrorsShowTheLabelVisibly() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    try model(directory)
    let simulate = CLIRunner.run(
      ["simulate", "--app", "0oa1mob", "--server", "api", "--grant", "authorization_code"],
      in: directory.path)
    expectNoRawControls(simulate.stdout + simulate.stderr)
    let wrong = CLIRunner.run(
      ["run", "--no-input", "--dry-run", "--set", "app=nope"] + Self.answers.dropLast(4),
      in: directory.path)
    #expect(wrong.status == 64, "\(wrong.stderr)")
    expectNoRawControls(wrong.stderr)
    #expect(wrong.stderr.contains("Acme ^[[2J"))
  }

  @Test func jsonOutputKeepsTheLabelExactly() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    try model(directory, label: Self.label + "\u{202E}\u{85}\u{7F}")
    let run = CLIRunner.run(
      ["run", "--no-input", "--dry-run", "--json"] + Self.answers, in: directory.path)
    #expect(run.status == 0, "\(run.stderr)")
    // The sink changed nothing: the JSON holds no character it would show differently.
    #expect(!run.stdout.unicodeScalars.contains(where: VisibleText.needsShowing))
    #expect(
      run.stdout.contains(#"Acme \u001b[2J\u001b]0;pwned\u0007\u0000Mobile\u202e\u0085\u007f"#))
    _ = try JSONParser.parse(run.stdout)
  }

  @Test func recordedAnswersOfAnAmpersandLabelReplay() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    try model(directory, label: "Acme &Mobile")
    let first = CLIRunner.run(
      ["run", "--no-input", "--dry-run", "--record-answers", "answers.yaml"] + Self.answers,
      in: directory.path)
    #expect(first.status == 0, "\(first.stderr)")
    let recorded = try #require(directory.read("answers.yaml"))
    #expect(recorded.contains("app: \"0oa1mob\"  # Acme &Mobile"))
    let replay = CLIRunner.run(
      ["run", "--no-input", "--answers", "answers.yaml"], in: directory.path)
    #expect(replay.status == 0, "\(replay.stderr)\n\(recorded)")
  }

  @Test func aModelFileNameCannotInjectIntoTheSummary() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    try model(directory, label: "Acme Mobile")
    let name = "evil<script>x\n```\n<img src=x onerror=alert(1)>\n# Heading.json"
    try FileManager.default.moveItem(
      atPath: directory.file("org.json"), toPath: directory.file(name))
    let run = CLIRunner.run(
      ["run", "--no-input", "--org", name, "--summary", "change.md"] + Self.answers,
      in: directory.path)
    #expect(run.status == 0, "\(run.stderr)")
    let summary = try #require(directory.read("change.md"))
    #expect(!summary.contains("<script") && !summary.contains("<img"))
    #expect(summary.split(separator: "\n").filter { $0.hasPrefix("# ") }.count == 1)
    expectNoRawControls(run.stderr)
  }

  // MARK: - Through a real terminal

  @Test func escapesInLabelsNeverReachAPseudoTerminal() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    try model(directory)
    let terminal = try TerminalSession(
      "\(TerminalEndToEndTests.binary) --dry-run", in: directory.path)
    #expect(terminal.waitFor("operator: "))
    terminal.type("ada@acme.example\r")
    #expect(terminal.waitFor("org-setting [enable]: "))
    terminal.type("\r")
    #expect(terminal.waitFor("server: "))
    terminal.type("api\r")
    #expect(terminal.waitFor("app: "))
    // Tab completes the label as it is shown, and that form answers the question.
    terminal.type("Acme ^\t")
    #expect(terminal.waitFor("Acme ^[[2J^[]0;pwned^G^@Mobile", occurrence: 2))
    terminal.type("\r")
    #expect(terminal.waitFor("policy [Mobile Apps]: "))
    terminal.type("\r")
    #expect(terminal.waitFor("rule [Mobile sign-in]: "))
    terminal.type("\r")
    #expect(terminal.waitFor("app-grant [Y/n]: "))
    terminal.type("\r")
    #expect(terminal.finish() == 0, "\(terminal.transcript)")
    let transcript = terminal.transcript
    #expect(!transcript.contains("\u{1B}[2J"), "the screen was cleared")
    #expect(!transcript.contains("\u{1B}]0;"), "the window was retitled")
    #expect(!transcript.contains("\u{07}") && !transcript.contains("\u{0}"))
    #expect(transcript.contains("Acme ^[[2J^[]0;pwned^G^@Mobile"))
  }
}
