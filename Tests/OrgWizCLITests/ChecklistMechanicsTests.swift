import Foundation
import OrgWizCore
import OrgWizJSON
import OrgWizTerminal
import OrgWizTestSupport
import Testing

/// How `orgwiz checklist` renders any procedure: counts, names, ticks and its JSON, on the
/// test-only `five-steps` document, so that editing the bundled procedure breaks none of these.
@Suite struct ChecklistMechanicsTests {
  private static let app = JSONPointer.root / "apps" / 0
  private static let mobileRule =
    JSONPointer.root / "authorizationServers" / 0 / "policies" / 1 / "rules" / 0
  private static let terminal = TerminalInfo(
    stdinIsTerminal: true, stdoutIsTerminal: true, stderrIsTerminal: true, width: 100)
  /// `checklist five-steps` from the test-only documents.
  private static let checklist =
    ["checklist", "five-steps", "--content"]
    + [Fixtures.testProceduresDirectory]

  /// A directory holding the example org with `edits`, as `org.json`.
  private func org(_ edits: [JSONPointer: JSONValue] = [:]) throws -> TemporaryDirectory {
    let directory = try TemporaryDirectory()
    var document = try JSONParser.parse(Fixtures.exampleBytes())
    for (pointer, value) in edits { document.set(value, at: pointer) }
    try directory.write("org.json", JSONWriter.string(document))
    return directory
  }

  @Test func countsArePluralisedProperly() throws {
    let directory = try org([
      JSONPointer.root / "settings" / "embeddedWidgetSignInSupport" / "interactionCode": true,
      Self.app / "settings" / "oauthClient" / "grant_types": [
        "authorization_code", "interaction_code",
      ],
      Self.mobileRule / "conditions" / "grantTypes" / "include": [
        "authorization_code", "interaction_code",
      ],
    ])
    defer { directory.remove() }
    let run = CLIRunner.run(Self.checklist, in: directory.path)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout.contains("1 app and 1 authorization server use the grant today"))
    #expect(!run.stdout.contains("1 apps"))
    #expect(!run.stdout.contains("1 authorization servers"))
    let plain = try org()
    defer { plain.remove() }
    let example = CLIRunner.run(Self.checklist, in: plain.path)
    #expect(example.stdout.contains("0 apps and 0 authorization servers use the grant today"))
  }

  @Test func namesAreMarkdownSafeInAFileAndReadNaturallyOnATerminal() throws {
    let label = "A|B *x* <script>"
    let directory = try org([Self.app / "label": .string(label)])
    defer { directory.remove() }
    let arguments = Self.checklist + ["--set", "server=api", "--set", "app=0oa1mob"]
    let file = CLIRunner.run(arguments, in: directory.path)
    #expect(file.status == 0, "\(file.stderr)")
    // Written to a file or a pipe: Markdown, with the name inert.
    #expect(file.stdout.contains("open A\\|B \\*x\\* &lt;script>."))
    #expect(!file.stdout.contains("<script>"))
    // On a terminal: the name as it is, no escapes or entities.
    let shown = CLIRunner.run(arguments, in: directory.path, terminal: Self.terminal)
    #expect(shown.status == 0, "\(shown.stderr)")
    #expect(shown.stdout.contains("open A|B *x* <script>."), "\(shown.stdout)")
    #expect(!shown.stdout.contains("&lt;"))
    #expect(!shown.stdout.contains("\\*"))
    #expect(shown.stdout.contains("Ada Admin <ada@acme.example>"))
    // --markdown asks for the Markdown on a terminal too (to paste into a ticket).
    let forced = CLIRunner.run(
      arguments + ["--markdown"], in: directory.path, terminal: Self.terminal)
    #expect(forced.stdout == file.stdout)
    // Still nothing a terminal would obey.
    let escape = try org([Self.app / "label": "Evil\u{1B}]0;owned\u{07}"])
    defer { escape.remove() }
    let hostile = CLIRunner.run(arguments, in: escape.path, terminal: Self.terminal)
    #expect(!hostile.stdout.contains("\u{1B}"))
    #expect(hostile.stdout.contains("Evil^[]0;owned^G"))
  }

  @Test func jsonSaysWhatItCannotCheckInsteadOfNull() throws {
    let directory = try org()
    defer { directory.remove() }
    let json = CLIRunner.run(
      Self.checklist + ["--json", "--set", "server=api"], in: directory.path)
    #expect(json.status == 0, "\(json.stderr)")
    let steps = try #require(try JSONParser.parse(json.stdout)["steps"]?.arrayValue)
    #expect(steps.count == 5)
    for step in steps {
      #expect(step["done"]?.boolValue != nil, "\(step)")
      #expect(step["checkable"]?.boolValue != nil, "\(step)")
      let checkable = step["checkable"]?.boolValue ?? false
      #expect((step["reason"]?.stringValue != nil) == !checkable, "\(step)")
      #expect(step["ticked"]?.arrayValue?.count == step["items"]?.arrayValue?.count)
    }
    func step(_ id: String) -> JSONValue? { steps.first { $0["id"] == .string(id) } }
    // No operator: the role cannot be checked.
    #expect(step("verify-permissions")?["checkable"] == false)
    #expect(step("verify-permissions")?["reason"]?.stringValue?.contains("--operator") == true)
    // The setting is off in the example: known, and not done.
    #expect(step("org-setting")?["checkable"] == true)
    #expect(step("org-setting")?["done"] == false)
    #expect(step("choose-server")?["checkable"] == false)
    #expect(step("select-policy-rule")?["checkable"] == true)
    // No app named: nothing to check on an app.
    #expect(step("app-grant")?["checkable"] == false)
    #expect(step("app-grant")?["reason"]?.stringValue?.contains("app=") == true)
  }

  @Test func checkEntriesAreReadAndAnythingElseIsRefused() throws {
    let original = try Fixtures.testProcedureText()
    let procedure = try ProcedureParser.parse(original, file: "five-steps.md")
    let first = try #require(procedure.steps.first)
    #expect(first.byHandChecked == [false, true, true])
    #expect(first.byHand[0] == "Sign in to the Admin Console as {operator}.")
    // A step with no check entries cannot be ticked at all.
    #expect(procedure.steps.first { $0.id == "choose-server" }?.byHandChecked == [false, false])
    let broken = original.replacingOccurrences(
      of: "  - check: \"Go to Applications", with: "  - tick: \"Go to Applications")
    #expect(broken != original)
    #expect {
      _ = try ProcedureParser.parse(broken, file: "broken.md")
    } throws: { error in
      (error as? ProcedureError)?.message.contains("or 'check:' and one line of text") == true
    }
  }
}
