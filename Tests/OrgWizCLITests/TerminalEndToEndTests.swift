import Foundation
import OrgWizCore
import OrgWizJSON
import OrgWizTestSupport
import Synchronization
import Testing

/// Drives the built binary through a real pseudo-terminal (`script` from util-linux), typing
/// only after the expected prompt has appeared.
final class TerminalSession: Sendable {
  private let process: RunningProcess
  let directory: String

  /// Starts `shellCommand` in a new terminal, in `directory`.
  init(_ shellCommand: String, in directory: String) throws {
    self.directory = directory
    process = try ProcessRunner.start(
      "/usr/bin/script", ["-qefc", shellCommand, "/dev/null"], in: directory,
      // `script` runs the command with $SHELL; fix it so the tests behave the same whatever
      // the caller's shell is (CI has none set, which means dash).
      environment: ["TERM": "xterm", "LANG": "C.UTF-8", "COLUMNS": "100", "SHELL": "/bin/sh"],
      removing: ["ORGWIZ_CONTENT"], input: .open, timeout: 120)
  }

  /// Everything the terminal showed so far.
  var transcript: String { String(decoding: process.outputSoFar, as: UTF8.self) }

  /// Waits until the transcript holds `text` (after `occurrence - 1` earlier ones), looking
  /// again each time the terminal shows more.
  func waitFor(_ text: String, occurrence: Int = 1, seconds: Double = 30) -> Bool {
    process.waitForOutput(seconds: seconds) {
      String(decoding: $0, as: UTF8.self).components(separatedBy: text).count > occurrence
    }
  }

  /// Waits until `prompt` is shown after the last `text` so far: a question's text comes before
  /// its prompt, and a confirmation throws away what was typed before its prompt.
  func waitFor(_ text: String, thenPrompt prompt: String, seconds: Double = 30) -> Bool {
    process.waitForOutput(seconds: seconds) { bytes in
      let shown = String(decoding: bytes, as: UTF8.self)
      guard let last = shown.range(of: text, options: .backwards) else { return false }
      return shown[last.upperBound...].contains(prompt)
    }
  }

  /// Types text into the terminal: only ever after `waitFor` has seen the prompt it answers.
  func type(_ text: String) {
    process.write(Array(text.utf8))
  }

  /// Waits for the program to end and returns its exit status; nil when it had to be killed.
  func finish(seconds: Double = 30) -> Int32? {
    let run = process.finish(waitingAtMost: seconds)
    return run.timedOut ? nil : run.status
  }
}

@Suite(.serialized) struct TerminalEndToEndTests {
  static var binary: String {
    EndToEndTests.binary ?? "orgwiz-not-built"
  }

  func session(_ arguments: String, _ directory: TemporaryDirectory) throws -> TerminalSession {
    try Data(Fixtures.exampleBytes()).write(to: URL(fileURLWithPath: directory.file("org.json")))
    return try TerminalSession("\(Self.binary) \(arguments)", in: directory.path)
  }

  /// Answers the first two steps as Ada (a Super Admin), enabling the setting, and waits for the
  /// server question.
  func answerUpToTheServerQuestion(_ terminal: TerminalSession) {
    #expect(terminal.waitFor("operator: "))
    terminal.type("ada@acme.example\r")
    #expect(terminal.waitFor("org-setting [enable]: "))
    terminal.type("\r")
    #expect(terminal.waitFor("server: "))
  }

  @Test func aFullInteractiveRunWithReviewWritesTheModel() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let terminal = try session("--no-color", directory)
    answerUpToTheServerQuestion(terminal)
    terminal.type("api\r")
    #expect(terminal.waitFor("app: "))
    terminal.type("Acme Mobile\r")
    #expect(terminal.waitFor("policy [Mobile Apps]: "))
    terminal.type("\r")
    #expect(terminal.waitFor("rule [Mobile sign-in]: "))
    terminal.type("\r")
    #expect(terminal.waitFor("app-grant [Y/n]: "))
    terminal.type("\r")
    #expect(terminal.waitFor("[Y/n/back] "))
    #expect(terminal.transcript.contains("interactionCode: false → true"))
    terminal.type("\r")
    #expect(terminal.finish() == 0, "\(terminal.transcript)")
    #expect(directory.listing().contains("org.json.bak"))
    #expect(terminal.transcript.contains("Step 1 of 5: Verify your permissions"))
  }

  @Test func tabCompletesAServerNameAndInvalidAnswersAreAskedAgain() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let terminal = try session("--no-color --dry-run", directory)
    #expect(terminal.waitFor("operator: "))
    terminal.type("nobody\r")
    #expect(terminal.waitFor("Not accepted"))
    #expect(terminal.waitFor("operator: ", occurrence: 2))
    // Up recalls this question's earlier answer from its history; Ctrl-U clears the line.
    terminal.type("\u{1B}[A")
    #expect(terminal.waitFor("nobody", occurrence: 3))
    terminal.type("\u{15}ada@acme.example\r")
    #expect(terminal.waitFor("org-setting [enable]: "))
    terminal.type("\r")
    #expect(terminal.waitFor("server: "))
    terminal.type("par\t")
    #expect(terminal.waitFor("partners"))
    terminal.type("\r")
    #expect(terminal.waitFor("Using custom authorization server \"partners\" (aus2prt)."))
    #expect(terminal.waitFor("app: "))
    terminal.type("\u{03}")
    #expect(terminal.finish() == 130)
  }

  @Test func backReturnsToThePreviousStep() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let terminal = try session("--no-color", directory)
    #expect(terminal.waitFor("operator: "))
    terminal.type("1\r")
    #expect(terminal.waitFor("org-setting [enable]: "))
    terminal.type("enable\r")
    #expect(terminal.waitFor("server: "))
    terminal.type("back\r")
    #expect(terminal.waitFor("org-setting [enable]: ", occurrence: 2))
    terminal.type("keep\r")
    #expect(terminal.finish() == 0, "\(terminal.transcript)")
    #expect(terminal.transcript.contains("No changes; the model was left as it was."))
    #expect(!directory.listing().contains("org.json.bak"))
  }

  @Test func ctrlCExits130AndRestoresTheTerminal() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    try Data(Fixtures.exampleBytes()).write(to: URL(fileURLWithPath: directory.file("org.json")))
    let original = directory.read("org.json")
    let terminal = try TerminalSession(
      // Ctrl-C goes to the whole foreground group, the shell included; the trap keeps the
      // shell alive (as an interactive shell would be) so it can record the terminal after.
      "trap : INT; stty -a > before.txt; \(Self.binary) --no-color; code=$?; "
        + "stty -a > after.txt; exit $code",
      in: directory.path)
    answerUpToTheServerQuestion(terminal)
    terminal.type("ap\u{03}")
    #expect(terminal.finish() == 130, "\(terminal.transcript)")
    #expect(terminal.transcript.contains("Interrupted. Nothing was written."))
    // The answers stay for the next run, and the line says so.
    #expect(terminal.transcript.contains("kept in"))
    #expect(terminal.transcript.contains("offers to resume"))
    #expect(directory.read("before.txt") == directory.read("after.txt"))
    #expect(directory.read("before.txt")?.isEmpty == false)
    #expect(Set(directory.listing()) == ["after.txt", "before.txt", "org.json"])
    // The lock goes with the run; the journal stays so the next run can resume.
    #expect(!directory.listing(all: true).contains("org.json.lock"))
    #expect(directory.listing(all: true).contains("org.json.journal"))
    #expect(directory.read("org.json") == original)
  }

  @Test func aResizedWindowKeepsTheLineBeingTypedAndRewrapsWhatFollows() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    try Data(Fixtures.exampleBytes()).write(to: URL(fileURLWithPath: directory.file("org.json")))
    // A helper in the same terminal narrows it to 40 columns when the test says so; the kernel
    // then sends SIGWINCH to orgwiz, as when a user drags the window smaller.
    let terminal = try TerminalSession(
      "(while [ ! -e resize.now ]; do sleep 0.05; done; stty cols 40 rows 20 < /dev/tty; "
        + ": > resized) & \(Self.binary) --no-color --dry-run",
      in: directory.path)
    answerUpToTheServerQuestion(terminal)
    terminal.type("part")
    #expect(terminal.waitFor("server: part"))
    let before = terminal.transcript.count
    try Data().write(to: URL(fileURLWithPath: directory.file("resize.now")))
    #expect(waitForPath(directory.file("resized")), "the terminal was not resized")
    // The half-typed answer survives the resize and is completed as usual.
    terminal.type("ners\r")
    #expect(terminal.waitFor("\"partners\" (aus2prt)."))
    #expect(terminal.waitFor("app: "))
    terminal.type("\u{03}")
    #expect(terminal.finish() == 130, "\(terminal.transcript)")
    // Text written after the resize is wrapped to the new width.
    let after = String(terminal.transcript.dropFirst(before))
    let stepStart = try #require(after.range(of: "Step 4 of 5"))
    let stepText = after[stepStart.lowerBound...].prefix { $0 != "?" }
    let lines = stepText.split(whereSeparator: \.isNewline)
    #expect(lines.count > 3)
    #expect(lines.allSatisfy { $0.count <= 40 }, "\(lines)")
  }

  @Test func ctrlDOnAnEmptyLineExits130() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let terminal = try session("--no-color", directory)
    #expect(terminal.waitFor("operator: "))
    terminal.type("\u{04}")
    #expect(terminal.finish() == 130, "\(terminal.transcript)")
    #expect(terminal.transcript.contains("Nothing was written"))
    #expect(directory.listing() == ["org.json"])
  }

  @Test func utf8NamesAreShownAndCompleted() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let terminal = try session("--no-color", directory)
    #expect(terminal.waitFor("operator: "))
    #expect(terminal.transcript.contains("Zoë Ops"))
    terminal.type("Zoë O\t")
    #expect(terminal.waitFor("Zoë Ops", occurrence: 2))
    terminal.type("\r")
    // Zoë is an Org Admin, not a Super Admin: told who is, and asked again.
    #expect(terminal.waitFor("operator: ", occurrence: 2))
    #expect(terminal.transcript.contains("zoe@acme.example does not hold the Super Admin role"))
    terminal.type("\u{04}")
    #expect(terminal.finish() == 130, "\(terminal.transcript)")
  }

  @Test func aNewAdminsPaperCutsAtThePrompts() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let terminal = try session("--no-color", directory)
    #expect(terminal.waitFor("operator: "))
    // "bob" is taken for bob@acme.example; Bob is no Super Admin, so he is told who is, in
    // lines wrapped between words, and asked again.
    terminal.type("bob\r")
    #expect(terminal.waitFor("operator: ", occurrence: 2), "\(terminal.transcript)")
    let told = terminal.transcript
    #expect(told.contains("bob@acme.example does not hold the Super Admin role"))
    #expect(told.contains("ada@acme.example"))
    #expect(!told.contains("is not one of the choices"))
    // Wrapped to the window between words (READ_ONLY_ADMIN was split where the terminal
    // broke an unwrapped line).
    let said = told.components(separatedBy: "does not hold").dropFirst().joined()
      .components(separatedBy: "operator: ")[0]
    let lines = said.split(whereSeparator: \.isNewline)
    #expect(lines.count > 1 && lines.allSatisfy { $0.count <= 100 }, "\(lines)")
    #expect(said.contains("READ_ONLY_ADMIN"), "no word is split: \(said)")
    terminal.type("ada\r")
    #expect(terminal.waitFor("org-setting [enable]: "))
    terminal.type("\r")
    #expect(terminal.waitFor("server: "))
    terminal.type("api\r")
    #expect(terminal.waitFor("app: "))
    terminal.type("Acme Mobile\r")
    #expect(terminal.waitFor("policy [Mobile Apps]: "))
    // Back from the policy goes to the app question of the same step, not to the server.
    terminal.type("back\r")
    #expect(terminal.waitFor("app: ", occurrence: 2), "\(terminal.transcript)")
    #expect(terminal.transcript.components(separatedBy: "server: ").count == 2)
    terminal.type("Acme Mobile\r")
    #expect(terminal.waitFor("policy [Mobile Apps]: ", occurrence: 2))
    terminal.type("\r")
    #expect(terminal.waitFor("rule [Mobile sign-in]: "))
    terminal.type("\r")
    #expect(terminal.waitFor("app-grant [Y/n]: "))
    terminal.type("nope\r")
    #expect(terminal.waitFor("app-grant [Y/n]: ", occurrence: 2))
    let refusal = terminal.transcript.components(separatedBy: "nope").dropFirst().joined()
    #expect(refusal.lowercased().components(separatedBy: "yes or no").count == 2, "\(refusal)")
    terminal.type("y\r")
    // The review offers back, which returns to the last step.
    #expect(terminal.waitFor("[Y/n/back] "))
    terminal.type("back\r")
    #expect(terminal.waitFor("app-grant [Y/n]: ", occurrence: 3), "\(terminal.transcript)")
    terminal.type("y\r")
    #expect(terminal.waitFor("[Y/n/back] ", occurrence: 2))
    terminal.type("\r")
    #expect(terminal.finish() == 0, "\(terminal.transcript)")
    #expect(directory.listing().contains("org.json.bak"))
  }

  @Test func aResumedRunShowsOnlyTheStepWhereItStopped() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let first = try session("--no-color", directory)
    answerUpToTheServerQuestion(first)
    first.type("\u{04}")
    #expect(first.finish() == 130, "\(first.transcript)")
    #expect(first.transcript.contains("offers to resume"), "\(first.transcript)")
    let second = try TerminalSession("\(Self.binary) --no-color", in: directory.path)
    #expect(second.waitFor("[Y/n] "))
    #expect(second.transcript.contains("stopped at step 3"))
    #expect(second.transcript.contains("with 2 answers given"), "\(second.transcript)")
    second.type("\r")
    #expect(second.waitFor("server: "))
    #expect(second.transcript.contains("keeping its"))
    #expect(second.transcript.contains("operator = ada@acme.example, org-setting = enable."))
    #expect(!second.transcript.contains("Step 1 of 5"))
    #expect(!second.transcript.contains("Step 2 of 5"))
    #expect(second.transcript.contains("Step 3 of 5"))
    second.type("api\r")
    #expect(second.waitFor("app: "))
    second.type("Acme Mobile\r")
    #expect(second.waitFor("policy [Mobile Apps]: "))
    second.type("\r")
    #expect(second.waitFor("rule [Mobile sign-in]: "))
    second.type("\r")
    #expect(second.waitFor("app-grant [Y/n]: "))
    second.type("\r")
    #expect(second.waitFor("[Y/n/back] "))
    second.type("\u{04}")
    #expect(second.finish() == 130)
    let third = try TerminalSession("\(Self.binary) --no-color", in: directory.path)
    #expect(third.waitFor("[Y/n] "))
    #expect(third.transcript.contains("stopped at the review"), "\(third.transcript)")
    third.type("n\r")
    #expect(third.waitFor("operator: "))
    third.type("\u{04}")
    #expect(third.finish() == 130)
  }

  /// The example org with 3,000 more OpenID Connect web apps, "App 1 Portal" to "App 3000
  /// Portal" (ids 0oa1gen…, client ids 0oc1gen…).
  static func largeOrg() throws -> Data {
    var document = try JSONParser.parse(Fixtures.exampleBytes())
    var apps = document["apps"]?.arrayValue ?? []
    for number in 1...3_000 {
      apps.append(
        .object(
          JSONObject([
            ("id", .string("0oa\(number)gen")), ("label", .string("App \(number) Portal")),
            ("name", .string("oidc_client")), ("status", .string("ACTIVE")),
            ("signOnMode", .string("OPENID_CONNECT")),
            (
              "credentials",
              .object(
                JSONObject([
                  ("oauthClient", .object(JSONObject([("client_id", .string("0oc\(number)gen"))])))
                ]))
            ),
            (
              "settings",
              .object(
                JSONObject([
                  (
                    "oauthClient",
                    .object(
                      JSONObject([
                        ("application_type", .string("web")),
                        ("grant_types", .array([.string("authorization_code")])),
                      ]))
                  )
                ]))
            ),
          ])))
    }
    document.set(.array(apps), at: .root / "apps")
    return Data(JSONWriter.write(document, style: .pretty))
  }

  // With thousands of apps the app question lists the first ones and the last, Tab completes
  // a beginning to the one app it names, the answer is taken, and it reaches the journal.
  @Test func aLargeOrgsAppQuestionCompletesAndJournalsTheAnswer() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    try Self.largeOrg().write(to: URL(fileURLWithPath: directory.file("org.json")))
    let terminal = try TerminalSession("\(Self.binary) --no-color", in: directory.path)
    answerUpToTheServerQuestion(terminal)
    terminal.type("api\r")
    #expect(terminal.waitFor("app: "))
    #expect(terminal.transcript.contains("  1. Acme Mobile"))
    #expect(terminal.transcript.contains("  3004. none (no particular app)"), "the last choice")
    #expect(terminal.transcript.contains("more (3004 in all)"))
    #expect(!terminal.transcript.contains("App 2345 Portal"))
    terminal.type("app 2345 p\t")
    #expect(terminal.waitFor("App 2345 Portal"), "\(terminal.transcript.suffix(400))")
    terminal.type("\r")
    #expect(terminal.waitFor("policy [Default Policy]: "), "\(terminal.transcript.suffix(600))")
    // Tab on the next question offers that question's choices, not the apps.
    terminal.type("Mob\t")
    #expect(terminal.waitFor("Mobile Apps"))
    // The answer reaches the journal. (Waited for as an event: seen right after the policy
    // question took a key, the journal still held the step's earlier version now and then.)
    #expect(waitUntil { directory.read("org.json.journal")?.contains("\"0oa2345gen\"") == true })
    let journal = try #require(directory.read("org.json.journal"))
    #expect(journal.contains("\"0oa2345gen\""), "\(journal)")
    #expect(journal.contains("App 2345 Portal"))
    terminal.type("\u{04}\u{15}\u{04}")
    #expect(terminal.finish() == 130, "\(terminal.transcript.suffix(600))")
    #expect(directory.read("org.json.journal")?.contains("\"0oa2345gen\"") == true)
  }

  // The journal of an answer is written while the next question is shown. With each write
  // made to take a second, Ctrl-C at the next prompt still finds the answer kept, and the
  // answer given there is read only once it is on disk.
  @Test func theNextPromptWaitsForTheJournalBeforeItTakesKeysOrCtrlC() throws {
    for reader in ["", "TERM=dumb "] {
      let directory = try TemporaryDirectory()
      defer { directory.remove() }
      try Data(Fixtures.exampleBytes()).write(to: URL(fileURLWithPath: directory.file("org.json")))
      let slowly = "\(reader)ORGWIZ_TEST_FAULT=journal:pause=1 \(Self.binary) --no-color"
      let interrupted = try TerminalSession(slowly, in: directory.path)
      #expect(interrupted.waitFor("operator: "))
      interrupted.type("ada@acme.example\r")
      #expect(interrupted.waitFor("org-setting [enable]: "))
      interrupted.type("\u{03}")
      #expect(interrupted.finish() == 130, "\(reader)\(interrupted.transcript)")
      #expect(interrupted.transcript.contains("kept in"), "\(reader)\(interrupted.transcript)")
      let journal = directory.read("org.json.journal") ?? ""
      #expect(journal.contains("\"00u1ada\""), "\(reader)\(journal)")

      unlink(directory.file("org.json.journal"))
      let typed = try TerminalSession(slowly, in: directory.path)
      #expect(typed.waitFor("operator: "))
      typed.type("ada@acme.example\r")
      #expect(typed.waitFor("org-setting [enable]: "))
      let shown = Date()
      typed.type("\r")
      #expect(typed.waitFor("server: "), "\(reader)\(typed.transcript)")
      // The prompt came about a second before its journal was written; its answer waited.
      #expect(Date().timeIntervalSince(shown) > 0.5, "\(reader)the answer was read early")
      #expect(directory.read("org.json.journal")?.contains("\"00u1ada\"") == true)
      typed.type("\u{04}")
      #expect(typed.finish() == 130, "\(reader)\(typed.transcript)")
      #expect(directory.read("org.json.journal")?.contains("\"enable\"") == true)
    }
  }

  @Test func aDumbTerminalReadsPlainLinesAndCtrlCStillEndsCleanly() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    try Data(Fixtures.exampleBytes()).write(to: URL(fileURLWithPath: directory.file("org.json")))
    let terminal = try TerminalSession("TERM=dumb \(Self.binary)", in: directory.path)
    #expect(terminal.waitFor("operator: "))
    terminal.type("1\r")
    #expect(terminal.waitFor("org-setting [enable]: "))
    terminal.type("\u{03}")
    #expect(terminal.finish() == 130, "\(terminal.transcript)")
    #expect(terminal.transcript.contains("Interrupted. Nothing was written."))
    #expect(!terminal.transcript.contains("\u{1B}["), "a dumb terminal gets no escape sequences")
    #expect(!directory.listing(all: true).contains("org.json.lock"))
    #expect(directory.listing() == ["org.json"])
  }
}
