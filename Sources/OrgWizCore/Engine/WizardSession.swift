import OrgWizJSON

/// Why a wizard run stops before its end: each maps to the error the user is shown.
public enum WizardStop: Error, Sendable, Equatable {
  /// A step, or a step's check before any question, stopped the run with its own words.
  case step(StepStop)
  /// Ctrl-C or end of input at a prompt.
  case interrupted
  /// Answers are missing and nobody can be asked: every key that must be given.
  case missingAnswers([String])
  /// A step would leave the model broken: the step and the findings it would add.
  case brokenState(stepNumber: Int, title: String, findings: [Finding])
  /// A step asked for its answers again, and nobody can be asked: the step's reason.
  case cannotAskAgain(message: String, next: String)
  /// A step asked to return to an earlier step that the procedure does not have.
  case noEarlierStep
  /// An answer given ahead is invalid, and nobody can be asked (or it was refused already).
  case invalidAnswer(AnswerProblem)
  /// A destructive change needs confirmation, and nobody can be asked.
  case confirmationNeeded(prompt: String)

  /// The error the user sees, with its message and exit status.
  public var error: any UserFacingError {
    switch self {
    case .missingAnswers(let keys): MissingAnswers(keys: keys)
    default: stepStop
    }
  }

  /// The stop as a ``StepStop`` (missing answers as a usage stop; ``error`` keeps their words).
  public var stepStop: StepStop {
    switch self {
    case .step(let stop):
      stop
    case .interrupted:
      StepStop(.interrupted, "Interrupted. Nothing was written.", next: WizardEngine.resumeHint)
    case .missingAnswers(let keys):
      StepStop(
        .usage, MissingAnswers(keys: keys).message, next: MissingAnswers(keys: keys).nextStep)
    case .brokenState(let number, let title, let introduced):
      StepStop(
        .brokenState(introduced),
        "Step \(number) (\(title)) would leave the model broken:\n"
          + introduced.map { "  [\($0.ruleID)] \($0.pointer): \($0.message)" }.joined(
            separator: "\n"),
        next: "Nothing was written. Choose differently, or fix the model first "
          + "(`orgwiz check` lists every finding).")
    case .cannotAskAgain(let message, let next):
      StepStop(.precondition, message, next: next)
    case .noEarlierStep:
      StepStop(
        .precondition, "There is no earlier step to go back to.",
        next: "Run orgwiz again and choose differently at that step.")
    case .invalidAnswer(let problem):
      StepStop(
        .usage, "Invalid answer for \(problem.message).",
        next: "Correct the value given with --set or in the answers file.")
    case .confirmationNeeded(let prompt):
      StepStop(
        .usage,
        "This change needs confirmation, and nobody can be asked here: \(prompt)",
        next: "Pass --yes to accept it, or run in a terminal to be asked.")
    }
  }
}

/// The state of one wizard run, without a terminal: the step it is at, the answers that stand,
/// the records of the steps done, what `back` returns to, and the latest validation.
///
/// ``WizardEngine`` drives a session with a ``Prompter``; tests drive one directly. Nothing
/// here asks, shows or writes anything: each method says what the driver should show or ask.
public struct WizardSession: Sendable {
  /// What the current step wants next.
  public enum Turn: Sendable, Equatable {
    /// A question these answers leave out: an answer given ahead for it is not used.
    case leftOut(key: String)
    /// A question to ask.
    case ask(Question)
    /// Every question of the step is answered: the step can be applied.
    case apply
  }

  /// Where `back` took the run.
  public enum Back: Sendable, Equatable {
    /// To the previous question of the same step; the answer to `key` was undone.
    case withinStep(undone: String)
    /// To the start of an earlier step.
    case toStep(Return)
    /// Nowhere: this is the first question of the first step (its heading is not shown again).
    case atFirstStep
  }

  /// A return to the start of a step, undoing it and every later step.
  public struct Return: Sendable, Equatable {
    /// The index of the step returned to.
    public var stepIndex: Int
    /// The keys of that step's questions, whose answers given ahead are to be forgotten.
    public var forget: [String]

    public init(stepIndex: Int, forget: [String]) {
      self.stepIndex = stepIndex
      self.forget = forget
    }
  }

  /// What applying the current step came to.
  public enum Application: Sendable, Equatable {
    /// The step applied: its report, and the model before it (for ``complete(_:before:)``).
    case applied(StepReport, before: OrgModel)
    /// The step asks for its answers again, for this reason (``askAgain()`` returns to it).
    case askAgain(StepStop)
    /// The step sent the run back to an earlier step, which it now is at.
    case returned(Return)
  }

  public let procedure: Procedure
  public let options: WizardOptions
  public let initialModel: OrgModel
  /// Answers known before the run; their questions are not asked.
  public let knownAnswers: [String: String]
  /// Validation of the model as it was read.
  public let baseline: ValidationReport
  private let handlers: [any StepHandler]
  private let baselineErrors: Set<ErrorKey>

  /// The model as it is now and the answers that stand.
  public private(set) var state: RunState
  /// The steps done, in order.
  public private(set) var records: [StepRecord] = []
  /// The index of the current step (the number of steps once every one is done).
  public private(set) var stepIndex = 0
  /// The validation of the model as it is now; nil after going back.
  public private(set) var latest: ValidationReport?
  /// Whether a step ended the procedure early.
  public private(set) var finished = false
  /// Steps below this index are run quietly (a resumed run had finished them), until the user
  /// goes back to one.
  public private(set) var quietBelow: Int
  /// The answers given in the current step so far.
  public private(set) var given: [GivenAnswer] = []
  /// The state and record count at the start of each step begun: what `back` returns to.
  private var snapshots: [Int: (state: RunState, recordCount: Int)] = [:]
  /// The positions in the step of the questions answered so far, for `back` within a step.
  private var answeredPositions: [Int] = []
  /// The position of the current question in the step.
  private var position = 0
  /// Whether the next step begun shows its heading (not when a step is asked again at once).
  private var showsHeading = true

  /// A session at the start of a procedure.
  /// - Parameter resumeAt: the index of the step a resumed run stopped at; the steps before
  ///   it are quiet.
  /// - Throws: ``ProcedureError`` for a step kind no handler carries out.
  public init(
    procedure: Procedure, model: OrgModel, options: WizardOptions,
    knownAnswers: [String: String] = [:], resumeAt: Int = 0
  ) throws(ProcedureError) {
    var handlers: [any StepHandler] = []
    for step in procedure.steps {
      guard let handler = StepRegistry.handler(for: step.kind) else {
        throw ProcedureError(file: procedure.source, line: step.line, "unknown step kind")
      }
      handlers.append(handler)
    }
    self.procedure = procedure
    self.options = options
    self.initialModel = model
    self.knownAnswers = knownAnswers
    self.handlers = handlers
    baseline = ValidationRegistry.validate(model)
    baselineErrors = Set(baseline.errors.map { ErrorKey($0) })
    state = RunState(model: model, answers: knownAnswers, grant: procedure.grant)
    latest = baseline
    quietBelow = resumeAt
  }

  /// The first step's check that stops the procedure before any question, if any.
  public func preflight() -> WizardStop? {
    let start = RunState(model: initialModel, answers: knownAnswers, grant: procedure.grant)
    for (step, handler) in zip(procedure.steps, handlers) {
      if let stop = handler.preflight(step, in: start) { return .step(stop) }
    }
    return nil
  }

  /// Whether every step is done (or one ended the procedure): the run is at its review.
  public var isAtReview: Bool { finished || stepIndex >= procedure.steps.count }

  /// Whether the current step is quiet: its heading, prose and messages are not shown.
  public var isQuiet: Bool { stepIndex < quietBelow }

  /// The answers that stand, in the order they were given.
  public var standingAnswers: [GivenAnswer] { records.flatMap(\.answers) + given }

  /// The run as it stands, for the summary.
  public var runRecord: RunRecord { finishedRecord(reviewed: nil) }

  /// What the final review shows of the run as it stands: the first part of its change set.
  public var review: ChangeSet.Review {
    ChangeSet.Review(procedure: procedure, finalState: state, steps: records)
  }

  /// The run as it stands, its change set completed from the part its review showed (nil: the
  /// whole change set built here).
  public func finishedRecord(reviewed review: ChangeSet.Review?) -> RunRecord {
    RunRecord(
      procedure: procedure, initialModel: initialModel, finalState: state, steps: records,
      baseline: baseline, validation: latest ?? ValidationRegistry.validate(state.model),
      options: options, review: review)
  }

  /// Starts the current step (again): remembers where `back` returns to, and gives the heading
  /// to show, or nil when it is not shown. Not at the review.
  public mutating func begin() -> (title: String, prose: String)? {
    precondition(!isAtReview, "begin() at the review: there is no step to begin")
    snapshots[stepIndex] = (state, records.count)
    given = []
    answeredPositions = []
    position = 0
    defer { showsHeading = true }
    guard showsHeading && !isQuiet else { return nil }
    return handlers[stepIndex].heading(of: procedure.steps[stepIndex], in: state)
  }

  /// What the current step wants next; passes over questions answered before the run.
  public mutating func nextTurn() -> Turn {
    let step = procedure.steps[stepIndex]
    while position < step.questions.count {
      let text = step.questions[position]
      guard knownAnswers[text.key] == nil else {
        position += 1
        continue
      }
      guard let question = handlers[stepIndex].question(text.key, text: text, state: state)
      else {
        state.answers[text.key] = nil
        position += 1
        return .leftOut(key: text.key)
      }
      return .ask(question)
    }
    return .apply
  }

  /// Takes a valid answer to the question ``nextTurn()`` asked.
  public mutating func answer(_ value: String, to question: Question) {
    let key = procedure.steps[stepIndex].questions[position].key
    state.answers[key] = value
    let label = VisibleText.name(question.choices.first { $0.value == value }?.label ?? value)
    given.append(GivenAnswer(key: key, value: value, label: label))
    answeredPositions.append(position)
    position += 1
  }

  /// Goes back: to the previous question of this step first, then to the previous step.
  public mutating func back() -> Back {
    if let previous = answeredPositions.popLast() {
      let undone = given.removeLast()
      for later in procedure.steps[stepIndex].questions[previous...]
      where knownAnswers[later.key] == nil {
        state.answers[later.key] = nil
      }
      position = previous
      return .withinStep(undone: undone.key)
    }
    guard stepIndex > 0, let back = goBack(to: stepIndex - 1) else {
      showsHeading = false
      return .atFirstStep
    }
    return .toStep(back)
  }

  /// Returns to the start of the step at `target`, undoing it and every later step; nil when
  /// that step was never begun.
  public mutating func goBack(to target: Int) -> Return? {
    guard let (previous, recordCount) = snapshots[target] else { return nil }
    state = previous
    records.removeSubrange(recordCount...)
    latest = nil
    stepIndex = target
    finished = false
    quietBelow = 0
    given = []
    answeredPositions = []
    position = 0
    // Going back means answering that step again, even if its answers were given ahead.
    return Return(stepIndex: target, forget: procedure.steps[target].questions.map(\.key))
  }

  /// Back from the review: to the start of the last step done; nil when none was.
  public mutating func backFromReview() -> Return? {
    guard let last = records.last else { return nil }
    return goBack(to: last.number - 1)
  }

  /// Returns to the start of the current step to ask its questions again, without its heading.
  public mutating func askAgain() -> Return? {
    defer { showsHeading = false }
    return goBack(to: stepIndex)
  }

  /// Applies the current step's answers to the model.
  /// - Throws: the step's stop, or ``WizardStop/noEarlierStep``.
  public mutating func apply(
    confirm: @escaping (Confirmation) throws(StepStop) -> Bool
  ) throws(WizardStop) -> Application {
    let step = procedure.steps[stepIndex]
    let before = state.model
    let environment = StepEnvironment(now: options.now, confirm: confirm)
    let outcome = Result { () throws(StepStop) -> StepReport in
      try handlers[stepIndex].apply(step, to: &state, environment: environment)
    }
    switch outcome {
    case .success(let report):
      return .applied(report, before: before)
    case .failure(let stop):
      guard let targetKind = stop.goBackTarget else { throw .step(stop) }
      // The step asks for its answers again (an operator who may not make the change).
      if targetKind == step.kind { return .askAgain(stop) }
      guard let target = procedure.steps.firstIndex(where: { $0.kind == targetKind }),
        target < stepIndex, let back = goBack(to: target)
      else { throw .noEarlierStep }
      return .returned(back)
    }
  }

  /// Records the applied step, validates what it changed, and moves to the next step.
  /// - Throws: ``WizardStop/brokenState(stepNumber:title:findings:)`` when the step would add
  ///   error findings.
  public mutating func complete(_ report: StepReport, before: OrgModel) throws(WizardStop) {
    record(report, before: before)
    try validateAfterStep(before: before)
    if report.endsProcedure {
      finished = true
    } else {
      stepIndex += 1
    }
  }

  /// Records the current step's answers, report and the objects it changed.
  public mutating func record(_ report: StepReport, before: OrgModel) {
    // The objects the step's effects changed, each named as its effect names it.
    var seen: Set<JSONPointer> = []
    let changes = report.effects.filter(\.changesModel).compactMap(\.object).filter {
      seen.insert($0.pointer).inserted
    }.map { ref in
      ObjectChange(
        ref: ref,
        fields: JSONDiff.changes(
          from: before.document[ref.pointer], to: state.model.document[ref.pointer],
          at: ref.pointer))
    }.filter { !$0.fields.isEmpty }
    records.append(
      StepRecord(
        number: stepIndex + 1, step: procedure.steps[stepIndex], answers: given, report: report,
        changes: changes))
    given = []
    answeredPositions = []
  }

  /// Validates what the step changed: the places that differ from the model before it (found
  /// by comparison, whatever the step's effects say), and the rules that read them. A step that
  /// changed nothing leaves the last validation standing.
  /// - Throws: ``WizardStop/brokenState(stepNumber:title:findings:)`` for error findings the
  ///   model did not have before the run.
  public mutating func validateAfterStep(before: OrgModel) throws(WizardStop) {
    if let standing = latest {
      let changed = JSONDiff.changedPointers(from: before.document, to: state.model.document)
      if !changed.isEmpty {
        latest = ValidationRegistry.validate(state.model, after: standing, changed: changed)
      }
    } else {
      latest = ValidationRegistry.validate(state.model)
    }
    let introduced = (latest?.errors ?? []).filter { !baselineErrors.contains(ErrorKey($0)) }
    guard introduced.isEmpty else {
      throw .brokenState(
        stepNumber: stepIndex + 1, title: procedure.steps[stepIndex].title, findings: introduced)
    }
  }

  /// The keys that must be given, from the current question to the end of the procedure.
  /// - Parameter givenAhead: the answer given ahead for a question, if any.
  public func missingKeys(givenAhead: (QuestionText) -> String?) -> [String] {
    let firstMissing = procedure.steps[stepIndex].questions[position].key
    var known = state.answers
    var missing = [firstMissing]
    var index = stepIndex
    var passedFirst = false
    while index < procedure.steps.count {
      let handler = handlers[index]
      for text in procedure.steps[index].questions {
        if !passedFirst {
          if text.key == firstMissing { passedFirst = true }
          continue
        }
        guard known[text.key] == nil else { continue }
        if let given = givenAhead(text) {
          known[text.key] = given
        } else if handler.needsExplicitAnswer(
          text.key, in: RunState(model: state.model, answers: known, grant: state.grant))
        {
          missing.append(text.key)
        }
      }
      if handler.endsProcedure(in: RunState(model: state.model, answers: known, grant: state.grant))
      {
        break
      }
      index += 1
    }
    return missing
  }
}

/// A finding's identity across two validations: rule and place.
private struct ErrorKey: Hashable {
  var rule: String
  var pointer: JSONPointer

  init(_ finding: Finding) {
    rule = finding.ruleID
    pointer = finding.pointer
  }
}

extension StepStop {
  /// The kind a go-back stop returns to.
  var goBackTarget: String? {
    if case .goBack(let target) = kind { return target }
    return nil
  }
}
