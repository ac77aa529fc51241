import Foundation
import OrgWizCore
import OrgWizTestSupport
import Testing

/// Runs the built `orgwiz` binary as a user would.
@Suite struct EndToEndTests {
  /// The executable beside the test bundle in the build directory.
  static var binary: String? {
    // Another build of orgwiz to run the same tests against (an older one, to see a test fail
    // before its fix).
    if let other = ProcessInfo.processInfo.environment["ORGWIZ_TEST_BINARY"], !other.isEmpty {
      return other
    }
    var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for _ in 0..<4 {
      let candidate = directory.appendingPathComponent("orgwiz").path
      if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
      directory = directory.deletingLastPathComponent()
    }
    return nil
  }

  func run(
    _ arguments: [String], in directory: String, input: String? = nil
  ) throws -> (Int32, String, String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: try #require(Self.binary, "build orgwiz first"))
    process.arguments = arguments
    process.currentDirectoryURL = URL(fileURLWithPath: directory)
    var environment = ProcessInfo.processInfo.environment
    environment["ORGWIZ_CONTENT"] = nil
    process.environment = environment
    let out = Pipe()
    let err = Pipe()
    let inPipe = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = inPipe
    try process.run()
    if let input { inPipe.fileHandleForWriting.write(Data(input.utf8)) }
    try inPipe.fileHandleForWriting.close()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (
      process.terminationStatus, String(decoding: outData, as: UTF8.self),
      String(decoding: errData, as: UTF8.self)
    )
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
