import OrgWizCore
import OrgWizTerminal
import Testing

/// Everything written to a sink is shown, never obeyed, except orgwiz's own colours.
@Suite struct TerminalTextTests {
  static let escapes = "\u{1B}[2J\u{1B}]0;pwned\u{07}\u{0}"

  @Test func aSinkShowsControlCharactersVisibly() {
    let sink = BufferSink()
    sink.write("label " + Self.escapes + "\u{202E}x\n")
    #expect(sink.text == "label ^[[2J^[]0;pwned^G^@<U+202E>x\n")
  }

  @Test func onlyTheColoursOfStylePass() {
    let style = Style(enabled: true)
    let sink = BufferSink()
    sink.write(style.bold("Step") + style.red("no") + style.dim("id") + "\u{1B}[31;1mfake\u{1B}[0")
    #expect(
      sink.text
        == "\u{1B}[1mStep\u{1B}[0m\u{1B}[31mno\u{1B}[0m\u{1B}[2mid\u{1B}[0m^[[31;1mfake^[[0")
  }

  @Test func choicesAndRejectionsOfAHostileLabelReachTheTerminalVisible() throws {
    let output = BufferSink()
    let prompter = LinePrompter(
      input: Lines(["?", "nope"]), output: output, style: Style(enabled: true), width: 100)
    let question = Question(
      key: "app", prompt: "Which app?", help: "Help for " + Self.escapes,
      choices: [Choice(value: "0oa1", label: "Acme " + Self.escapes, detail: "0oa1")],
      defaultValue: "0oa1")
    _ = try prompter.ask(question)
    if case .failure(let problem) = question.resolve("x" + Self.escapes, allowNumbers: true) {
      prompter.reject(problem)
    }
    let shown = output.text.replacingOccurrences(
      of: Style.sequences, with: "")
    #expect(!shown.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{07}" || $0 == "\u{0}" })
    #expect(shown.contains("1. Acme ^[[2J^[]0;pwned^G^@"))
    #expect(shown.contains("Help for ^[[2J"))
    #expect(shown.contains("\"x^[[2J^[]0;pwned^G^@\" is not one of the choices"))
  }
}

extension String {
  fileprivate func replacingOccurrences(of targets: [String], with replacement: String) -> String {
    var text = self
    for target in targets {
      text = text.split(separator: target, omittingEmptySubsequences: false).joined(
        separator: replacement)
    }
    return text
  }
}

/// A label's own colour codes are shown, never obeyed, even those orgwiz itself uses.
@Suite struct LabelColourTests {
  @Test(arguments: [true, false])
  func aLabelsSGRCodesAreShownVisiblyWhetherOrNotColourIsOn(_ colour: Bool) {
    let sink = BufferSink()
    let style = Style(enabled: colour)
    sink.write(style.red("Error: ") + "app Acme \u{1B}[31mMobile\u{1B}[0m \u{1B}[8mhidden\n")
    #expect(sink.text.contains("Acme ^[[31mMobile^[[0m ^[[8mhidden"), "\(sink.text)")
    // Only Style's own colour, and only when colour is on, is a real escape sequence.
    let escapes = sink.text.unicodeScalars.filter { $0 == "\u{1B}" }.count
    #expect(escapes == (colour ? 2 : 0), "\(sink.text.debugDescription)")
    #expect(!sink.text.unicodeScalars.contains { (0xE000...0xF8FF).contains($0.value) })
  }
}
