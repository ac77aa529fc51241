import Foundation
import OrgWizTestSupport
import Testing

/// `--set <Tab>` completes the question keys, and after `KEY=` the values from the model, the
/// way the shells' completion scripts ask the binary (`---completion`).
@Suite struct SetCompletionTests {
  func complete(
    _ word: String, in directory: TemporaryDirectory, extra: [String] = []
  )
    throws -> [String]
  {
    let words = ["orgwiz", "run"] + extra + ["--set", word]
    let run = try BoundedRun.orgwiz(
      ["---completion", "run", "--", "--set", "\(words.count - 1)", "\(word.count)"] + words,
      in: directory.path)
    #expect(run.status == 0, "\(run.stderr)")
    return run.stdout.split(separator: "\n").map(String.init)
  }

  @Test func keysThenValuesFromTheModel() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    try Data(Fixtures.exampleBytes()).write(to: URL(fileURLWithPath: directory.file("ex.json")))
    #expect(try complete("app", in: directory) == ["app=", "app-grant="])
    #expect(try complete("org-setting=d", in: directory) == ["org-setting=disable"])
    let servers = try complete("server=", in: directory, extra: ["--org", "ex.json"])
    #expect(
      servers == [
        "server=api", "server=partners", "server=inventory", "server=org-authorization-server",
      ])
    let apps = try complete("app=Acme M", in: directory, extra: ["--org", "ex.json"])
    #expect(apps == ["app=Acme Mobile"])
    // No model to read: keys still complete, model values do not.
    #expect(try complete("server=", in: directory).isEmpty)
  }

  @Test func theBashScriptAsksTheBinaryForSet() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let script = try BoundedRun.orgwiz(
      ["--generate-completion-script", "bash"], in: directory.path)
    #expect(script.stdout.contains("---completion run -- --set"))
  }
}
