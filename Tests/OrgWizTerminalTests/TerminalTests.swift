import OrgWizCore
import OrgWizTerminal
import Testing

/// Lines fed to a prompter, as if typed; remembers what each read offered.
final class Lines: LineReader {
  var lines: [String]
  var requests: [LineRequest] = []
  init(_ lines: [String]) { self.lines = lines }
  func readLine(_ request: LineRequest) -> String? {
    requests.append(request)
    return lines.isEmpty ? nil : lines.removeFirst()
  }
}

@Suite struct TerminalTests {
  let question = Question(
    key: "server", prompt: "Which server?", help: "Pick the custom server.",
    choices: [
      Choice(value: "aus1", label: "api", detail: "aus1"), Choice(value: "aus2", label: "partners"),
    ],
    defaultValue: "aus1")

  @Test func colourOnlyOnATerminalWithoutNoColorOrDumb() {
    let xterm = ["TERM": "xterm"]
    #expect(
      TerminalInfo.colorEnabled(streamIsTerminal: true, noColorFlag: false, environment: xterm))
    #expect(
      !TerminalInfo.colorEnabled(streamIsTerminal: false, noColorFlag: false, environment: xterm))
    #expect(
      !TerminalInfo.colorEnabled(streamIsTerminal: true, noColorFlag: true, environment: xterm))
    #expect(
      !TerminalInfo.colorEnabled(
        streamIsTerminal: true, noColorFlag: false, environment: ["TERM": "xterm", "NO_COLOR": "1"])
    )
    #expect(
      TerminalInfo.colorEnabled(
        streamIsTerminal: true, noColorFlag: false, environment: ["TERM": "xterm", "NO_COLOR": ""]))
    #expect(
      !TerminalInfo.colorEnabled(
        streamIsTerminal: true, noColorFlag: false, environment: ["TERM": "dumb"]))
    // No TERM at all: nothing is known about the terminal, so no colour.
    #expect(
      !TerminalInfo.colorEnabled(streamIsTerminal: true, noColorFlag: false, environment: [:]))
    #expect(Style(enabled: false).bold("x") == "x")
  }

  @Test func proseIsReflowedToTheWidth() {
    let prose =
      "One two three four\nfive six seven.\n\n- item one is long enough to wrap here\n- item two"
    let wrapped = TextWrapper.wrap(prose, width: 20)
    #expect(
      wrapped == """
        One two three four
        five six seven.

        - item one is long
          enough to wrap
          here
        - item two
        """)
  }

  @Test func plainPrompterShowsChoicesAndTheDefault() throws {
    let output = BufferSink()
    let lines = Lines(["?", "partners"])
    let prompter = LinePrompter(
      input: lines, output: output, style: Style(enabled: false), width: 80)
    let reply = try prompter.ask(question)
    #expect(reply == .answer("partners", fromPreset: false))
    #expect(output.text.contains("  1. api (aus1) (default)\n  2. partners\n"))
    #expect(lines.requests.first?.prompt == "server [api]: ")
    #expect(lines.requests.first?.key == "server")
    #expect(lines.requests.first?.completions.contains("partners") == true)
    #expect(lines.requests.first?.completions.contains("aus1") == true)
    #expect(output.text.contains("Pick the custom server."))
  }

  @Test func backAndEndOfInput() throws {
    let prompter = LinePrompter(
      input: Lines(["back"]), output: BufferSink(), style: Style(enabled: false), width: 80)
    #expect(try prompter.ask(question) == .back)
    #expect(throws: PromptInterrupted.self) { try prompter.ask(question) }
  }

  @Test func choicesWiderThanTheWindowWrapUnderTheirText() throws {
    let wide = Question(
      key: "policy", prompt: "Which access policy should allow the grant?", help: "",
      choices: [
        Choice(
          value: "00p2mob", label: "Mobile Apps",
          detail: "00p2mob, priority 1, clients: Acme Mobile, Acme Web, Acme Reports")
      ])
    let text = PromptText.question(wide, style: Style(enabled: false), width: 30)
    let lines = text.split(separator: "\n").map(String.init)
    #expect(lines.allSatisfy { $0.count <= 30 }, "\(lines)")
    let first = try #require(lines.firstIndex { $0.hasPrefix("  1. Mobile Apps") })
    #expect(lines.count > first + 1)
    #expect(lines[(first + 1)...].allSatisfy { $0.hasPrefix("     ") }, "\(lines)")
    let styled = PromptText.question(wide, style: Style(enabled: true), width: 30)
    #expect(!styled.contains("\u{1B}[2m"), "no styling inside wrapped text")
  }

  // An org's 20,000 apps are not printed one per line at every prompt: the first ones, the
  // default and the last (none) are, with how to name the rest, and every one still answers.
  @Test func aLongChoiceListShowsItsBeginningTheDefaultAndTheLast() throws {
    let choices = (1...2_000).map { Choice(value: "0oa\($0)", label: "App \($0)") }
    let long = Question(
      key: "app", prompt: "Which app?", help: "",
      choices: choices + [Choice(value: "none", label: "none")], defaultValue: "0oa1500")
    let text = PromptText.question(long, style: Style(enabled: false), width: 80)
    let lines = text.split(separator: "\n").map(String.init)
    #expect(lines.count < 30, "\(lines.count) lines")
    #expect(text.contains("  1. App 1\n"))
    #expect(text.contains("  1500. App 1500 (default)\n"))
    #expect(text.contains("  2001. none\n"))
    #expect(text.contains("… and 1979 more (2001 in all)"))
    #expect(try long.resolve("1999", allowNumbers: true).get() == "0oa1999")
    #expect(try long.resolve("App 1777", allowNumbers: true).get() == "0oa1777")
    // A short list is shown whole.
    #expect(
      PromptText.question(question, style: Style(enabled: false), width: 80).contains("2. partners")
    )
  }

  @Test func destructiveConfirmationNeedsYesInFull() throws {
    let confirmation = Confirmation(
      prompt: "Turn it off?", items: ["app A"], isDestructive: true, defaultYes: false)
    let output = BufferSink()
    let yes = LinePrompter(
      input: Lines(["yes"]), output: output, style: Style(enabled: false), width: 80)
    #expect(try yes.confirm(confirmation) == true)
    #expect(output.text.contains("  - app A"))
    // A bare "y" is asked again; `?` explains; anything else stops.
    let retried = BufferSink()
    let y = LinePrompter(
      input: Lines(["y", "?", "yes"]), output: retried, style: Style(enabled: false), width: 80)
    #expect(try y.confirm(confirmation) == true)
    #expect(retried.text.contains("Type yes in full to go ahead"))
    #expect(retried.text.contains("Typing yes in full makes the change described above."))
    let no = LinePrompter(
      input: Lines(["nope"]), output: BufferSink(), style: Style(enabled: false), width: 80)
    #expect(try no.confirm(confirmation) == false)
    let plain = Confirmation(prompt: "Go on?", isDestructive: false, defaultYes: true)
    let empty = LinePrompter(
      input: Lines(["maybe", ""]), output: BufferSink(), style: Style(enabled: false), width: 80)
    #expect(try empty.confirm(plain) == true)
  }

  @Test func outputOnlyPrompterNeverAnswers() throws {
    let output = BufferSink()
    let prompter = OutputOnlyPrompter(output: output, style: Style(enabled: false), width: 80)
    #expect(try prompter.ask(question) == .unavailable)
    #expect(
      try prompter.confirm(Confirmation(prompt: "x", isDestructive: true, defaultYes: false)) == nil
    )
    prompter.beginStep(number: 1, of: 2, title: "T", prose: "long prose")
    #expect(output.text == "Step 1 of 2: T\n")
  }
}
