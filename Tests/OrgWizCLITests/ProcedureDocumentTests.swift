import Foundation
import OrgWizCore
import OrgWizJSON
import OrgWizTestSupport
import Testing

/// Every shipped procedure document, and documents written only in a test's content directory,
/// driven through the built binary on the example org served by the fake Okta: `pull`, `run`
/// with the document's example answers (no terminal), `check`, `simulate`, `checklist`,
/// `export` (requests and Terraform) and `apply`. A document for a grant other than Interaction
/// Code must never make anything say `interaction_code` or the Embedded widget setting.
@Suite(.serialized) struct ProcedureDocumentTests {
  static let shipped = [
    "interaction-code", "device-authorization", "client-credentials", "token-exchange",
  ]

  /// Words only a procedure for a grant with the Embedded widget switch may print.
  static let switchWords = ["interaction_code", "embedded widget"]

  @Test(arguments: shipped)
  func aShippedDocumentRunsEndToEnd(_ id: String) async throws {
    let procedure = try Fixtures.procedure(at: Fixtures.contentDirectory + "/\(id).md")
    #expect(procedure.formatVersion == 2 || id == "interaction-code")
    try await Self.endToEnd(procedure, content: nil)
  }

  /// A format-2 document for the Resource Owner Password grant, which no shipped document
  /// uses: written into a temporary content directory, it runs like a shipped one.
  static let passwordDocument = """
    ---
    id: ropc
    title: Turn on the Resource Owner Password grant
    version: 0.1.0
    format-version: 2
    grant: password
    summary: A test-only procedure for a grant no shipped document turns on.
    example-answers:
      operator: ada@acme.example
      server: api
      app: Acme Mobile
      app-grant: "yes"
    ---

    # Turn on the Resource Owner Password grant

    Test-only. Okta's guide: developer.okta.com/docs/guides/implement-grant-type/ropassword/main/.

    ## Permissions

    ```orgwiz-step
    id: verify-permissions
    kind: verify-permissions
    console: Security > Administrators
    roles: [SUPER_ADMIN, API_ACCESS_MANAGEMENT_ADMIN]
    questions:
      operator:
        prompt: Who makes the change?
    by-hand:
      - check: "{operator} holds one of {roles}."
    ```

    ## Server

    ```orgwiz-step
    id: choose-server
    kind: choose-server
    console: Security > API > Authorization Servers
    questions:
      server:
        prompt: Which server?
    by-hand:
      - "Open {server}."
    ```

    ## Rule

    ```orgwiz-step
    id: select-policy-rule
    kind: select-policy-rule
    console: Access Policies
    questions:
      app:
        prompt: Which app?
      policy:
        prompt: Which policy?
      rule:
        prompt: Which rule?
    by-hand:
      - check: "Select Resource Owner Password on {rule} of {policy}."
    ```

    ## App

    ```orgwiz-step
    id: app-grant
    kind: app-grant
    console: Applications
    questions:
      app-grant:
        prompt: Add the grant to {app}?
    by-hand:
      - check: "Select Resource Owner Password on {app}."
    ```

    """

  @Test func aDocumentForAGrantNoShippedDocumentUsesRunsWithNoCodeChange() async throws {
    let content = try TemporaryDirectory()
    defer { content.remove() }
    _ = try content.write("ropc.md", Self.passwordDocument)
    let procedure = try ProcedureParser.parse(Self.passwordDocument, file: "ropc.md")
    #expect(procedure.grant.type == "password")
    #expect(
      !Self.shipped.contains { id in
        (try? Fixtures.procedure(at: Fixtures.contentDirectory + "/\(id).md"))?.grant.type
          == "password"
      })
    try await Self.endToEnd(procedure, content: content.path)
  }

  @Test func aFormatOneDocumentStillMeansInteractionCode() async throws {
    let procedure = try Fixtures.testProcedure()
    #expect(procedure.formatVersion == 1)
    #expect(procedure.grant.type == "interaction_code")
    try await Self.endToEnd(procedure, content: Fixtures.testProceduresDirectory)
  }

  @Test func theListingNamesEachProceduresGrant() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let listed = CLIRunner.run(
      ["procedures", "--json", "--content", Fixtures.contentDirectory], in: directory.path)
    #expect(listed.status == 0, "\(listed.stderr)")
    let procedures = try JSONParser.parse(listed.stdout)["procedures"]?.arrayValue ?? []
    let grants = Dictionary(
      uniqueKeysWithValues: procedures.compactMap { item -> (String, String)? in
        guard let id = item["id"]?.stringValue, let grant = item["grant"]?.stringValue else {
          return nil
        }
        return (id, grant)
      })
    #expect(
      grants == [
        "interaction-code": "interaction_code",
        "device-authorization": "urn:ietf:params:oauth:grant-type:device_code",
        "client-credentials": "client_credentials",
        "token-exchange": "urn:ietf:params:oauth:grant-type:token-exchange",
      ])
    let text = CLIRunner.run(
      ["procedures", "--content", Fixtures.contentDirectory], in: directory.path)
    #expect(text.stdout.contains("  grant: client_credentials (Client Credentials)\n"))
  }

  // MARK: - The run

  /// Pull, run, check, simulate, checklist, export and apply, on the example org as the fake
  /// serves it.
  static func endToEnd(_ procedure: Procedure, content: String?) async throws {
    let switched = procedure.grant.orgSwitch != nil
    let okta = try await FakeOkta.start(options: .init(interactionCode: switched ? true : nil))
    defer { okta.stop() }
    let place = try LiveOrgTests.Place(okta)
    defer { place.directory.remove() }
    let more = content.map { ["--content", $0] } ?? []
    // pull asks about the Embedded widget setting whatever the procedure (its output is not
    // checked for it below).
    let pulled = try place.pull(["--embedded-widget", switched ? "on" : "off"])
    try #require(pulled.status == 0, "\(pulled.stderr)")

    var outputs: [(String, String)] = []
    func step(_ name: String, _ arguments: [String]) throws -> BoundedRun {
      let run = try place.orgwiz(arguments)
      outputs.append((name, run.stdout + run.stderr))
      #expect(run.status == 0, "\(procedure.id) \(name): \(run.stderr)")
      return run
    }
    let answers = JSONValue.object(
      JSONObject(
        procedure.exampleAnswers.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) }))
    _ = try place.directory.write("answers.json", JSONWriter.string(answers))
    _ = try step(
      "run",
      ["run", procedure.id, "--no-input", "--answers", "answers.json", "--summary", "change.md"]
        + more)
    let record = try #require(place.directory.read("change.md"), "\(procedure.id): no record")
    let title = record.prefix { $0 != "\n" }
    #expect(title.contains(procedure.grant.name), "\(procedure.id): \(title)")
    #expect(record.contains(procedure.grant.type))

    _ = try step("check", ["check"])
    let app = try #require(procedure.exampleAnswers["app"])
    let server = try #require(procedure.exampleAnswers["server"])
    let simulated = try step(
      "simulate",
      ["simulate", "--procedure", procedure.id, "--app", app, "--server", server]
        + (procedure.exampleAnswers["scope"].map { ["--scope", $0] } ?? []) + more)
    #expect(simulated.stdout.hasPrefix("allowed: \(procedure.grant.type)"), "\(simulated.stdout)")
    let checklist = try step("checklist", ["checklist", procedure.id] + more)
    #expect(checklist.stdout.hasPrefix("# \(procedure.title)"))

    _ = try step("export --requests", ["export", "--requests", "out"])
    _ = try step("export --terraform", ["export", "--terraform", "tf"])
    let bodies = try exportedBodies(place)
    #expect(!bodies.isEmpty, "\(procedure.id): nothing to send")
    let terraform = try #require(place.directory.read("tf/main.tf"))
    #expect(terraform.contains("\"\(procedure.grant.type)\""))

    _ = try step("apply", ["apply", "--yes"])
    let puts = try await okta.requests().filter { $0.method == "PUT" }
    // apply sends exactly what export wrote, in its order.
    #expect(puts.map(\.path) == bodies.map(\.path))
    for (put, exported) in zip(puts, bodies) {
      #expect(put.body == exported.body, "\(put.path): apply and export differ")
      #expect(put.status == 200)
    }
    try await expectInOkta(procedure, okta: okta)
    if let scope = procedure.exampleAnswers["scope"] {
      // The apply section of the change record shows the scope it sent.
      let applied = try #require(place.applyRecords().first)
      #expect(applied.contains("; scopes: "), "\(applied)")
      #expect(applied.contains(scope))
    }
    #expect(try await okta.violations().isEmpty)

    outputs.append(("record", place.directory.read("change.md") ?? ""))
    outputs.append(("terraform", terraform + (place.directory.read("tf/README.md") ?? "")))
    outputs.append(("requests", place.directory.read("out/README.md") ?? ""))
    if !switched {
      for (name, text) in outputs {
        for word in switchWords {
          #expect(
            !text.lowercased().contains(word), "\(procedure.id) \(name) mentions \(word)")
        }
      }
    }
  }

  /// The exported request bodies, in the order of `send.sh`.
  static func exportedBodies(
    _ place: LiveOrgTests.Place
  ) throws -> [(path: String, body: JSONValue)] {
    let script = try #require(place.directory.read("out/send.sh"))
    return try script.split(separator: "\n").filter { $0.hasPrefix("send PUT '") }.map { line in
      let parts = line.split(separator: "'")
      let path = String(parts[1])
      let text = try #require(place.directory.read("out/" + parts[3]))
      return (path, try JSONParser.parse(Array(text.utf8)))
    }
  }

  /// The fake Okta now has the grant on the app (when the run chose one and it lacked it) and
  /// on the chosen rule, and the rule allows the chosen scope.
  static func expectInOkta(_ procedure: Procedure, okta: FakeOkta) async throws {
    let state = try await okta.state()
    let text = JSONWriter.string(state)
    #expect(text.contains(procedure.grant.type), "\(procedure.id): Okta lacks the grant")
    if let scope = procedure.exampleAnswers["scope"] {
      #expect(text.contains("\"\(scope)\""), "\(procedure.id): Okta's rule lacks \(scope)")
    }
  }
}

/// Format-2 documents that are malformed are refused with 78, naming the file and the line.
@Suite struct ProcedureFormatTwoErrorTests {
  static let cases: [(name: String, edit: @Sendable (String) -> String, line: Int, words: String)] =
    [
      (
        "missing grant", { $0.replacingOccurrences(of: "grant: password\n", with: "") }, 5,
        "add 'grant: <grant type>'"
      ),
      (
        "unknown grant",
        { $0.replacingOccurrences(of: "grant: password", with: "grant: passwrd") }, 6,
        "grant 'passwrd' is not one of Okta's grant types"
      ),
      (
        "grant without facts",
        { $0.replacingOccurrences(of: "grant: password", with: "grant: refresh_token") }, 6,
        "orgwiz has no facts for"
      ),
      (
        "grant in format 1",
        { $0.replacingOccurrences(of: "format-version: 2", with: "format-version: 1") }, 6,
        "'grant' needs procedure format version 2"
      ),
      (
        "org-setting in a grant without a switch",
        {
          $0.replacingOccurrences(
            of:
              "kind: choose-server\nconsole: Security > API > Authorization Servers\nquestions:\n  server:",
            with: "kind: org-setting\nconsole: Settings\nquestions:\n  org-setting:")
        }, 37, "step kind 'org-setting' cannot be used in a procedure for password"
      ),
      (
        "unknown role",
        { $0.replacingOccurrences(of: "API_ACCESS_MANAGEMENT_ADMIN", with: "API_ADMIN") }, 25,
        "API_ADMIN"
      ),
      (
        "roles outside verify-permissions",
        {
          $0.replacingOccurrences(
            of: "kind: app-grant\n", with: "kind: app-grant\nroles: [SUPER_ADMIN]\n")
        }, 68, "'roles' belongs only to a 'verify-permissions' step"
      ),
    ]

  @Test(arguments: cases.indices)
  func aMalformedFormatTwoDocumentIsRefusedWithFileAndLine(_ index: Int) throws {
    let (name, edit, line, words) = Self.cases[index]
    let edited = edit(ProcedureDocumentTests.passwordDocument)
    #expect(edited != ProcedureDocumentTests.passwordDocument, "\(name): the edit did nothing")
    let content = try TemporaryDirectory()
    defer { content.remove() }
    let file = try content.write("ropc.md", edited)
    let run = CLIRunner.run(["procedures", "--content", content.path], in: content.path)
    #expect(run.status == 78, "\(name): \(run.stderr)")
    #expect(
      run.stderr.contains("\(file):\(line): procedure document error"), "\(name): \(run.stderr)")
    #expect(run.stderr.contains(words), "\(name): \(run.stderr)")
  }
}
