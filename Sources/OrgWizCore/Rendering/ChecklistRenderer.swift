/// Renders a procedure as a checklist for doing it by hand, filled in with the org's names, with
/// a box ticked only where the model shows it already holds.
public enum ChecklistRenderer {
  /// How names from the model are written.
  public enum Style: Sendable, Equatable {
    /// Markdown for a file or a ticket: names are escaped (``Markdown/escape(_:)``), so none can
    /// break the Markdown or carry HTML.
    case markdown
    /// Text for a terminal: names as they are, with controls made visible
    /// (``VisibleText/visibleOnOneLine(_:)``) and no Markdown escapes or entities.
    case text
    /// Names as they are, for JSON (whose writer escapes what needs escaping).
    case raw

    func name(_ text: String) -> String {
      switch self {
      case .markdown: Markdown.escape(text)
      case .text: VisibleText.visibleOnOneLine(text)
      case .raw: text
      }
    }
  }

  /// Whether the model can tell that a step holds.
  public enum Check: Sendable, Equatable {
    /// The model shows whether the step holds.
    case known(holds: Bool)
    /// The model cannot show it; the reason completes "because …", e.g. "no operator is
    /// named (give --operator LOGIN)".
    case unknown(reason: String)
    /// The step does not apply to the choices made (the Org Authorization Server has no policy
    /// to open); the reason completes "Not needed: …".
    case notNeeded(reason: String)
  }

  /// One step of the checklist, filled in.
  public struct Entry: Sendable, Equatable {
    public var number: Int
    public var step: ProcedureStep
    public var check: Check
    /// The Admin Console path, with the org's names.
    public var console: String
    /// The hand instructions, with the org's names.
    public var items: [String]
    /// For each item, whether its box is ticked: the model shows the step holds and the item
    /// states something the model can show (`check:` in the document).
    public var ticked: [Bool]

    /// Whether the model shows the step holds, or the step is not needed (false also when the
    /// model cannot tell).
    public var done: Bool {
      switch check {
      case .known(let holds): holds
      case .notNeeded: true
      case .unknown: false
      }
    }
    /// Why the model cannot tell, or nil when it can.
    public var reason: String? {
      if case .unknown(let reason) = check { return reason }
      return nil
    }
    /// Why the step is not needed with the choices made, or nil when it is.
    public var notNeeded: String? {
      if case .notNeeded(let reason) = check { return reason }
      return nil
    }
  }

  /// The steps of the checklist with the org's names filled in.
  public static func entries(
    procedure: Procedure, state: RunState, style: Style = .markdown
  ) -> [Entry] {
    let values = placeholders(procedure: procedure, state: state)
    return procedure.steps.enumerated().compactMap { index, step in
      guard let handler = StepRegistry.handler(for: step.kind) else { return nil }
      let items = step.byHand.isEmpty ? [step.title] : step.byHand
      let checked = items.indices.map {
        step.byHandChecked.indices.contains($0) && step.byHandChecked[$0]
      }
      let check = self.check(step, handler: handler, checked: checked, state: state)
      if case .notNeeded = check {
        // No path and no boxes: they would send the admin to a page that does not exist.
        return Entry(
          number: index + 1, step: step, check: check, console: "", items: [], ticked: [])
      }
      let done = check == .known(holds: true)
      return Entry(
        number: index + 1, step: step, check: check,
        console: fill(step.console, values, style: style, literal: style == .markdown),
        items: items.map { fill($0, values, style: style, literal: false) },
        ticked: checked.map { done && $0 })
    }
  }

  /// Whether the model can tell that `step` holds, and why not when it cannot: the step's
  /// kind says when it is not needed or cannot be told with the choices made.
  static func check(
    _ step: ProcedureStep, handler: any StepHandler, checked: [Bool], state: RunState
  ) -> Check {
    let own = handler.checklistCheck(step, in: state)
    if case .notNeeded? = own, let own { return own }
    guard checked.contains(true) else {
      return .unknown(reason: "this step changes nothing the model records")
    }
    return own ?? .known(holds: handler.isSatisfied(step, in: state))
  }

  /// The checklist.
  /// - Parameters:
  ///   - state: the model, and the answers that pick the server, app, policy and rule.
  ///   - source: the model file, named in the header.
  ///   - style: `.markdown` for a file or a ticket, `.text` for a terminal.
  public static func render(
    procedure: Procedure, state: RunState, source: String, style: Style = .markdown
  ) -> String {
    let org = state.model.org
    let name = style.name
    var parts: [String] = []
    parts.append(
      "# \(name(procedure.title)): checklist for \(name(org.name)) (\(name(org.domain)))")
    parts.append(
      "Procedure \(name(procedure.id)) version \(name(procedure.version)) "
        + "(SHA-256 \(procedure.sha256)), filled in from \(name(source)). A box is ticked only "
        + "where the model shows it already holds; a step the model cannot check says why.")
    if !procedure.introduction.isEmpty { parts.append(procedure.introduction) }
    for entry in entries(procedure: procedure, state: state, style: style) {
      var text = "## Step \(entry.number): \(entry.step.title)\n\n"
      if let reason = entry.notNeeded {
        // A step that does not apply keeps only its heading and why.
        parts.append(text + "Not needed: \(reason).")
        continue
      }
      text +=
        style == .markdown
        ? "Admin Console: **\(entry.console)**\n" : "Admin Console: \(entry.console)\n"
      if !entry.step.prose.isEmpty { text += "\n\(entry.step.prose)\n" }
      text += "\n"
      text += zip(entry.items, entry.ticked).map { item, ticked in
        "- [\(ticked ? "x" : " ")] " + item
      }.joined(separator: "\n")
      switch entry.check {
      case .unknown(let reason):
        text += "\n\nNot ticked: cannot be checked from the model, because \(reason)."
      case .notNeeded:
        break
      case .known(holds: true) where entry.ticked.contains(false):
        text += "\n\nThe model shows this step holds; the empty boxes cannot be checked from it."
      case .known:
        break
      }
      parts.append(text)
    }
    return parts.joined(separator: "\n\n") + "\n"
  }

  /// The checklist in Markdown.
  public static func markdown(procedure: Procedure, state: RunState, source: String) -> String {
    render(procedure: procedure, state: state, source: source, style: .markdown)
  }

  /// The placeholder values of every step of the procedure, so any step may name any object.
  public static func placeholders(procedure: Procedure, state: RunState) -> [String: String] {
    var values: [String: String] = [:]
    for step in procedure.steps {
      guard let handler = StepRegistry.handler(for: step.kind) else { continue }
      values.merge(handler.placeholders(step, in: state)) { first, _ in first }
    }
    // A name of megabytes is shown by its beginning, as everywhere else.
    return values.mapValues { VisibleText.name($0) }
  }

  /// Replaces `{name}` placeholders with escaped values; unknown names stay as written.
  ///
  /// `{name|one|many}` is a count with its noun: `1 app`, `0 apps`, `2 apps`.
  public static func fill(
    _ template: String, _ values: [String: String],
    escape: (String) -> String = Markdown.escape
  ) -> String {
    fill(template, values, escape: escape, literal: { $0 })
  }

  static func fill(
    _ template: String, _ values: [String: String], style: Style, literal: Bool
  ) -> String {
    fill(template, values, escape: style.name, literal: literal ? style.name : { $0 })
  }

  private static func fill(
    _ template: String, _ values: [String: String], escape: (String) -> String,
    literal: (String) -> String
  ) -> String {
    var result = ""
    var rest = template[...]
    while let open = rest.firstIndex(of: "{") {
      result += literal(String(rest[..<open]))
      guard let close = rest[open...].firstIndex(of: "}") else {
        result += literal(String(rest[open...]))
        return result
      }
      let parts = rest[rest.index(after: open)..<close].split(
        separator: "|", omittingEmptySubsequences: false)
      if let value = values[String(parts[0])], parts.count == 1 || parts.count == 3 {
        result += escape(value)
        if parts.count == 3 {
          result += " " + literal(String(value == "1" ? parts[1] : parts[2]))
        }
      } else {
        result += literal(String(rest[open...close]))
      }
      rest = rest[rest.index(after: close)...]
    }
    return result + literal(String(rest))
  }
}
