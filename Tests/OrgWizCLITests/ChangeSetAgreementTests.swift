import Foundation
import OrgWizCore
import OrgWizJSON
import OrgWizTestSupport
import Testing

/// One change set, many renderings: for each kind of run, the review shown before the write,
/// the change record in Markdown and `--json` name the same objects and the same fields.
@Suite struct ChangeSetAgreementTests {
  static let enable = [
    "--operator", "ada@acme.example", "--set", "org-setting=enable", "--set", "server=api",
    "--set", "app=Acme Mobile", "--set", "policy=Mobile Apps", "--set", "rule=Mobile sign-in",
    "--set", "app-grant=yes",
  ]

  /// What one rendering says changed: object ids and field pointers (lastUpdated folded).
  struct Said: Equatable {
    var objects: Set<String> = []
    var fields: Set<String> = []
  }

  /// From the review's lines: object lines end with `(id)`, field lines with `(pointer)`.
  static func fromReview(_ items: [String]) -> Said {
    var said = Said()
    for line in items {
      if line.hasPrefix(" ") {
        guard let open = line.lastIndex(of: "("), line.hasSuffix(")") else { continue }
        let inside = String(line[line.index(after: open)..<line.index(before: line.endIndex)])
        if inside.hasPrefix("/") { said.fields.insert(inside) }
      } else if line.hasPrefix("org setting") {
        said.objects.insert("embeddedWidgetSignInSupport")
      } else if let first = line.firstIndex(of: "("),
        let close = line[first...].firstIndex(of: ")")
      {
        // The object's own id is the first parenthesised word of its line.
        said.objects.insert(String(line[line.index(after: first)..<close]))
      }
    }
    return said
  }

  /// From `--json`: `changes[].objects[]` of a run, or `changes[]` of undo.
  static func fromJSON(_ value: JSONValue) -> Said {
    var said = Said()
    let objects =
      value["changes"]?.arrayValue?.flatMap { entry in
        entry["objects"]?.arrayValue ?? [entry]
      } ?? []
    for object in objects {
      if let id = object["object"]?["id"]?.stringValue { said.objects.insert(id) }
      for field in object["fields"]?.arrayValue ?? [] {
        guard let pointer = field["pointer"]?.stringValue, !pointer.hasSuffix("/lastUpdated")
        else { continue }
        said.fields.insert(pointer)
      }
    }
    return said
  }

  /// From the Markdown record's Changes tables: each row's object `(id)` and its pointer cell.
  static func fromMarkdown(_ markdown: String) -> Said {
    var said = Said()
    let section =
      markdown.components(separatedBy: "\n## Changes\n").dropFirst().first?.components(
        separatedBy: "\n## "
      ).first ?? ""
    for line in section.split(separator: "\n") where line.hasPrefix("| ") {
      let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
      guard cells.count >= 5, cells.last?.hasPrefix("/") == true else { continue }
      said.fields.insert(String(cells[cells.count - 1]))
      let object = cells[0]
      if let first = object.firstIndex(of: "("), let close = object[first...].firstIndex(of: ")") {
        said.objects.insert(String(object[object.index(after: first)..<close]))
      } else if object.hasPrefix("org setting") {
        said.objects.insert("embeddedWidgetSignInSupport")
      }
    }
    return said
  }

  func runKind(
    _ arguments: [String], in directory: TemporaryDirectory, confirms: [Bool] = [true]
  ) throws -> (review: Said?, json: Said, markdown: Said, status: Int32) {
    let prompter = ScriptedPrompter(confirms.map { .confirm($0) })
    let run = CLIRunner.run(
      arguments + ["--json", "--summary", "record.md"], in: directory.path, prompter: prompter)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(prompter.failures.isEmpty, "\(prompter.failures)")
    let review = prompter.confirmations.last { $0.prompt.hasPrefix("Review") }
    let json = try JSONParser.parse(Array(run.stdout.utf8))
    let markdown = try #require(directory.read("record.md"))
    return (
      review.map { Self.fromReview($0.items) }, Self.fromJSON(json), Self.fromMarkdown(markdown),
      run.status
    )
  }

  func exampleIn(_ directory: TemporaryDirectory, edits: [JSONPointer: JSONValue] = [:]) throws {
    var document = try JSONParser.parse(Fixtures.exampleBytes())
    for (pointer, value) in edits { document.set(value, at: pointer) }
    try Data(JSONWriter.write(document)).write(to: URL(fileURLWithPath: directory.file("org.json")))
  }

  @Test func anEnableRunSaysTheSameEverywhere() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    try exampleIn(directory)
    let said = try runKind(["run"] + Self.enable, in: directory)
    #expect(said.json.objects == ["embeddedWidgetSignInSupport", "0pr2mob", "0oa1mob"])
    #expect(said.review == said.json)
    #expect(said.markdown == said.json)
  }

  @Test func aDisableRunSaysTheSameEverywhere() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    try exampleIn(directory)
    #expect(CLIRunner.run(["run", "--no-input"] + Self.enable, in: directory.path).status == 0)
    // The destructive confirmation, then the review.
    let said = try runKind(
      ["run", "--operator", "ada@acme.example", "--set", "org-setting=disable"], in: directory,
      confirms: [true, true])
    #expect(said.json.objects == ["embeddedWidgetSignInSupport", "0pr2mob", "0oa1mob"])
    #expect(said.review == said.json)
    #expect(said.markdown == said.json)
  }

  @Test(arguments: ["keep", "no-op"])
  func aRunThatChangesNothingSaysSoEverywhere(_ kind: String) throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    try exampleIn(directory)
    if kind == "no-op" {
      #expect(CLIRunner.run(["run", "--no-input"] + Self.enable, in: directory.path).status == 0)
    }
    let arguments =
      kind == "keep"
      ? ["run", "--operator", "ada@acme.example", "--set", "org-setting=keep"]
      : ["run"] + Self.enable
    let said = try runKind(arguments, in: directory, confirms: [])
    #expect(said.review == nil, "a run with nothing to write asked to write it")
    #expect(said.json == Said())
    #expect(said.markdown == Said())
    let record = try #require(directory.read("record.md"))
    #expect(record.contains("## Changes\n\nNo changes."))
    #expect(record.contains("Anything removed: no; nothing changed"))
  }

  @Test func aRunThatCreatesTheModelSaysTheSameEverywhere() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let said = try runKind(["run", "--example"] + Self.enable, in: directory)
    #expect(said.review == said.json)
    #expect(said.markdown == said.json)
    let record = try #require(directory.read("record.md"))
    #expect(record.contains("This run created the model file"))
    #expect(!record.contains("Dry run"))
  }

  @Test func undoSaysTheSameInItsReviewItsRecordAndItsJSON() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    try exampleIn(directory)
    let run = CLIRunner.run(["run", "--no-input"] + Self.enable, in: directory.path)
    #expect(run.status == 0, "\(run.stderr)")
    let prompter = ScriptedPrompter([.confirm(true)])
    let undo = CLIRunner.run(["undo", "--json"], in: directory.path, prompter: prompter)
    #expect(undo.status == 0, "\(undo.stderr)")
    let review = Self.fromReview(try #require(prompter.confirmations.first).items)
    let json = Self.fromJSON(try JSONParser.parse(Array(undo.stdout.utf8)))
    let recordName = try #require(directory.listing().first { $0.hasSuffix(".undo.md") })
    let markdown = Self.fromMarkdown(try #require(directory.read(recordName)))
    #expect(json.objects == ["embeddedWidgetSignInSupport", "0pr2mob", "0oa1mob"])
    #expect(review == json)
    #expect(markdown == json)
  }
}
