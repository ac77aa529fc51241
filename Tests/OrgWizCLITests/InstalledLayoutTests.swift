import Foundation
import OrgWizCLI
import OrgWizCore
import OrgWizTerminal
import OrgWizTestSupport
import Testing

/// The layout `scripts/install` makes: `PREFIX/bin/orgwiz` finds its procedures in
/// `PREFIX/share/orgwiz/Content` from any working directory, also through a link to the binary.
@Suite struct InstalledLayoutTests {
  func contentDirectory(executable: String, in directory: String) throws -> String {
    let out = BufferSink()
    let err = BufferSink()
    let context = CommandContext(
      stdout: out, stderr: err, environment: [:], workingDirectory: directory,
      terminal: .none, makeInteractivePrompter: { _ in ScriptedPrompter([]) },
      executablePath: executable)
    let status = OrgWizCLI.main(arguments: ["procedures", "--json"], context: context)
    #expect(status == 0, "\(err.text)")
    let start = try #require(out.text.range(of: "\"contentDirectory\":"), "\(out.text)")
    let rest = out.text[start.upperBound...].drop { $0 == " " || $0 == "\"" }
    return String(rest.prefix { $0 != "\"" }).replacingOccurrences(of: "\\/", with: "/")
  }

  @Test func anInstalledBinaryFindsItsContentUnderTheSharePrefix() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let root = URL(fileURLWithPath: directory.path).resolvingSymlinksInPath().path
    let manager = FileManager.default
    try manager.createDirectory(atPath: root + "/prefix/bin", withIntermediateDirectories: true)
    try manager.createDirectory(
      atPath: root + "/prefix/share/orgwiz", withIntermediateDirectories: true)
    try manager.copyItem(
      atPath: Fixtures.contentDirectory, toPath: root + "/prefix/share/orgwiz/Content")
    try Data().write(to: URL(fileURLWithPath: root + "/prefix/bin/orgwiz"))
    try manager.createDirectory(atPath: root + "/elsewhere/bin", withIntermediateDirectories: true)
    try manager.createSymbolicLink(
      atPath: root + "/elsewhere/bin/orgwiz", withDestinationPath: root + "/prefix/bin/orgwiz")
    try manager.createDirectory(atPath: root + "/work", withIntermediateDirectories: true)
    for executable in [root + "/prefix/bin/orgwiz", root + "/elsewhere/bin/orgwiz"] {
      #expect(
        try contentDirectory(executable: executable, in: root + "/work")
          == root + "/prefix/share/orgwiz/Content")
    }
  }
}
