import OrgWizJSON

/// Escaping for Markdown that is pasted into ticket systems.
public enum Markdown {
  /// Text from the model or an answer, made inert: it cannot break a table, start emphasis,
  /// a link or a code span, or carry HTML (every `<` and `&` becomes an entity, so no tag can
  /// start). Line breaks become spaces; other control characters, bidirectional controls and
  /// zero-width characters are made visible (``VisibleText``), e.g. `^[` or `<U+202E>`.
  public static func escape(_ text: String) -> String {
    let text = VisibleText.visible(
      text.unicodeScalars.contains("\r") ? text.replacingAll("\r\n", with: "\n") : text)
    var result = ""
    result.reserveCapacity(text.utf8.count)
    var previousWasBreak = false
    let scalars = Array(text.unicodeScalars)
    for (index, scalar) in scalars.enumerated() {
      if scalar == "_", index > 0, index + 1 < scalars.count,
        isWordScalar(scalars[index - 1]), isWordScalar(scalars[index + 1])
      {
        // An underscore inside a word (authorization_code) starts no emphasis in GFM.
        result.append("_")
        previousWasBreak = false
        continue
      }
      let isBreak = scalar == "\n"
      if isBreak {
        if !previousWasBreak { result.append(" ") }
        previousWasBreak = true
        continue
      }
      previousWasBreak = false
      switch scalar {
      case "<": result.append("&lt;")
      case "&": result.append("&amp;")
      case "\\", "`", "*", "_", "[", "]", "|", "~":
        result.append("\\")
        result.unicodeScalars.append(scalar)
      case "\t":
        result.append(" ")
      default:
        result.unicodeScalars.append(scalar)
      }
    }
    return result
  }

  private static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
    scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
  }

  /// Escaped text cut to at most `limit` UTF-16 units (which also bounds its code points, the
  /// other way ticket systems count), never inside an escape sequence or a character.
  public static func truncate(escaped text: String, limit: Int) -> String {
    guard text.utf16.count > limit else { return text }
    var result = ""
    var count = 0
    var index = text.startIndex
    while index < text.endIndex {
      let unit: Substring
      if text[index] == "\\", let next = text.index(index, offsetBy: 2, limitedBy: text.endIndex) {
        unit = text[index..<next]
      } else if text[index] == "&", let end = text[index...].firstIndex(of: ";"),
        text.distance(from: index, to: end) <= 5
      {
        unit = text[index...end]
      } else {
        unit = text[index...index]
      }
      if count + unit.utf16.count > limit - 1 { break }
      result += unit
      count += unit.utf16.count
      index = unit.endIndex
    }
    return result + "…"
  }

  /// A JSON value as one line of escaped text (compact JSON for containers).
  public static func value(_ value: JSONValue?) -> String {
    guard let value else { return "(absent)" }
    switch value {
    case .string(let text): return escape(text)
    case .array(let items) where items.allSatisfy({ $0.stringValue != nil }):
      return items.isEmpty
        ? "(empty)" : escape(items.compactMap(\.stringValue).joined(separator: ", "))
    default: return escape(JSONWriter.string(value, style: .compact))
    }
  }

  /// A fenced code block around `code`, its fence one backtick longer than the longest run of
  /// backticks inside (and at least three), so nothing inside can close it early.
  public static func codeBlock(_ code: String, language: String = "") -> String {
    var longest = 0
    var run = 0
    for character in code {
      run = character == "`" ? run + 1 : 0
      longest = max(longest, run)
    }
    let fence = String(repeating: "`", count: max(3, longest + 1))
    return "\(fence)\(language)\n\(code)\n\(fence)"
  }

  /// A code span around `text`, so an identifier is copied as it is (`__0Xk…` is not turned into
  /// `\_\_0Xk…`): shown on one line with control characters visible, `|` escaped for a table
  /// cell, and fenced by one backtick more than the longest run inside.
  public static func codeSpan(_ text: String) -> String {
    let shown = VisibleText.visibleOnOneLine(text).replacingAll("|", with: "\\|")
    var longest = 0
    var run = 0
    for character in shown {
      run = character == "`" ? run + 1 : 0
      longest = max(longest, run)
    }
    let fence = String(repeating: "`", count: longest + 1)
    let padded = shown.hasPrefix("`") || shown.hasSuffix("`") ? " \(shown) " : shown
    return fence + padded + fence
  }

  /// A table with escaped cells.
  public static func table(_ header: [String], _ rows: [[String]]) -> String {
    var lines = ["| " + header.joined(separator: " | ") + " |"]
    lines.append("|" + header.map { _ in "---|" }.joined())
    for row in rows { lines.append("| " + row.joined(separator: " | ") + " |") }
    return lines.joined(separator: "\n")
  }
}
