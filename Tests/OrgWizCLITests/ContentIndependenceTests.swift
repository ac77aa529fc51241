import Foundation
import OrgWizCore
import OrgWizJSON
import OrgWizTestSupport
import Testing

/// Tests of generic machinery do not depend on the bundled procedures: editing
/// Content/interaction-code.md, or adding a second procedure beside it, must break none of them.
@Suite struct ContentIndependenceTests {
  /// The suites that test generic machinery on the test-only procedure documents.
  static let genericSuites = [
    "Tests/OrgWizCoreTests/EngineTests.swift",
    "Tests/OrgWizCoreTests/ProcedureParserTests.swift",
    "Tests/OrgWizCoreTests/HostileTextTests.swift",
    "Tests/OrgWizCoreTests/ModelTests.swift",
    "Tests/OrgWizCoreTests/PropertyTests.swift",
    "Tests/OrgWizCoreTests/StepExampleTests.swift",
    "Tests/OrgWizCoreTests/SupportTests.swift",
    "Tests/OrgWizCLITests/ChecklistMechanicsTests.swift",
    "Tests/OrgWizCLITests/ProcedureListingTests.swift",
  ]

  @Test(arguments: genericSuites)
  func aGenericSuiteReadsNoBundledProcedure(_ file: String) throws {
    let path = Fixtures.repositoryRoot.appendingPathComponent(file).path
    let data = try #require(FileManager.default.contents(atPath: path), "cannot read \(path)")
    let source = String(decoding: data, as: UTF8.self)
    #expect(source.contains("Fixtures.testProcedure"), "\(file) uses no test-only procedure")
    for reference in ["Fixtures.procedure()", "Fixtures.contentDirectory", "interaction-code"] {
      #expect(!source.contains(reference), "\(file) reads the bundled procedure: \(reference)")
    }
  }

  /// A copy of Content/ with a second procedure (listed first) and an interaction-code.md whose
  /// prompts and line numbers moved.
  private func editedContent(in directory: TemporaryDirectory) throws -> String {
    let content = directory.file("content")
    try FileManager.default.copyItem(atPath: Fixtures.contentDirectory, toPath: content)
    let second = try Fixtures.testProcedureText("permissions-only")
      .replacingOccurrences(of: "id: permissions-only", with: "id: a-second")
    try directory.write("content/a-second.md", second)
    let original = try String(
      contentsOfFile: content + "/interaction-code.md", encoding: .utf8)
    let edited =
      original
      .replacingOccurrences(
        of: "\n## Verify your permissions\n",
        with: "\n## Before you start\n\nA new section of prose.\n\n## Verify your permissions\n"
      )
      .replacingOccurrences(
        of: "Which admin account is making this change?", with: "Who is making this change?")
    #expect(edited != original)
    try directory.write("content/interaction-code.md", edited)
    return content
  }

  @Test func genericRunsIgnoreAnEditedContentDirectory() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    try Data(Fixtures.exampleBytes()).write(to: URL(fileURLWithPath: directory.file("org.json")))
    let edited = ["ORGWIZ_CONTENT": try editedContent(in: directory)]
    // The edits are live: the copy is valid, lists the added procedure and shows the new prompt.
    let listing = CLIRunner.run(["procedures", "--json"], in: directory.path, environment: edited)
    #expect(listing.status == 0, "\(listing.stderr)")
    let ids = try JSONParser.parse(listing.stdout)["procedures"]?.arrayValue?.map { $0["id"] }
    #expect(
      ids == [
        "a-second", "client-credentials", "device-authorization", "interaction-code",
        "token-exchange",
      ])
    let changed = try Fixtures.procedure(at: directory.file("content/interaction-code.md"))
    #expect(changed.steps[0].text(for: "operator")?.prompt == "Who is making this change?")
    // What the generic suites run gives the same output either way.
    let fixtures = Fixtures.testProceduresDirectory
    let invocations = [
      ["procedures", "--json", "--content", fixtures],
      ["checklist", "five-steps", "--content", fixtures, "--json", "--set", "server=api"],
      [
        "checklist", "five-steps", "--content", fixtures, "--set", "app=0oa1mob", "--set",
        "server=api",
      ],
      ["run", "nope", "--example", "--dry-run", "--content", fixtures],
    ]
    for arguments in invocations {
      let bundled = CLIRunner.run(arguments, in: directory.path)
      let changed = CLIRunner.run(arguments, in: directory.path, environment: edited)
      #expect(bundled.status == changed.status, "\(arguments)")
      #expect(bundled.stdout == changed.stdout, "\(arguments)")
      #expect(bundled.stderr == changed.stderr, "\(arguments)")
    }
  }
}
