import OrgWizCore
import OrgWizTerminal
import Testing

/// What a terminal shows through the wrapping sink: words are never broken by the terminal.
@Suite struct WrappingSinkTests {
  final class Captured: TextSink {
    var text = ""
    func write(_ text: String) { self.text += text }
  }

  @Test func aLongLineBreaksBetweenWordsAndKeepsItsIndent() {
    let captured = Captured()
    let sink = WrappingSink(captured, width: 30)
    sink.write(
      "Embedded widget sign-in support is off, and Okta refuses the grant while it is off.\n"
        + "    grant types: authorization_code → authorization_code, interaction_code\n")
    let lines = captured.text.split(separator: "\n").map(String.init)
    #expect(lines.allSatisfy { $0.count <= 30 }, "\(lines)")
    #expect(captured.text.contains("sign-in"), "a word was broken: \(captured.text)")
    // The indented review line's continuation stays indented, apart from the paragraph above.
    #expect(lines.filter { $0.hasPrefix("    ") }.count >= 2, "\(lines)")
    #expect(lines[0].hasPrefix("Embedded widget"))
  }

  @Test func aPromptAndAProgressLinePassUnchanged() {
    let captured = Captured()
    let sink = WrappingSink(captured, width: 20)
    sink.write("Is it on in the Admin Console (Settings > Account)? [y/N] ")
    sink.write("no answer was given at all here\n")
    sink.write("\rPulling: 120 objects, 45 requests, budget 580 left, about 2 min")
    #expect(
      captured.text
        == "Is it on in the Admin Console (Settings > Account)? [y/N] "
        + "no answer was given at all here\n"
        + "\rPulling: 120 objects, 45 requests, budget 580 left, about 2 min")
  }

  @Test func linesAreNeverJoined() {
    let captured = Captured()
    WrappingSink(captured, width: 80).write("rule \"Mobile\":\n    this rule also serves 2 apps\n")
    #expect(captured.text == "rule \"Mobile\":\n    this rule also serves 2 apps\n")
  }
}

/// What Tab offers at a prompt.
@Suite struct CompletionMatchTests {
  @Test func anAdminsLoginAndNameAreOneCandidate() {
    let request = LineRequest(
      prompt: "operator: ", key: "operator",
      choices: [
        Choice(
          value: "00u2bob", label: "bob@acme.example", aliases: ["bob@acme.example"],
          otherNames: ["Bob Baker"]),
        Choice(value: "00u1ada", label: "ada@acme.example", otherNames: ["Ada Lovelace"]),
      ], completions: ["?", "back"])
    // "b" starts Bob's login and his name, and "back": Bob is one candidate.
    #expect(LineRequest.matches("b", in: request.completionGroups) == ["bob@acme.example", "back"])
    #expect(LineRequest.matches("bo", in: request.completionGroups) == ["bob@acme.example"])
    // A name that only the display name starts with completes to the name.
    #expect(LineRequest.matches("ada l", in: request.completionGroups) == ["Ada Lovelace"])
  }
}
