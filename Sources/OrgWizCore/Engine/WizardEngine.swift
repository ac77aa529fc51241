import OrgWizJSON

/// Settings of one run that do not come from the procedure or the model.
public struct WizardOptions: Sendable {
  /// Accept confirmations (`--yes`).
  public var assumeYes: Bool
  /// The run's time, ISO 8601 UTC with milliseconds.
  public var now: String

  public init(assumeYes: Bool = false, now: String) {
    self.assumeYes = assumeYes
    self.now = now
  }
}

/// A question and the answer it got.
public struct GivenAnswer: Sendable, Equatable {
  public var key: String
  /// The canonical value (an id, `enable`, `yes`, `none`).
  public var value: String
  /// The value in words (a label or login).
  public var label: String

  public init(key: String, value: String, label: String) {
    self.key = key
    self.value = value
    self.label = label
  }
}

/// What happened in one step of a run.
public struct StepRecord: Sendable, Equatable {
  public var number: Int
  public var step: ProcedureStep
  public var answers: [GivenAnswer]
  public var report: StepReport
  public var changes: [ObjectChange]
}

/// The outcome of a whole run, from which the summary and `--json` are rendered.
public struct RunRecord: Sendable, Equatable {
  public var procedure: Procedure
  public var initialModel: OrgModel
  public var finalState: RunState
  public var steps: [StepRecord]
  /// Validation of the model as it was read.
  public var baseline: ValidationReport
  /// Validation of the model as it will be written.
  public var validation: ValidationReport
  public var options: WizardOptions
  /// The run's change set, built once when the record is made: what every rendering reads.
  public let changeSet: ChangeSet

  /// Whether any step changed the model.
  public var changed: Bool { steps.contains { !$0.changes.isEmpty } }
  /// Every object change of the run.
  public var changes: [ObjectChange] { steps.flatMap(\.changes) }
  /// Every effect of the run, in order: the change set every rendering is made from.
  public var effects: [Effect] { steps.flatMap(\.report.effects) }
  /// Answers in the order they were given.
  public var answers: [GivenAnswer] { steps.flatMap(\.answers) }

  public static func == (lhs: RunRecord, rhs: RunRecord) -> Bool {
    lhs.procedure == rhs.procedure && lhs.finalState == rhs.finalState && lhs.steps == rhs.steps
  }
}

/// What the final review decided.
public enum ReviewDecision: Sendable, Equatable {
  /// Go ahead and write.
  case accept
  /// Return to the last step and answer it again.
  case back
}

/// Answers are missing and nobody can be asked.
public struct MissingAnswers: UserFacingError, Equatable {
  public var keys: [String]
  /// Why nobody can be asked, in words ("standard output is not a terminal").
  public var reason: String

  public init(keys: [String], reason: String = "no terminal, or --no-input") {
    self.keys = keys
    self.reason = reason
  }

  public var exitStatus: ExitStatus { .usage }
  public var message: String {
    let noun = keys.count == 1 ? "answer is" : "answers are"
    return "\(keys.count) \(noun) missing and cannot be asked here (\(reason)): "
      + "\(keys.joined(separator: ", "))."
  }
  public var nextStep: String {
    "Give them with --set KEY=VALUE (repeatable) or --answers FILE, or run with standard input "
      + "and output on a terminal to be asked; `orgwiz procedures` lists every key."
  }
}

/// Walks a procedure: asks each step's questions, applies the step, validates the model, and
/// collects the run record.
public struct WizardEngine {
  public let procedure: Procedure
  public let prompter: any Prompter
  public let options: WizardOptions
  /// Called after every answer and after going back, with the answers that stand and the
  /// index of the current step; the CLI journals them so an interrupted run can resume.
  /// The step index is the number of steps when the run has reached the final review.
  public var progress: ((_ answers: [GivenAnswer], _ stepIndex: Int) -> Void)?
  /// The final review, once every step is done: accept the run, or go back to its last step.
  /// It is given the part of the change set it shows; the rest is built once it accepts. Nil:
  /// no review.
  public var review: ((ChangeSet.Review) throws -> ReviewDecision)?
  /// The index of the step a resumed run stopped at: the steps before it are run without
  /// showing their headings, prose and messages again (the CLI says which answers it kept).
  public var resumeAt = 0

  public init(procedure: Procedure, prompter: any Prompter, options: WizardOptions) {
    self.procedure = procedure
    self.prompter = prompter
    self.options = options
  }

  /// Runs the procedure on a model.
  /// - Parameter answers: answers already known before the run (for example a step test's
  ///   answers to earlier steps); they are not asked.
  /// - Throws: ``StepStop`` when the run stops, ``MissingAnswers`` when answers are missing
  ///   without a terminal.
  public func run(on model: OrgModel, knownAnswers: [String: String] = [:]) throws -> RunRecord {
    var session = try WizardSession(
      procedure: procedure, model: model, options: options, knownAnswers: knownAnswers,
      resumeAt: resumeAt)
    if let stop = session.preflight() { throw stop.error }
    // Errors the model had before the run are said before the first question: the run may go
    // on (it adds none), but nobody should learn of them from the change record only.
    if !session.baseline.errors.isEmpty {
      prompter.inform(Self.preexistingWarning(session.baseline.errors))
    }
    do {
      while true {
        if session.isAtReview {
          if let record = try reviewed(&session) { return record }
        } else {
          try runStep(&session)
        }
      }
    } catch let stop as WizardStop {
      throw stop.error
    }
  }

  /// The final review: the record when it is accepted (or there is none), nil after going
  /// back to the last step.
  private func reviewed(_ session: inout WizardSession) throws -> RunRecord? {
    guard let review else { return session.runRecord }
    let shown = session.review
    progress?(session.standingAnswers, procedure.steps.count)
    guard try review(shown) == .back else { return session.finishedRecord(reviewed: shown) }
    if let back = session.backFromReview() {
      returned(back, session)
    } else {
      prompter.inform("There is no step to go back to.")
    }
    return nil
  }

  /// Runs the current step: its heading, its questions, and the step itself; returns early
  /// when the user goes back.
  private func runStep(_ session: inout WizardSession) throws {
    let heading = session.begin()
    progress?(session.standingAnswers, session.stepIndex)
    if let heading {
      prompter.beginStep(
        number: session.stepIndex + 1, of: procedure.steps.count, title: heading.title,
        prose: heading.prose)
    }
    while true {
      switch session.nextTurn() {
      case .leftOut(let key):
        // An answer given for a question these choices leave out is said to be unused, so
        // nobody believes a policy was changed on the Org Authorization Server.
        if let unused = prompter.givenAnswer(key), !session.isQuiet {
          prompter.inform(
            "Note: \(key)=\(VisibleText.short(unused)) is not used: with the answers above, "
              + "this step does not ask for \(key).")
        }
      case .ask(let question):
        guard try ask(question, in: &session) else { return }
      case .apply:
        try applyStep(&session)
        return
      }
    }
  }

  /// Asks a question of the current step and takes its answer; false when the user went back
  /// to the start of a step.
  private func ask(_ question: Question, in session: inout WizardSession) throws -> Bool {
    switch try answer(question) {
    case .value(let value):
      session.answer(value, to: question)
      progress?(session.standingAnswers, session.stepIndex)
      return true
    case .missing:
      throw WizardStop.missingAnswers(session.missingKeys(givenAhead: givenAhead))
    case .back:
      // Back goes to the previous question of this step first, then to the previous step.
      switch session.back() {
      case .withinStep(let undone):
        prompter.forgetGivenAnswers([undone])
        progress?(session.standingAnswers, session.stepIndex)
        return true
      case .toStep(let back):
        returned(back, session)
      case .atFirstStep:
        prompter.inform("This is the first step; there is nothing to go back to.")
      }
      return false
    }
  }

  /// Applies the current step, shows its messages, and validates what it changed.
  private func applyStep(_ session: inout WizardSession) throws(WizardStop) {
    switch try session.apply(confirm: confirm) {
    case .applied(let report, let before):
      if !session.isQuiet {
        // A step's message is one paragraph: a line break in a name it quotes is shown, never
        // obeyed, so a name cannot forge a line of its own.
        for message in report.messages { prompter.inform(VisibleText.visibleOnOneLine(message)) }
      }
      try session.complete(report, before: before)
    case .askAgain(let stop):
      // The step asks for its answers again (an operator who may not make the change): at a
      // terminal it says why and asks again; without one the run stops there.
      guard prompter.isInteractive else {
        throw .cannotAskAgain(message: stop.message, next: stop.nextStep)
      }
      if !stop.message.isEmpty {
        prompter.inform(
          [stop.message, stop.nextStep, "Choose again, or press Ctrl-C to stop."].filter {
            !$0.isEmpty
          }.joined(separator: " "))
      }
      if let back = session.askAgain() { returned(back, session) }
    case .returned(let back):
      returned(back, session)
    }
  }

  /// After going back to the start of a step: its answers given ahead are forgotten, and the
  /// answers that stand are journaled.
  private func returned(_ back: WizardSession.Return, _ session: WizardSession) {
    prompter.forgetGivenAnswers(back.forget)
    progress?(session.standingAnswers, session.stepIndex)
  }

  /// The answer given ahead for a question, asked without a prompt.
  private func givenAhead(_ text: QuestionText) -> String? {
    let probe = Question(key: text.key, prompt: text.prompt, help: text.help, choices: [])
    if case .answer(let given, _)? = try? prompter.ask(probe) { return given }
    return nil
  }

  /// What to do after an interruption at a prompt.
  public static let resumeHint =
    "Run the same command again: it offers to resume from the step where this run stopped "
    + "(or pass --resume, or --restart to start over)."

  /// The warning about error findings the model had before the run.
  public static func preexistingWarning(_ errors: [Finding]) -> String {
    "Warning: the model already has \(Phrase.count(errors.count, "error finding")) before any "
      + "change (this run adds none, and does not fix them): "
      + errors.prefix(5).map { "[\($0.ruleID)] \($0.pointer): \($0.message)" }.joined(
        separator: "; ")
      + (errors.count > 5 ? "; and \(errors.count - 5) more" : "")
      + ". `orgwiz check` lists them."
  }

  private enum Outcome {
    case value(String)
    case missing
    case back
  }

  /// Gets a valid answer for a question: from a preset, a prompt, or the default.
  private func answer(_ question: Question) throws(WizardStop) -> Outcome {
    var presetRejected = false
    while true {
      let reply: PromptReply
      do {
        reply = try prompter.ask(question)
      } catch {
        throw WizardStop.interrupted
      }
      switch reply {
      case .back:
        return .back
      case .unavailable:
        if question.defaultAppliesWithoutPrompt, let value = question.defaultValue {
          return .value(value)
        }
        return .missing
      case .answer(let text, let fromPreset):
        switch question.resolve(text, allowNumbers: !fromPreset) {
        case .success(let value):
          return .value(value)
        case .failure(let problem):
          // Without a terminal an invalid given answer is a usage error; at a terminal it is
          // shown with the reason and the question is asked (the answers-file prompter drops
          // a preset it sees rejected, so it is not given again).
          if !prompter.isInteractive || (fromPreset && presetRejected) {
            throw WizardStop.invalidAnswer(problem)
          }
          if fromPreset { presetRejected = true }
          prompter.reject(problem)
        }
      }
    }
  }

  /// Asks for a confirmation, honouring `--yes` and the no-terminal rules.
  private func confirm(_ confirmation: Confirmation) throws(StepStop) -> Bool {
    if options.assumeYes { return true }
    let reply: Bool?
    do {
      reply = try prompter.confirm(confirmation)
    } catch {
      throw WizardStop.interrupted.stepStop
    }
    if let reply { return reply }
    if confirmation.isDestructive {
      throw WizardStop.confirmationNeeded(prompt: confirmation.prompt).stepStop
    }
    return confirmation.defaultYes
  }
}
