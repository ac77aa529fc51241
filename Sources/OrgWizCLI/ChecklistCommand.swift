import ArgumentParser
import OrgWizCore

/// `orgwiz checklist`: the procedure as a Markdown checklist filled in with the org's names.
struct ChecklistCommand: ContextCommand {
  static let configuration = CommandConfiguration(
    commandName: "checklist",
    abstract: "Print the procedure as a Markdown checklist for doing it by hand.",
    discussion: """
      The checklist uses this org's real names; boxes of steps that already hold in the model \
      are ticked. Answers (--set, --answers, --operator) pick the server, app, policy and rule \
      to name; otherwise the defaults the wizard would offer are used.
      """)

  @Argument(help: "The procedure id.")
  var procedure: String = ContentLocator.defaultProcedure

  @OptionGroup var options: ModelOptions
  @OptionGroup var answerOptions: AnswerOptions

  func execute(_ context: CommandContext) throws -> ExitStatus {
    let directory = try ContentLocator.directory(option: options.content, context: context)
    let document = try ContentLocator.procedure(id: procedure, in: directory)
    let loaded = try ModelLoader.readOnly(options, context: context)
    let answers = try answerOptions.collect(for: document, context: context)
    let state = try PreviewState.resolve(procedure: document, model: loaded.model, answers: answers)
    let source = options.example ? "the bundled example org" : options.org
    context.stdout.write(
      ChecklistRenderer.markdown(procedure: document, state: state, source: source))
    return .success
  }
}
