import Foundation
import OrgWizCore
import OrgWizJSON
import OrgWizTestSupport
import PropertyBased
import Testing

/// Text from a model or an answer that tries to act instead of being shown: escape sequences,
/// YAML syntax, Markdown and HTML, invisible characters, and sheer size.
@Suite struct HostileTextTests {
  static let escapes = "\u{1B}[2J\u{1B}]0;pwned\u{07}"

  // An Okta request id is copied from the record into a support case: it must read exactly as
  // Okta sent it (an id starting "__" was shown as "\\_\\_"), and a hostile one must not
  // break the table.
  @Test func requestIDsAreCodeSpansThatKeepTheirCharacters() throws {
    #expect(Markdown.codeSpan("__0XkJZpOm6LXAGNx7mnJxOC7Gw") == "`__0XkJZpOm6LXAGNx7mnJxOC7Gw`")
    #expect(Markdown.codeSpan("a|b") == "`a\\|b`")
    #expect(Markdown.codeSpan("x`y") == "``x`y``")
    #expect(Markdown.codeSpan("`x") == "`` `x ``")
    #expect(Markdown.codeSpan("a\nb") == "`a^Jb`")
    let model = try Fixtures.exampleModel()
    let app = try #require(model.app(id: "0oa1mob"))
    let record = ApplyRecord(
      orgURL: "https://acme.okta.com", modelPath: "org.json", identity: "ada", startedAt: "t0",
      endedAt: "t1", toolVersion: "0",
      entries: [
        ApplyRecord.Entry(
          object: model.ref(app), method: "PUT", path: "/api/v1/apps/0oa1mob",
          before: ["a"], after: ["a", "b"], outcome: .applied(requestID: "__0Xk|J"))
      ], needsSetting: false)
    let markdown = RecordFormat.markdown.render(record.document)
    let row = try #require(markdown.split(separator: "\n").first { $0.contains("PUT ") })
    #expect(row.hasSuffix("| `__0Xk\\|J` |"), "\(row)")
    #expect(RecordFormat.text.render(record.document).contains("__0Xk|J"))
    // An apply record of a scoped model says what the model leaves out.
    #expect(!markdown.contains("were not pulled"))
    var scoped = record
    scoped.partialModel = "The model is partial: apps other than Acme Mobile were not pulled."
    #expect(RecordFormat.markdown.render(scoped.document).contains("were not pulled"))
  }

  @Test func controlCharactersAreShownInCaretNotation() {
    #expect(VisibleText.visible(Self.escapes) == "^[[2J^[]0;pwned^G")
    #expect(VisibleText.visible("a\u{0}b\rc\u{7F}") == "a^@b^Mc^?")
    #expect(VisibleText.visible("line\n\tindented") == "line\n\tindented")
    #expect(VisibleText.visibleOnOneLine("line\n\tindented") == "line^J^Iindented")
    #expect(VisibleText.visible("Zoë Ops 名前 👩‍👩‍👧") == "Zoë Ops 名前 👩‍👩‍👧")
    #expect(VisibleText.visible("a\u{200D}") == "a<U+200D>", "a joiner that joins nothing")
  }

  @Test func c1BidiAndZeroWidthCharactersAreShownAsCodePoints() {
    #expect(VisibleText.visible("a\u{9B}b\u{85}") == "a<U+009B>b<U+0085>")
    #expect(
      VisibleText.visible("\u{202E}evil\u{2066}\u{200E}\u{061C}")
        == "<U+202E>evil<U+2066><U+200E><U+061C>")
    #expect(VisibleText.visible("a\u{200B}b\u{2060}c\u{FEFF}") == "a<U+200B>b<U+2060>c<U+FEFF>")
  }

  @Test func longValuesAreQuotedShortWithTheirLength() {
    let huge = String(repeating: "Acme ", count: 400_000)
    let shown = VisibleText.short(huge)
    #expect(shown == String(huge.prefix(60)) + "… (2000000 characters)")
    #expect(VisibleText.short("short\nlabel") == "short^Jlabel")
  }

  @Test func aHugeLabelGivesAShortErrorMessage() {
    let label = String(repeating: "x", count: 2_000_000)
    let question = Question(
      key: "app", prompt: "Which app?", help: "",
      choices: [Choice(value: "0oa1", label: label), Choice(value: "0oa2", label: "Web")])
    guard case .failure(let problem) = question.resolve("nope", allowNumbers: false) else {
      Issue.record("a wrong answer was accepted")
      return
    }
    #expect(problem.message.count < 300, "\(problem.message.prefix(300))")
    #expect(problem.message.contains("… (2000000 characters)"))
    let lookup = Lookup.find(
      "nope", kind: "app", in: [label], ids: { _ in ["0oa1"] }, name: { $0 })
    guard case .failure(let failure) = lookup else {
      Issue.record("found")
      return
    }
    #expect(failure.message.count < 300)
  }

  @Test func aLabelMatchesAsItIsShown() {
    let labels = ["Acme\u{1B}[2J Mobile", "Acme\nWeb", "Plain"]
    func find(_ query: String) -> String? {
      try? Lookup.find(query, kind: "app", in: labels, ids: { _ in [] }, name: { $0 }).get()
    }
    #expect(find("Acme^[[2J Mobile") == labels[0])
    #expect(find("acme^jweb") == labels[1])
    #expect(find("Acme\nWeb") == labels[1])
    // Two labels that look the same are ambiguous, not the first one.
    let lookalikes = ["a^[b", "a\u{1B}b"]
    let byName = Lookup.find(
      "a^[b", kind: "app", in: lookalikes, ids: { _ in [] }, name: { $0 })
    if case .failure(let failure) = byName {
      #expect(failure.isAmbiguous)
    } else {
      Issue.record("a name two labels show alike picked one")
    }
  }

  // MARK: - The summary

  static let metadata = RunMetadata(
    modelPath: "/work/evil<script>x\n```\n<img src=x onerror=alert(1)>\n# Heading.json",
    modelSHA256Before: String(repeating: "a", count: 64),
    modelSHA256After: String(repeating: "b", count: 64),
    backupPath: "/work/evil<script>x\n```\n<img src=x onerror=alert(1)>\n# Heading.json.bak",
    undoCommand: "orgwiz undo --org "
      + SummaryRenderer.shellQuote("/work/evil<script>x\n```\n# Heading.json"),
    startedAt: "2026-11-25T01:45:00Z", endedAt: "2026-11-25T01:45:02Z", toolVersion: "0.1.0",
    dryRun: false)

  func summary(label: String, metadata: RunMetadata = Self.metadata) throws -> String {
    let model = try Fixtures.exampleModel(edits: [
      JSONPointer.root / "apps" / 0 / "label": .string(label)
    ])
    let record = try WizardEngine(
      procedure: try Fixtures.testProcedure(),
      prompter: AnswersFilePrompter(
        answers: [
          "operator": "ada@acme.example", "org-setting": "enable", "server": "api",
          "app": "0oa1mob", "app-grant": "yes",
        ], fallback: nil),
      options: WizardOptions(assumeYes: true, now: Fixtures.now)
    ).run(on: model)
    return SummaryRenderer.markdown(RunSummary(record: record, metadata: metadata))
  }

  @Test func aHostileModelFileNameCannotBreakTheBackoutPlan() throws {
    let markdown = try summary(label: "Acme Mobile")
    #expect(!markdown.contains("<script"))
    #expect(!markdown.contains("<img"))
    let lines = markdown.split(separator: "\n", omittingEmptySubsequences: false)
    #expect(lines.filter { $0.hasPrefix("# ") }.count == 1, "only the title is a heading")
    // Every fence opened is closed by a fence of the same length, and the commands stay on
    // one line each, naming the files in bash's $'…' quoting.
    var open: Substring?
    for line in lines where line.hasPrefix("```") {
      let fence = line.prefix { $0 == "`" }
      if let opened = open {
        #expect(line == opened, "a fence closed by another: \(line)")
        open = nil
      } else {
        open = fence
      }
    }
    #expect(open == nil)
    #expect(markdown.contains("cp -p -- $'/work/evil\\x3cscript>x\\n```\\n\\x3cimg"))
  }

  @Test func aFenceIsLongerThanAnyBacktickRunInside() {
    #expect(Markdown.codeBlock("echo hi", language: "sh") == "```sh\necho hi\n```")
    #expect(Markdown.codeBlock("a ```` b") == "`````\na ```` b\n`````")
  }

  @Test func shellQuotingKeepsTheExactNameOnOneVisibleLine() {
    #expect(SummaryRenderer.shellQuote("/work/org.json") == "/work/org.json")
    #expect(SummaryRenderer.shellQuote("/work/my org's.json") == "'/work/my org'\\''s.json'")
    #expect(
      SummaryRenderer.shellQuote("a<b\n\u{1B}\u{202E}'c") == "$'a\\x3cb\\n\\x1b\\xe2\\x80\\xae\\'c'"
    )
  }

  @Test func bidiAndZeroWidthCharactersInLabelsAreVisibleInTheSummary() throws {
    let markdown = try summary(label: "Acme\u{202E}eliboM\u{200B} \u{1B}[2J\u{0}")
    #expect(markdown.contains("Acme&lt;U+202E>eliboM&lt;U+200B> ^\\[\\[2J^@"))
    #expect(!markdown.unicodeScalars.contains { $0 == "\u{202E}" || $0 == "\u{200B}" })
    #expect(!markdown.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{0}" })
  }

  @Test func theTitleLimitCountsUTF16Units() throws {
    // One family emoji is one character but eight UTF-16 units (and five code points).
    let markdown = try summary(label: String(repeating: "👩‍👩‍👧", count: 40))
    let title = String(try #require(markdown.split(separator: "\n").first).dropFirst(2))
    #expect(title.utf16.count <= SummaryRenderer.titleLimit)
    #expect(title.unicodeScalars.count <= SummaryRenderer.titleLimit)
    #expect(title.hasSuffix("…"))
  }

  // MARK: - YAML

  func replay(_ answers: [GivenAnswer]) throws -> [String: String] {
    let procedure = try Fixtures.testProcedure()
    let text = AnswersFile.render(answers, json: false, procedure: procedure)
    return try AnswersFile.parse(
      text, file: "answers.yaml", validKeys: procedure.questionKeys)
  }

  @Test func anAmpersandInALabelReplays() throws {
    let answers = [
      GivenAnswer(key: "app", value: "0oa1mob", label: "Acme &Mobile"),
      GivenAnswer(key: "server", value: "x\": *y &z", label: "*alias # not a comment"),
    ]
    #expect(try replay(answers) == ["app": "0oa1mob", "server": "x\": *y &z"])
  }

  /// Text made of YAML syntax, line breaks, controls, non-ASCII and leading spaces.
  static let hostile = Gen<Int>.int(in: 0..<Self.pieces.count).array(of: 0...10).map { picks in
    picks.map { Self.pieces[$0] }.joined()
  }

  static let pieces = [
    "&", "*", "!", "|", ">", "#", ":", "-", "[", "]", "{", "}", "'", "\"", " ", "  ", "\n",
    "\r", "\r\n", "\t", "\u{0}", "\u{1B}[2J", "\u{7F}", "\u{85}", "\u{9B}", "\u{2028}", "\u{2029}",
    "\u{202E}", "\u{200B}", "\u{FEFF}", "\u{FFFE}", "\\", "%", "@", "`", "?", ",", "ë", "名", "👩‍👩‍👧",
    "a", "Mobile", "yes", "no", "null", "~", "0x1F", "1e3", "---", "...", "&a", "*a", ": ", " #",
    "\"\\", "key: value",
  ]

  @Test func recordedAnswersOfHostileLabelsReplayToTheSameAnswers() async throws {
    let procedure = try Fixtures.testProcedure()
    let keys = procedure.questionKeys
    let generated = zip(Self.hostile, Self.hostile).array(of: keys.count...keys.count)
    await propertyCheck(count: 300, input: generated) { pairs in
      let answers = zip(keys, pairs).map { key, pair in
        // Yams drops a byte order mark at the very start of a scalar's text (as Foundation
        // does when decoding a file), so a value may not start with one.
        GivenAnswer(
          key: key, value: pair.0.hasPrefix("\u{FEFF}") ? "x" + pair.0 : pair.0, label: pair.1)
      }
      let text = AnswersFile.render(answers, json: false, procedure: procedure)
      let replayed = try AnswersFile.parse(text, file: "answers.yaml", validKeys: keys)
      #expect(
        replayed == Dictionary(uniqueKeysWithValues: answers.map { ($0.key, $0.value) }),
        "\(text)")
      // One line per answer, plus the header: no label or value spans lines.
      #expect(text.split(separator: "\n", omittingEmptySubsequences: false).count == keys.count + 2)
    }
  }

  @Test func aByteOrderMarkIsAcceptedInAnswersFiles() throws {
    let procedure = try Fixtures.testProcedure()
    let keys = procedure.questionKeys
    #expect(
      try AnswersFile.parse("\u{FEFF}server: api\n", file: "a.yaml", validKeys: keys)
        == ["server": "api"])
    #expect(
      try AnswersFile.parse("\u{FEFF}{\"server\": \"api\"}", file: "a.json", validKeys: keys)
        == ["server": "api"])
  }

  @Test func aByteOrderMarkIsAcceptedInProcedureDocuments() throws {
    let text = try Fixtures.testProcedureText()
    let procedure = try ProcedureParser.parse("\u{FEFF}" + text, file: "bom.md")
    #expect(procedure.id == "five-steps")
    #expect(procedure.steps == (try ProcedureParser.parse(text, file: "bom.md")).steps)
  }
}
