import Foundation
import OrgWizJSON
import OrgWizTestSupport
import Testing

@testable import OrgWizCore

/// The procedure format, on the test-only documents (Tests/OrgWizCoreTests/Fixtures/procedures),
/// so that editing the real procedures in Content/ breaks none of these tests.
@Suite struct ProcedureParserTests {
  @Test func proseComesFromTheDocument() throws {
    var text = try Fixtures.testProcedureText()
    text = text.replacingOccurrences(
      of: "prompt: Operator?", with: "prompt: Who are you, admin?")
    text = text.replacingOccurrences(
      of: "Permissions prose.", with: "Edited prose: permissions.")
    let procedure = try ProcedureParser.parse(text, file: "edited.md")
    #expect(procedure.steps[0].text(for: "operator")?.prompt == "Who are you, admin?")
    #expect(procedure.steps[0].prose.hasPrefix("Edited prose: permissions."))
  }

  static let brokenDocuments:
    [(name: String, edit: @Sendable (String) -> String, line: Int, words: String)] = [
      (
        "unknown step kind",
        { $0.replacingOccurrences(of: "kind: choose-server", with: "kind: choose-sever") },
        58, "unknown step kind 'choose-sever'"
      ),
      (
        "duplicate step id",
        { $0.replacingOccurrences(of: "id: app-grant", with: "id: org-setting") },
        93, "step id 'org-setting' is used twice"
      ),
      (
        "unknown question key",
        { $0.replacingOccurrences(of: "  server:\n    prompt:", with: "  servr:\n    prompt:") },
        61, "unknown question key 'servr'"
      ),
      (
        "newer format",
        { $0.replacingOccurrences(of: "format-version: 1", with: "format-version: 9") },
        5, "format version 9"
      ),
      (
        "unknown front matter field",
        { $0.replacingOccurrences(of: "version: 0.1.0", with: "version: 0.1.0\nowner: me") },
        5, "unknown front matter field 'owner'"
      ),
      ("no front matter", { String($0.dropFirst(4)) }, 1, "must start with a '---' line"),
      (
        "unclosed step block",
        { text in
          guard let range = text.range(of: "```\n", options: .backwards) else { return text }
          return text.replacingCharacters(in: range, with: "\n")
        }, 93, "never closed"
      ),
      (
        "bad YAML", { $0.replacingOccurrences(of: "kind: app-grant", with: "kind: [app-grant") },
        96, "not valid YAML"
      ),
      (
        "example answer for an unknown key",
        { $0.replacingOccurrences(of: "  app-grant: \"yes\"", with: "  app-grants: \"yes\"") },
        12, "example answer 'app-grants'"
      ),
      // `procedures` prints the title and version on one line each: a line break in either
      // would let a document print lines of its own (a forged grant: line).
      (
        "a title of two lines",
        {
          $0.replacingOccurrences(
            of: "title: Five steps", with: "title: \"Five steps\\n  grant: client_credentials\"")
        }, 3, "'title' must be one line"
      ),
      (
        "a version with a control character",
        { $0.replacingOccurrences(of: "version: 0.1.0", with: "version: \"0.1.0\\e[2J\"") },
        4, "'version' must be one line"
      ),
    ]

  @Test(arguments: brokenDocuments.indices)
  func malformedDocumentIsRefusedWithFileAndLine(_ index: Int) throws {
    let broken = Self.brokenDocuments[index]
    let original = try Fixtures.testProcedureText()
    let text = broken.edit(original)
    #expect(text != original, "the edit for \(broken.name) did not apply")
    do {
      _ = try ProcedureParser.parse(text, file: "broken.md")
      Issue.record("\(broken.name) was accepted")
    } catch {
      #expect(error.file == "broken.md")
      #expect(error.line == broken.line, "\(broken.name): \(error.message)")
      #expect(error.message.contains(broken.words), "\(broken.name): \(error.message)")
      #expect(error.exitStatus == .config)
    }
  }
}

@Suite struct YAMLAliasTests {
  @Test func aliasesAreFoundWhereANodeStarts() throws {
    let keyBomb = "a: &a [x, x]\nb: &b [*a, *a]\n? *b\n: boom\n"
    #expect(YAMLGuard.firstAlias(in: keyBomb) == 2)
    #expect(YAMLGuard.firstAlias(in: "list:\n  - *a\n") == 2)
    #expect(YAMLGuard.firstAlias(in: "{a: 1, b: *a}") == 1)
  }

  @Test func textThatOnlyLooksLikeAnAliasPasses() {
    let fine = """
      help: >-
        Use *emphasis* here,
        *even at the start* of a line.
      quoted: "*not an alias*"
      single: '*nor this*'
      plain: a *star* inside
      list: [one, two]
      # a comment with *stars*
      after: ok # trailing *comment*
      """
    #expect(YAMLGuard.firstAlias(in: fine) == nil)
  }

  @Test func aProcedureWithAnAliasIsRefusedWithItsLine() throws {
    let original = try Fixtures.testProcedureText()
    let text = original.replacingOccurrences(
      of: "title: Five steps\n", with: "title: Five steps\nx: &x [a]\ny: *x\n")
    do {
      _ = try ProcedureParser.parse(text, file: "alias.md")
      Issue.record("an alias was accepted")
    } catch {
      #expect(error.line == 5)
      #expect(error.message.contains("YAML alias"))
    }
  }

  @Test func answersFilesRefuseAliasesToo() {
    #expect {
      _ = try AnswersFile.parse(
        "operator: &o ada\nserver: *o\n", file: "a.yaml", validKeys: ["operator", "server"])
    } throws: { error in
      (error as? AnswersError)?.message.contains("a.yaml:2: YAML aliases") ?? false
    }
  }

  @Test func anAmpersandInAnAnswerIsRefusedWithTheWaysThatWork() throws {
    let keys = ["operator", "app"]
    #expect {
      _ = try AnswersFile.parse(
        "operator: ada\napp: Acme &Mobile\n", file: "a.yaml", validKeys: keys)
    } throws: { error in
      let message = (error as? AnswersError)?.message ?? ""
      return message.contains("a.yaml:2:") && message.contains("write every line as KEY: \"VALUE\"")
    }
    // Each way the message names reads the answer as written.
    let quoted = try AnswersFile.parse(
      "operator: \"ada\"\napp: \"Acme &Mobile\"\n", file: "a.yaml", validKeys: keys)
    #expect(quoted["app"] == "Acme &Mobile")
    let json = try AnswersFile.parse(
      #"{"operator": "ada", "app": "Acme &Mobile"}"#, file: "a.json", validKeys: keys)
    #expect(json["app"] == "Acme &Mobile")
  }
}

@Suite struct LineEndingTests {
  @Test func crlfDocumentsParseLikeLFDocuments() throws {
    let original = try Fixtures.testProcedureText()
    let lf = try ProcedureParser.parse(original, file: "doc.md")
    var crlf = try ProcedureParser.parse(
      original.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\r\n"),
      file: "doc.md")
    crlf.sha256 = lf.sha256
    #expect(crlf == lf)
    #expect(YAMLGuard.firstAlias(in: "a: 1\r\nb: *x\r\n") == 2)
  }
}
