import ArgumentParser
import OrgWizCore
import OrgWizJSON

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
    if options.json {
      let steps: [JSONValue] = ChecklistRenderer.entries(
        procedure: document, state: state, markdown: false
      ).map {
        entry in
        .object(
          JSONObject([
            ("number", .number(JSONNumber(entry.number))), ("id", .string(entry.step.id)),
            ("kind", .string(entry.step.kind)), ("title", .string(entry.step.title)),
            ("done", .bool(entry.done)), ("adminConsole", .string(entry.console)),
            ("items", .strings(entry.items)),
          ]))
      }
      let org = state.model.org
      context.stdout.write(
        JSONWriter.string(
          .object(
            JSONObject([
              (
                "procedure",
                .object(
                  JSONObject([
                    ("id", .string(document.id)), ("title", .string(document.title)),
                    ("version", .string(document.version)), ("sha256", .string(document.sha256)),
                  ]))
              ),
              (
                "org",
                .object(JSONObject([("name", .string(org.name)), ("domain", .string(org.domain))]))
              ),
              ("source", .string(source)), ("steps", .array(steps)),
            ]))))
      return .success
    }
    context.stdout.write(
      ChecklistRenderer.markdown(procedure: document, state: state, source: source))
    return .success
  }
}
