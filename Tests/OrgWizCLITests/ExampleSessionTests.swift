import Foundation
import OrgWizTestSupport
import Testing

/// docs/wizard.md's example session is what the tool prints: the session is typed into the
/// built binary at a terminal, and every line of the recorded transcript (but the abridged prose,
/// `...`, and the lines that name the recorder's home directory) must appear in what it shows.
@Suite(.serialized) struct ExampleSessionTests {
  /// The transcript block of docs/wizard.md's "An example session".
  static func documented() throws -> [String] {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent()
    let text = try String(
      contentsOf: root.appendingPathComponent("docs/wizard.md"), encoding: .utf8)
    let session = try #require(text.components(separatedBy: "## An example session").last)
    let block = try #require(
      session.components(separatedBy: "```text\n").dropFirst().first?.components(
        separatedBy: "\n```"
      ).first)
    return block.split(separator: "\n").map(String.init)
  }

  /// Text as a person reads it: no escape sequences or carriage returns, one space between words.
  static func plain(_ text: String) -> String {
    var out = text.replacingOccurrences(
      of: "\u{1B}\\[[0-9;?]*[A-Za-z]", with: "", options: .regularExpression)
    out = out.replacingOccurrences(of: "\r", with: "")
    return out.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }).joined(
      separator: " ")
  }

  @Test func theDocumentedSessionIsWhatTheToolShows() throws {
    let lines = try Self.documented()
    #expect(lines.count > 40, "the session in docs/wizard.md was not found")
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let terminal = try TerminalSession(
      "\(TerminalEndToEndTests.binary) --no-color", in: directory.path)
    let steps: [(wait: String, type: String)] = [
      ("[Y/n] ", "\r"), ("operator: ", "1\r"), ("org-setting [enable]: ", "\r"),
      ("server: ", "ap\t\r"), ("app: ", "Acme Reports (service)\r"), ("app: ", "Acme Mobile\r"),
      ("policy [Mobile Apps]: ", "\r"), ("rule [Mobile sign-in]: ", "\r"),
      ("app-grant [Y/n]: ", "?\r"), ("app-grant [Y/n]: ", "\r"), ("[Y/n/back] ", "\r"),
    ]
    var seen: [String: Int] = [:]
    for step in steps {
      seen[step.wait, default: 0] += 1
      #expect(
        terminal.waitFor(step.wait, occurrence: seen[step.wait]!), "\(terminal.transcript)")
      terminal.type(step.type)
    }
    #expect(terminal.finish() == 0, "\(terminal.transcript)")
    let shown = Self.plain(terminal.transcript)
    if ProcessInfo.processInfo.environment["RECORD_SESSION"] != nil {
      try terminal.transcript.write(
        toFile: "/tmp/orgwiz-example-session.txt", atomically: true, encoding: .utf8)
    }
    for line in lines {
      let trimmed = line.trimmingCharacters(in: .whitespaces)
      // The command itself, the abridged prose, and the recorder's paths and times.
      if trimmed.hasPrefix("$ ") || trimmed.hasSuffix("...") || trimmed == "..."
        || line.contains("/home/ada") || line.contains("lastUpdated set to")
      {
        continue
      }
      #expect(shown.contains(Self.plain(line)), "not shown: \(line)")
    }
  }
}
