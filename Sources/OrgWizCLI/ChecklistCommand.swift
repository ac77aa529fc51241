import ArgumentParser
import OrgWizCore
import OrgWizJSON

/// `orgwiz checklist`: the procedure as a Markdown checklist filled in with the org's names.
struct ChecklistCommand: ContextCommand {
  static let configuration = CommandConfiguration(
    commandName: "checklist",
    abstract: "Print the procedure as a Markdown checklist for doing it by hand.",
    discussion: """
      The checklist uses this org's real names. A box is ticked only where the model shows it \
      already holds; a step the model cannot check (signing in, choosing a server, a role with \
      no --operator) stays unticked and says why. Answers (--set, --answers, --operator) pick \
      the server, app, policy and rule to name; otherwise the defaults the wizard would offer \
      are used.

      Written to a file or a pipe, the checklist is Markdown with every name escaped, ready to \
      paste into a ticket. On a terminal it shows the names as they are (controls made \
      visible); --markdown gives the Markdown there too.

      \(OrgWiz.exitCodes(.success, .usage, .dataError, .noInput, .cannotCreate, .config))
      """)

  @Argument(help: "The procedure id.")
  var procedure: String = ContentLocator.defaultProcedure

  @Flag(help: "Write escaped Markdown even when standard output is a terminal.")
  var markdown = false

  @OptionGroup var options: ModelOptions
  @OptionGroup var answerOptions: AnswerOptions

  func execute(_ context: CommandContext) throws -> ExitStatus {
    let directory = try ContentLocator.directory(option: options.content, context: context)
    let document = try ContentLocator.procedure(id: procedure, in: directory)
    let loaded = try ModelStore.readOnly(options, context: context)
    let answers = try answerOptions.collect(for: document, context: context)
    let state = try PreviewState.resolve(procedure: document, model: loaded.model, answers: answers)
    let source = options.example ? "the bundled example org" : options.org
    if options.json {
      let steps: [JSONValue] = ChecklistRenderer.entries(
        procedure: document, state: state, style: .raw
      ).map { entry in
        var fields: [(key: String, value: JSONValue)] = [
          ("number", .number(JSONNumber(entry.number))), ("id", .string(entry.step.id)),
          ("kind", .string(entry.step.kind)), ("title", .string(entry.step.title)),
          ("done", .bool(entry.done)), ("checkable", .bool(entry.reason == nil)),
        ]
        if let reason = entry.reason { fields.append(("reason", .string(reason))) }
        fields.append(("needed", .bool(entry.notNeeded == nil)))
        if let why = entry.notNeeded { fields.append(("notNeededBecause", .string(why))) }
        fields += [
          ("adminConsole", .string(entry.console)), ("items", .strings(entry.items)),
          ("ticked", .array(entry.ticked.map(JSONValue.bool))),
        ]
        return .object(JSONObject(fields))
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
    let style: ChecklistRenderer.Style =
      markdown || !context.terminal.stdoutIsTerminal ? .markdown : .text
    context.stdout.write(
      ChecklistRenderer.render(procedure: document, state: state, source: source, style: style))
    return .success
  }
}
