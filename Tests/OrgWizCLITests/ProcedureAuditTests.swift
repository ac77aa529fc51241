import Foundation
import OrgWizCore
import OrgWizJSON
import OrgWizTestSupport
import Testing

@testable import OrgWizCLI

/// What an admin meets following Content/README.md with procedures of their own, and what Okta
/// allows that a procedure must not refuse.
@Suite struct ProcedureAuditTests {
  /// A content directory of the admin's own: one copied document, no `examples/`.
  private func ownContent(_ directory: TemporaryDirectory) throws -> String {
    let content = directory.file("mine")
    try FileManager.default.createDirectory(atPath: content, withIntermediateDirectories: false)
    try FileManager.default.copyItem(
      atPath: Fixtures.contentDirectory + "/device-authorization.md",
      toPath: content + "/device-authorization.md")
    return content
  }

  /// Content/README.md, "Adding a procedure": a document in your own `--content DIR`, tried with
  /// `checklist NAME --example` and `run NAME --example`, uses the bundled example org.
  @Test func theExampleOrgWorksWithAContentDirectoryOfYourOwn() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let content = try ownContent(directory)
    let checklist = CLIRunner.run(
      ["checklist", "device-authorization", "--example", "--content", content],
      in: directory.path)
    #expect(checklist.status == 0, "\(checklist.stderr)")
    #expect(checklist.stdout.contains("Acme Corp"))
    _ = try directory.write(
      "answers.yaml",
      "operator: ada@acme.example\nserver: org-authorization-server\napp: Acme TV\n"
        + "app-grant: \"yes\"\n")
    let run = CLIRunner.run(
      [
        "run", "device-authorization", "--example", "--content", content, "--answers",
        "answers.yaml",
      ],
      in: directory.path)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(FileManager.default.fileExists(atPath: directory.file("org.json")))
    let check = CLIRunner.run(["check", "--example", "--content", content], in: directory.path)
    #expect(check.status == 0, "\(check.stderr)")
  }

  /// Okta lets a web app use Client Credentials with a custom authorization server (the
  /// `createClient` table of oauth-openapi.yaml: web, `client_credentials`; only the Org
  /// Authorization Server wants a service app): the procedure takes it and `check` accepts it.
  @Test func clientCredentialsAcceptsAWebApp() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    _ = try directory.write(
      "answers.yaml",
      "operator: ada@acme.example\nserver: api\napp: Acme Web\nscope: profile\n"
        + "app-grant: \"yes\"\n")
    let run = CLIRunner.run(
      ["run", "client-credentials", "--example", "--answers", "answers.yaml"], in: directory.path)
    #expect(run.status == 0, "\(run.stderr)")
    let model = try JSONParser.parse(try #require(directory.read("org.json")))
    let grants = model[JSONPointer.root / "apps" / 1 / "settings" / "oauthClient" / "grant_types"]
    #expect(grants == ["authorization_code", "client_credentials"])
    let check = CLIRunner.run(["check", "--org", "org.json"], in: directory.path)
    #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
    #expect(!check.stdout.contains("grant-app-type"))
    let simulate = CLIRunner.run(
      [
        "simulate", "--org", "org.json", "--procedure", "client-credentials", "--app", "Acme Web",
        "--server", "api",
      ], in: directory.path)
    #expect(simulate.status == 0, "\(simulate.stdout)\(simulate.stderr)")
  }

  /// `export` and `apply` send a rule's scope too, and only Interaction Code needs the
  /// Embedded widget setting: their help says so instead of naming the setting for every change.
  @Test func exportAndApplyHelpSpeakOfScopesAndOfTheSettingOnlyForItsGrant() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    for command in ["export", "apply"] {
      let help = CLIRunner.run([command, "--help"], in: directory.path)
      let words = help.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
      #expect(words.contains("scopes added to or removed from"), "\(command): \(words)")
      #expect(!words.contains("starts with the step no API can do: Settings"), "\(command)")
      #expect(!words.contains("when the plan adds the grant,"), "\(command)")
    }
  }

  /// A procedure is found by its file name (`run NAME` reads NAME.md): a document whose `id:`
  /// differs would be listed under an id that `run` and `checklist` cannot find, so it is
  /// refused with its file and the line of `id:`.
  @Test func aDocumentWhoseIdIsNotItsFileNameIsRefusedWithTheLine() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let content = try ownContent(directory)
    try FileManager.default.moveItem(
      atPath: content + "/device-authorization.md", toPath: content + "/tv.md")
    for command in [["procedures"], ["checklist", "tv", "--example"]] {
      let run = CLIRunner.run(command + ["--content", content], in: directory.path)
      #expect(run.status == 78, "\(command): \(run.stdout)")
      #expect(run.stderr.contains("tv.md:2:"), "\(command): \(run.stderr)")
      #expect(run.stderr.contains("device-authorization"), "\(run.stderr)")
    }
  }

  /// apply's review lists the live rule's scopes and the ones it sends: a name with a line
  /// break (from Okta or a planted model) stays on its line instead of adding review lines.
  @Test func applyReviewListsKeepEachNameOnOneLine() {
    #expect(
      ApplyCommand.list(["openid", "x\n    PUT /api/v1/apps/0oa1"])
        == "openid, x^J    PUT /api/v1/apps/0oa1")
  }
}
