import OrgWizCore
import OrgWizJSON
import OrgWizTestSupport
import Testing

/// The wizard's state machine driven one step at a time, without a prompter or a terminal.
@Suite struct WizardSessionTests {
  func session(
    _ procedure: Procedure? = nil, knownAnswers: [String: String] = [:], resumeAt: Int = 0
  ) throws -> WizardSession {
    try WizardSession(
      procedure: procedure ?? Fixtures.testProcedure(), model: Fixtures.exampleModel(),
      options: WizardOptions(assumeYes: true, now: Fixtures.now), knownAnswers: knownAnswers,
      resumeAt: resumeAt)
  }

  /// Answers the current step's questions from `answers` (as typed at a prompt) until it can
  /// be applied, and applies it; confirmations are accepted.
  func answerAndApply(
    _ session: inout WizardSession, _ answers: [String: String]
  ) throws -> WizardSession.Application {
    while true {
      switch session.nextTurn() {
      case .leftOut: continue
      case .ask(let question):
        let text = try #require(answers[question.key], "asked \(question.key)")
        session.answer(try question.resolve(text, allowNumbers: true).get(), to: question)
      case .apply:
        return try session.apply(confirm: { _ in true })
      }
    }
  }

  /// Begins, answers, applies and completes the current step.
  func runStep(_ session: inout WizardSession, _ answers: [String: String]) throws {
    _ = session.begin()
    guard case .applied(let report, let before) = try answerAndApply(&session, answers) else {
      Issue.record("step \(session.stepIndex + 1) did not apply")
      return
    }
    try session.complete(report, before: before)
  }

  @Test func backWithinAStepUndoesOnlyTheLastAnswerOfThatStep() throws {
    var session = try session()
    try runStep(&session, ["operator": "ada@acme.example"])
    try runStep(&session, ["org-setting": "enable"])
    try runStep(&session, ["server": "api"])
    _ = session.begin()
    guard case .ask(let app) = session.nextTurn() else { throw Unexpected() }
    session.answer(try app.resolve("Acme Mobile", allowNumbers: true).get(), to: app)
    guard case .ask(let policy) = session.nextTurn() else { throw Unexpected() }
    #expect(policy.key == "policy")

    #expect(session.back() == .withinStep(undone: "app"))
    // The earlier steps' answers stand; the app is asked again.
    #expect(session.state.answers["app"] == nil)
    #expect(session.standingAnswers.map(\.key) == ["operator", "org-setting", "server"])
    guard case .ask(let again) = session.nextTurn() else { throw Unexpected() }
    #expect(again.key == "app")
    #expect(session.state.model.interactionCodeEnabled)
  }

  @Test func backAtAStepsFirstQuestionReturnsToThePreviousStepAndUndoesIt() throws {
    var session = try session()
    try runStep(&session, ["operator": "ada@acme.example"])
    try runStep(&session, ["org-setting": "enable"])
    #expect(session.state.model.interactionCodeEnabled)
    #expect(session.begin() != nil)

    let back = session.back()
    #expect(back == .toStep(.init(stepIndex: 1, forget: ["org-setting"])))
    // The setting step is undone: the model is as it was, and its answer no longer stands.
    #expect(!session.state.model.interactionCodeEnabled)
    #expect(session.records.count == 1)
    #expect(session.standingAnswers.map(\.key) == ["operator"])
    #expect(session.latest == nil, "validated again from scratch after going back")
    // The step is asked again, heading and all.
    #expect(session.begin()?.title == "Setting")
    guard case .ask(let question) = session.nextTurn() else { throw Unexpected() }
    #expect(question.key == "org-setting")
  }

  @Test func backAtTheFirstQuestionOfTheRunStaysThereWithoutTheHeadingAgain() throws {
    var session = try session()
    #expect(session.begin()?.title == "Permissions")
    #expect(session.back() == .atFirstStep)
    #expect(session.stepIndex == 0)
    #expect(session.begin() == nil)
  }

  @Test func anOperatorWhoMayNotMakeTheChangeIsAskedAgainWithoutTheHeading() throws {
    var session = try session()
    _ = session.begin()
    guard case .askAgain(let stop) = try answerAndApply(&session, ["operator": "bob@acme.example"])
    else { throw Unexpected() }
    #expect(stop.message.contains("does not hold the Super Admin role"))
    #expect(stop.nextStep.contains("ada@acme.example"))

    #expect(session.askAgain() == .init(stepIndex: 0, forget: ["operator"]))
    #expect(session.state.answers["operator"] == nil)
    #expect(session.begin() == nil, "the heading is not shown for the second try")
    try runStep(&session, ["operator": "ada@acme.example"])
    #expect(session.standingAnswers.map(\.value) == ["00u1ada"])
    #expect(session.stepIndex == 1)
  }

  @Test func aReturnToAStepTheProcedureLacksStopsTheRun() throws {
    // Without the setting step, the server step's "go back and turn it on" has nowhere to go.
    var procedure = try Fixtures.testProcedure()
    procedure.steps.removeAll { $0.kind == "org-setting" }
    var session = try session(procedure)
    try runStep(&session, ["operator": "ada@acme.example"])
    _ = session.begin()
    #expect {
      _ = try answerAndApply(&session, ["server": "api"])
    } throws: { error in
      guard let stop = error as? WizardStop, stop == .noEarlierStep else { return false }
      return stop.error.exitStatus == .failure
        && stop.error.message == "There is no earlier step to go back to."
    }
  }

  @Test func aResumedRunIsQuietUntilTheUserGoesBack() throws {
    var session = try session(resumeAt: 2)
    #expect(session.isQuiet)
    #expect(session.begin() == nil)
    try runStep(&session, ["operator": "ada@acme.example"])
    try runStep(&session, ["org-setting": "enable"])
    // The step the run stopped at is shown.
    #expect(!session.isQuiet)
    #expect(session.begin()?.title == "Server")

    guard case .toStep(let back) = session.back() else { throw Unexpected() }
    #expect(back.stepIndex == 1)
    // Going back to a finished step shows it again, and the steps after it.
    #expect(!session.isQuiet)
    #expect(session.begin()?.title == "Setting")
  }

  @Test func aStepThatWouldBreakTheModelStopsAfterItsValidation() throws {
    // Without the setting step, adding the grant to a rule while the setting is off breaks
    // the model: the stop names the step and the rule, and nothing of it is kept.
    var procedure = try Fixtures.testProcedure()
    procedure.steps.removeAll { $0.kind == "org-setting" || $0.kind == "choose-server" }
    var session = try session(procedure, knownAnswers: ["server": "aus1api"])
    try runStep(&session, ["operator": "ada@acme.example"])
    _ = session.begin()
    guard
      case .applied(let report, let before) = try answerAndApply(
        &session, ["app": "none", "policy": "", "rule": ""])
    else { throw Unexpected() }
    #expect {
      try session.complete(report, before: before)
    } throws: { error in
      guard let stop = error as? WizardStop,
        case .brokenState(let number, let title, let findings) = stop
      else { return false }
      return number == 2 && title == "Policy and rule"
        && findings.allSatisfy { $0.ruleID == "grant-needs-org-setting" }
        && stop.error.exitStatus == .failure
        && stop.error.message.hasPrefix("Step 2 (Policy and rule) would leave the model broken:")
    }
  }

  @Test func theReviewsBackReturnsToTheLastStep() throws {
    var session = try session()
    try runStep(&session, ["operator": "ada@acme.example"])
    try runStep(&session, ["org-setting": "keep"])
    // Keeping the setting off ends the procedure: the run is at its review.
    #expect(session.isAtReview)
    #expect(!session.runRecord.changed)
    #expect(session.backFromReview() == .init(stepIndex: 1, forget: ["org-setting"]))
    #expect(!session.isAtReview)
    try runStep(&session, ["org-setting": "enable"])
    #expect(!session.isAtReview)
    #expect(session.runRecord.changed)
    #expect(session.runRecord.answers.map(\.value) == ["00u1ada", "enable"])
  }

  @Test func missingAnswersNameEveryKeyStillNeeded() throws {
    var session = try session(knownAnswers: ["operator": "00u1ada"])
    _ = session.begin()
    #expect(session.nextTurn() == .apply)
    guard case .applied(let report, let before) = try session.apply(confirm: { _ in true })
    else { throw Unexpected() }
    try session.complete(report, before: before)
    _ = session.begin()
    guard case .ask = session.nextTurn() else { throw Unexpected() }
    let keys = session.missingKeys { $0.key == "app" ? "none" : nil }
    #expect(keys == ["org-setting", "server"])
    #expect(
      WizardStop.missingAnswers(keys).error.message
        == "2 answers are missing and cannot be asked here (no terminal, or --no-input): "
        + "org-setting, server.")
  }

  struct Unexpected: Error {}
}
