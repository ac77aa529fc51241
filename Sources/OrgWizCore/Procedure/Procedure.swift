/// A procedure document: the steps of a setup, in order, with the words the wizard shows.
public struct Procedure: Sendable, Equatable {
  /// The newest procedure format version this build reads.
  public static let supportedFormatVersion = 2

  public var id: String
  public var title: String
  public var version: String
  public var formatVersion: Int
  /// The grant the procedure turns on (`grant:`; a format-1 document means Interaction Code).
  public var grant: GrantFacts = Grants.formatOneGrant
  public var summary: String
  /// The Markdown between the title and the first step.
  public var introduction: String
  public var steps: [ProcedureStep]
  /// Answers that run the procedure on the bundled example org.
  public var exampleAnswers: [String: String]
  /// The file the procedure came from, as given.
  public var source: String
  /// SHA-256 of the document's bytes.
  public var sha256: String

  /// Every question key, in the order the steps ask them.
  public var questionKeys: [String] { steps.flatMap { $0.questions.map(\.key) } }

  /// The step that asks `key`.
  public func step(asking key: String) -> ProcedureStep? {
    steps.first { $0.questions.contains { $0.key == key } }
  }
}

/// One step of a procedure document.
public struct ProcedureStep: Sendable, Equatable {
  public var id: String
  /// The registered step kind that carries the step out.
  public var kind: String
  /// The step's heading.
  public var title: String
  /// The Markdown under the heading, shown before the step's questions.
  public var prose: String
  /// The Admin Console path for doing the step by hand.
  public var console: String
  /// Hand instructions for the checklist; `{placeholders}` are filled from the org.
  public var byHand: [String]
  /// For each entry of ``byHand``, whether it states something the model can show already
  /// holds (written `check: …`); only those are ticked, and only when the step holds.
  public var byHandChecked: [Bool] = []
  public var questions: [QuestionText]
  /// For a `verify-permissions` step: the admin role types any one of which is enough
  /// (`roles:`; Super Admin when the document names none).
  public var roles: [String] = [Okta.superAdmin]
  /// The line of the step's heading in the document.
  public var line: Int

  /// The document's words for the question with this key.
  public func text(for key: String) -> QuestionText? { questions.first { $0.key == key } }
}

/// The procedure document's words for one question.
public struct QuestionText: Sendable, Equatable {
  public var key: String
  public var prompt: String
  public var help: String
}
