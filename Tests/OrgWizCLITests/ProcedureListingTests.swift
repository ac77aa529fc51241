import Foundation
import OrgWizCore
import OrgWizJSON
import OrgWizTestSupport
import Testing

/// Listing, choosing and refusing procedure documents, on the test-only documents
/// (`five-steps`, `permissions-only`), so that editing the bundled procedure or adding one
/// breaks none of these.
@Suite struct ProcedureListingTests {
  private static let content = Fixtures.testProceduresDirectory

  @Test func proceduresListsStepsAndKeys() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let text = CLIRunner.run(["procedures", "--content", Self.content], in: directory.path)
    #expect(text.status == 0)
    #expect(text.stdout.contains("five-steps (version 0.1.0)"))
    #expect(text.stdout.contains("permissions-only (version 0.2.0)"))
    #expect(text.stdout.contains("4. Policy and rule [select-policy-rule]: app, policy, rule"))
    let json = CLIRunner.run(
      ["procedures", "--json", "--content", Self.content], in: directory.path)
    let procedures = try #require(try JSONParser.parse(json.stdout)["procedures"]?.arrayValue)
    #expect(procedures.map { $0["id"] } == ["five-steps", "permissions-only"])
    #expect(procedures[0]["steps"]?.arrayValue?.count == 5)
    #expect(procedures[1]["steps"]?.arrayValue?.count == 1)
  }

  @Test func aMalformedProcedureIsExit78WithFileAndLine() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let original = try Fixtures.testProcedureText()
    try FileManager.default.createDirectory(
      atPath: directory.file("content"), withIntermediateDirectories: true)
    try directory.write(
      "content/five-steps.md",
      original.replacingOccurrences(of: "kind: app-grant", with: "kind: app-grnt"))
    let run = CLIRunner.run(
      ["run", "five-steps", "--example", "--dry-run", "--content", "content"], in: directory.path)
    #expect(run.status == 78)
    #expect(
      run.stderr.contains(
        "content/five-steps.md:95: procedure document error: unknown step kind 'app-grnt'"))
  }

  @Test func anUnknownProcedureListsTheKnownOnes() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let run = CLIRunner.run(
      ["run", "nope", "--example", "--dry-run", "--content", Self.content], in: directory.path)
    #expect(run.status == 64)
    #expect(run.stderr.contains("The procedures are: five-steps, permissions-only."))
  }
}
