import OrgWizJSON

/// Escaping for Markdown that is pasted into ticket systems.
public enum Markdown {
  /// Text from the model or an answer, made inert: it cannot break a table, start emphasis,
  /// a link or a code span, or carry HTML (every `<` and `&` becomes an entity, so no tag can
  /// start). Line breaks become spaces.
  public static func escape(_ text: String) -> String {
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
      let isBreak = scalar == "\n" || scalar == "\r" || scalar == "\u{2028}" || scalar == "\u{2029}"
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
      default:
        if scalar.properties.generalCategory == .control {
          result.append(" ")
        } else {
          result.unicodeScalars.append(scalar)
        }
      }
    }
    return result
  }

  private static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
    scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
  }

  /// Escaped text cut to at most `limit` characters, never inside an escape sequence.
  public static func truncate(escaped text: String, limit: Int) -> String {
    guard text.count > limit else { return text }
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
      if count + unit.count > limit - 1 { break }
      result += unit
      count += unit.count
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

  /// A table with escaped cells.
  public static func table(_ header: [String], _ rows: [[String]]) -> String {
    var lines = ["| " + header.joined(separator: " | ") + " |"]
    lines.append("|" + header.map { _ in "---|" }.joined())
    for row in rows { lines.append("| " + row.joined(separator: " | ") + " |") }
    return lines.joined(separator: "\n")
  }
}
