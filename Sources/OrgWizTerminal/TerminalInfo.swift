import OrgWizCore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Facts about the terminal, read once at start.
public struct TerminalInfo: Sendable, Equatable {
  public var stdinIsTerminal: Bool
  public var stdoutIsTerminal: Bool
  public var stderrIsTerminal: Bool
  /// Columns of the terminal, or 80.
  public var width: Int

  public init(stdinIsTerminal: Bool, stdoutIsTerminal: Bool, stderrIsTerminal: Bool, width: Int) {
    self.stdinIsTerminal = stdinIsTerminal
    self.stdoutIsTerminal = stdoutIsTerminal
    self.stderrIsTerminal = stderrIsTerminal
    self.width = width
  }

  /// The terminal this process runs in.
  public static func current(environment: [String: String]) -> TerminalInfo {
    var width = 80
    if let columns = measuredWidth() {
      width = columns
    } else if let columns = environment["COLUMNS"].flatMap(Int.init), columns > 0 {
      width = columns
    }
    return TerminalInfo(
      stdinIsTerminal: isatty(0) == 1, stdoutIsTerminal: isatty(1) == 1,
      stderrIsTerminal: isatty(2) == 1, width: width)
  }

  /// The columns of the terminal on standard error right now, or nil when it is not a terminal.
  /// Asked again as the run goes, so text follows a resized window.
  public static func measuredWidth(of descriptor: Int32 = 2) -> Int? {
    var size = winsize()
    guard ioctl(descriptor, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
    return Int(size.ws_col)
  }

  /// No terminal at all (tests, pipes).
  public static let none = TerminalInfo(
    stdinIsTerminal: false, stdoutIsTerminal: false, stderrIsTerminal: false, width: 80)

  /// Whether colour may be used on a stream: a terminal, `TERM` set and not `dumb`, `NO_COLOR`
  /// unset or empty, and no `--no-color`.
  public static func colorEnabled(
    streamIsTerminal: Bool, noColorFlag: Bool, environment: [String: String]
  ) -> Bool {
    if noColorFlag || !streamIsTerminal { return false }
    if let value = environment["NO_COLOR"], !value.isEmpty { return false }
    // No TERM at all says as little about the terminal as TERM=dumb.
    let term = environment["TERM"] ?? ""
    return !term.isEmpty && term != "dumb"
  }
}

/// Minimal ANSI styling; meaning never depends on it.
public struct Style: Sendable {
  public var enabled: Bool

  public init(enabled: Bool) { self.enabled = enabled }

  public func bold(_ text: String) -> String { wrap(text, "1") }
  public func red(_ text: String) -> String { wrap(text, "31") }
  public func yellow(_ text: String) -> String { wrap(text, "33") }
  public func green(_ text: String) -> String { wrap(text, "32") }
  public func dim(_ text: String) -> String { wrap(text, "2") }

  private func wrap(_ text: String, _ code: String) -> String {
    enabled ? Self.mark(code) + text + Self.mark("0") : text
  }

  /// The codes `Style` uses (SGR: bold, red, yellow, green, dim, reset).
  static let codes = ["1", "31", "33", "32", "2", "0"]

  /// Style does not write escape sequences into text: it writes a mark that only this process
  /// knows (private-use characters with a random part, chosen at start), which a ``TextSink``
  /// turns into the colour after it has made every control character of the text visible. A
  /// label holding `ESC[31m` is therefore shown as `^[[31m`, never obeyed, and cannot forge a
  /// mark it cannot know.
  static let nonce: String = {
    var generator = SystemRandomNumberGenerator()
    let scalars = (0..<8).compactMap { _ in
      Unicode.Scalar(0xE000 + UInt32.random(in: 0..<0x1000, using: &generator))
    }
    return String(String.UnicodeScalarView(scalars))
  }()

  static func mark(_ code: String) -> String { "\u{F8FF}" + nonce + code + "\u{F8FE}" }

  /// The escape sequences a sink writes for Style's marks: the only ones that ever reach the
  /// terminal.
  public static var sequences: [String] { marks.map(\.sequence) }

  /// Each mark and the escape sequence it stands for.
  static let marks: [(mark: String, sequence: String)] =
    codes.map { (mark($0), "\u{1B}[\($0)m") } + [(mark("K"), "\r\u{1B}[K")]

  /// Back to the start of the line and clear it: what a line redrawn in place (a progress
  /// line at a terminal) starts with. A mark like the colours', so a sink lets it through while
  /// it shows every control character of the text itself.
  public static let redrawLine = mark("K")
}

/// Wraps prose to a width: paragraphs are reflowed, list items start new lines, blank lines
/// and fenced blocks are kept.
public enum TextWrapper {
  public static func wrap(_ text: String, width: Int) -> String {
    let limit = max(width, 20)
    var output: [String] = []
    var chunk: String?
    var inFence = false
    func flush() {
      if let current = chunk { output.append(wrapLine(current, limit: limit)) }
      chunk = nil
    }
    for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
      let line = String(rawLine)
      let trimmed = line.trimmingWhitespace()
      if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") {
        flush()
        inFence.toggle()
        output.append(line)
      } else if inFence {
        output.append(line)
      } else if trimmed.isEmpty {
        flush()
        output.append("")
      } else if startsItem(trimmed) || chunk == nil {
        flush()
        chunk = line
      } else {
        chunk? += " " + trimmed
      }
    }
    flush()
    return output.joined(separator: "\n")
  }

  /// Each line wrapped on its own at word boundaries (continuations under its text), never
  /// joined with the next: for output whose line breaks mean something (reviews, lists).
  public static func wrapLines(_ text: String, width: Int) -> String {
    let limit = max(width, 20)
    return text.split(separator: "\n", omittingEmptySubsequences: false).map {
      wrapLine(String($0), limit: limit)
    }.joined(separator: "\n")
  }

  private static func startsItem(_ line: String) -> Bool {
    if line.hasPrefix("- ") || line.hasPrefix("* ") || line.hasPrefix("> ") || line.hasPrefix("#") {
      return true
    }
    let digits = line.prefix(while: \.isNumber)
    return !digits.isEmpty && line.dropFirst(digits.count).hasPrefix(". ")
  }

  private static func wrapLine(_ line: String, limit: Int) -> String {
    guard line.count > limit else { return line }
    let indent = String(line.prefix(while: { $0 == " " }))
    let body = line.dropFirst(indent.count)
    // Continuation lines of a list item start under its text: "- " or "12. ".
    let digits = body.prefix(while: \.isNumber)
    let hanging =
      body.hasPrefix("- ") || body.hasPrefix("* ")
      ? "  "
      : !digits.isEmpty && body.dropFirst(digits.count).hasPrefix(". ")
        ? String(repeating: " ", count: digits.count + 2) : ""
    var lines: [String] = []
    var current = ""
    for word in body.split(separator: " ", omittingEmptySubsequences: true) {
      if current.isEmpty {
        current = (lines.isEmpty ? indent : indent + hanging) + word
      } else if current.count + 1 + word.count > limit {
        lines.append(current)
        current = indent + hanging + word
      } else {
        current += " " + word
      }
    }
    if !current.isEmpty { lines.append(current) }
    return lines.joined(separator: "\n")
  }
}
