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
  /// Nil: no review.
  public var review: ((RunRecord) throws -> ReviewDecision)?
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
    let handlers = try procedure.steps.map { step -> any StepHandler in
      guard let handler = StepRegistry.handler(for: step.kind) else {
        throw ProcedureError(file: procedure.source, line: step.line, "unknown step kind")
      }
      return handler
    }
    let start = RunState(model: model, answers: knownAnswers, grant: procedure.grant)
    for (step, handler) in zip(procedure.steps, handlers) {
      if let stop = handler.preflight(step, in: start) { throw stop }
    }
    let baseline = ValidationRegistry.validate(model)
    let baselineErrors = Set(baseline.errors.map { ErrorKey($0) })
    // Errors the model had before the run are said before the first question: the run may go
    // on (it adds none), but nobody should learn of them from the change record only.
    if !baseline.errors.isEmpty {
      prompter.inform(Self.preexistingWarning(baseline.errors))
    }

    var state = start
    // The validation of the model as it is now; nil after going back.
    var latest: ValidationReport? = baseline
    var records: [StepRecord] = []
    var snapshots: [Int: (RunState, Int)] = [:]
    var index = 0
    // Steps a resumed run had finished are not shown again, until the user goes back to one.
    var quietBelow = resumeAt
    // Whether the step's heading and prose are shown (not when a step is asked again at once).
    var showsHeading = true
    var finished = false
    let environment = StepEnvironment(now: options.now, confirm: confirm)

    /// Returns to the start of the step at `target`, undoing it and every later step.
    func goBack(to target: Int) -> Bool {
      guard let (previous, recordCount) = snapshots[target] else { return false }
      state = previous
      records.removeSubrange(recordCount...)
      latest = nil
      index = target
      finished = false
      quietBelow = 0
      // Going back means answering that step again, even if its answers were given ahead.
      prompter.forgetGivenAnswers(procedure.steps[index].questions.map(\.key))
      progress?(records.flatMap(\.answers), index)
      return true
    }

    stepLoop: while true {
      if finished || index >= procedure.steps.count {
        let record = RunRecord(
          procedure: procedure, initialModel: model, finalState: state, steps: records,
          baseline: baseline, validation: latest ?? ValidationRegistry.validate(state.model),
          options: options)
        guard let review else { return record }
        progress?(records.flatMap(\.answers), procedure.steps.count)
        if try review(record) == .back {
          if let last = records.last, goBack(to: last.number - 1) { continue stepLoop }
          prompter.inform("There is no step to go back to.")
          continue stepLoop
        }
        return record
      }
      let step = procedure.steps[index]
      let handler = handlers[index]
      let quiet = index < quietBelow
      snapshots[index] = (state, records.count)
      progress?(records.flatMap(\.answers), index)
      if showsHeading && !quiet {
        let heading = handler.heading(of: step, in: state)
        prompter.beginStep(
          number: index + 1, of: procedure.steps.count, title: heading.title, prose: heading.prose)
      }
      showsHeading = true
      var given: [GivenAnswer] = []
      // The positions in the step of the questions answered so far, for `back` within a step.
      var answeredPositions: [Int] = []
      var position = 0
      while position < step.questions.count {
        let text = step.questions[position]
        guard knownAnswers[text.key] == nil else {
          position += 1
          continue
        }
        guard let question = handler.question(text.key, text: text, state: state) else {
          state.answers[text.key] = nil
          // An answer given for a question these choices leave out is said to be unused, so
          // nobody believes a policy was changed on the Org Authorization Server.
          if let unused = prompter.givenAnswer(text.key), !quiet {
            prompter.inform(
              "Note: \(text.key)=\(VisibleText.short(unused)) is not used: with the answers above, "
                + "this step does not ask for \(text.key).")
          }
          position += 1
          continue
        }
        switch try answer(question) {
        case .value(let value):
          state.answers[text.key] = value
          let label = VisibleText.name(
            question.choices.first { $0.value == value }?.label ?? value)
          given.append(GivenAnswer(key: text.key, value: value, label: label))
          answeredPositions.append(position)
          position += 1
          progress?(records.flatMap(\.answers) + given, index)
        case .missing:
          throw MissingAnswers(
            keys: missingKeys(from: index, firstMissing: text.key, state: state, handlers: handlers)
          )
        case .back:
          // Back goes to the previous question of this step first, then to the previous step.
          if let previous = answeredPositions.popLast() {
            let undone = given.removeLast()
            for later in step.questions[previous...] where knownAnswers[later.key] == nil {
              state.answers[later.key] = nil
            }
            prompter.forgetGivenAnswers([undone.key])
            position = previous
            progress?(records.flatMap(\.answers) + given, index)
            continue
          }
          guard index > 0, goBack(to: index - 1) else {
            prompter.inform("This is the first step; there is nothing to go back to.")
            showsHeading = false
            continue stepLoop
          }
          continue stepLoop
        }
      }
      let before = state.model
      let outcome = Result { () throws(StepStop) -> StepReport in
        try handler.apply(step, to: &state, environment: environment)
      }
      let report: StepReport
      switch outcome {
      case .success(let value):
        report = value
      case .failure(let stop):
        guard let targetKind = stop.goBackTarget else { throw stop }
        if targetKind == step.kind {
          // The step asks for its answers again (an operator who may not make the change): at
          // a terminal it says why and asks again; without one the run stops there.
          guard prompter.isInteractive else {
            throw StepStop(.precondition, stop.message, next: stop.nextStep)
          }
          if !stop.message.isEmpty {
            prompter.inform(
              [stop.message, stop.nextStep, "Choose again, or press Ctrl-C to stop."].filter {
                !$0.isEmpty
              }.joined(separator: " "))
          }
          _ = goBack(to: index)
          showsHeading = false
          continue stepLoop
        }
        guard let target = procedure.steps.firstIndex(where: { $0.kind == targetKind }),
          target < index, goBack(to: target)
        else {
          throw StepStop(
            .precondition, "There is no earlier step to go back to.",
            next: "Run orgwiz again and choose differently at that step.")
        }
        continue stepLoop
      }
      if !quiet {
        // A step's message is one paragraph: a line break in a name it quotes is shown, never
        // obeyed, so a name cannot forge a line of its own.
        for message in report.messages { prompter.inform(VisibleText.visibleOnOneLine(message)) }
      }
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
          number: index + 1, step: step, answers: given, report: report, changes: changes))

      // Validation after every step, of what the step changed: the places that differ from
      // the model before it (found by comparison, whatever the step's effects say), and the
      // rules that read them. A step that changed nothing leaves the last validation standing.
      if let standing = latest {
        let changed = JSONDiff.changedPointers(
          from: before.document, to: state.model.document)
        if !changed.isEmpty {
          latest = ValidationRegistry.validate(state.model, after: standing, changed: changed)
        }
      } else {
        latest = ValidationRegistry.validate(state.model)
      }
      let introduced = (latest?.errors ?? []).filter { !baselineErrors.contains(ErrorKey($0)) }
      if !introduced.isEmpty {
        throw StepStop(
          .brokenState(introduced),
          "Step \(index + 1) (\(step.title)) would leave the model broken:\n"
            + introduced.map { "  [\($0.ruleID)] \($0.pointer): \($0.message)" }.joined(
              separator: "\n"),
          next: "Nothing was written. Choose differently, or fix the model first "
            + "(`orgwiz check` lists every finding).")
      }
      if report.endsProcedure {
        finished = true
      } else {
        index += 1
      }
    }
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
  private func answer(_ question: Question) throws -> Outcome {
    var presetRejected = false
    while true {
      let reply: PromptReply
      do {
        reply = try prompter.ask(question)
      } catch {
        throw StepStop(.interrupted, "Interrupted. Nothing was written.", next: Self.resumeHint)
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
            throw StepStop(
              .usage, "Invalid answer for \(problem.message).",
              next: "Correct the value given with --set or in the answers file.")
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
      throw StepStop(.interrupted, "Interrupted. Nothing was written.", next: Self.resumeHint)
    }
    if let reply { return reply }
    if confirmation.isDestructive {
      throw StepStop(
        .usage,
        "This change needs confirmation, and nobody can be asked here: \(confirmation.prompt)",
        next: "Pass --yes to accept it, or run in a terminal to be asked.")
    }
    return confirmation.defaultYes
  }

  /// The keys that must be given, from the first missing one to the end of the procedure.
  private func missingKeys(
    from index: Int, firstMissing: String, state: RunState, handlers: [any StepHandler]
  ) -> [String] {
    var known = state.answers
    var missing = [firstMissing]
    var stepIndex = index
    var passedFirst = false
    while stepIndex < procedure.steps.count {
      let handler = handlers[stepIndex]
      for text in procedure.steps[stepIndex].questions {
        if !passedFirst {
          if text.key == firstMissing { passedFirst = true }
          continue
        }
        guard known[text.key] == nil else { continue }
        let probe = Question(key: text.key, prompt: text.prompt, help: text.help, choices: [])
        if case .answer(let given, _)? = try? prompter.ask(probe) {
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
      stepIndex += 1
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
