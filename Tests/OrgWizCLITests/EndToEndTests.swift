import Foundation
import OrgWizCore
import OrgWizTestSupport
import Testing

/// Runs the built `orgwiz` binary as a user would.
@Suite struct EndToEndTests {
  /// The executable beside the test bundle in the build directory (or `ORGWIZ_TEST_BINARY`).
  static var binary: String? { Fixtures.binaryPath }

  func run(
    _ arguments: [String], in directory: String, input: String? = nil
  ) throws -> (Int32, String, String) {
    let run = try ProcessRunner.orgwiz(
      arguments, in: directory, input: input.map { .text($0) } ?? .bytes([]))
    #expect(!run.timedOut, "\(run)")
    return (run.status, run.stdout, run.stderr)
  }

  @Test func aFullNonInteractiveRunThroughTheBinary() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    try directory.write(
      "answers.yaml",
      "operator: ada@acme.example\norg-setting: enable\nserver: api\napp: Acme Mobile\napp-grant: yes\n"
    )
    let (status, stdout, stderr) = try run(
      ["run", "--example", "--answers", "answers.yaml", "--summary", "change.md"],
      in: directory.path)
    #expect(status == 0, "\(stderr)")
    #expect(stdout.isEmpty)
    #expect(stderr.contains("Step 5 of 5: Enable the grant on the app"))
    #expect(Set(directory.listing()) == ["answers.yaml", "change.md", "org.json"])
    #expect(
      directory.read("change.md")?.hasPrefix("# Enable the Interaction Code grant for Acme Mobile")
        == true)
  }

  @Test func aPipedRunFailsFastInsteadOfWaiting() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let (status, _, stderr) = try run(
      ["--example"], in: directory.path, input: "ada@acme.example\n")
    #expect(status == 64)
    #expect(stderr.contains("operator, org-setting, server, app, app-grant"))
    #expect(directory.listing().isEmpty)
  }

  @Test func contentIsFoundFromAnyWorkingDirectory() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let (status, stdout, _) = try run(["procedures"], in: directory.path)
    #expect(status == 0)
    #expect(stdout.contains("interaction-code"))
  }
}
