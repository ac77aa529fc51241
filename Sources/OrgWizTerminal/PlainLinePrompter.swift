import OrgWizCore

/// Where a prompter reads its lines from.
public protocol LineSource: AnyObject {
  /// The next line without its newline, or nil at end of input.
  func readLine() -> String?
}

/// Standard input, line by line.
public final class StandardInputLines: LineSource {
  public init() {}
  public func readLine() -> String? { Swift.readLine(strippingNewline: true) }
}

/// Asks questions as plain numbered text on standard error and reads answers line by line.
///
/// Used when a person answers but readline is unavailable; it never calls readline, so piped
/// input is read as is. End of input ends the run (exit 130), never an empty answer.
public final class PlainLinePrompter: Prompter {
  let input: any LineSource
  let output: any TextSink
  let style: Style
  let width: Int

  public init(input: any LineSource, output: any TextSink, style: Style, width: Int) {
    self.input = input
    self.output = output
    self.style = style
    self.width = width
  }

  public var isInteractive: Bool { true }

  public func beginStep(number: Int, of total: Int, title: String, prose: String) {
    output.write("\n" + style.bold("Step \(number) of \(total): \(title)") + "\n")
    if !prose.isEmpty { output.write("\n" + TextWrapper.wrap(prose, width: width) + "\n") }
  }

  public func ask(_ question: Question) throws(PromptInterrupted) -> PromptReply {
    output.write("\n" + PromptText.question(question, style: style, width: width))
    while true {
      output.write(PromptText.inputLine(question))
      guard let line = input.readLine() else {
        output.write("\n")
        throw PromptInterrupted()
      }
      let trimmed = line.trimmingWhitespace()
      switch trimmed {
      case "?":
        output.write(TextWrapper.wrap(question.help, width: width) + "\n")
        continue
      case "back":
        return .back
      default:
        return .answer(line, fromPreset: false)
      }
    }
  }

  public func reject(_ problem: AnswerProblem) {
    output.write(
      style.yellow("Not accepted: \(problem.reason).")
        + " Choose one of the listed answers, or ? for help.\n")
  }

  public func confirm(_ confirmation: Confirmation) throws(PromptInterrupted) -> Bool? {
    output.write("\n" + TextWrapper.wrap(confirmation.prompt, width: width) + "\n")
    for item in confirmation.items { output.write("  - \(item)\n") }
    while true {
      if confirmation.isDestructive {
        output.write("Type yes to go ahead, anything else stops: ")
      } else {
        output.write(confirmation.defaultYes ? "[Y/n] " : "[y/N] ")
      }
      guard let line = input.readLine() else {
        output.write("\n")
        throw PromptInterrupted()
      }
      let answer = line.trimmingWhitespace().lowercased()
      if confirmation.isDestructive { return answer == "yes" }
      switch answer {
      case "": return confirmation.defaultYes
      case "y", "yes": return true
      case "n", "no": return false
      default: output.write("Answer yes or no.\n")
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
  public static func question(_ question: Question, style: Style, width: Int) -> String {
    var text = style.bold(TextWrapper.wrap(question.prompt, width: width)) + "\n"
    if question.kind == .choice {
      for (index, choice) in question.choices.enumerated() {
        let marker = choice.value == question.defaultValue ? " (default)" : ""
        let detail = choice.detail.isEmpty ? "" : style.dim(" (\(choice.detail))")
        text += "  \(index + 1). \(choice.label)\(detail)\(marker)\n"
      }
    }
    return text
  }

  /// The input line: key, default in brackets.
  public static func inputLine(_ question: Question) -> String {
    var line = "\(question.key)"
    if question.kind == .yesNo {
      line +=
        question.defaultValue == "yes"
        ? " [Y/n]" : question.defaultValue == "no" ? " [y/N]" : " [y/n]"
    } else if let choice = question.defaultChoice {
      line += " [\(choice.label)]"
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
