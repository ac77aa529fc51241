import Foundation
import OrgWizCore
import OrgWizTestSupport
import Testing

/// `--help` as a newcomer reads it in an 80-column terminal: no line longer than the window, the
/// exit-code table once (the root help), and each subcommand naming only the codes it returns.
@Suite struct HelpLayoutTests {
  /// The subcommands the root help lists.
  static func subcommands(in rootHelp: String) -> [String] {
    let lines = rootHelp.split(separator: "\n", omittingEmptySubsequences: false)
    guard let start = lines.firstIndex(where: { $0.hasPrefix("SUBCOMMANDS:") }) else { return [] }
    return lines[(start + 1)...].prefix { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
      .compactMap { $0.split(separator: " ").first.map(String.init) }
      .filter { $0 != "help" }
  }

  static func help(_ arguments: [String], in directory: String) -> CLIRun {
    // Not a terminal: the help is laid out for 80 columns (TerminalInfo.none).
    CLIRunner.run(arguments + ["--help"], in: directory)
  }

  @Test func everyHelpFitsEightyColumns() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let root = Self.help([], in: directory.path)
    #expect(root.status == 0, "\(root.stderr)")
    let commands = Self.subcommands(in: root.stdout)
    #expect(commands.count >= 11, "\(root.stdout)")
    for arguments in [[]] + commands.map({ [$0] }) {
      let result = arguments.isEmpty ? root : Self.help(arguments, in: directory.path)
      #expect(result.status == 0, "\(arguments): \(result.stderr)")
      for line in result.stdout.split(separator: "\n") {
        #expect(line.count <= 80, "orgwiz \(arguments.joined()) --help: \(line.count): \(line)")
      }
    }
  }

  @Test func theRootExamplesShowTheLiveOrgCommandsWhole() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let lines = Self.help([], in: directory.path).stdout.split(separator: "\n").map(String.init)
    for start in [
      "orgwiz pull --okta-url acme.okta.com --embedded-widget off", "orgwiz apply --dry-run",
      "orgwiz apply ", "orgwiz verify ",
      "orgwiz simulate --example --app \"Acme Mobile\" --server api --grant password",
    ] {
      #expect(
        lines.contains { $0.trimmingCharacters(in: .whitespaces).hasPrefix(start) },
        "no example line starts with \(start)")
    }
  }

  @Test func theExitCodeTableIsInTheRootHelpAlone() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let root = Self.help([], in: directory.path).stdout
    let tableRow = { (status: OrgWizCore.ExitStatus) -> String in
      let code = String(status.rawValue)
      return "  " + code + String(repeating: " ", count: 5 - code.count) + status.meaning
    }
    for status in OrgWizCore.ExitStatus.allCases {
      #expect(root.contains(tableRow(status) + "\n"), "the root help lacks \(status.rawValue)")
    }
    for command in Self.subcommands(in: root) {
      let text = Self.help([command], in: directory.path).stdout
      #expect(!text.contains(tableRow(.interrupted)), "\(command) repeats the table")
      // One line naming the codes, among them always success and usage (the parser's).
      let codes = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        .components(separatedBy: "Exit codes: ").dropFirst().first?
        .components(separatedBy: " (orgwiz --help").first
      let listed = try #require(codes, "\(command) --help names no exit codes").split(
        separator: ",", omittingEmptySubsequences: true
      ).map { $0.trimmingCharacters(in: .whitespaces) }
      #expect(listed.first == "0" && listed.contains("64"), "\(command): \(listed)")
      #expect(listed.count < OrgWizCore.ExitStatus.allCases.count, "\(command) lists every code")
    }
  }
}
