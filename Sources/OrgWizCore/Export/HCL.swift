/// Writing HCL (Terraform's configuration language) as `terraform fmt` lays it out.
public enum HCL {
  /// A string as an HCL quoted template that stands for exactly that string: `\` and `"`
  /// escaped, newlines, tabs and other control characters as escapes, and the template
  /// introducers `${` and `%{` doubled (`$${`, `%%{`), so nothing in it is interpolated.
  public static func quoted(_ text: String) -> String {
    var out = "\""
    let scalars = Array(text.unicodeScalars)
    for (index, scalar) in scalars.enumerated() {
      let next = index + 1 < scalars.count ? scalars[index + 1] : nil
      switch scalar {
      case "\\": out += "\\\\"
      case "\"": out += "\\\""
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case "$" where next == "{": out += "$$"
      case "%" where next == "{": out += "%%"
      default:
        if scalar.value < 0x20 || scalar.value == 0x7F {
          let hex = String(scalar.value, radix: 16, uppercase: true)
          out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    return out + "\""
  }

  /// An expression.
  public indirect enum Value: Sendable, Equatable {
    case string(String)
    case bool(Bool)
    /// A number literal, as JSON wrote it.
    case number(String)
    case list([Value])
    /// A reference or other expression, written as it is (`okta_app_oauth.mobile`).
    case expression(String)

    var text: String {
      switch self {
      case .string(let text): HCL.quoted(text)
      case .bool(let flag): flag ? "true" : "false"
      case .number(let literal): literal
      case .list(let items): "[" + items.map(\.text).joined(separator: ", ") + "]"
      case .expression(let text): text
      }
    }
  }

  /// A line of a body.
  public enum Item: Sendable, Equatable {
    case attribute(String, Value)
    /// A nested block: its type, labels and body.
    case block(String, [String], [Item])
    /// A `#` comment line.
    case comment(String)
    case blank
  }

  /// A body's items as text, indented by `depth` levels of two spaces; the `=` of
  /// attributes on consecutive lines are aligned, as `terraform fmt` does.
  public static func render(_ items: [Item], depth: Int = 0) -> String {
    let indent = String(repeating: "  ", count: depth)
    var out = ""
    var index = 0
    while index < items.count {
      switch items[index] {
      case .attribute:
        var group: [(String, Value)] = []
        while index < items.count, case .attribute(let name, let value) = items[index] {
          group.append((name, value))
          index += 1
        }
        let width = group.map(\.0.count).max() ?? 0
        for (name, value) in group {
          out +=
            indent + name + String(repeating: " ", count: width - name.count) + " = "
            + value.text + "\n"
        }
        continue
      case .block(let type, let labels, let body):
        out += indent + ([type] + labels.map(quoted)).joined(separator: " ") + " {\n"
        out += render(body, depth: depth + 1)
        out += indent + "}\n"
      case .comment(let text):
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
          // Text from the model: no control character reaches the file raw.
          out += indent + (line.isEmpty ? "#" : "# " + VisibleText.visible(String(line))) + "\n"
        }
      case .blank:
        out += "\n"
      }
      index += 1
    }
    return out
  }
}
