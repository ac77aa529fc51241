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
}
