import Foundation
import OrgWizCLI
import OrgWizCore
import OrgWizJSON
import OrgWizTerminal
import OrgWizTestSupport
import Testing

@Suite struct RunCommandTests {
  static let fullAnswers = [
    "--set", "operator=ada@acme.example", "--set", "org-setting=enable", "--set", "server=api",
    "--set", "app=Acme Mobile", "--set", "app-grant=yes",
  ]

  func exampleCopy(_ directory: TemporaryDirectory, mode: Int = 0o640) throws -> String {
    let path = directory.file("org.json")
    try Data(Fixtures.exampleBytes()).write(to: URL(fileURLWithPath: path))
    try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
    return path
  }

  @Test func aFullRunWritesBackupModelAndSummary() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let path = try exampleCopy(directory)
    let run = CLIRunner.run(["run", "--no-input", "--yes"] + Self.fullAnswers, in: directory.path)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(
      directory.listing() == ["org.20261125T014500Z.summary.md", "org.json", "org.json.bak"])
    #expect(directory.read("org.json.bak").map { Array($0.utf8) } == (try Fixtures.exampleBytes()))
    let model = try OrgModel.load(
      Array(try #require(directory.read("org.json")).utf8), source: "org.json")
    #expect(model.interactionCodeEnabled)
    #expect(model.app(id: "0oa1mob")?.lists(Grants.interactionCode) == true)
    let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
    #expect(mode == 0o640)
    let summary = try #require(directory.read("org.20261125T014500Z.summary.md"))
    #expect(summary.contains("Backup of the model before this run: \(path).bak"))
    #expect(summary.contains(SHA256.hex(try Fixtures.exampleBytes())))
    #expect(
      run.stderr.contains("Change record: \(directory.path)/org.20261125T014500Z.summary.md"))
  }

  @Test func aServiceAppGivenWithSetIsExit64WithTheReason() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    _ = try exampleCopy(directory)
    let run = CLIRunner.run(
      [
        "run", "--no-input", "--operator", "ada@acme.example", "--set", "org-setting=enable",
        "--set", "server=api", "--set", "app=Acme Reports (service)",
      ], in: directory.path)
    #expect(run.status == 64, "\(run.stderr)")
    #expect(run.stderr.contains("\"Acme Reports (service)\" cannot be chosen: it is a service app"))
    #expect(run.stderr.contains("only for native, single-page (browser) and web apps"))
    #expect(directory.read("org.json").map { Array($0.utf8) } == (try Fixtures.exampleBytes()))
  }

  @Test func theOrgAuthorizationServerAsksNoPolicyAndChangesOnlyTheSettingAndTheApp() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    _ = try exampleCopy(directory)
    let run = CLIRunner.run(
      [
        "run", "--no-input", "--yes", "--operator", "ada@acme.example", "--set",
        "org-setting=enable", "--set", "server=https://acme.okta.com/", "--set", "app=0oa1mob",
        "--set", "app-grant=yes", "--json",
      ], in: directory.path)
    #expect(run.status == 0, "\(run.stderr)")
    let result = try JSONParser.parse(Array(run.stdout.utf8))
    let pointers = (result["changes"]?.arrayValue ?? []).flatMap { $0["objects"]?.arrayValue ?? [] }
      .compactMap { $0["object"]?["pointer"]?.stringValue }
    #expect(pointers == ["/settings/embeddedWidgetSignInSupport", "/apps/0"], "\(run.stdout)")
    let checklist = CLIRunner.run(
      ["checklist", "--set", "server=org-authorization-server", "--set", "app=Acme Mobile"],
      in: directory.path)
    #expect(checklist.status == 0, "\(checklist.stderr)")
    #expect(checklist.stdout.contains("Not needed: the Org Authorization Server has no access"))
  }

  @Test func aSecondRunChangesNothingAndWritesOnlyASummary() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    _ = try exampleCopy(directory)
    let first = CLIRunner.run(["run", "--no-input"] + Self.fullAnswers, in: directory.path)
    #expect(first.status == 0, "\(first.stderr)")
    let after = directory.read("org.json")
    let backup = directory.read("org.json.bak")
    try FileManager.default.removeItem(atPath: directory.file("org.20261125T014500Z.summary.md"))
    let second = CLIRunner.run(
      ["run", "--no-input", "--summary", "again.md"] + Self.fullAnswers, in: directory.path)
    #expect(second.status == 0, "\(second.stderr)")
    #expect(directory.read("org.json") == after)
    #expect(directory.read("org.json.bak") == backup)
    #expect(directory.read("again.md")?.contains("## Changes\n\nNo changes.") == true)
    #expect(second.stderr.contains("No changes; the model was left as it was."))
  }

  @Test func missingAnswersAreNamedAndNothingIsWritten() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    _ = try exampleCopy(directory)
    let run = CLIRunner.run(["run", "--operator", "ada@acme.example"], in: directory.path)
    #expect(run.status == 64)
    #expect(run.stderr.contains("org-setting, server, app, app-grant"))
    #expect(run.stderr.contains("(standard input is not a terminal)"))
    #expect(run.stderr.contains("--set KEY=VALUE"))
    #expect(directory.listing() == ["org.json"])
    // `orgwiz run | tee log` at a terminal: the reason names standard output.
    let piped = CLIRunner.run(
      ["run", "--operator", "ada@acme.example"], in: directory.path,
      terminal: TerminalInfo(
        stdinIsTerminal: true, stdoutIsTerminal: false, stderrIsTerminal: true, width: 80))
    #expect(piped.status == 64)
    // (Wrapped between words at the terminal.)
    #expect(
      piped.stderr.replacingOccurrences(of: "\n", with: " ").contains(
        "(standard output is not a terminal)"))
  }

  @Test func theNoInputVariableTurnsPromptingOff() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    _ = try exampleCopy(directory)
    let prompter = ScriptedPrompter([])
    let run = CLIRunner.run(
      ["run"], in: directory.path, prompter: prompter, environment: ["ORGWIZ_NO_INPUT": "1"])
    #expect(run.status == 64)
    #expect(run.stderr.contains("(ORGWIZ_NO_INPUT is set)"))
    #expect(prompter.asked.isEmpty)
  }

  @Test func anInvalidAnswerListsTheChoices() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    _ = try exampleCopy(directory)
    let run = CLIRunner.run(
      ["run", "--no-input", "--set", "operator=ada@acme.example", "--set", "org-setting=turn-on"],
      in: directory.path)
    #expect(run.status == 64)
    #expect(run.stderr.contains("\"turn-on\" is not one of the choices"))
    #expect(
      run.stderr.contains("enable") && run.stderr.contains("disable") && run.stderr.contains("keep")
    )
  }

  @Test func unknownAnswerKeysListTheValidKeys() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    _ = try exampleCopy(directory)
    try directory.write("answers.yaml", "operator: ada@acme.example\nservre: api\n")
    let run = CLIRunner.run(["run", "--answers", "answers.yaml"], in: directory.path)
    #expect(run.status == 64)
    #expect(run.stderr.contains("answers.yaml:2: unknown answer key servre"))
    #expect(run.stderr.contains("operator, org-setting, server, app, policy, rule, app-grant"))
    let set = CLIRunner.run(["run", "--set", "sever=api"], in: directory.path)
    #expect(set.status == 64)
    #expect(set.stderr.contains("unknown answer key sever"))
  }

  @Test func badFilesGiveTheirExitCodes() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    try directory.write("org.json", "{\n  \"org\": [1,]\n}\n")
    let malformed = CLIRunner.run(["run", "--no-input"], in: directory.path)
    #expect(malformed.status == 65)
    #expect(malformed.stderr.contains("org.json:2:"))
    let missingAnswers = CLIRunner.run(["run", "--answers", "nope.yaml"], in: directory.path)
    #expect(missingAnswers.status == 66)
    try directory.write("bad.yaml", "operator: [\n")
    _ = try exampleCopy(directory)
    let badAnswers = CLIRunner.run(["run", "--answers", "bad.yaml"], in: directory.path)
    #expect(badAnswers.status == 65)
    #expect(badAnswers.stderr.contains("bad.yaml:"))
  }

  @Test func aMissingModelWithoutATerminalNamesOrgAndExample() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let run = CLIRunner.run(["run"], in: directory.path)
    #expect(run.status == 66)
    #expect(run.stderr.contains("--org") && run.stderr.contains("--example"))
    #expect(directory.listing().isEmpty)
  }

  @Test func aFirstInteractiveRunOffersTheExampleOrg() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let prompter = ScriptedPrompter([
      .confirm(true), .answer("operator", "ada@acme.example"), .answer("org-setting", "keep"),
    ])
    let run = CLIRunner.run(["run"], in: directory.path, prompter: prompter)
    #expect(run.status == 0, "\(run.stderr) \(prompter.failures)")
    #expect(directory.read("org.json").map { Array($0.utf8) } == (try Fixtures.exampleBytes()))
    #expect(!directory.listing().contains("org.json.bak"))
    // Declining the offer is an answer at a prompt: exit 2, nothing written.
    let elsewhere = try TemporaryDirectory()
    defer { elsewhere.remove() }
    let declined = CLIRunner.run(
      ["run"], in: elsewhere.path, prompter: ScriptedPrompter([.confirm(false)]))
    #expect(declined.status == 2, "\(declined.stderr)")
    #expect(declined.stderr.contains("the bundled example was declined"))
    #expect(elsewhere.listing().isEmpty)
  }

  @Test func exampleRefusesToOverwriteWithoutForce() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    try directory.write("org.json", "{}")
    let refused = CLIRunner.run(
      ["run", "--example", "--no-input"] + Self.fullAnswers, in: directory.path)
    #expect(refused.status == 64)
    #expect(directory.read("org.json") == "{}")
    let forced = CLIRunner.run(
      ["run", "--example", "--force", "--no-input"] + Self.fullAnswers, in: directory.path)
    #expect(forced.status == 0, "\(forced.stderr)")
    #expect(directory.read("org.json")?.contains("\"interaction_code\"") == true)
  }

  @Test func aClassicOrgStopsWithExit1EvenWithoutAnswers() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let text = String(decoding: try Fixtures.exampleBytes(), as: UTF8.self)
      .replacingOccurrences(of: "\"engine\": \"identity-engine\"", with: "\"engine\": \"classic\"")
    try directory.write("org.json", text)
    let run = CLIRunner.run(["run"], in: directory.path)
    #expect(run.status == 1)
    #expect(run.stderr.contains("Classic Engine"))
    #expect(directory.listing() == ["org.json"])
  }

  @Test func aNonSuperAdminIsStoppedWithExit1() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    _ = try exampleCopy(directory)
    let run = CLIRunner.run(["run", "--operator", "bob@acme.example"], in: directory.path)
    #expect(run.status == 1)
    #expect(run.stderr.contains("Ada Admin <ada@acme.example>"))
    #expect(directory.listing() == ["org.json"])
  }

  @Test func disablingNeedsYesWithoutATerminal() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    _ = try exampleCopy(directory)
    #expect(
      CLIRunner.run(["run", "--no-input"] + Self.fullAnswers, in: directory.path).status == 0)
    let enabled = directory.read("org.json")
    let disable = [
      "run", "--no-input", "--operator", "ada@acme.example", "--set", "org-setting=disable",
    ]
    let refused = CLIRunner.run(disable, in: directory.path)
    #expect(refused.status == 64)
    #expect(refused.stderr.contains("--yes"))
    #expect(directory.read("org.json") == enabled)
    let accepted = CLIRunner.run(disable + ["--yes", "--summary", "off.md"], in: directory.path)
    #expect(accepted.status == 0, "\(accepted.stderr)")
    let model = try OrgModel.load(Array(try #require(directory.read("org.json")).utf8), source: "m")
    #expect(!model.interactionCodeEnabled)
    #expect(model.appsUsing(Grants.interactionCode).isEmpty)
    #expect(model.serversUsing(Grants.interactionCode).isEmpty)
    let record = try #require(directory.read("off.md"))
    #expect(record.contains("Anything removed: yes"))
    // The record says what this run did, in its title and in the step's heading, however the
    // procedure titles the step.
    #expect(record.hasPrefix("# Turn off the Interaction Code grant org-wide (acme.okta.com)"))
    #expect(record.contains("### Step 2: Turn Embedded widget sign-in support off"))
    // Without a terminal nobody saw the confirmation's list, so the run names each object.
    let said = accepted.stderr.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    #expect(
      said.contains("app \"Acme Mobile\" (0oa1mob)")
        && said.contains("rule \"Mobile sign-in\" (0pr2mob)"), "\(accepted.stderr)")
  }

  @Test func decliningAtAPromptIsExit2AndWritesNothing() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let text = String(decoding: try Fixtures.exampleBytes(), as: UTF8.self)
      .replacingOccurrences(of: "\"interactionCode\": false", with: "\"interactionCode\": true")
    try directory.write("org.json", text)
    let prompter = ScriptedPrompter([
      .answer("operator", "ada@acme.example"), .answer("org-setting", "disable"), .confirm(false),
    ])
    let run = CLIRunner.run(["run"], in: directory.path, prompter: prompter)
    #expect(run.status == 2)
    // A "no" is the user's word, not an error.
    #expect(!run.stderr.contains("orgwiz: error:"))
    #expect(directory.listing() == ["org.json"])
    #expect(directory.read("org.json") == text)
  }

  @Test func interruptingIsExit130AndWritesNothing() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    _ = try exampleCopy(directory)
    let prompter = ScriptedPrompter([
      .answer("operator", "ada@acme.example"), .answer("org-setting", "enable"),
      .interrupt("server"),
    ])
    let run = CLIRunner.run(["run"], in: directory.path, prompter: prompter)
    #expect(run.status == 130)
    #expect(run.stderr.contains("Interrupted. Nothing was written."))
    #expect(!run.stderr.contains("orgwiz: error:"))
    #expect(directory.listing() == ["org.json"])
  }

  @Test func aDryRunWritesNothingAndPrintsTheSummary() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    _ = try exampleCopy(directory)
    let run = CLIRunner.run(
      ["run", "--dry-run", "--no-input"] + Self.fullAnswers, in: directory.path)
    #expect(run.status == 0)
    #expect(directory.listing() == ["org.json"])
    #expect(
      run.stdout.contains(
        "interactionCode: false -> true  (/settings/embeddedWidgetSignInSupport/interactionCode)"),
      "\(run.stdout)")
    #expect(run.stdout.contains("Dry run: nothing was written"))
    #expect(run.stdout.contains("## Backout plan"))
  }

  @Test func jsonOutputIsCleanOnStdout() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    _ = try exampleCopy(directory)
    let run = CLIRunner.run(["run", "--json", "--no-input"] + Self.fullAnswers, in: directory.path)
    #expect(run.status == 0)
    let value = try JSONParser.parse(run.stdout)
    #expect(value["changed"] == true)
    #expect(value["modelWritten"] == true)
    #expect(value[JSONPointer.root / "verification" / "simulation" / "allowed"] == true)
    #expect(value["summaryPath"]?.stringValue?.hasSuffix("org.20261125T014500Z.summary.md") == true)
    #expect(!run.stdout.contains("Step 1 of"))
  }

  @Test func recordedAnswersReplayTheSameRun() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    _ = try exampleCopy(directory)
    let prompter = ScriptedPrompter([
      .answer("operator", "1"), .answer("org-setting", ""), .answer("server", "api"),
      .answer("app", "acme mobile"), .answer("policy", ""), .answer("rule", ""),
      .answer("app-grant", ""),
    ])
    let first = CLIRunner.run(
      ["run", "--dry-run", "--record-answers", "answers.yaml"], in: directory.path,
      prompter: prompter)
    #expect(first.status == 0, "\(first.stderr) \(prompter.failures)")
    let recorded = try #require(directory.read("answers.yaml"))
    #expect(recorded.contains("server: \"aus1api\"  # api"))
    let replay = CLIRunner.run(
      ["run", "--no-input", "--answers", "answers.yaml"], in: directory.path)
    #expect(replay.status == 0, "\(replay.stderr)")
    let model = try OrgModel.load(Array(try #require(directory.read("org.json")).utf8), source: "m")
    #expect(model.app(id: "0oa1mob")?.lists(Grants.interactionCode) == true)
  }

  /// Makes a path unwritable: `chmod` for ordinary users; for root, who writes anyway, the
  /// ext4 immutable attribute.
  func lock(_ path: String, directory: Bool) throws -> () -> Void {
    if getuid() != 0 {
      try FileManager.default.setAttributes(
        [.posixPermissions: directory ? 0o555 : 0o444], ofItemAtPath: path)
      return {
        try? FileManager.default.setAttributes(
          [.posixPermissions: directory ? 0o755 : 0o644], ofItemAtPath: path)
      }
    }
    let change = { (flag: String) -> Int32 in
      let run = try? ProcessRunner.run("/usr/bin/chattr", [flag, path], timeout: 60)
      return run?.status ?? -1
    }
    #expect(change("+i") == 0, "cannot make \(path) read-only here (chattr +i)")
    return { _ = change("-i") }
  }

  @Test(arguments: [true, false])
  func anUnwritableDirectoryOrModelIsExit73AndTheModelIsUntouched(_ wholeDirectory: Bool) throws {
    let directory = try TemporaryDirectory()
    let path = try exampleCopy(directory)
    let unlock = try lock(wholeDirectory ? directory.path : path, directory: wholeDirectory)
    defer {
      unlock()
      directory.remove()
    }
    let run = CLIRunner.run(
      ["run", "--no-input", "--summary", "/tmp/orgwiz-unused-\(UUID().uuidString).md"]
        + Self.fullAnswers, in: directory.path)
    #expect(run.status == 73, "\(run.stderr)")
    #expect(run.stderr.contains("Cannot"))
    #expect(directory.read("org.json").map { Array($0.utf8) } == (try Fixtures.exampleBytes()))
    #expect(directory.listing() == ["org.json"])
  }

  @Test(arguments: ["staged-answers", "committed-backup", "committed-model", "committed-summary"])
  func aWriteThatFailsLateLeavesEveryFileAsItWas(_ point: String) throws {
    // A second run on top of a first one, so that a backup, an undo record and a summary
    // already exist; the failure comes at `point`, after some files were moved into place.
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    _ = try exampleCopy(directory)
    let first = CLIRunner.run(
      ["run", "--no-input", "--summary", "change.md"] + Self.fullAnswers, in: directory.path)
    #expect(first.status == 0, "\(first.stderr)")
    let turnOff = [
      "run", "--no-input", "--yes", "--operator", "ada@acme.example", "--set",
      "org-setting=disable", "--summary", "change.md", "--record-answers", "answers.yaml",
    ]
    let before = directory.listing(all: true).map { ($0, directory.read($0)) }
    let failed = CLIRunner.run(
      turnOff, in: directory.path, environment: ["ORGWIZ_TEST_FAULT": "\(point):fail"])
    #expect(failed.status == 73, "\(failed.stderr)")
    #expect(failed.stderr.contains("a failure was simulated at \(point)"))
    let after = directory.listing(all: true).map { ($0, directory.read($0)) }
    #expect(after.map(\.0) == before.map(\.0), "files left: \(after.map(\.0))")
    for ((name, old), (_, new)) in zip(before, after) {
      let unchanged = old == new
      #expect(unchanged, "\(name) changed")
    }
    // Without the fault the same run goes through.
    #expect(CLIRunner.run(turnOff, in: directory.path).status == 0)
    #expect(directory.read("answers.yaml")?.contains("org-setting: \"disable\"") == true)
  }

  @Test func aSummaryDirectoryGetsTheDefaultNameAndALinkKeepsPointingToItsFile() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    _ = try exampleCopy(directory)
    try FileManager.default.createDirectory(
      atPath: directory.file("records"), withIntermediateDirectories: false)
    let intoDirectory = CLIRunner.run(
      ["run", "--no-input", "--summary", "records"] + Self.fullAnswers, in: directory.path)
    #expect(intoDirectory.status == 0, "\(intoDirectory.stderr)")
    // A directory other than the model's own: the default name carries a fingerprint of the
    // model's path, so that models of one name from other directories never share a name.
    let records = try FileManager.default.contentsOfDirectory(atPath: directory.file("records"))
    let record = try #require(
      records.first {
        $0.range(
          of: #"^org\.[0-9a-f]{8}\.20261125T014500Z\.summary\.md$"#, options: .regularExpression)
          != nil
      }, "\(records)")
    #expect(directory.read("records/" + record)?.contains("## Backout plan") == true)
    // A summary path that is a symbolic link stays one; the file it points to gets the record.
    try directory.write("real.md", "old\n")
    try FileManager.default.createSymbolicLink(
      atPath: directory.file("latest.md"), withDestinationPath: "real.md")
    let throughLink = CLIRunner.run(
      ["run", "--no-input", "--summary", "latest.md"] + Self.fullAnswers, in: directory.path)
    #expect(throughLink.status == 0, "\(throughLink.stderr)")
    #expect(
      try FileManager.default.destinationOfSymbolicLink(atPath: directory.file("latest.md"))
        == "real.md")
    #expect(directory.read("real.md")?.contains("## Backout plan") == true)
    // `-` is standard output.
    let toStdout = CLIRunner.run(
      ["run", "--no-input", "--summary", "-"] + Self.fullAnswers, in: directory.path)
    #expect(toStdout.status == 0)
    #expect(toStdout.stdout.hasPrefix("# "))
    #expect(toStdout.stderr.contains("Change record written to standard output."))
  }

  @Test(arguments: [
    ["--summary", "org.json"], ["--summary", "org.json.bak"], ["--record-answers", "org.json"],
    ["--summary", "same.md", "--record-answers", "same.md"],
    // Other spellings of the same files: a link to the directory, `.` in the path.
    ["--summary", "self/org.json.write.journal"], ["--record-answers", "self/org.json.journal"],
    ["--summary", "o/x.md", "--record-answers", "o/./x.md"],
  ])
  func aSummaryOrAnswersFileNeverLandsOnTheModelOrItsBackup(_ options: [String]) throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    _ = try exampleCopy(directory)
    try FileManager.default.createSymbolicLink(
      atPath: directory.file("self"), withDestinationPath: ".")
    try FileManager.default.createDirectory(
      atPath: directory.file("o"), withIntermediateDirectories: false)
    try directory.write("org.json.bak", "an earlier backup\n")
    let before = directory.listing(all: true).map { ($0, directory.read($0)) }
    let run = CLIRunner.run(["run", "--no-input"] + options + Self.fullAnswers, in: directory.path)
    #expect(run.status == 64, "\(run.stderr)")
    #expect(run.stderr.contains("which orgwiz writes or keeps for the model"))
    let after = directory.listing(all: true).map { ($0, directory.read($0)) }
    #expect(after.map(\.0) == before.map(\.0))
    let unchanged = after.map(\.1) == before.map(\.1)
    #expect(unchanged, "a file changed")
  }

  @Test func aSummaryThatReplacesAFileKeepsItsMode() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    _ = try exampleCopy(directory)
    let summary = try directory.write("change.md", "an earlier record\n")
    #expect(chmod(summary, 0o600) == 0)
    let run = CLIRunner.run(
      ["run", "--no-input", "--summary", "change.md"] + Self.fullAnswers, in: directory.path)
    #expect(run.status == 0, "\(run.stderr)")
    var status = stat()
    #expect(stat(summary, &status) == 0)
    #expect(status.st_mode & 0o777 == 0o600)
    #expect(directory.read("change.md")?.contains("## Backout plan") == true)
  }

  @Test func aReadOnlyModelIsRefusedBeforeAnyQuestion() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    _ = try exampleCopy(directory, mode: 0o444)
    let run = CLIRunner.run(["run", "--no-input"] + Self.fullAnswers, in: directory.path)
    #expect(run.status == 73, "\(run.stderr)")
    #expect(run.stderr.contains("it is read-only (mode 444)"))
    #expect(directory.listing() == ["org.json"])
    // Looking is still allowed.
    #expect(
      CLIRunner.run(["run", "--no-input", "--dry-run"] + Self.fullAnswers, in: directory.path)
        .status == 0)
  }

  @Test func aPipeNobodyReadsFailsTheRunBeforeAnythingIsReplaced() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    _ = try exampleCopy(directory)
    #expect(mkfifo(directory.file("pipe"), 0o600) == 0)
    let run = CLIRunner.run(
      ["run", "--no-input", "--summary", "pipe"] + Self.fullAnswers, in: directory.path)
    #expect(run.status == 73, "\(run.stderr)")
    #expect(run.stderr.contains("no program is reading from it"))
    #expect(directory.read("org.json").map { Array($0.utf8) } == (try Fixtures.exampleBytes()))
    #expect(directory.listing(all: true).sorted() == ["org.json", "pipe"])
  }

  @Test(.enabled(if: getuid() == 0, "only root can give files away"))
  func theModelKeepsItsOwnerAndTheBackupItsMode() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let path = try exampleCopy(directory, mode: 0o600)
    #expect(chown(path, 65534, 65534) == 0)
    let run = CLIRunner.run(["run", "--no-input"] + Self.fullAnswers, in: directory.path)
    #expect(run.status == 0, "\(run.stderr)")
    for name in ["org.json", "org.json.bak"] {
      var status = stat()
      #expect(stat(directory.file(name), &status) == 0)
      #expect(status.st_uid == 65534 && status.st_gid == 65534, "\(name)")
      #expect(status.st_mode & 0o777 == 0o600, "\(name)")
    }
  }

  @Test func aDryRunRecordsAnswersAndItsJSONHasEveryField() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    _ = try exampleCopy(directory)
    let run = CLIRunner.run(
      ["run", "--dry-run", "--json", "--no-input", "--record-answers", "plan.yaml"]
        + Self.fullAnswers, in: directory.path)
    #expect(run.status == 0, "\(run.stderr)")
    let value = try JSONParser.parse(run.stdout)
    #expect(value["modelWritten"] == false)
    #expect(value["summaryPath"] == .null)
    #expect(directory.read("plan.yaml")?.contains("server: \"aus1api\"") == true)
    #expect(run.stderr.contains("Dry run: the model, its backup and the summary were not written."))
  }

  @Test func aSummaryThatCannotBeWrittenIsExit73AndNothingElseIsWritten() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    _ = try exampleCopy(directory)
    let run = CLIRunner.run(
      ["run", "--no-input", "--summary", "no/such/dir/summary.md"] + Self.fullAnswers,
      in: directory.path)
    #expect(run.status == 73)
    #expect(run.stderr.contains("no/such/dir"))
    #expect(directory.listing() == ["org.json"])
    #expect(directory.read("org.json").map { Array($0.utf8) } == (try Fixtures.exampleBytes()))
  }
}

@Suite struct ReviewTests {
  @Test func theReviewListsEveryChangeAndDecliningWritesNothing() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    try Data(Fixtures.exampleBytes()).write(to: URL(fileURLWithPath: directory.file("org.json")))
    let script: [ScriptedPrompter.Entry] = [
      .answer("operator", "ada@acme.example"), .answer("org-setting", "enable"),
      .answer("server", "api"), .answer("app", "none"), .answer("policy", ""), .answer("rule", ""),
    ]
    let declining = ScriptedPrompter(script + [.confirm(false)])
    let declined = CLIRunner.run(["run"], in: directory.path, prompter: declining)
    #expect(declined.status == 2, "\(declined.stderr) \(declining.failures)")
    #expect(directory.listing() == ["org.json"])
    let review = try #require(declining.transcript.first { $0.hasPrefix("? confirm: Review") })
    #expect(review.contains("\(directory.path)/org.json.bak"))

    let accepting = ScriptedPrompter(script + [.confirm(true)])
    let accepted = CLIRunner.run(["run"], in: directory.path, prompter: accepting)
    #expect(accepted.status == 0, "\(accepted.stderr) \(accepting.failures)")
    #expect(directory.listing().contains("org.json.bak"))
  }

  @Test func yesSkipsTheReview() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    try Data(Fixtures.exampleBytes()).write(to: URL(fileURLWithPath: directory.file("org.json")))
    let prompter = ScriptedPrompter([
      .answer("operator", "ada@acme.example"), .answer("org-setting", "enable"),
      .answer("server", "api"), .answer("app", "none"), .answer("policy", ""), .answer("rule", ""),
    ])
    let run = CLIRunner.run(["run", "--yes"], in: directory.path, prompter: prompter)
    #expect(run.status == 0, "\(run.stderr) \(prompter.failures)")
    #expect(prompter.leftOver.isEmpty)
  }
}
