/// What a prompter gives back for a question.
public enum PromptReply: Sendable, Equatable {
  /// An answer's text. `fromPreset` is true for answers from `--set` or an answers file, which
  /// are never asked again when invalid.
  case answer(String, fromPreset: Bool)
  /// Nobody can be asked and no answer was given.
  case unavailable
  /// The user asked to return to the previous step.
  case back
}

/// A yes/no confirmation before a change.
public struct Confirmation: Sendable, Equatable {
  /// The question, e.g. "Turn the setting off and remove the grant from these 3 objects?".
  public var prompt: String
  /// The objects affected, one line each.
  public var items: [String]
  /// Destructive confirmations are never assumed without a terminal unless `--yes` is given.
  public var isDestructive: Bool
  public var defaultYes: Bool
  /// What `?` shows: what yes and no really do, when the general words ("no stops here, and
  /// nothing is written") would not be true.
  public var help: String?

  public init(
    prompt: String, items: [String] = [], isDestructive: Bool, defaultYes: Bool,
    help: String? = nil
  ) {
    self.prompt = prompt
    self.items = items
    self.isDestructive = isDestructive
    self.defaultYes = defaultYes
    self.help = help
  }
}

/// The user ended the run at a prompt (Ctrl-C, or end of input).
public struct PromptInterrupted: UserFacingError, Equatable {
  public init() {}
  public var exitStatus: ExitStatus { .interrupted }
  public var message: String { "Interrupted. Nothing was written." }
  public var nextStep: String { "" }
}

/// Everything the wizard needs from whoever answers its questions.
///
/// Implemented by the GNU readline and plain-line prompters of the terminal, by the answers-file
/// prompter, and by the scripted prompter of the tests.
public protocol Prompter: AnyObject {
  /// Whether a person answers (invalid answers are asked again).
  var isInteractive: Bool { get }
  /// Shows the start of a step: "Step N of M: title" and the step's prose.
  func beginStep(number: Int, of total: Int, title: String, prose: String)
  /// Asks a question.
  func ask(_ question: Question) throws(PromptInterrupted) -> PromptReply
  /// Says why an answer was not accepted, before the question is asked again.
  func reject(_ problem: AnswerProblem)
  /// Asks for a confirmation; nil when nobody can be asked.
  func confirm(_ confirmation: Confirmation) throws(PromptInterrupted) -> Bool?
  /// Asks the final review, which also takes `back`; nil when nobody can be asked.
  func review(_ confirmation: Confirmation) throws(PromptInterrupted) -> ReviewReply?
  /// Shows a message from a step.
  func inform(_ message: String)
  /// Forgets answers given ahead (by `--set`, an answers file or a resumed run) for these keys:
  /// the user went back to their step to answer again.
  func forgetGivenAnswers(_ keys: [String])
  /// The answer given ahead for `key` (by `--set` or an answers file), if one is in force.
  func givenAnswer(_ key: String) -> String?
}

/// The answer to the final review.
public enum ReviewReply: Sendable, Equatable {
  case accept
  case decline
  /// Return to the last step.
  case back
}

extension Prompter {
  public func forgetGivenAnswers(_ keys: [String]) {}
  public func givenAnswer(_ key: String) -> String? { nil }

  /// A prompter that cannot go back answers the review as a confirmation.
  public func review(_ confirmation: Confirmation) throws(PromptInterrupted) -> ReviewReply? {
    try confirm(confirmation).map { $0 ? .accept : .decline }
  }
}

/// Answers questions from a fixed set of answers (`--answers`, `--set`, `--operator`), and
/// passes everything else to another prompter, or reports it unavailable.
public final class AnswersFilePrompter: Prompter {
  /// The given answers still in force: one found invalid at a terminal is dropped, so that the
  /// question is asked instead.
  public private(set) var answers: [String: String]
  public let fallback: (any Prompter)?

  public init(answers: [String: String], fallback: (any Prompter)?) {
    self.answers = answers
    self.fallback = fallback
  }

  public var isInteractive: Bool { fallback?.isInteractive ?? false }

  public func beginStep(number: Int, of total: Int, title: String, prose: String) {
    fallback?.beginStep(number: number, of: total, title: title, prose: prose)
  }

  public func ask(_ question: Question) throws(PromptInterrupted) -> PromptReply {
    if let text = answers[question.key] { return .answer(text, fromPreset: true) }
    guard let fallback else { return .unavailable }
    return try fallback.ask(question)
  }

  public func reject(_ problem: AnswerProblem) {
    if let given = answers[problem.key], given.trimmingWhitespace() == problem.given {
      answers[problem.key] = nil
      var shown = problem
      shown.reason = problem.reason + " (given with --set or --answers)"
      fallback?.reject(shown)
      return
    }
    fallback?.reject(problem)
  }

  public func confirm(_ confirmation: Confirmation) throws(PromptInterrupted) -> Bool? {
    guard let fallback else { return nil }
    return try fallback.confirm(confirmation)
  }

  public func review(_ confirmation: Confirmation) throws(PromptInterrupted) -> ReviewReply? {
    guard let fallback else { return nil }
    return try fallback.review(confirmation)
  }

  public func inform(_ message: String) { fallback?.inform(message) }

  public func forgetGivenAnswers(_ keys: [String]) {
    for key in keys { answers[key] = nil }
    fallback?.forgetGivenAnswers(keys)
  }

  public func givenAnswer(_ key: String) -> String? { answers[key] }
}
