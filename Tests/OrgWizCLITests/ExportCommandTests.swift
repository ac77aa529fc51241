import Foundation
import OrgWizCore
import OrgWizJSON
import OrgWizTestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// `orgwiz export` through the built binary, on a model pulled from the spec-validating fake
/// Okta and changed by `run`: every exported body is PUT to its path on the fake, which must
/// accept it and find no violation of Okta's spec; `send.sh` sends them the same way; the
/// Terraform parses (python-hcl2); and the directory rules hold.
@Suite(.serialized) struct ExportCommandTests {
  /// A directory with a model pulled from a fake and changed by `run`.
  static func prepared(_ okta: FakeOkta) throws -> LiveOrgTests.Place {
    let place = try LiveOrgTests.Place(okta)
    let pulled = try place.pull()
    #expect(pulled.status == 0, "\(pulled.stderr)")
    let run = try place.orgwiz(["run"] + LiveOrgTests.enable)
    #expect(run.status == 0, "\(run.stderr)")
    return place
  }

  static func mode(_ path: String) -> mode_t {
    var status = stat()
    return stat(path, &status) == 0 ? status.st_mode & 0o7777 : 0
  }

  @Test func theRequestBodiesAreAcceptedByOktasSpecAndSendShSendsThem() async throws {
    let okta = try await FakeOkta.start(options: .init(interactionCode: true))
    defer { okta.stop() }
    let place = try Self.prepared(okta)
    defer { place.directory.remove() }
    let export = try place.orgwiz(["export", "--requests", "out"])
    #expect(export.status == 0, "\(export.stderr)")
    let names = try FileManager.default.contentsOfDirectory(atPath: place.directory.file("out"))
      .sorted()
    #expect(names == ["01-rule-0pr2mob.json", "02-app-0oa1mob.json", "README.md", "send.sh"])
    #expect(Self.mode(place.directory.file("out/send.sh")) == 0o755 & ~FileIOUmask.value)
    #expect(Self.mode(place.directory.file("out/README.md")) == 0o644 & ~FileIOUmask.value)
    let readme = try #require(place.directory.read("out/README.md"))
    #expect(readme.contains("Settings > Account > Embedded widget sign-in support"))

    // Each body, PUT to its path: accepted, and conforming to the spec's request schema.
    let paths = [
      "01-rule-0pr2mob.json": "/api/v1/authorizationServers/aus1api/policies/00p2mob/rules/0pr2mob",
      "02-app-0oa1mob.json": "/api/v1/apps/0oa1mob",
    ]
    for (file, path) in paths.sorted(by: { $0.key < $1.key }) {
      let text = try #require(place.directory.read("out/" + file))
      #expect(
        place.directory.read("out/send.sh")?.contains("send PUT '\(path)' '\(file)'") == true)
      let body = try JSONParser.parse(Array(text.utf8))
      let response = try await okta.send("PUT", path, body: body)
      #expect(response.status == 200, "PUT \(path): \(response.text)")
      #expect(
        try response.json()[JSONPointer.root / "settings" / "oauthClient" / "grant_types"]?
          .arrayValue?.contains("interaction_code") ?? true)
    }
    #expect(try await okta.violations().isEmpty, "bodies that break Okta's spec")

    // send.sh sends the same requests with curl, printing each request id.
    try await okta.clearRequests()
    let sent = try BoundedRun.run(
      "/bin/sh", [place.directory.file("out/send.sh")], in: place.directory.path,
      environment: ["OKTA_API_TOKEN": okta.token, "OKTA_ORG_URL": okta.url], seconds: 60)
    #expect(sent.status == 0, "\(sent.stdout)\(sent.stderr)")
    let puts = try await okta.requests().filter { $0.method == "PUT" }
    #expect(puts.map(\.path) == paths.sorted(by: { $0.key < $1.key }).map(\.value))
    #expect(puts.allSatisfy { $0.status == 200 })
    #expect(sent.stdout.components(separatedBy: "X-Okta-Request-Id: ").count == 3)
    #expect(try await okta.violations().isEmpty)
    // No token: send.sh refuses before sending anything.
    try await okta.clearRequests()
    let refused = try BoundedRun.run(
      "/bin/sh", [place.directory.file("out/send.sh"), okta.url], in: place.directory.path,
      environment: ["OKTA_API_TOKEN": ""])
    #expect(refused.status == 64, "\(refused.stderr)")
    #expect(try await okta.requests().isEmpty)
    place.expectNoSecrets(
      in: [export, sent, refused], secrets: [okta.token, LiveOrgTests.exampleSecret])
  }

  @Test func sendShStopsAtTheFirstFailureWithOktasError() async throws {
    let okta = try await FakeOkta.start()
    defer { okta.stop() }
    let place = try Self.prepared(okta)
    defer { place.directory.remove() }
    #expect(try place.orgwiz(["export", "--requests", "out"]).status == 0)
    // The org setting is off in the fake: Okta refuses the first request.
    let sent = try BoundedRun.run(
      "/bin/sh", [place.directory.file("out/send.sh"), okta.url], in: place.directory.path,
      environment: ["OKTA_API_TOKEN": okta.token], seconds: 60)
    #expect(sent.status == 1, "\(sent.stdout)\(sent.stderr)")
    // Okta's error is printed as it came (it names the grant, not the setting: the README
    // gives the setting step first).
    #expect(sent.stderr.contains("'interaction_code' is not enabled"))
    #expect(try await okta.requests().filter { $0.method == "PUT" }.count == 1)
  }

  @Test func theTerraformParsesAndNamesTheImportsAndTheManualStep() async throws {
    let okta = try await FakeOkta.start(options: .init(interactionCode: true))
    defer { okta.stop() }
    let place = try Self.prepared(okta)
    defer { place.directory.remove() }
    let export = try place.orgwiz(["export", "--terraform", "tf"])
    #expect(export.status == 0, "\(export.stderr)")
    let names = try FileManager.default.contentsOfDirectory(atPath: place.directory.file("tf"))
      .sorted()
    #expect(names == ["README.md", "imports.tf", "main.tf", "versions.tf"])
    let parsed = try HCLCheck.parse(place.directory.file("tf"))
    let imports = parsed["imports"]?.arrayValue?.compactMap {
      $0.arrayValue?.compactMap(\.stringValue)
    }
    #expect(
      imports == [
        ["okta_auth_server_policy_rule.mobile_sign_in_0pr2mob", "aus1api/00p2mob/0pr2mob"],
        ["okta_app_oauth.acme_mobile_0oa1mob", "0oa1mob"],
      ])
    let readme = try #require(place.directory.read("tf/README.md"))
    let setting = try #require(readme.range(of: "Embedded widget sign-in support"))
    #expect(
      setting.lowerBound < (readme.range(of: "terraform init")?.lowerBound ?? readme.startIndex))
    #expect(readme.contains("terraform plan") && readme.contains("terraform apply"))
    // No request was sent: export works from the model alone.
    let after = try await okta.requests()
    #expect(!after.contains { $0.method == "PUT" })
    place.expectNoSecrets(in: [export], secrets: [okta.token, LiveOrgTests.exampleSecret])
  }

  @Test func directoriesAreRefusedUnlessEmptyOrForcedAndNothingToExportWritesNothing() async throws
  {
    let okta = try await FakeOkta.start()
    defer { okta.stop() }
    let place = try LiveOrgTests.Place(okta)
    defer { place.directory.remove() }

    // Not pulled: 64, naming orgwiz pull.
    try FileManager.default.copyItem(
      atPath: Fixtures.exampleOrgPath, toPath: place.directory.file("plain.json"))
    let notPulled = try place.orgwiz(["export", "--org", "plain.json", "--requests", "out"])
    #expect(notPulled.status == 64, "\(notPulled.stderr)")
    #expect(notPulled.stderr.contains("orgwiz pull"))

    // Pulled, nothing changed yet: says so, exit 0, no directory.
    #expect(try place.pull().status == 0)
    let nothing = try place.orgwiz(["export", "--terraform", "tf"])
    #expect(nothing.status == 0, "\(nothing.stderr)")
    #expect(nothing.stderr.contains("Nothing to export"))
    #expect(!FileManager.default.fileExists(atPath: place.directory.file("tf")))

    #expect(try place.orgwiz(["run"] + LiveOrgTests.enable).status == 0)
    // One format, exactly.
    #expect(try place.orgwiz(["export"]).status == 64)
    #expect(try place.orgwiz(["export", "--terraform", "a", "--requests", "b"]).status == 64)
    // A missing parent is refused.
    #expect(try place.orgwiz(["export", "--terraform", "no/such/dir"]).status == 73)

    // A non-empty directory: refused without --force, and left as it was.
    try FileManager.default.createDirectory(
      atPath: place.directory.file("busy"), withIntermediateDirectories: false)
    _ = try place.directory.write("busy/main.tf", "# mine\n")
    let refused = try place.orgwiz(["export", "--terraform", "busy"])
    #expect(refused.status == 64, "\(refused.stderr)")
    #expect(refused.stderr.contains("--force"))
    #expect(
      try FileManager.default.contentsOfDirectory(atPath: place.directory.file("busy")) == [
        "main.tf"
      ])
    #expect(place.directory.read("busy/main.tf") == "# mine\n")
    // With --force: written, and a link planted under an export's name is replaced, not
    // followed.
    _ = try place.directory.write("victim.txt", "keep\n")
    try FileManager.default.createSymbolicLink(
      atPath: place.directory.file("busy/README.md"),
      withDestinationPath: place.directory.file("victim.txt"))
    let forced = try place.orgwiz(["export", "--terraform", "busy", "--force"])
    #expect(forced.status == 0, "\(forced.stderr)")
    #expect(place.directory.read("busy/main.tf")?.contains("okta_app_oauth") == true)
    #expect(place.directory.read("victim.txt") == "keep\n")
    #expect(place.directory.read("busy/README.md")?.contains("terraform init") == true)

    // A directory that is a symbolic link, or a file, is refused.
    try FileManager.default.createDirectory(
      atPath: place.directory.file("real"), withIntermediateDirectories: false)
    try FileManager.default.createSymbolicLink(
      atPath: place.directory.file("link"), withDestinationPath: place.directory.file("real"))
    let linked = try place.orgwiz(["export", "--requests", "link", "--force"])
    #expect(linked.status == 73, "\(linked.stderr)")
    #expect(
      try FileManager.default.contentsOfDirectory(atPath: place.directory.file("real")).isEmpty)
    let file = try place.orgwiz(["export", "--requests", "victim.txt", "--force"])
    #expect(file.status == 73, "\(file.stderr)")
    #expect(place.directory.read("victim.txt") == "keep\n")
  }
}

/// The process's umask, read without leaving it changed.
enum FileIOUmask {
  static let value: mode_t = {
    let mask = umask(0o022)
    umask(mask)
    return mask
  }()
}

/// tools/hcl-check/hcl_check.py (python-hcl2) on a directory; fails loudly without it.
enum HCLCheck {
  static let hint = "run python3 -m pip install -r tools/hcl-check/requirements.txt"

  static func parse(_ directory: String) throws -> JSONValue {
    let environment = ProcessInfo.processInfo.environment
    let python =
      environment["FAKE_OKTA_PYTHON"].flatMap { $0.isEmpty ? nil : $0 } ?? "/usr/bin/env"
    let script = Fixtures.repositoryRoot.appendingPathComponent("tools/hcl-check/hcl_check.py").path
    let arguments =
      python == "/usr/bin/env" ? ["python3", script, directory] : [script, directory]
    let result = try BoundedRun.run(python, arguments, in: directory, seconds: 60)
    if result.status == 3 || result.status == 127 {
      throw FixtureError("python3 with python-hcl2 is needed: \(hint) (\(result.stderr))")
    }
    guard result.status == 0 else {
      throw FixtureError("the exported HCL does not parse: \(result.stderr)")
    }
    return try JSONParser.parse(Array(result.stdout.utf8))
  }
}
