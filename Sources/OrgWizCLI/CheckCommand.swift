import ArgumentParser
import OrgWizCore
import OrgWizJSON

/// `orgwiz check`: validates a model and prints the findings.
struct CheckCommand: ContextCommand {
  static let configuration = CommandConfiguration(
    commandName: "check",
    abstract: "Validate an org model against every rule; writes nothing.",
    discussion: """
      Exit 0 when there are no error findings, 1 when there are. `orgwiz rules` lists the \
      rules; --explain RULE prints one rule's rationale and examples instead of checking.

      \(OrgWiz.exitCodes(.success, .failure, .usage, .dataError, .noInput, .cannotCreate, .config))
      """)

  @OptionGroup var options: ModelOptions

  @Option(
    help: ArgumentHelp(
      "Print this rule's title, rationale and examples instead of checking a model.",
      valueName: "rule"))
  var explain: String?

  func execute(_ context: CommandContext) throws -> ExitStatus {
    if let explain {
      context.stdout.write(
        try RuleCatalog.explainRule(explain, json: options.json, context: context))
      return .success
    }
    let loaded = try ModelStore.readOnly(options, context: context)
    let report = ValidationRegistry.validate(loaded.model)
    let source = options.example ? "example" : options.org
    if options.json {
      var object = JSONObject()
      // With --example the findings are the bundled example's, not --org's.
      object["model"] = .string(
        options.example ? try ModelStore.examplePath(options, context: context) : loaded.path)
      object["errors"] = .number(JSONNumber(report.errors.count))
      object["warnings"] = .number(JSONNumber(report.warnings.count))
      object["rules"] = .array(report.results.map { .object(SummaryJSON.ruleResult($0)) })
      object["findings"] = .array(report.findings.map(SummaryJSON.finding))
      context.stdout.write(JSONWriter.string(.object(object)))
    } else {
      for finding in report.findings { context.stdout.write(finding.line(source: source) + "\n") }
      context.stdout.write(
        "\(report.errors.count) error\(report.errors.count == 1 ? "" : "s"), "
          + "\(report.warnings.count) warning\(report.warnings.count == 1 ? "" : "s") "
          + "(\(report.results.count) rules checked on \(source))\n")
    }
    let status: ExitStatus = report.hasErrors ? .failure : .success
    // Everything is written; the live process exits here rather than spend a noticeable time
    // freeing a large model (as run does).
    context.exitAfterOutput?(status)
    return status
  }
}
