/// Refuses YAML aliases (`*name`) before the text reaches the YAML library.
///
/// Procedure documents and answers files need no aliases, and an alias can make a tiny file
/// expand into billions of nodes ("billion laughs"): Yams compares mapping keys by value, so an
/// alias used as a key is walked in full while composing. The scan understands just enough YAML
/// to skip quoted text, comments and block scalars (`|`, `>`); plain text that merely starts
/// with `*` at the start of a node is refused too, and can be quoted instead.
enum YAMLGuard {
  /// The 1-based line (within `text`) of the first alias, or nil.
  static func firstAlias(in text: String) -> Int? {
    var blockIndent: Int?
    var flowDepth = 0
    let lines = text.split(
      omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
    for (offset, rawLine) in lines.enumerated() {
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
    for scalar in text.unicodeScalars {
      if ampersand && isAnchorNameCharacter(scalar) { return line }
      ampersand = tokenMayStart && scalar == "&"
      tokenMayStart =
        scalar.properties.isWhitespace || "\u{FEFF}[]{},:?".unicodeScalars.contains(scalar)
      if scalar == "\n" { line += 1 }
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
