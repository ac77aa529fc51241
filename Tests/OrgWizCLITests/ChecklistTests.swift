import Foundation
import OrgWizCore
import OrgWizJSON
import OrgWizTerminal
import OrgWizTestSupport
import Testing

/// `orgwiz checklist`, read as a new admin would read it.
@Suite struct ChecklistTests {
  private static let app = JSONPointer.root / "apps" / 0
  private static let mobileRule =
    JSONPointer.root / "authorizationServers" / 0 / "policies" / 1 / "rules" / 0
  private static let terminal = TerminalInfo(
    stdinIsTerminal: true, stdoutIsTerminal: true, stderrIsTerminal: true, width: 100)

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
    let run = CLIRunner.run(["checklist"], in: directory.path)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout.contains("1 app and 1 authorization server use the grant today"))
    #expect(!run.stdout.contains("1 apps"))
    #expect(!run.stdout.contains("1 authorization servers"))
    let example = CLIRunner.run(["checklist", "--example"], in: directory.path)
    #expect(example.stdout.contains("0 apps and 0 authorization servers use the grant today"))
  }

  @Test func namesAreMarkdownSafeInAFileAndReadNaturallyOnATerminal() throws {
    let label = "A|B *x* <script>"
    let directory = try org([Self.app / "label": .string(label)])
    defer { directory.remove() }
    let arguments = ["checklist", "--set", "server=api", "--set", "app=0oa1mob"]
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

  @Test func noGenericWordsBesideRealNames() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    // No server named (the example has two): nothing after it is named either.
    let unknown = CLIRunner.run(["checklist", "--example"], in: directory.path)
    #expect(unknown.status == 0, "\(unknown.stderr)")
    #expect(unknown.stdout.contains("your custom authorization server"))
    #expect(!unknown.stdout.contains("Default Policy Rule"), "\(unknown.stdout)")
    #expect(!unknown.stdout.contains("> Default Policy"))
    #expect(unknown.stdout.contains("the access policy that serves your app"))
    // A server named: every placeholder is the org's own object.
    let known = CLIRunner.run(
      ["checklist", "--example", "--set", "server=api", "--set", "app=Acme Mobile"],
      in: directory.path)
    #expect(!known.stdout.contains("your custom authorization server"))
    #expect(!known.stdout.contains("your app"))
    #expect(!known.stdout.contains("that serves your app"))
    #expect(
      known.stdout.contains(
        "Security > API > Authorization Servers > api (aus1api) > Access Policies > Mobile Apps "
          + "> Mobile sign-in"))
  }

  @Test func onlyWhatTheModelProvesIsTicked() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    try Data(Fixtures.exampleBytes()).write(to: URL(fileURLWithPath: directory.file("org.json")))
    let answers = [
      "--operator", "ada@acme.example", "--set", "server=api", "--set", "app=Acme Mobile",
    ]
    let run = CLIRunner.run(
      ["run", "--no-input", "--set", "org-setting=enable", "--set", "app-grant=yes"] + answers,
      in: directory.path)
    #expect(run.status == 0, "\(run.stderr)")
    let after = CLIRunner.run(["checklist"] + answers, in: directory.path)
    #expect(after.status == 0, "\(after.stderr)")
    // Signing in is something nobody can see in the model.
    #expect(after.stdout.contains("- [ ] Sign in to the Admin Console as ada@acme.example."))
    #expect(after.stdout.contains("- [x] Open Security > Administrators and check that"))
    // Choosing a server changes nothing in the model.
    #expect(after.stdout.contains("- [ ] Click the pencil icon next to api (aus1api)."))
    #expect(after.stdout.contains("cannot be checked from the model"))
    #expect(after.stdout.contains("- [x] Go to Applications > Applications and open Acme Mobile."))
    // Without an operator the role cannot be checked, and the step says so.
    let anonymous = CLIRunner.run(["checklist", "--set", "server=api"], in: directory.path)
    #expect(!anonymous.stdout.contains("- [x] Open Security > Administrators"))
    #expect(anonymous.stdout.contains("--operator"))
  }

  @Test func jsonSaysWhatItCannotCheckInsteadOfNull() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let json = CLIRunner.run(
      ["checklist", "--example", "--json", "--set", "server=api"], in: directory.path)
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

  @Test func saysWhereOktaHidesTheCheckboxes() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let run = CLIRunner.run(
      ["checklist", "--example", "--set", "server=api", "--set", "app=Acme Mobile"],
      in: directory.path)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout.contains("IF Grant type is"))
    #expect(run.stdout.contains("Advanced"))
    #expect(
      run.stdout.contains(
        "In the Edit Rule dialog, find IF Grant type is and expand Advanced under it; select the "
          + "Interaction Code checkbox there"))
    #expect(run.stdout.contains("Acme Mobile > General > General Settings > Edit > Grant type"))
    #expect(run.stdout.contains("Grant type section"))
  }

  @Test func checkEntriesAreReadAndAnythingElseIsRefused() throws {
    let original = try String(
      contentsOfFile: Fixtures.contentDirectory + "/interaction-code.md", encoding: .utf8)
    let procedure = try ProcedureParser.parse(original, file: "interaction-code.md")
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
