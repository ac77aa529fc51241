import Foundation
import OrgWizCore
import OrgWizTerminal
import OrgWizTestSupport
import Testing

/// What a new admin trying orgwiz ran into on the command line.
@Suite struct PaperCutTests {
  static let answers = [
    "--no-input", "--operator", "ada@acme.example", "--set", "org-setting=enable", "--set",
    "server=api", "--set", "app=Acme Mobile", "--set", "app-grant=yes",
  ]

  func modelIn(_ directory: TemporaryDirectory, _ name: String = "org.json") throws {
    try Data(Fixtures.exampleBytes()).write(to: URL(fileURLWithPath: directory.file(name)))
  }

  @Test func optionsBeforeTheImplicitRunAreTheRunsOwn() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    try modelIn(directory)
    let result = CLIRunner.run(
      ["--no-color", "run", "--dry-run"] + Self.answers, in: directory.path)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(!result.stderr.contains("procedure"), "\(result.stderr)")
    // An option's value that happens to be a subcommand's name stays its value.
    let named = CLIRunner.run(["--org", "check", "check"], in: directory.path)
    #expect(named.status == 66, "\(named.stderr)")
    #expect(named.stderr.contains("check"))
  }

  @Test func helpSaysEachDefaultOnceAndCheckDoesNotTalkOfWriting() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let run = CLIRunner.run(["run", "--help"], in: directory.path)
    let lock = run.stdout.components(separatedBy: "--lock-timeout").dropFirst().joined()
      .components(separatedBy: "--resume")[0]
    #expect(lock.components(separatedBy: "default").count == 2, "\(lock)")
    let check = CLIRunner.run(["check", "--help"], in: directory.path)
    #expect(!check.stdout.contains("run writes"), "\(check.stdout)")
    // The examples are laid out for the terminal's width, not 80 columns.
    let wide = CLIRunner.run(
      ["--help"], in: directory.path,
      terminal: TerminalInfo(
        stdinIsTerminal: false, stdoutIsTerminal: false, stderrIsTerminal: true, width: 140))
    #expect(wide.stdout.contains("--server api --grant password\n"), "\(wide.stdout)")
  }

  @Test func checkOfTheExampleNamesTheExample() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let result = CLIRunner.run(["check", "--example", "--json"], in: directory.path)
    let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
    let model = try #require(json?["model"] as? String)
    #expect(FileManager.default.fileExists(atPath: model), "\(model)")
    #expect(model.hasSuffix(".json") && !model.hasPrefix(directory.path))
  }

  @Test func modelsOfOneNameGetDistinctSummariesInOneDirectory() throws {
    let root = try TemporaryDirectory()
    defer { root.remove() }
    for name in ["a", "b", "shared"] {
      try FileManager.default.createDirectory(
        atPath: root.file(name), withIntermediateDirectories: true)
    }
    try modelIn(root, "a/org.json")
    try modelIn(root, "b/org.json")
    for name in ["a", "b"] {
      let result = CLIRunner.run(
        ["run", "--org", root.file("\(name)/org.json"), "--summary", root.file("shared")]
          + Self.answers, in: root.path)
      #expect(result.status == 0, "\(result.stderr)")
    }
    let summaries = try FileManager.default.contentsOfDirectory(atPath: root.file("shared"))
    #expect(summaries.count == 2, "\(summaries)")
    // Beside its own model, the name stays the documented one.
    let beside = CLIRunner.run(
      ["run", "--org", root.file("a/org.json")] + Self.answers, in: root.path)
    #expect(beside.status == 0, "\(beside.stderr)")
    let own = try FileManager.default.contentsOfDirectory(atPath: root.file("a"))
    #expect(
      own.contains {
        $0.range(of: #"^org\.\d{8}T\d{6}Z\.summary\.md$"#, options: .regularExpression) != nil
      }, "\(own)")
  }

  @Test func aJSONResultThatCannotBeWrittenIsReported() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    try modelIn(directory)
    let binary = try Fixtures.binary()
    let run = try ProcessRunner.run(
      "/bin/sh", ["-c", "exec \"$0\" run --json \"$@\" > /dev/full", binary] + Self.answers,
      in: directory.path, removing: ["ORGWIZ_CONTENT"])
    let text = run.stderr
    #expect(run.status == 73, "\(run)")
    #expect(text.contains("standard output"), "\(text)")
    #expect(text.contains("The model was written"), "\(text)")
  }

  // A closed standard output is no place to write, not a free descriptor: the first file the
  // run opens (the model's lock) took descriptor 1, and the --json result and a change record
  // sent to standard output went into that file, which the run then removed, with exit 0.
  @Test func aClosedStandardOutputIsReportedNotWrittenIntoAFileTheRunOpens() throws {
    let binary = try Fixtures.binary()
    for output in [["--json"], ["--summary", "-"]] {
      let directory = try TemporaryDirectory()
      defer { directory.remove() }
      try modelIn(directory)
      let run = try ProcessRunner.run(
        "/bin/sh", ["-c", "exec \"$0\" run \"$@\" >&-", binary] + output + Self.answers,
        in: directory.path, removing: ["ORGWIZ_CONTENT"])
      #expect(run.status == 73, "\(output): \(run)")
      #expect(run.stderr.contains("standard output"), "\(output): \(run.stderr)")
      #expect(!run.stderr.contains("Change record written to standard output"), "\(run.stderr)")
    }
  }

  @Test func aClonesGitignoreCoversWhatARunInItWrites() throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent()
    let ignore = try String(contentsOf: root.appendingPathComponent(".gitignore"), encoding: .utf8)
    for name in [
      "/org.json.undo.journal", "/org.json.lock", "/org.json.journal", "/org.json.write.journal",
      "/org.json.apply.journal", "/org.json.change",
    ] {
      #expect(ignore.split(separator: "\n").contains(Substring(name)), "\(name)")
    }
  }
}

/// What a command prints on standard error at a terminal is broken between words, at its width.
@Suite struct TerminalWidthTests {
  @Test func messagesAtATerminalFitItsWidth() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let narrow = CLIRunner.run(
      ["run", "--example", "--dry-run", "--no-input"], in: directory.path,
      terminal: TerminalInfo(
        stdinIsTerminal: false, stdoutIsTerminal: false, stderrIsTerminal: true, width: 50))
    #expect(narrow.status == 64)
    let lines = narrow.stderr.split(separator: "\n")
    #expect(lines.count > 3, "\(narrow.stderr)")
    for line in lines where line.contains(" ") {
      #expect(line.count <= 50, "\(line)")
    }
    // Off a terminal the same message is not broken at all.
    let piped = CLIRunner.run(
      ["run", "--example", "--dry-run", "--no-input"], in: directory.path)
    #expect(piped.stderr.split(separator: "\n").contains { $0.count > 50 })
  }
}
