/// Renders a procedure as a Markdown checklist for doing it by hand, filled in with the org's
/// names, with the boxes of steps that already hold ticked.
public enum ChecklistRenderer {
  /// One step of the checklist, filled in.
  public struct Entry: Sendable, Equatable {
    public var number: Int
    public var step: ProcedureStep
    /// Whether the step already holds in the model.
    public var done: Bool
    /// The Admin Console path, with the org's names.
    public var console: String
    /// The hand instructions, with the org's names.
    public var items: [String]
  }

  /// The steps of the checklist with the org's names filled in.
  /// - Parameter markdown: whether the texts are for Markdown (names escaped) or plain.
  public static func entries(
    procedure: Procedure, state: RunState, markdown: Bool = true
  ) -> [Entry] {
    let values = placeholders(procedure: procedure, state: state)
    let escape: (String) -> String = { markdown ? Markdown.escape($0) : $0 }
    return procedure.steps.enumerated().compactMap { index, step in
      guard let handler = StepRegistry.handler(for: step.kind) else { return nil }
      let items = step.byHand.isEmpty ? [step.title] : step.byHand
      return Entry(
        number: index + 1, step: step, done: handler.isSatisfied(in: state),
        console: fill(escape(step.console), values, escape: escape),
        items: items.map { fill($0, values, escape: escape) })
    }
  }

  /// The checklist.
  /// - Parameters:
  ///   - state: the model, and the answers that pick the server, app, policy and rule.
  ///   - source: the model file, named in the header.
  public static func markdown(procedure: Procedure, state: RunState, source: String) -> String {
    let org = state.model.org
    var parts: [String] = []
    parts.append(
      "# \(Markdown.escape(procedure.title)): checklist for \(Markdown.escape(org.name)) "
        + "(\(Markdown.escape(org.domain)))")
    parts.append(
      "Procedure \(Markdown.escape(procedure.id)) version \(Markdown.escape(procedure.version)) "
        + "(SHA-256 \(procedure.sha256)), filled in from \(Markdown.escape(source)). A ticked box "
        + "already holds in the model.")
    if !procedure.introduction.isEmpty { parts.append(procedure.introduction) }
    for entry in entries(procedure: procedure, state: state) {
      var text = "## Step \(entry.number): \(entry.step.title)\n\n"
      text += "Admin Console: **\(entry.console)**\n"
      if !entry.step.prose.isEmpty { text += "\n\(entry.step.prose)\n" }
      text += "\n"
      text += entry.items.map { item in
        "- [\(entry.done ? "x" : " ")] " + item
      }.joined(separator: "\n")
      parts.append(text)
    }
    return parts.joined(separator: "\n\n") + "\n"
  }

  /// The placeholder values of every step of the procedure, so any step may name any object.
  public static func placeholders(procedure: Procedure, state: RunState) -> [String: String] {
    var values: [String: String] = [:]
    for step in procedure.steps {
      guard let handler = StepRegistry.handler(for: step.kind) else { continue }
      values.merge(handler.placeholders(in: state)) { first, _ in first }
    }
    return values
  }

  /// Replaces `{name}` placeholders with escaped values; unknown names stay as written.
  public static func fill(
    _ template: String, _ values: [String: String],
    escape: (String) -> String = Markdown.escape
  ) -> String {
    var result = ""
    var rest = template[...]
    while let open = rest.firstIndex(of: "{") {
      result += rest[..<open]
      guard let close = rest[open...].firstIndex(of: "}") else {
        result += rest[open...]
        return result
      }
      let name = String(rest[rest.index(after: open)..<close])
      if let value = values[name] {
        result += escape(value)
      } else {
        result += rest[open...close]
      }
      rest = rest[rest.index(after: close)...]
    }
    return result + rest
  }
}
