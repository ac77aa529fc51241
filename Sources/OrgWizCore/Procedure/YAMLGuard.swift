/// Refuses YAML aliases (`*name`) before the text reaches the YAML library.
///
/// Procedure documents and answers files need no aliases, and an alias can make a tiny file
/// expand into billions of nodes ("billion laughs"): Yams compares mapping keys by value, so an
/// alias used as a key is walked in full while composing. The scan understands just enough YAML
/// to skip quoted text, comments and block scalars (`|`, `>`); plain text that merely starts
/// with `*` at the start of a node is refused too, and can be quoted instead.
///
/// Both scans start after the leading lines that ``YAMLWriter`` writes (``writtenLines(in:)``),
/// which hold neither anchors nor aliases however hostile their values and comments are.
public enum YAMLGuard {
  /// What the guard refuses.
  public enum Reference: Sendable {
    /// `*name`.
    case alias
    /// `&name`.
    case anchor
  }

  /// The first alias, else the first anchor, and its 1-based line (within `text`); nil when
  /// there is neither. Every YAML file orgwiz reads (procedure documents, answers files,
  /// okta.yaml) goes through this before the YAML library sees it.
  public static func firstReference(in text: String) -> (line: Int, kind: Reference)? {
    if let line = firstAlias(in: text) { return (line, .alias) }
    if let line = firstAnchor(in: text) { return (line, .anchor) }
    return nil
  }

  /// The 1-based line (within `text`) of the first alias, or nil.
  static func firstAlias(in text: String) -> Int? {
    var blockIndent: Int?
    var flowDepth = 0
    let lines = text.split(
      omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
    let skipped = writtenLines(in: text)
    for (offset, rawLine) in lines.enumerated() where offset >= skipped {
      let line = Array(rawLine.unicodeScalars)
      let indent = line.prefix { $0 == " " }.count
      let content = line.dropFirst(indent)
      if let open = blockIndent {
        if content.isEmpty || content.allSatisfy({ $0 == " " || $0 == "\r" }) || indent > open {
          continue
        }
        blockIndent = nil
      }
      var quote: Unicode.Scalar?
      var previous: Unicode.Scalar?  // the last character that was not a space
      var index = content.startIndex
      while index < content.endIndex {
        let character = content[index]
        defer { index = content.index(after: index) }
        if let open = quote {
          if character == open { quote = nil }
          continue
        }
        switch character {
        case "\"", "'":
          if previous == nil || ["-", ":", "?", "[", "{", ","].contains(previous) {
            quote = character
          }
        case "#" where previous == nil || content[content.index(before: index)] == " ":
          index = content.index(before: content.endIndex)
        case "[", "{":
          flowDepth += 1
        case "]", "}":
          flowDepth = max(0, flowDepth - 1)
        case "*":
          let startsNode =
            previous == nil || ["-", ":", "?", "[", "{"].contains(previous)
            || (previous == "," && flowDepth > 0)
          if startsNode { return offset + 1 }
        case "|", ">":
          // A block scalar indicator ends the line's content (after optional modifiers).
          if previous == nil || previous == ":" || previous == "-" {
            let rest = content[content.index(after: index)...]
            let modifiers = rest.prefix { "+-0123456789".unicodeScalars.contains($0) }
            let tail = rest.dropFirst(modifiers.count).drop { $0 == " " }
            if tail.isEmpty || tail.first == "#" { blockIndent = indent }
          }
        default:
          break
        }
        if character != " " { previous = character }
      }
    }
    return nil
  }

  /// The 1-based line of the first `&name` that libyaml could read as an anchor, or nil.
  ///
  /// Without an anchor every alias is an undefined-alias error that stops Yams at once, so this
  /// also closes whatever ``firstAlias(in:)`` misreads. libyaml starts an anchor only at a line
  /// start or after whitespace, a BOM or one of `[ ] { } , : ?`; its names are ASCII letters,
  /// digits, `-` and `_`. Prose such as `R&D` or `Q & A` passes.
  static func firstAnchor(in text: String) -> Int? {
    var line = 1
    var tokenMayStart = true
    var ampersand = false
    let skipped = writtenLines(in: text)
    for scalar in text.unicodeScalars {
      if line <= skipped {
        if scalar == "\n" { line += 1 }
        continue
      }
      if ampersand && isAnchorNameCharacter(scalar) { return line }
      ampersand = tokenMayStart && scalar == "&"
      tokenMayStart =
        scalar.properties.isWhitespace || "\u{FEFF}[]{},:?".unicodeScalars.contains(scalar)
      if scalar == "\n" { line += 1 }
    }
    return nil
  }

  /// How many lines at the start of `text` have exactly the shapes ``YAMLWriter`` writes: blank,
  /// a whole-line comment, or `KEY: "VALUE"` with an optional comment, where KEY is plain
  /// (letters, digits, `-`, `_`) or double-quoted and VALUE double-quoted (escapes allowed, no
  /// raw `"`). None holds a line break YAML knows but the scan does not (CR, NEL, LS, PS).
  ///
  /// libyaml reads such a line with nothing open before it, and so with nothing open after it:
  /// its scalars close on the line, and the rest is a comment. So none of these lines can hold
  /// an anchor or an alias, whatever the quoted text and the comments say.
  static func writtenLines(in text: String) -> Int {
    var count = 0
    var scalars = text.unicodeScalars[...]
    if scalars.first == "\u{FEFF}" { scalars = scalars.dropFirst() }
    while !scalars.isEmpty {
      let end = scalars.firstIndex(of: "\n") ?? scalars.endIndex
      guard isWrittenLine(scalars[..<end]) else { break }
      count += 1
      scalars = end == scalars.endIndex ? scalars[end...] : scalars[scalars.index(after: end)...]
    }
    return count
  }

  private static func isWrittenLine(_ line: Substring.UnicodeScalarView) -> Bool {
    if line.contains(where: { ["\r", "\u{85}", "\u{2028}", "\u{2029}"].contains($0) }) {
      return false
    }
    var rest = line.drop { $0 == " " }
    if rest.isEmpty || rest.first == "#" { return true }
    rest = line[...]
    // The key: double-quoted, or plain and made of name characters only.
    if rest.first == "\"" {
      guard let after = closingQuote(rest) else { return false }
      rest = after
    } else {
      let name = rest.prefix { isAnchorNameCharacter($0) }
      if name.isEmpty { return false }
      rest = rest.dropFirst(name.count)
    }
    guard rest.starts(with: ": \"".unicodeScalars) else { return false }
    guard let after = closingQuote(rest.dropFirst(2)) else { return false }
    rest = after
    // Nothing after the value but spaces, or spaces and a comment.
    let spaces = rest.prefix { $0 == " " }.count
    rest = rest.dropFirst(spaces)
    return rest.isEmpty || (spaces > 0 && rest.first == "#")
  }

  /// What follows the double-quoted scalar that `text` starts with, or nil when it does not
  /// close on this line.
  private static func closingQuote(
    _ text: Substring.UnicodeScalarView
  ) -> Substring.UnicodeScalarView? {
    var index = text.index(after: text.startIndex)
    while index < text.endIndex {
      switch text[index] {
      case "\"": return text[text.index(after: index)...]
      case "\\":
        index = text.index(after: index)
        if index == text.endIndex { return nil }
      default: break
      }
      index = text.index(after: index)
    }
    return nil
  }

  private static func isAnchorNameCharacter(_ scalar: Unicode.Scalar) -> Bool {
    ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
      || scalar == "-" || scalar == "_"
  }

  /// The line of `text` (counting only `\n` line ends) that holds libyaml's line `yamlLine`.
  ///
  /// libyaml also ends lines at a lone CR, NEL, LS and PS, which the document's own line count
  /// (and every editor's) does not; its line numbers are mapped back through this.
  static func documentLine(ofYAMLLine yamlLine: Int, in text: String) -> Int {
    var yamlCount = 1
    var documentCount = 1
    var previousWasCR = false
    for scalar in text.unicodeScalars {
      if yamlCount >= yamlLine { break }
      switch scalar {
      case "\n":
        if !previousWasCR { yamlCount += 1 }
        documentCount += 1
      case "\r", "\u{85}", "\u{2028}", "\u{2029}":
        yamlCount += 1
      default:
        break
      }
      previousWasCR = scalar == "\r"
    }
    return documentCount
  }
}
