import ArgumentParser
import OrgWizCore
import OrgWizJSON
import OrgWizTerminal

/// `orgwiz rules`: the validation rules (and step kinds) describing themselves.
struct RulesCommand: ContextCommand {
  static let configuration = CommandConfiguration(
    commandName: "rules",
    abstract: "List the validation rules, or explain one with its rationale and examples.",
    discussion: """
      With no argument, lists every rule `orgwiz check` runs (id, severity, title). With a rule \
      id, prints its title, why Okta cares, and the example models it accepts and reports. \
      --step-kinds does the same for the step kinds a procedure document may use.

      \(OrgWiz.exitCodes(.success, .usage, .cannotCreate))
      """)

  @Argument(help: ArgumentHelp("A rule id (or, with --step-kinds, a step kind).", valueName: "id"))
  var id: String?

  @Flag(name: .customLong("step-kinds"), help: "List or explain step kinds instead of rules.")
  var stepKinds = false

  @Flag(help: "Machine-readable output on stdout.")
  var json = false

  @OptionGroup var color: ColorOptions

  func execute(_ context: CommandContext) throws -> ExitStatus {
    let output: String
    switch (stepKinds, id) {
    case (false, nil): output = json ? RuleCatalog.rulesJSON() : RuleCatalog.rulesList()
    case (false, let id?): output = try RuleCatalog.explainRule(id, json: json, context: context)
    case (true, nil):
      output = json ? RuleCatalog.stepKindsJSON() : RuleCatalog.stepKindsList(context: context)
    case (true, let id?):
      output = try RuleCatalog.explainStepKind(id, json: json, context: context)
    }
    context.stdout.write(output)
    return .success
  }
}

/// A rule id or step kind that does not exist (exit 64).
struct UnknownRegistryIDError: UserFacingError {
  /// "rule" or "step kind".
  var noun: String
  var id: String
  var known: [String]
  var listCommand: String

  var exitStatus: ExitStatus { .usage }
  var message: String {
    let quoted = VisibleText.visibleOnOneLine(id)
    guard let guess = Suggestion.closest(to: id, among: known) else {
      return "there is no \(noun) \"\(quoted)\"."
    }
    return "there is no \(noun) \"\(quoted)\"; did you mean \"\(guess)\"?"
  }
  var nextStep: String {
    "Use one of: \(known.joined(separator: ", ")) (`\(listCommand)` lists them with their "
      + "titles)."
  }
}

/// The text and JSON of `orgwiz rules` and `orgwiz check --explain`.
enum RuleCatalog {
  // MARK: Rules

  static func rulesList() -> String {
    let rules = ValidationRegistry.descriptors
    let idWidth = rules.map(\.id.count).max() ?? 0
    var text = "Validation rules, in the order `orgwiz check` runs them:\n\n"
    for rule in rules {
      text +=
        "  " + padded(rule.id, idWidth) + "  " + padded(rule.severity.rawValue, 7) + "  "
        + rule.title + "\n"
    }
    text +=
      "\n`orgwiz rules RULE` explains a rule with its examples;\n"
      + "`orgwiz rules --step-kinds` lists the step kinds.\n"
    return text
  }

  static func rulesJSON() -> String {
    JSONWriter.string(
      .object(JSONObject([("rules", .array(ValidationRegistry.descriptors.map(ruleJSON)))])))
  }

  /// One rule in words, or as JSON; an unknown id is exit 64.
  static func explainRule(_ id: String, json: Bool, context: CommandContext) throws -> String {
    guard let rule = ValidationRegistry.rule(id: id)?.descriptor else {
      throw UnknownRegistryIDError(
        noun: "rule", id: id, known: ValidationRegistry.all.map(\.id),
        listCommand: "orgwiz rules")
    }
    if json { return JSONWriter.string(ruleJSON(rule)) }
    let width = context.terminal.width
    var text = "\(rule.id) (\(rule.severity.rawValue)): \(rule.title)\n\n"
    text += TextWrapper.wrap(rule.rationale, width: width) + "\n"
    let passing = rule.examples.filter(\.passes)
    let failing = rule.examples.filter { !$0.passes }
    text += "\nPasses (no finding):\n" + items(passing, width: width)
    let finding = rule.severity == .error ? "an error finding" : "a warning finding"
    text += "\nFails (\(finding)):\n" + items(failing, width: width)
    text += "\n`orgwiz check --org FILE` runs this rule with the others.\n"
    return text
  }

  /// Examples as list items: what each shows, its model (edits to the example org), and where
  /// its finding points.
  private static func items(_ examples: [RuleExample], width: Int) -> String {
    examples.map { example in
      var lines = ["  - \(example.name).", "    Model: " + editsInWords(example.edits) + "."]
      if let pointer = example.findingPointer { lines.append("    Finding at: \(pointer)") }
      return lines.map { TextWrapper.wrap($0, width: width) + "\n" }.joined()
    }.joined()
  }

  private static func editsInWords(_ edits: [JSONPointer: JSONValue]) -> String {
    guard !edits.isEmpty else { return "the bundled example org as it is" }
    return "the bundled example org with "
      + sorted(edits).map { pointer, value in
        "\(pointer) set to \(JSONWriter.string(value, style: .compact))"
      }.joined(separator: ", ")
  }

  private static func ruleJSON(_ rule: RuleDescriptor) -> JSONValue {
    .object(
      JSONObject([
        ("id", .string(rule.id)), ("severity", .string(rule.severity.rawValue)),
        ("title", .string(rule.title)), ("rationale", .string(rule.rationale)),
        (
          "examples",
          .array(
            rule.examples.map { example in
              var object = JSONObject([
                ("name", .string(example.name)),
                ("expect", .string(example.passes ? "pass" : "fail")),
                (
                  "edits",
                  .array(
                    sorted(example.edits).map { pointer, value in
                      .object(
                        JSONObject([("pointer", .string(pointer.description)), ("value", value)]))
                    })
                ),
              ])
              if let pointer = example.findingPointer {
                object["pointer"] = .string(pointer.description)
              }
              return .object(object)
            })
        ),
      ]))
  }

  // MARK: Step kinds

  static func stepKindsList(context: CommandContext) -> String {
    let kinds = StepRegistry.all.map { type(of: $0).descriptor }
    var text = "Step kinds a procedure document may use (`kind:` of an orgwiz-step block):\n"
    for kind in kinds {
      text += "\n  \(kind.id): \(kind.title)\n"
      text += "    asks: " + keys(kind.questionKeys) + "\n"
      text += TextWrapper.wrap("    " + kind.summary, width: context.terminal.width) + "\n"
    }
    text += "\n`orgwiz rules --step-kinds KIND` shows one kind with its worked examples.\n"
    return text
  }

  static func stepKindsJSON() -> String {
    JSONWriter.string(
      .object(
        JSONObject([
          ("stepKinds", .array(StepRegistry.all.map { stepKindJSON(type(of: $0)) }))
        ])))
  }

  static func explainStepKind(
    _ id: String, json: Bool, context: CommandContext
  ) throws
    -> String
  {
    guard let handler = StepRegistry.handler(for: id) else {
      throw UnknownRegistryIDError(
        noun: "step kind", id: id, known: StepRegistry.all.map { type(of: $0).descriptor.id },
        listCommand: "orgwiz rules --step-kinds")
    }
    let kind = type(of: handler)
    if json { return JSONWriter.string(stepKindJSON(kind)) }
    let width = context.terminal.width
    var text = "\(kind.descriptor.id): \(kind.descriptor.title)\n\n"
    text += TextWrapper.wrap(kind.descriptor.summary, width: width) + "\n"
    text += "\nQuestion keys: " + keys(kind.descriptor.questionKeys) + "\n"
    text += "\nWorked examples (run as tests):\n"
    for example in kind.examples {
      text += TextWrapper.wrap("  - \(example.name).", width: width) + "\n"
    }
    return text
  }

  private static func stepKindJSON(_ kind: any StepHandler.Type) -> JSONValue {
    .object(
      JSONObject([
        ("id", .string(kind.descriptor.id)), ("title", .string(kind.descriptor.title)),
        ("summary", .string(kind.descriptor.summary)),
        ("questionKeys", .strings(kind.descriptor.questionKeys)),
        ("examples", .strings(kind.examples.map(\.name))),
      ]))
  }

  // MARK: Helpers

  private static func keys(_ keys: [String]) -> String {
    keys.isEmpty ? "nothing" : keys.joined(separator: ", ")
  }

  private static func padded(_ text: String, _ width: Int) -> String {
    text + String(repeating: " ", count: max(0, width - text.count))
  }

  private static func sorted(_ edits: [JSONPointer: JSONValue]) -> [(JSONPointer, JSONValue)] {
    edits.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
  }
}
