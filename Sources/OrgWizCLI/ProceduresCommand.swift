import ArgumentParser
import OrgWizCore
import OrgWizJSON

/// `orgwiz procedures`: lists the procedure documents with their steps and question keys.
struct ProceduresCommand: ContextCommand {
  static let configuration = CommandConfiguration(
    commandName: "procedures",
    abstract: "List the procedures in the content directory, with their steps and question keys.",
    discussion: """
      \(OrgWiz.exitCodes(.success, .usage, .noInput, .cannotCreate, .config))
      """)

  @Option(help: ArgumentHelp("Where procedures live.", valueName: "dir"))
  var content: String?

  @Flag(help: "Machine-readable output on stdout.")
  var json = false

  @OptionGroup var color: ColorOptions

  func execute(_ context: CommandContext) throws -> ExitStatus {
    let directory = try ContentLocator.directory(option: content, context: context)
    let procedures = try ContentLocator.procedureFiles(in: directory).map(ContentLocator.parse)
    if json {
      let list: [JSONValue] = procedures.map { procedure in
        .object(
          JSONObject([
            ("id", .string(procedure.id)), ("title", .string(procedure.title)),
            ("version", .string(procedure.version)), ("grant", .string(procedure.grant.type)),
            ("grantName", .string(procedure.grant.name)), ("file", .string(procedure.source)),
            ("sha256", .string(procedure.sha256)),
            (
              "steps",
              .array(
                procedure.steps.map { step in
                  .object(
                    JSONObject([
                      ("id", .string(step.id)), ("kind", .string(step.kind)),
                      ("title", .string(step.title)), ("adminConsole", .string(step.console)),
                      ("questionKeys", .strings(step.questions.map(\.key))),
                    ]))
                })
            ),
          ]))
      }
      context.stdout.write(
        JSONWriter.string(
          .object(
            JSONObject([("contentDirectory", .string(directory)), ("procedures", .array(list))]))))
      return .success
    }
    context.stdout.write("Procedures in \(directory):\n")
    for procedure in procedures {
      context.stdout.write("\n\(procedure.id) (version \(procedure.version)): \(procedure.title)\n")
      context.stdout.write(
        "  grant: \(procedure.grant.type) (\(procedure.grant.name))\n")
      for (index, step) in procedure.steps.enumerated() {
        let keys = step.questions.map(\.key)
        context.stdout.write(
          "  \(index + 1). \(step.title) [\(step.kind)]"
            + (keys.isEmpty ? "" : ": \(keys.joined(separator: ", "))") + "\n")
      }
    }
    return .success
  }
}
