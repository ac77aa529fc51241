/// The one way orgwiz writes YAML (recorded answers): every scalar double-quoted with escapes,
/// and comments on one line with their control characters made visible, so that whatever a
/// label or an id holds, the file reads back to exactly the same values and passes
/// ``YAMLGuard`` (whose strict scan of anchors and aliases starts after such lines).
enum YAMLWriter {
  /// One `key: "value"` line, with an optional comment after it. The key is written bare when
  /// it is a plain name (`app-grant`: letters, digits, `-` and `_`, starting with a letter or a
  /// digit), as people write keys, and double-quoted otherwise.
  static func entry(key: String, value: String, comment: String? = nil) -> String {
    let plainKey =
      key.unicodeScalars.first.map(isNameStart) == true
      && key.unicodeScalars.allSatisfy { isNameStart($0) || $0 == "-" || $0 == "_" }
    let line = "\(plainKey ? key : scalar(key)): \(scalar(value))"
    guard let comment else { return line }
    return line + "  " + self.comment(comment)
  }

  /// `# text` on one line: line breaks and control characters shown visibly (`^J`, `^[`,
  /// `<U+2028>`), as YAML ends a comment at any of its line breaks.
  static func comment(_ text: String) -> String {
    "# " + VisibleText.visibleOnOneLine(text)
  }

  /// A double-quoted scalar: never read as a boolean, a number, an anchor or a comment. `"`
  /// and `\` are escaped, and every character YAML may not hold raw or that would show as
  /// something else (controls, line breaks, bidirectional and zero-width characters,
  /// noncharacters) is written as an escape.
  static func scalar(_ text: String) -> String {
    var result = "\""
    result.reserveCapacity(text.utf8.count + 2)
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": result += "\\\""
      case "\\": result += "\\\\"
      case "\n": result += "\\n"
      case "\t": result += "\\t"
      case "\r": result += "\\r"
      default:
        if VisibleText.needsShowing(scalar) || scalar.value == 0xFFFE || scalar.value == 0xFFFF {
          result += escape(scalar)
        } else {
          result.unicodeScalars.append(scalar)
        }
      }
    }
    return result + "\""
  }

  private static func isNameStart(_ scalar: Unicode.Scalar) -> Bool {
    ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
  }

  /// `\xHH` for a code point below 256, else `\uHHHH`.
  private static func escape(_ scalar: Unicode.Scalar) -> String {
    let hex = String(scalar.value, radix: 16, uppercase: true)
    if scalar.value < 0x100 { return "\\x" + (hex.count < 2 ? "0" : "") + hex }
    return "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
  }
}
