import Foundation
import OrgWizCore
import OrgWizJSON
import OrgWizTerminal
import OrgWizTestSupport
import Testing

@Suite struct OtherCommandTests {
  // Output that never arrived (a full disk) is an error, not a silent success; a reader that
  // stopped reading (a closed pipe, as with `| head`) is not.
  @Test func outputThatCannotBeWrittenIsExit73AndAClosedPipeIsNot() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let full = open("/dev/full", O_WRONLY)
    try #require(full >= 0)
    defer { close(full) }
    let lost = CLIRunner.run(
      ["check", "--example", "--json"], in: directory.path,
      stdout: FileDescriptorSink(descriptor: full))
    #expect(lost.status == 73)
    #expect(lost.stderr.contains("standard output could not be written (No space left on device)"))
    // As orgwiz's own entry point does, so that the closed pipe is an EPIPE, not a signal.
    signal(SIGPIPE, SIG_IGN)
    var ends: [Int32] = [0, 0]
    try #require(pipe(&ends) == 0)
    close(ends[0])
    defer { close(ends[1]) }
    let closed = CLIRunner.run(
      ["check", "--example"], in: directory.path, stdout: FileDescriptorSink(descriptor: ends[1]))
    #expect(closed.status == 0, "\(closed.stderr)")
    #expect(closed.stderr.isEmpty)
  }

  // The built binary, which ends check and run early once their output is written, says the
  // same about a full disk.
  @Test func theBinaryAlsoSaysItsOutputWasLost() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let run = try ProcessRunner.orgwiz(
      ["check", "--example", "--json"], in: directory.path, stdout: .file("/dev/full"))
    let said = run.stderr
    #expect(run.status == 73, "\(run)")
    #expect(said.contains("standard output could not be written"))
  }

  @Test func checkPassesOnTheExampleAndFailsOnErrors() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let clean = CLIRunner.run(["check", "--example"], in: directory.path)
    #expect(clean.status == 0)
    #expect(clean.stdout.contains("0 errors, 0 warnings (14 rules checked"))
    var document = try JSONParser.parse(Fixtures.exampleBytes())
    document.set(
      ["authorization_code", "interaction_code"],
      at: JSONPointer.root / "authorizationServers" / 0 / "policies" / 0 / "rules" / 0
        / "conditions"
        / "grantTypes" / "include")
    try directory.write("org.json", JSONWriter.string(document))
    let broken = CLIRunner.run(["check"], in: directory.path)
    #expect(broken.status == 1)
    #expect(broken.stdout.contains("error: org.json#/authorizationServers/"))
    #expect(broken.stdout.contains("[grant-needs-org-setting]"))
    let json = CLIRunner.run(["check", "--json"], in: directory.path)
    #expect(json.status == 1)
    #expect(try JSONParser.parse(json.stdout)["errors"]?.intValue ?? 0 >= 1)
  }

  @Test func simulateReportsOktasOutcomes() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let allowed = CLIRunner.run(
      [
        "simulate", "--example", "--app", "Acme Mobile", "--server", "api", "--grant",
        "authorization_code",
      ],
      in: directory.path)
    #expect(allowed.status == 0)
    #expect(
      allowed.stdout.contains("policy \"Mobile Apps\" (00p2mob), rule \"Mobile sign-in\" (0pr2mob)")
    )
    let unauthorized = CLIRunner.run(
      [
        "simulate", "--example", "--app", "Acme Web", "--server", "api", "--grant",
        "interaction_code",
      ],
      in: directory.path)
    #expect(unauthorized.status == 1)
    #expect(
      unauthorized.stdout.contains(
        "unauthorized_client: The client is not authorized to use the provided grant type."))
    let denied = CLIRunner.run(
      [
        "simulate", "--example", "--app", "0oa1mob", "--server", "aus1api", "--grant",
        "refresh_token", "--json",
      ],
      in: directory.path)
    #expect(denied.status == 1)
    let value = try JSONParser.parse(denied.stdout)
    #expect(value["error"] == "access_denied")
    let unknown = CLIRunner.run(
      ["simulate", "--example", "--app", "Nope", "--server", "api", "--grant", "x"],
      in: directory.path)
    #expect(unknown.status == 64)
    #expect(unknown.stderr.contains("Acme Mobile (0oa1mob)"))
  }

  @Test func simulateResolvesGroupsExactlyFirstAndRefusesNonOAuthApps() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    var document = try JSONParser.parse(Fixtures.exampleBytes())
    document.set(
      [["id": "00gA", "profile": ["name": "eng"]], ["id": "00gB", "profile": ["name": "Eng"]]],
      at: JSONPointer.root / "groups")
    let rule = JSONPointer.root / "authorizationServers" / 0 / "policies" / 0 / "rules" / 0
    document.set(["groups": ["include": ["00gB"]]], at: rule / "conditions" / "people")
    try directory.write("org.json", JSONWriter.string(document))
    let simulate = ["simulate", "--app", "Acme Web", "--server", "api", "--grant"]
    // "Eng" is exactly 00gB's name; 00gA's "eng" only matches without regard to case.
    let exact = CLIRunner.run(
      simulate + ["authorization_code", "--group", "Eng", "--json"], in: directory.path)
    #expect(exact.status == 0, "\(exact.stdout)\(exact.stderr)")
    #expect(try JSONParser.parse(exact.stdout)["groups"] == ["00gB"])
    let ambiguous = CLIRunner.run(
      simulate + ["authorization_code", "--group", "ENG"], in: directory.path)
    #expect(ambiguous.status == 64)
    #expect(ambiguous.stderr.contains("\"ENG\" names 2 groups (eng (00gA), Eng (00gB))"))
    let unknown = CLIRunner.run(
      simulate + ["authorization_code", "--group", "00gOther"], in: directory.path)
    #expect(unknown.status == 1)
    #expect(unknown.stderr.contains("taking it as a group id"))
    let saml = CLIRunner.run(
      ["simulate", "--app", "Workday", "--server", "api", "--grant", "authorization_code"],
      in: directory.path)
    #expect(saml.status == 64)
    #expect(saml.stderr.contains("signs on with SAML_2_0; only OPENID_CONNECT apps request tokens"))
  }

  @Test func checklistJSONAndAnswersItCannotUse() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let json = CLIRunner.run(
      ["checklist", "--example", "--json", "--set", "server=api", "--set", "app=Acme Mobile"],
      in: directory.path)
    #expect(json.status == 0, "\(json.stderr)")
    let value = try JSONParser.parse(json.stdout)
    #expect(value[JSONPointer.root / "procedure" / "id"] == "interaction-code")
    #expect(value["steps"]?.arrayValue?.count == 5)
    #expect(value[JSONPointer.root / "steps" / 0 / "done"] == false)
    // Plain text for JSON readers: names are not escaped for Markdown.
    #expect(json.stdout.contains("Ada Admin <ada@acme.example>"))
    // An app named without a server cannot be checked, so it is refused rather than ignored.
    let noServer = CLIRunner.run(
      ["checklist", "--example", "--set", "app=nope"], in: directory.path)
    #expect(noServer.status == 64)
    #expect(
      noServer.stderr.contains(
        "The answer for app cannot be used: it depends on server, which has no answer."))
    let wrong = CLIRunner.run(
      ["checklist", "--example", "--set", "server=api", "--set", "app=nope"], in: directory.path)
    #expect(wrong.status == 64)
    #expect(wrong.stderr.contains("\"nope\" is not one of the choices"))
  }

  @Test func checklistNamesTheOrgsObjectsAndTicksWhatHolds() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let before = CLIRunner.run(
      ["checklist", "--example", "--set", "server=api", "--set", "app=Acme Mobile"],
      in: directory.path)
    #expect(before.status == 0, "\(before.stderr)")
    #expect(
      before.stdout.contains(
        "select Mobile Apps in the list of policies.\n- [ ] Click the pencil icon in the Actions "
          + "column of Mobile sign-in."))
    #expect(
      before.stdout.contains(
        "- [ ] Select the Interaction Code checkbox and click Save (it is off now)."))
    #expect(before.stdout.contains("Security > API > Authorization Servers > api (aus1api)"))
    try Data(Fixtures.exampleBytes()).write(to: URL(fileURLWithPath: directory.file("org.json")))
    let run = CLIRunner.run(
      [
        "run", "--no-input", "--operator", "ada@acme.example", "--set", "org-setting=enable",
        "--set", "server=api",
        "--set", "app=Acme Mobile", "--set", "app-grant=yes",
      ], in: directory.path)
    #expect(run.status == 0)
    let after = CLIRunner.run(
      [
        "checklist", "--operator", "ada@acme.example", "--set", "server=api", "--set",
        "app=Acme Mobile",
      ], in: directory.path)
    #expect(after.stdout.contains("- [x] Select the Interaction Code checkbox and click Save"))
    // Signing in and choosing the server are nothing the model can show done.
    #expect(after.stdout.contains("- [ ] Sign in to the Admin Console as ada@acme.example."))
    #expect(after.stdout.contains("- [x] Go to Applications > Applications and open Acme Mobile."))
  }

  @Test func helpDocumentsEveryExitCode() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    // The root help holds the table; each subcommand names its own codes (HelpLayoutTests).
    let root = CLIRunner.run(["--help"], in: directory.path)
    #expect(root.status == 0)
    for status in ExitStatus.allCases {
      #expect(root.stdout.contains("  \(status.rawValue) "), "--help lacks \(status.rawValue)")
    }
    let version = CLIRunner.run(["--version"], in: directory.path)
    #expect(version.stdout.trimmingWhitespace() == "0.1.0")
    let badFlag = CLIRunner.run(["run", "--frobnicate"], in: directory.path)
    #expect(badFlag.status == 64)
  }
}

@Suite struct ColourTests {
  func errorOutput(
    stdout: Bool, stderr: Bool, environment: [String: String] = ["TERM": "xterm"]
  ) throws
    -> String
  {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    // No model and no terminal input: an error, printed on standard error.
    return CLIRunner.run(
      ["check"], in: directory.path, environment: environment,
      terminal: TerminalInfo(
        stdinIsTerminal: false, stdoutIsTerminal: stdout, stderrIsTerminal: stderr, width: 80)
    ).stderr
  }

  @Test func colourOnlyWhenStandardOutputAndErrorAreTerminals() throws {
    #expect(try errorOutput(stdout: true, stderr: true).contains("\u{1B}[31morgwiz: error:"))
    // `orgwiz check > report.txt` in a terminal: no escape sequences anywhere.
    #expect(try !errorOutput(stdout: false, stderr: true).contains("\u{1B}["))
    #expect(try !errorOutput(stdout: true, stderr: false).contains("\u{1B}["))
    #expect(
      try !errorOutput(stdout: true, stderr: true, environment: ["TERM": "xterm", "NO_COLOR": "1"])
        .contains("\u{1B}["))
    // No TERM at all says nothing about the terminal: no colour either.
    #expect(try !errorOutput(stdout: true, stderr: true, environment: [:]).contains("\u{1B}["))
    #expect(
      try !errorOutput(stdout: true, stderr: true, environment: ["TERM": "dumb"]).contains(
        "\u{1B}["))
  }
}
