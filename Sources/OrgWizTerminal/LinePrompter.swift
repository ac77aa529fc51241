import OrgWizCore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// One line to read: the prompt, and what the line editor may offer for it.
public struct LineRequest: Sendable, Equatable {
  /// The text before the cursor, e.g. `server [api]: `.
  public var prompt: String
  /// The question key; history is kept per key.
  public var key: String
  /// The choices Tab completes to (their labels, values and other names), made into texts
  /// only when asked: an org's 20,000 apps are not turned into 60,000 strings per prompt.
  public var choices: [Choice]
  /// Other texts Tab completes to (`?`, `back`, `yes`).
  public var extraCompletions: [String]
  /// What Tab completes to.
  public var completions: [String] { completionGroups.flatMap { $0 } }
  /// What Tab offers for the text typed (lowercased): one text per choice, its label when that
  /// starts so, else its first other text that does. A login and a display name of one admin
  /// are one candidate, not two that stop Tab at their common prefix.
  public static func matches(_ folded: String, in groups: [[String]]) -> [String] {
    var seen: Set<String> = []
    return groups.compactMap { group in
      group.first { $0.lowercased().hasPrefix(folded) }
    }.filter { seen.insert($0).inserted }
  }

  /// What Tab completes to, one group per choice (its label first) and one per other text.
  public var completionGroups: [[String]] {
    choices.map(\.completions) + extraCompletions.map { [$0] }
  }
  /// Whether the answer may go into history (never for secrets).
  public var keepsHistory: Bool
  /// Whether anything typed before the prompt appeared is thrown away first, so that keys
  /// pressed ahead cannot answer a question nobody has read (the review, a destructive change).
  public var discardsTypeahead: Bool

  public init(
    prompt: String, key: String, choices: [Choice] = [], completions: [String] = [],
    keepsHistory: Bool = true, discardsTypeahead: Bool = false
  ) {
    self.prompt = prompt
    self.key = key
    self.choices = choices
    self.extraCompletions = completions
    self.keepsHistory = keepsHistory
    self.discardsTypeahead = discardsTypeahead
  }
}

/// Throws away what was typed on the terminal and not read yet.
func discardTypeahead() {
  if isatty(0) == 1 { tcflush(0, TCIFLUSH) }
}

/// Where a prompter reads its lines from: GNU readline on a terminal, plain lines otherwise.
public protocol LineReader: AnyObject {
  /// Shows the prompt and returns the line without its newline, or nil at end of input.
  func readLine(_ request: LineRequest) -> String?
}

/// Plain lines from standard input; the prompt is written to `output`. Never uses readline,
/// so piped input is read as it is and nothing is echoed twice.
public final class PlainLineReader: LineReader {
  let output: any TextSink

  public init(output: any TextSink) { self.output = output }

  public func readLine(_ request: LineRequest) -> String? {
    if request.discardsTypeahead { discardTypeahead() }
    // Ctrl-C while waiting ends the run the same way as at a readline prompt; the line is read
    // once what the prompt must see finished (``InputBarrier``) is done.
    return InterruptCleanup.whileReading {
      InputBarrier.holdingTermination {
        output.write(request.prompt)
        InputBarrier.waitAndLetInterruptsThrough()
      }
      return Swift.readLine(strippingNewline: true)
    }
  }
}

/// Asks questions as plain numbered text and reads answers line by line, through a
/// ``LineReader``: the GNU readline prompter is a `LinePrompter` over ``ReadlineLineReader``,
/// the plain-line prompter one over ``PlainLineReader``.
///
/// `?` shows the question's help, `back` returns to the previous step, and end of input (Ctrl-D)
/// ends the run (exit 130), never an empty answer.
public final class LinePrompter: Prompter {
  let input: any LineReader
  let output: any TextSink
  let style: Style
  let measureWidth: @Sendable () -> Int

  /// - Parameter width: the columns to wrap text to, asked again before every step and
  ///   question, so text written after the window is resized fits the new width.
  public init(
    input: any LineReader, output: any TextSink, style: Style,
    width: @escaping @Sendable () -> Int
  ) {
    self.input = input
    self.output = output
    self.style = style
    self.measureWidth = width
  }

  /// A prompter wrapping text to a fixed width.
  public convenience init(input: any LineReader, output: any TextSink, style: Style, width: Int) {
    self.init(input: input, output: output, style: style, width: { width })
  }

  var width: Int { measureWidth() }

  public var isInteractive: Bool { true }

  public func beginStep(number: Int, of total: Int, title: String, prose: String) {
    let columns = width
    let heading = TextWrapper.wrap("Step \(number) of \(total): \(title)", width: columns)
    output.write("\n" + style.bold(heading) + "\n")
    if !prose.isEmpty { output.write("\n" + TextWrapper.wrap(prose, width: columns) + "\n") }
  }

  public func ask(_ question: Question) throws(PromptInterrupted) -> PromptReply {
    output.write("\n" + PromptText.question(question, style: style, width: width))
    let request = LineRequest(
      prompt: PromptText.inputLine(question), key: question.key,
      choices: question.choices, completions: ["?", "back"],
      keepsHistory: !question.isSecret)
    while true {
      guard let line = input.readLine(request) else {
        output.write("\n")
        throw PromptInterrupted()
      }
      switch line.trimmingWhitespace() {
      case "?":
        let help = question.help.isEmpty ? "No help for this question." : question.help
        output.write(TextWrapper.wrap(help, width: width) + "\n")
      case "back":
        return .back
      default:
        return .answer(line, fromPreset: false)
      }
    }
  }

  public func reject(_ problem: AnswerProblem) {
    let how =
      problem.question.kind == .yesNo
      ? "Type y or n, or ? for help."
      : "Answer with a number, an id or a name from the list, or ? for help."
    output.write(
      TextWrapper.wrap(style.yellow("Not accepted: \(problem.reason).") + " " + how, width: width)
        + "\n")
  }

  public func confirm(_ confirmation: Confirmation) throws(PromptInterrupted) -> Bool? {
    switch try ask(confirmation, offersBack: false) {
    case .accept: return true
    case .decline, .back: return false
    }
  }

  /// The final review: a confirmation that also takes `back`, to the last step.
  public func review(_ confirmation: Confirmation) throws(PromptInterrupted) -> ReviewReply? {
    try ask(confirmation, offersBack: true)
  }

  private func ask(
    _ confirmation: Confirmation, offersBack: Bool
  ) throws(PromptInterrupted) -> ReviewReply {
    output.write("\n" + TextWrapper.wrap(confirmation.prompt, width: width) + "\n")
    for item in confirmation.items {
      // Indented items are details of the item above them.
      let line = item.hasPrefix(" ") ? "    \(item.trimmingWhitespace())" : "  - \(item)"
      output.write(TextWrapper.wrap(line, width: width) + "\n")
    }
    let prompt =
      confirmation.isDestructive
      ? "Type yes to go ahead, anything else stops: "
      : offersBack
        ? (confirmation.defaultYes ? "[Y/n/back] " : "[y/N/back] ")
        : (confirmation.defaultYes ? "[Y/n] " : "[y/N] ")
    let request = LineRequest(
      prompt: prompt, key: "confirm",
      completions: ["yes", "no"] + (offersBack ? ["back"] : []), keepsHistory: false,
      discardsTypeahead: true)
    while true {
      guard let line = input.readLine(request) else {
        output.write("\n")
        throw PromptInterrupted()
      }
      let answer = line.trimmingWhitespace().lowercased()
      if answer == "?" {
        let help =
          confirmation.help
          ?? (confirmation.isDestructive
            ? "Typing yes in full makes the change described above. Anything else stops here, "
              + "and nothing is written."
            : "yes goes ahead as described above; no stops here, and nothing is written."
              + (offersBack ? " back returns to the last step to answer it again." : ""))
        output.write(TextWrapper.wrap(help, width: width) + "\n")
        continue
      }
      if offersBack && answer == "back" { return .back }
      if confirmation.isDestructive {
        // A bare "y" is not enough for a change this wide, but it is no "no" either.
        if answer == "y" {
          output.write(
            style.yellow("Type yes in full to go ahead, or anything else to stop.") + "\n")
          continue
        }
        return answer == "yes" ? .accept : .decline
      }
      switch answer {
      case "": return confirmation.defaultYes ? .accept : .decline
      case "y", "yes": return .accept
      case "n", "no": return .decline
      default:
        output.write(
          (offersBack
            ? "Answer yes, no or back, or ? for help." : "Answer yes or no, or ? for help.")
            + "\n")
      }
    }
  }

  public func inform(_ message: String) {
    output.write(TextWrapper.wrap(message, width: width) + "\n")
  }
}

/// Prompt texts shared by the plain and readline prompters.
public enum PromptText {
  /// The question, its numbered choices, and how to answer.
  /// At most this many choices are listed; a longer list (an org's 20,000 apps) shows its
  /// first ones, the default, and how to name the rest.
  public static let listedChoices = 25

  public static func question(_ question: Question, style: Style, width: Int) -> String {
    var text = style.bold(TextWrapper.wrap(question.prompt, width: width)) + "\n"
    if question.kind == .choice {
      let all = question.choices.count
      let shown = all <= listedChoices ? Array(question.choices.indices) : shortList(question)
      for index in shown {
        let choice = question.choices[index]
        let marker = choice.value == question.defaultValue ? " (default)" : ""
        // A choice is one line: a line break in a name is shown, never obeyed.
        let label = VisibleText.visibleOnOneLine(VisibleText.name(choice.label))
        let detail =
          choice.detail.isEmpty ? "" : " (\(VisibleText.visibleOnOneLine(choice.detail)))"
        let plain = "  \(index + 1). \(label)\(detail)\(marker)"
        // A choice wider than the window is wrapped under its text (and left unstyled, so
        // that the wrapping counts only visible characters).
        text +=
          plain.count <= width
          ? "  \(index + 1). \(label)\(style.dim(detail))\(marker)\n"
          : TextWrapper.wrap(plain, width: width) + "\n"
      }
      if shown.count < all {
        text +=
          TextWrapper.wrap(
            "  … and \(all - shown.count) more (\(all) in all): type a name, an id or its "
              + "beginning; Tab completes it.", width: width) + "\n"
      }
    }
    return text
  }

  /// The choices a long list shows: the first ones, then the default and the last (such as
  /// `none`) if they are not among them.
  static func shortList(_ question: Question) -> [Int] {
    var shown = Array(question.choices.indices.prefix(listedChoices - 5))
    let extra = [
      question.choices.firstIndex { $0.value == question.defaultValue },
      question.choices.indices.last,
    ]
    for index in extra.compactMap({ $0 }) where !shown.contains(index) { shown.append(index) }
    return shown
  }

  /// The input line: key, default in brackets.
  public static func inputLine(_ question: Question) -> String {
    var line = "\(question.key)"
    if question.kind == .yesNo {
      line +=
        question.defaultValue == "yes"
        ? " [Y/n]" : question.defaultValue == "no" ? " [y/N]" : " [y/n]"
    } else if let choice = question.defaultChoice {
      line += " [\(VisibleText.visibleOnOneLine(VisibleText.name(choice.label)))]"
    }
    return line + ": "
  }
}

/// Reports progress when nobody can be asked: every question is unavailable, confirmations
/// cannot be given, and step output goes to standard error.
public final class OutputOnlyPrompter: Prompter {
  let output: any TextSink
  let style: Style
  let width: Int

  public init(output: any TextSink, style: Style, width: Int) {
    self.output = output
    self.style = style
    self.width = width
  }

  public var isInteractive: Bool { false }

  public func beginStep(number: Int, of total: Int, title: String, prose: String) {
    output.write("Step \(number) of \(total): \(title)\n")
  }

  public func ask(_ question: Question) throws(PromptInterrupted) -> PromptReply { .unavailable }
  public func reject(_ problem: AnswerProblem) {}
  public func confirm(_ confirmation: Confirmation) throws(PromptInterrupted) -> Bool? { nil }

  public func inform(_ message: String) {
    output.write(TextWrapper.wrap("  " + message, width: width) + "\n")
  }
}
