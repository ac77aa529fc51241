/// A record as structured blocks, so that one content renders as GitHub-flavoured Markdown and
/// as plain text (for ticket fields that show no Markdown) alike. Every string in a block is
/// plain text; each formatter escapes it its own way.
public enum Block: Sendable, Equatable {
  case heading(level: Int, String)
  case paragraph([Inline])
  /// A list; each item may carry indented detail lines.
  case list([ListItem], ordered: Bool)
  case table(header: [String], rows: [[[Inline]]])
  case code(String, language: String)
}

/// A run of text within a block.
public enum Inline: Sendable, Equatable {
  case text(String)
  case strong(String)
  /// An identifier to be copied exactly (a request id): a code span in Markdown.
  case code(String)
}

/// One item of a list, with detail lines shown indented under it.
public struct ListItem: Sendable, Equatable {
  public var content: [Inline]
  public var details: [[Inline]]

  public init(_ content: [Inline], details: [[Inline]] = []) {
    self.content = content
    self.details = details
  }
}

extension ListItem {
  /// Items as list lines, their details indented under them, in either format (`line`
  /// renders a run of inline text).
  static func lines(_ items: [ListItem], ordered: Bool, line: ([Inline]) -> String) -> String {
    items.enumerated().map { index, item in
      let marker = ordered ? "\(index + 1). " : "- "
      let indent = String(repeating: " ", count: marker.count)
      return ([marker + line(item.content)] + item.details.map { indent + "- " + line($0) })
        .joined(separator: "\n")
    }.joined(separator: "\n")
  }
}

extension Inline {
  /// Plain text as an inline run (a convenience for building blocks).
  public static func plain(_ text: String) -> [Inline] { [.text(text)] }
}

extension Array where Element == Inline {
  /// Plain text as an inline run.
  public static func plain(_ text: String) -> [Inline] { [.text(text)] }
}

/// The formats a record is written in.
public enum RecordFormat: String, Sendable, CaseIterable {
  case markdown
  case text

  /// Renders blocks in this format.
  public func render(_ blocks: [Block], titleLimit: Int? = nil) -> String {
    switch self {
    case .markdown: MarkdownFormatter.render(blocks, titleLimit: titleLimit)
    case .text: TextFormatter.render(blocks, titleLimit: titleLimit)
    }
  }
}

/// Blocks as GitHub-flavoured Markdown: values escaped so they cannot break a table, start
/// emphasis or carry HTML; items' details as nested lists.
enum MarkdownFormatter {
  static func render(_ blocks: [Block], titleLimit: Int?) -> String {
    blocks.map { block in
      switch block {
      case .heading(let level, let text):
        let escaped = Markdown.escape(text)
        let shown =
          level == 1 && titleLimit != nil
          ? Markdown.truncate(escaped: escaped, limit: titleLimit ?? 0) : escaped
        return String(repeating: "#", count: level) + " " + shown
      case .paragraph(let inline):
        return line(inline)
      case .list(let items, let ordered):
        return ListItem.lines(items, ordered: ordered, line: line)
      case .table(let header, let rows):
        return Markdown.table(header.map(Markdown.escape), rows.map { $0.map(line) })
      case .code(let code, let language):
        return Markdown.codeBlock(code, language: language)
      }
    }.joined(separator: "\n\n") + "\n"
  }

  static func line(_ inline: [Inline]) -> String {
    inline.map { run in
      switch run {
      case .text(let text): Markdown.escape(text)
      case .strong(let text): "**" + Markdown.escape(text) + "**"
      case .code(let text): text.isEmpty ? "" : Markdown.codeSpan(text)
      }
    }.joined()
  }
}

/// Blocks as plain text, readable in a text field that renders nothing: underlined headings,
/// aligned tables, indented code; control, bidirectional and zero-width characters visible.
enum TextFormatter {
  static func render(_ blocks: [Block], titleLimit: Int?) -> String {
    blocks.map { block in
      switch block {
      case .heading(let level, let text):
        var shown = VisibleText.visibleOnOneLine(text)
        if level == 1, let titleLimit, shown.utf16.count > titleLimit {
          shown = String(shown.prefix(max(0, titleLimit - 1))) + "…"
          while shown.utf16.count > titleLimit { shown = String(shown.dropLast(2)) + "…" }
        }
        switch level {
        case 1: return shown + "\n" + String(repeating: "=", count: max(3, shown.count))
        case 2: return shown + "\n" + String(repeating: "-", count: max(3, shown.count))
        default: return shown + ":"
        }
      case .paragraph(let inline):
        return line(inline)
      case .list(let items, let ordered):
        return ListItem.lines(items, ordered: ordered, line: line)
      case .table(let header, let rows):
        return table(header.map(VisibleText.visibleOnOneLine), rows.map { $0.map(line) })
      case .code(let code, _):
        return code.split(separator: "\n", omittingEmptySubsequences: false).map {
          "    " + VisibleText.visibleOnOneLine(String($0))
        }.joined(separator: "\n")
      }
    }.joined(separator: "\n\n") + "\n"
  }

  static func line(_ inline: [Inline]) -> String {
    inline.map { run in
      switch run {
      case .text(let text): VisibleText.visibleOnOneLine(text)
      case .strong(let text): VisibleText.visibleOnOneLine(text).uppercased()
      case .code(let text): VisibleText.visibleOnOneLine(text)
      }
    }.joined()
  }

  /// A two-column table as `name: value` lines; a wider one as aligned columns.
  static func table(_ header: [String], _ rows: [[String]]) -> String {
    if header.count == 2 {
      return rows.map { "\($0.first ?? ""): \($0.dropFirst().first ?? "")" }.joined(
        separator: "\n")
    }
    let all = [header] + rows
    let widths = header.indices.map { column in
      all.map { column < $0.count ? $0[column].count : 0 }.max() ?? 0
    }
    func format(_ row: [String]) -> String {
      row.enumerated().map { column, cell in
        column == row.count - 1
          ? cell : cell + String(repeating: " ", count: max(0, widths[column] - cell.count))
      }.joined(separator: "  ").trimmingTrailingSpaces()
    }
    return
      ([format(header), format(widths.map { String(repeating: "-", count: max(1, $0)) })]
      + rows.map(format)).joined(separator: "\n")
  }
}

extension String {
  fileprivate func trimmingTrailingSpaces() -> String {
    var text = self
    while text.last == " " { text.removeLast() }
    return text
  }
}
