/// Answers applied to a model without changing it, to fill in a checklist.
public enum PreviewState {
  /// Resolves the given answers (and the defaults of unanswered questions) step by step.
  /// - Throws: ``StepStop`` with `.usage` when an answer fits no choice.
  public static func resolve(
    procedure: Procedure, model: OrgModel, answers: [String: String]
  )
    throws(StepStop) -> RunState
  {
    var state = RunState(model: model, grant: procedure.grant)
    var unanswered: [String] = []
    for step in procedure.steps {
      guard let handler = StepRegistry.handler(for: step.kind) else { continue }
      for text in step.questions {
        guard let question = handler.question(text.key, text: text, state: state) else {
          // A question that needs an earlier answer (the app needs the server): an answer
          // given for it cannot be checked, and must not be dropped without a word.
          // The latest earlier question left without an answer is the one it waits for.
          if answers[text.key] != nil {
            let missing = unanswered.last ?? "an earlier question"
            throw StepStop(
              .usage,
              "The answer for \(text.key) cannot be used: it depends on \(missing), which has no "
                + "answer.",
              next: "Give --set \(missing)=… as well.")
          }
          continue
        }
        if let given = answers[text.key] {
          switch question.resolve(given, allowNumbers: false) {
          case .success(let value): state.answers[text.key] = value
          case .failure(let problem):
            throw StepStop(
              .usage, "Invalid answer for \(problem.message).",
              next: "Correct the value given with --set or in the answers file.")
          }
        } else if let value = question.defaultValue, text.key != "org-setting" {
          state.answers[text.key] = value
        } else if text.key != "org-setting" {
          unanswered.append(text.key)
        }
      }
    }
    return state
  }
}
