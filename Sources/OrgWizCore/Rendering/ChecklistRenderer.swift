/// Renders a procedure as a Markdown checklist for doing it by hand, filled in with the org's
/// names, with the boxes of steps that already hold ticked.
public enum ChecklistRenderer {
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
    let values = placeholders(procedure: procedure, state: state)
    for (index, step) in procedure.steps.enumerated() {
      guard let handler = StepRegistry.handler(for: step.kind) else { continue }
      let done = handler.isSatisfied(in: state)
      var text = "## Step \(index + 1): \(step.title)\n\n"
      text += "Admin Console: **\(fill(Markdown.escape(step.console), values))**\n"
      if !step.prose.isEmpty { text += "\n\(step.prose)\n" }
      text += "\n"
      let items = step.byHand.isEmpty ? [step.title] : step.byHand
      text += items.map { item in
        "- [\(done ? "x" : " ")] " + fill(item, values)
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
