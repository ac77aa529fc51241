/// Answers applied to a model without changing it, to fill in a checklist.
public enum PreviewState {
  /// Resolves the given answers (and the defaults of unanswered questions) step by step.
  /// - Throws: ``StepStop`` with `.usage` when an answer fits no choice.
  public static func resolve(
    procedure: Procedure, model: OrgModel, answers: [String: String]
  )
    throws(StepStop) -> RunState
  {
    var state = RunState(model: model)
    for step in procedure.steps {
      guard let handler = StepRegistry.handler(for: step.kind) else { continue }
      for text in step.questions {
        guard let question = handler.question(text.key, text: text, state: state) else { continue }
        if let given = answers[text.key] {
          switch question.resolve(given, allowNumbers: false) {
          case .success(let value): state.answers[text.key] = value
          case .failure(let problem):
            throw StepStop(.usage, "Invalid answer for \(problem.message).")
          }
        } else if let value = question.defaultValue, text.key != "org-setting" {
          state.answers[text.key] = value
        }
      }
    }
    return state
  }
}
