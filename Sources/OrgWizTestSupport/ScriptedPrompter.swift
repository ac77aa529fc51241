import OrgWizCore

/// A prompter that plays a script: each question must be the next one expected, in order.
///
/// An unexpected question, a wrong order or a confirmation nobody scripted is recorded in
/// ``failures`` and stops the run (as an interruption), so a test cannot hang or pass by
/// accident; ``leftOver`` lists what the run never asked.
public final class ScriptedPrompter: Prompter {
  /// One scripted reply.
  public enum Entry: Sendable, Equatable {
    /// Answer the question with this key by typing this text.
    case answer(String, String)
    /// Type `back` at the question with this key.
    case back(String)
    /// Press Ctrl-C (or Ctrl-D) at the question with this key.
    case interrupt(String)
    /// Answer the next confirmation.
    case confirm(Bool)
    /// Type `back` at the final review.
    case backAtReview
  }

  private var script: [Entry]
  public private(set) var failures: [String] = []
  /// What was shown and typed, line by line.
  public private(set) var transcript: [String] = []
  /// The questions asked, in order.
  public private(set) var asked: [Question] = []
  /// The confirmations shown, in order, with their items.
  public private(set) var confirmations: [Confirmation] = []

  public init(_ script: [Entry]) { self.script = script }

  public var isInteractive: Bool { true }
  public var leftOver: [Entry] { script }

  public func beginStep(number: Int, of total: Int, title: String, prose: String) {
    transcript.append("Step \(number) of \(total): \(title)")
  }

  public func ask(_ question: Question) throws(PromptInterrupted) -> PromptReply {
    asked.append(question)
    transcript.append("? \(question.key)")
    guard let next = script.first else {
      failures.append("unexpected question '\(question.key)': the script is finished")
      throw PromptInterrupted()
    }
    switch next {
    case .answer(let key, let text) where key == question.key:
      script.removeFirst()
      transcript.append("> \(text)")
      return .answer(text, fromPreset: false)
    case .back(let key) where key == question.key:
      script.removeFirst()
      transcript.append("> back")
      return .back
    case .interrupt(let key) where key == question.key:
      script.removeFirst()
      transcript.append("> ^C")
      throw PromptInterrupted()
    default:
      failures.append("asked '\(question.key)' but the script expected \(next)")
      throw PromptInterrupted()
    }
  }

  public func reject(_ problem: AnswerProblem) {
    transcript.append("! \(problem.reason)")
  }

  public func confirm(_ confirmation: Confirmation) throws(PromptInterrupted) -> Bool? {
    transcript.append("? confirm: \(confirmation.prompt)")
    confirmations.append(confirmation)
    guard case .confirm(let reply)? = script.first else {
      failures.append(
        "unexpected confirmation '\(confirmation.prompt)'; the script expected "
          + (script.first.map { "\($0)" } ?? "nothing more"))
      throw PromptInterrupted()
    }
    script.removeFirst()
    transcript.append("> \(reply ? "yes" : "no")")
    return reply
  }

  public func review(_ confirmation: Confirmation) throws(PromptInterrupted) -> ReviewReply? {
    if case .backAtReview? = script.first {
      transcript.append("? review: \(confirmation.prompt)")
      confirmations.append(confirmation)
      script.removeFirst()
      transcript.append("> back")
      return .back
    }
    return try confirm(confirmation).map { $0 ? .accept : .decline }
  }

  public func inform(_ message: String) { transcript.append(message) }
}
