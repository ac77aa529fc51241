import Yams

/// Reads procedure documents: Markdown with YAML front matter, one `##` section per step, and
/// one fenced `orgwiz-step` YAML block in each step's section.
public enum ProcedureParser {
  /// The info string of the fenced block that binds a section to a step kind.
  public static let stepFence = "orgwiz-step"

  private static let frontMatterKeys: Set = [
    "id", "title", "version", "format-version", "summary", "example-answers", "grant",
  ]
  private static let stepKeys: Set = ["id", "kind", "console", "questions", "by-hand", "roles"]

  /// Parses a document.
  /// - Parameters:
  ///   - text: the document.
  ///   - file: its path, for messages.
  ///   - sha256: the document's SHA-256 as hex (of ``withoutByteOrderMark(_:)`` of its text),
  ///     computed where the file is read: the core does no hashing. Tests of the parser alone
  ///     leave it empty.
  public static func parse(
    _ text: String, file: String, sha256: String = ""
  ) throws(ProcedureError) -> Procedure {
    let text = withoutByteOrderMark(text)
    // "\r\n" is one Character in Swift, so CRLF files are split on it explicitly.
    let lines = text.split(
      omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }
    ).map { $0.hasSuffix("\r") ? String($0.dropLast()) : String($0) }
    guard lines.first == "---" else {
      throw ProcedureError(
        file: file, line: 1, "the document must start with a '---' line opening its front matter")
    }
    guard let closing = lines.indices.dropFirst().first(where: { lines[$0] == "---" }) else {
      throw ProcedureError(file: file, line: 1, "the front matter is never closed by a '---' line")
    }
    let frontYAML = lines[1..<closing].joined(separator: "\n")
    let front = try mapping(yaml: frontYAML, firstLine: 2, file: file, what: "the front matter")
    try rejectUnknownKeys(front, allowed: frontMatterKeys, file: file, what: "front matter")

    let formatVersion = try front.int("format-version", file: file) ?? 1
    if formatVersion > Procedure.supportedFormatVersion {
      throw ProcedureError(
        file: file, line: front.line(of: "format-version"),
        "the document uses procedure format version \(formatVersion), but this orgwiz reads "
          + "version \(Procedure.supportedFormatVersion) and older; upgrade orgwiz")
    }
    let grant = try self.grant(front, formatVersion: formatVersion, file: file)
    let id = try front.requiredString("id", file: file)
    try requireIdentifier(id, file: file, line: front.line(of: "id"), what: "procedure id")
    let title = try front.requiredString("title", file: file)
    let version = try front.requiredString("version", file: file)
    try requireOneLine(front, ["title", "version"], file: file)
    let summary = try front.string("summary", file: file) ?? ""

    let (examples, exampleLines) = try exampleAnswers(front, file: file)
    let body = Array(lines[(closing + 1)...])
    let sections = try splitSections(body, firstLine: closing + 2, file: file)
    let (steps, seenKeys) = try parseSteps(sections.steps, grant: grant, file: file)
    if steps.isEmpty {
      throw ProcedureError(
        file: file, line: min(closing + 2, lines.count),
        "the document has no steps; each step is a '##' section with a fenced "
          + "'\(stepFence)' block")
    }
    for key in examples.keys.sorted() where seenKeys[key] == nil {
      throw ProcedureError(
        file: file, line: exampleLines[key] ?? 1,
        "example answer '\(key)' is not a question key of this procedure; the keys are: "
          + steps.flatMap { $0.questions.map(\.key) }.joined(separator: ", "))
    }
    return Procedure(
      id: id, title: title, version: version, formatVersion: formatVersion, grant: grant,
      summary: summary, introduction: sections.introduction, steps: steps,
      exampleAnswers: examples, source: file, sha256: sha256)
  }

  /// The text the parser reads: a byte order mark, as some editors write, is no part of it (as
  /// for models). The document's SHA-256 is of this text.
  public static func withoutByteOrderMark(_ text: String) -> String {
    text.unicodeScalars.first == "\u{FEFF}" ? String(text.unicodeScalars.dropFirst()) : text
  }

  /// The document's grant: `grant:` of a format-2 document, one the facts table knows; a
  /// format-1 document means the Interaction Code grant and may not name one.
  private static func grant(
    _ front: LinedMapping, formatVersion: Int, file: String
  ) throws(ProcedureError) -> GrantFacts {
    guard let type = try front.string("grant", file: file) else {
      guard formatVersion < 2 else {
        throw ProcedureError(
          file: file, line: front.line(of: "format-version"),
          "a format-2 document names its grant: add 'grant: <grant type>' to the front matter "
            + "(one of: \(Grants.all.map(\.type).joined(separator: ", ")))")
      }
      return Grants.formatOneGrant
    }
    guard formatVersion >= 2 else {
      throw ProcedureError(
        file: file, line: front.line(of: "grant"),
        "'grant' needs procedure format version 2: add 'format-version: 2' to the front matter")
    }
    guard let facts = Grants.facts(for: type.trimmingWhitespace()) else {
      let known =
        Okta.grantTypes.contains(type)
        ? "is an Okta grant type orgwiz has no facts for" : "is not one of Okta's grant types"
      throw ProcedureError(
        file: file, line: front.line(of: "grant"),
        "grant '\(VisibleText.short(type))' \(known); the grants orgwiz knows are: "
          + Grants.all.map(\.type).joined(separator: ", "))
    }
    return facts
  }
  /// Refuses a line break or another control character in a field shown on one line (a
  /// listing line, a heading): it could print lines the document's author made up.
  private static func requireOneLine(
    _ front: LinedMapping, _ keys: [String], file: String
  ) throws(ProcedureError) {
    for key in keys {
      guard let text = front.scalarText(key),
        text.unicodeScalars.contains(where: { $0 == "\n" || VisibleText.needsShowing($0) })
      else { continue }
      throw ProcedureError(
        file: file, line: front.line(of: key),
        "'\(key)' must be one line of text without control characters: "
          + "'\(VisibleText.short(text))'")
    }
  }

  /// The front matter's `example-answers`, with the line of each.
  private static func exampleAnswers(
    _ front: LinedMapping, file: String
  ) throws(ProcedureError) -> ([String: String], [String: Int]) {
    var examples: [String: String] = [:]
    var lines: [String: Int] = [:]
    guard let node = front.node("example-answers") else { return (examples, lines) }
    let map = try mapping(
      node: node, lineOffset: front.lineOffset, file: file, what: "example-answers")
    for key in map.keys {
      guard let value = map.scalarText(key) else {
        throw ProcedureError(
          file: file, line: map.line(of: key), "example answer '\(key)' must be a single value")
      }
      examples[key] = value
      lines[key] = map.line(of: key)
    }
    return (examples, lines)
  }

  /// The steps of the sections, each id and question key used once.
  /// - Returns: the steps and, for each question key, the line of the block that asks it.
  private static func parseSteps(
    _ sections: [Section], grant: GrantFacts, file: String
  ) throws(ProcedureError) -> ([ProcedureStep], [String: Int]) {
    var steps: [ProcedureStep] = []
    var seenKeys: [String: Int] = [:]
    for section in sections {
      let step = try parseStep(section, grant: grant, file: file)
      if let earlier = steps.first(where: { $0.id == step.id }) {
        throw ProcedureError(
          file: file, line: section.blockLine,
          "step id '\(step.id)' is used twice (first at line \(earlier.line))")
      }
      for question in step.questions {
        if let earlier = seenKeys[question.key] {
          throw ProcedureError(
            file: file, line: section.blockLine,
            "question key '\(question.key)' is asked twice (first at line \(earlier))")
        }
        seenKeys[question.key] = section.blockLine
      }
      steps.append(step)
    }
    return (steps, seenKeys)
  }

  // MARK: Sections

  struct Section {
    var title: String
    var headingLine: Int
    var prose: [String]
    var block: String
    var blockLine: Int
  }

  private static func splitSections(
    _ lines: [String], firstLine: Int, file: String
  )
    throws(ProcedureError) -> (introduction: String, steps: [Section])
  {
    var introduction: [String] = []
    var sections: [Section] = []
    var current: (title: String, line: Int, prose: [String], block: [String]?, blockLine: Int)?
    var fence: (marker: String, isStep: Bool, line: Int)?

    func finish() throws(ProcedureError) {
      guard let section = current else { return }
      guard let block = section.block else {
        // A section without a step block is prose that belongs to the previous context.
        return
      }
      sections.append(
        Section(
          title: section.title, headingLine: section.line, prose: section.prose,
          block: block.joined(separator: "\n"), blockLine: section.blockLine))
    }

    for (offset, line) in lines.enumerated() {
      let number = firstLine + offset
      let trimmed = line.trimmingWhitespace()
      if let open = fence {
        if trimmed.hasPrefix(open.marker) && trimmed.allSatisfy({ $0 == open.marker.first }) {
          fence = nil
          if !open.isStep { current?.prose.append(line) }
        } else if open.isStep {
          current?.block?.append(line)
        } else if current != nil {
          current?.prose.append(line)
        } else {
          introduction.append(line)
        }
        continue
      }
      if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") {
        let marker = String(trimmed.prefix(while: { $0 == trimmed.first }))
        let info = String(trimmed.dropFirst(marker.count)).trimmingWhitespace()
        let isStep = info == stepFence
        if isStep {
          guard current != nil else {
            throw ProcedureError(
              file: file, line: number,
              "a '\(stepFence)' block must sit under a '##' step heading")
          }
          if current?.block != nil {
            throw ProcedureError(
              file: file, line: number,
              "a step section holds one '\(stepFence)' block; start a new '##' section for "
                + "the next step")
          }
          current?.block = []
          current?.blockLine = number
        } else if current != nil {
          current?.prose.append(line)
        } else {
          introduction.append(line)
        }
        fence = (marker, isStep, number)
        continue
      }
      if line.hasPrefix("## ") {
        try finish()
        current = (String(line.dropFirst(3)).trimmingWhitespace(), number, [], nil, number)
        continue
      }
      if current != nil {
        current?.prose.append(line)
      } else if !line.hasPrefix("# ") {
        introduction.append(line)
      }
    }
    if let open = fence {
      throw ProcedureError(
        file: file, line: open.line, "this fenced block is never closed")
    }
    try finish()
    return (trimmedBlock(introduction), sections)
  }

  private static func parseStep(
    _ section: Section, grant: GrantFacts, file: String
  ) throws(ProcedureError)
    -> ProcedureStep
  {
    let map = try mapping(
      yaml: section.block, firstLine: section.blockLine + 1, file: file,
      what: "the step block")
    try rejectUnknownKeys(map, allowed: stepKeys, file: file, what: "step block")
    let id = try map.requiredString("id", file: file)
    try requireIdentifier(id, file: file, line: map.line(of: "id"), what: "step id")
    let kind = try map.requiredString("kind", file: file)
    guard let handler = StepRegistry.handler(for: kind) else {
      throw ProcedureError(
        file: file, line: map.line(of: "kind"),
        "unknown step kind '\(kind)'; the kinds are: "
          + StepRegistry.all.map { type(of: $0).descriptor.id }.joined(separator: ", "))
    }
    let descriptor = type(of: handler).descriptor
    if let problem = type(of: handler).refusal(of: grant) {
      throw ProcedureError(
        file: file, line: map.line(of: "kind"),
        "step kind '\(kind)' cannot be used in a procedure for \(grant.type): \(problem)")
    }
    let console = try map.requiredString("console", file: file)
    let roles = try self.roles(map, kind: kind, file: file)

    let questions = try self.questions(
      map, descriptor: descriptor, kind: kind, id: id, blockLine: section.blockLine, file: file)
    let (byHand, byHandChecked) = try self.byHand(map, file: file)
    return ProcedureStep(
      id: id, kind: kind, title: section.title, prose: trimmedBlock(section.prose),
      console: console, byHand: byHand, byHandChecked: byHandChecked, questions: questions,
      roles: roles, line: section.headingLine)
  }

  /// The words of each question the kind asks (`questions:`), in the kind's order.
  private static func questions(
    _ map: LinedMapping, descriptor: StepDescriptor, kind: String, id: String, blockLine: Int,
    file: String
  ) throws(ProcedureError) -> [QuestionText] {
    var questions: [QuestionText] = []
    if let node = map.node("questions") {
      let questionMap = try mapping(
        node: node, lineOffset: map.lineOffset, file: file, what: "questions")
      for key in questionMap.keys {
        guard descriptor.questionKeys.contains(key) else {
          let valid =
            descriptor.questionKeys.isEmpty
            ? "it asks none" : "it asks: " + descriptor.questionKeys.joined(separator: ", ")
          throw ProcedureError(
            file: file, line: questionMap.line(of: key),
            "unknown question key '\(key)' for step kind '\(kind)'; \(valid)")
        }
        guard let textNode = questionMap.node(key) else { continue }
        let textMap = try mapping(
          node: textNode, lineOffset: map.lineOffset, file: file, what: "question '\(key)'")
        try rejectUnknownKeys(textMap, allowed: ["prompt", "help"], file: file, what: "question")
        questions.append(
          QuestionText(
            key: key, prompt: try textMap.requiredString("prompt", file: file),
            help: try textMap.string("help", file: file) ?? ""))
      }
    }
    let declared = Set(questions.map(\.key))
    if let missing = descriptor.questionKeys.first(where: { !declared.contains($0) }) {
      throw ProcedureError(
        file: file, line: blockLine,
        "step '\(id)' of kind '\(kind)' must give the words for question '\(missing)' "
          + "under 'questions:'")
    }
    questions.sort {
      descriptor.questionKeys.firstIndex(of: $0.key) ?? 0
        < descriptor.questionKeys.firstIndex(of: $1.key) ?? 0
    }

    return questions
  }

  /// The hand instructions (`by-hand:`), and which of them the model can check (`check:`).
  private static func byHand(
    _ map: LinedMapping, file: String
  ) throws(ProcedureError) -> ([String], [Bool]) {
    var byHand: [String] = []
    var byHandChecked: [Bool] = []
    if let node = map.node("by-hand") {
      guard case .sequence(let sequence) = node else {
        throw ProcedureError(
          file: file, line: map.line(of: "by-hand"), "'by-hand' must be a list of instructions")
      }
      for item in sequence {
        // `check: text` states what the model can show already holds; plain text is an
        // action nobody can see in the model (signing in, opening a page).
        var entry = item
        var checked = false
        if case .mapping(let mapping) = item, mapping.count == 1,
          mapping.keys.first?.scalar?.string == "check", let value = mapping.values.first
        {
          entry = value
          checked = true
        }
        guard let text = entry.scalar?.string else {
          throw ProcedureError(
            file: file, line: map.lineOffset + (item.mark?.line ?? 1) - 1,
            "each 'by-hand' entry must be one line of text, or 'check:' and one line of text")
        }
        byHand.append(text)
        byHandChecked.append(checked)
      }
    }
    return (byHand, byHandChecked)
  }

  /// The `roles:` of a `verify-permissions` step: admin role types Okta knows.
  private static func roles(
    _ map: LinedMapping, kind: String, file: String
  ) throws(ProcedureError) -> [String] {
    guard let node = map.node("roles") else { return [Okta.superAdmin] }
    let line = map.line(of: "roles")
    guard kind == VerifyPermissionsStep.descriptor.id else {
      throw ProcedureError(
        file: file, line: line, "'roles' belongs only to a 'verify-permissions' step")
    }
    let values: [String]
    if case .sequence(let sequence) = node {
      values = sequence.compactMap { $0.scalar?.string }
      guard values.count == sequence.count else {
        throw ProcedureError(file: file, line: line, "'roles' must be a list of role types")
      }
    } else if let one = node.scalar?.string {
      values = [one]
    } else {
      throw ProcedureError(file: file, line: line, "'roles' must be a list of role types")
    }
    guard !values.isEmpty else {
      throw ProcedureError(
        file: file, line: line, "'roles' names no role; leave it out for SUPER_ADMIN")
    }
    for role in values where !Okta.roleTypes.contains(role) {
      throw ProcedureError(
        file: file, line: line,
        "'\(VisibleText.short(role))' is not an Okta admin role type; the types are: "
          + Okta.roleTypes.joined(separator: ", "))
    }
    return values
  }

  // MARK: YAML helpers

  /// A YAML mapping with line numbers relative to the whole document.
  struct LinedMapping {
    var pairs: [(key: String, value: Node, line: Int)]
    var lineOffset: Int
    var fallbackLine: Int

    var keys: [String] { pairs.map(\.key) }
    func node(_ key: String) -> Node? { pairs.first { $0.key == key }?.value }
    func line(of key: String) -> Int { pairs.first { $0.key == key }?.line ?? fallbackLine }
    func scalarText(_ key: String) -> String? { node(key)?.scalar?.string }

    func string(_ key: String, file: String) throws(ProcedureError) -> String? {
      guard let node = node(key) else { return nil }
      guard let text = node.scalar?.string else {
        throw ProcedureError(file: file, line: line(of: key), "'\(key)' must be a single value")
      }
      return text
    }

    func requiredString(_ key: String, file: String) throws(ProcedureError) -> String {
      guard let text = try string(key, file: file), !text.trimmingWhitespace().isEmpty else {
        throw ProcedureError(file: file, line: fallbackLine, "'\(key)' is required")
      }
      return text
    }

    func int(_ key: String, file: String) throws(ProcedureError) -> Int? {
      guard let text = try string(key, file: file) else { return nil }
      guard let value = Int(text) else {
        throw ProcedureError(
          file: file, line: line(of: key), "'\(key)' must be a whole number, found '\(text)'")
      }
      return value
    }
  }

  static func mapping(
    yaml: String, firstLine: Int, file: String, what: String
  )
    throws(ProcedureError) -> LinedMapping
  {
    if let (line, kind) = YAMLGuard.firstReference(in: yaml) {
      let (reference, how) =
        kind == .alias
        ? ("a YAML alias (*name)", "a '*' that starts a value reads as one; reword it")
        : (
          "a YAML anchor (&name)",
          "'&' before a letter, after a space or at the start of a value, reads as one: "
            + "write 'and', or keep '&' inside a word, as in R&D"
        )
      throw ProcedureError(
        file: file, line: firstLine + line - 1,
        "\(what) uses \(reference), which procedure documents do not allow; write the value out "
          + "(\(how))")
    }
    let node: Node?
    do {
      node = try Yams.compose(yaml: yaml)
    } catch let error as YamlError {
      throw yamlProblem(error, firstLine: firstLine, file: file, what: what)
    } catch {
      throw ProcedureError(file: file, line: firstLine, "\(what) is not valid YAML: \(error)")
    }
    guard let node else {
      throw ProcedureError(file: file, line: firstLine, "\(what) is empty")
    }
    return try mapping(node: node, lineOffset: firstLine, file: file, what: what)
  }

  private static func mapping(
    node: Node, lineOffset: Int, file: String, what: String
  )
    throws(ProcedureError) -> LinedMapping
  {
    let line = lineOffset + (node.mark?.line ?? 1) - 1
    guard case .mapping(let map) = node else {
      throw ProcedureError(
        file: file, line: line, "\(what) must be a mapping of 'key: value' lines")
    }
    var pairs: [(String, Node, Int)] = []
    for (key, value) in map {
      guard let name = key.scalar?.string else {
        throw ProcedureError(file: file, line: line, "\(what) has a key that is not plain text")
      }
      pairs.append((name, value, lineOffset + (key.mark?.line ?? 1) - 1))
    }
    return LinedMapping(pairs: pairs, lineOffset: lineOffset, fallbackLine: line)
  }

  static func yamlProblem(
    _ error: YamlError, firstLine: Int, file: String, what: String
  )
    -> ProcedureError
  {
    switch error {
    case .scanner(_, let problem, let mark, let yaml), .parser(_, let problem, let mark, let yaml),
      .composer(_, let problem, let mark, let yaml):
      let line = YAMLGuard.documentLine(ofYAMLLine: mark.line, in: yaml)
      return ProcedureError(
        file: file, line: firstLine + line - 1, "\(what) is not valid YAML: \(problem)")
    case .duplicatedKeysInMapping(let duplicates, let context):
      let line = YAMLGuard.documentLine(ofYAMLLine: context.mark.line, in: context.text)
      return ProcedureError(
        file: file, line: firstLine + line - 1,
        "\(what) repeats the key(s) \(duplicates.joined(separator: ", "))")
    default:
      return ProcedureError(file: file, line: firstLine, "\(what) is not valid YAML: \(error)")
    }
  }

  private static func rejectUnknownKeys(
    _ map: LinedMapping, allowed: Set<String>, file: String, what: String
  ) throws(ProcedureError) {
    for key in map.keys where !allowed.contains(key) {
      throw ProcedureError(
        file: file, line: map.line(of: key),
        "unknown \(what) field '\(key)'; the fields are: \(allowed.sorted().joined(separator: ", "))"
      )
    }
  }

  private static func requireIdentifier(
    _ text: String, file: String, line: Int, what: String
  )
    throws(ProcedureError)
  {
    let valid =
      !text.isEmpty
      && text.unicodeScalars.allSatisfy { scalar in
        ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "-"
      }
    if !valid {
      throw ProcedureError(
        file: file, line: line,
        "\(what) '\(text)' must use only lowercase letters, digits and '-'")
    }
  }

  private static func trimmedBlock(_ lines: [String]) -> String {
    var slice = lines[...]
    while let first = slice.first, first.trimmingWhitespace().isEmpty { slice = slice.dropFirst() }
    while let last = slice.last, last.trimmingWhitespace().isEmpty { slice = slice.dropLast() }
    return slice.joined(separator: "\n")
  }
}
