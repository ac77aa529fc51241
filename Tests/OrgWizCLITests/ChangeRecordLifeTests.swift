import Foundation
import OrgWizCore
import OrgWizJSON
import OrgWizTestSupport
import Testing

/// One change, one record (`summary.md`): pull → run → apply → verify → undo → apply against the
/// fake Okta through the built binary, and the one change record read at the end.
@Suite(.serialized) struct ChangeRecordLifeTests {
  typealias Place = LiveOrgTests.Place

  /// The headings of a record, in order.
  func headings(_ text: String) -> [String] {
    text.split(separator: "\n").filter { $0.hasPrefix("## ") }.map { String($0.dropFirst(3)) }
  }

  func records(_ place: Place, suffix: String) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: place.directory.path)
      .filter { $0.hasSuffix(suffix) }.sorted()
  }

  @Test func oneRecordFromPlanToOktaAndBack() async throws {
    let okta = try await FakeOkta.start()
    defer { okta.stop() }
    let place = try Place(okta)
    defer { place.directory.remove() }
    #expect(try place.pull(["--embedded-widget", "off"]).status == 0)
    // The pull says whose token read the org; at a terminal the operator question offers that
    // admin as its default.
    #expect(try place.model()[JSONPointer.root / "pull" / "readBy"] == "ada@acme.example")
    let terminal = try TerminalSession(
      "'\(TerminalEndToEndTests.binary)' run --dry-run", in: place.directory.path)
    #expect(terminal.waitFor("operator [ada@acme.example]: "), "\(terminal.transcript)")
    terminal.type("\u{03}")
    _ = terminal.finish()
    let run = try place.orgwiz([
      "run", "--no-input", "--operator", "ada@acme.example", "--set", "org-setting=enable",
      "--set", "server=api", "--set", "app=Acme Mobile", "--set", "app-grant=yes", "--summary",
      "change.md",
    ])
    #expect(run.status == 0, "\(run.stderr)")
    let planned = try #require(place.directory.read("change.md"))
    #expect(planned.contains("| Operator | ada@acme.example"), "\(planned)")
    #expect(planned.contains("Where the change is now: only in the model file"))
    #expect(!planned.contains("| unique-ids |"), "passing rules are one line, not a table")

    // The admin turns the setting on by hand, then applies and verifies.
    try await okta.driftSettings(interactionCode: true)
    let applied = try place.orgwiz(["apply", "--yes", "--no-verify"])
    #expect(applied.status == 0, "\(applied.stderr)")
    #expect(applied.stderr.contains("Change record: \(place.directory.file("change.md"))"))
    let verified = try place.orgwiz(["verify"])
    #expect(verified.status == 0, "\(verified.stderr)")
    #expect(verified.stderr.contains("Change record:"), "\(verified.stderr)")

    let undone = try place.orgwiz(["undo", "--yes"])
    #expect(undone.status == 0, "\(undone.stderr)")
    #expect(undone.stderr.contains("orgwiz apply"), "undo must point at apply: \(undone.stderr)")
    let backedOut = try place.orgwiz(["apply", "--yes"])
    #expect(backedOut.status == 0, "\(backedOut.stderr)")
    #expect(backedOut.stderr.contains("Embedded widget sign-in support: clear the checkbox"))

    #expect(try records(place, suffix: ".apply.md").isEmpty, "apply started a second story")
    let record = try #require(place.directory.read("change.md"))
    let sections = headings(record)
    #expect(
      Array(sections.suffix(3)) == ["Applied in Okta", "Verified in Okta", "Backed out"],
      "\(sections)")
    #expect(sections.first == "Summary")
    #expect(record.split(separator: "\n").first?.hasSuffix("(backed out)") == true)
    #expect(record.contains("| Where the change is | backed out of Okta |"))
    #expect(record.contains("Where the change is now: backed out of Okta"))
    // The backout names turning the setting off again, last; never "None".
    let backout = try #require(record.components(separatedBy: "## Backed out").last)
    #expect(backout.contains("clear the checkbox to turn it off"), "\(backout)")
    #expect(!backout.contains("None:"), "\(backout)")
    let appliedSection = try #require(
      record.components(separatedBy: "## Applied in Okta").last?
        .components(separatedBy: "## Verified in Okta").first)
    #expect(appliedSection.contains("With the credentials of"), "\(appliedSection)")
    #expect(appliedSection.contains("Planned by"), "\(appliedSection)")
    #expect(appliedSection.contains("applied (read back)"), "\(appliedSection)")
    // The Summary's paragraph follows the change too.
    #expect(!record.contains("Okta itself is not changed yet"), "\(record)")
    #expect(record.contains("Where the change is now: backed out of Okta."), "\(record)")
    // Okta agrees with the record: nothing has the grant any more.
    let state = try await okta.state()
    let mobile = state["apps"]?.arrayValue?.first { $0["id"] == "0oa1mob" }
    #expect(
      mobile?[JSONPointer.root / "settings" / "oauthClient" / "grant_types"]?.arrayValue?
        .contains("interaction_code") == false)
  }

  @Test func aPartialFailureIsSaidInTheRecordAndTheRestFollows() async throws {
    try await LiveOrgTests().afterThePull { okta, place in
      #expect(
        try place.orgwiz(["run"] + LiveOrgTests.enable + ["--summary", "change.md"]).status == 0)
      try await okta.fault(
        method: "PUT", pathRegex: "/api/v1/apps/", status: 400, kind: .validation,
        errorCauses: ["The client is not authorized to use the provided grant type."])
      let first = try place.orgwiz(["apply", "--yes", "--no-verify"])
      #expect(first.status == 1, "\(first.stderr)")
      // The terminal says why, in the record's words.
      #expect(first.stderr.contains("✗ Add interaction_code to app"), "\(first.stderr)")
      var record = try #require(place.directory.read("change.md"))
      #expect(record.split(separator: "\n").first?.hasSuffix("(partly applied)") == true)
      #expect(record.contains("| Where the change is | partly applied in Okta |"))
      #expect(record.contains("Not in Okta: app"), "\(record)")
      let second = try place.orgwiz(["apply", "--yes", "--no-verify"])
      #expect(second.status == 0, "\(second.stderr)")
      record = try #require(place.directory.read("change.md"))
      #expect(
        headings(record).filter { $0.hasPrefix("Applied in Okta") } == [
          "Applied in Okta", "Applied in Okta (2)",
        ])
      #expect(record.split(separator: "\n").first?.hasSuffix("(applied)") == true)
      #expect(try records(place, suffix: ".apply.md").isEmpty)
    }
  }

  /// The environment of a place as `env` arguments, for a command run in a terminal.
  func env(_ place: Place) -> String {
    "env " + place.environment.map { "\($0.key)='\($0.value)'" }.sorted().joined(separator: " ")
  }

  // Each `?` says what the answer really does, and the answer does it: the pull's setting
  // question writes the model either way; apply asks the setting and the send apart.
  @Test func eachHelpSaysWhatItsAnswerDoes() async throws {
    let okta = try await FakeOkta.start(options: .init(interactionCode: true))
    defer { okta.stop() }
    let place = try Place(okta)
    defer { place.directory.remove() }
    let binary = TerminalEndToEndTests.binary
    let pull = try TerminalSession(
      "stty cols 400; \(env(place)) '\(binary)' pull --okta-url '\(okta.url)'",
      in: place.directory.path)
    #expect(pull.waitFor("[y/N] "), "\(pull.transcript)")
    pull.type("?\r")
    #expect(pull.waitFor("no records it as off", thenPrompt: "] "), "\(pull.transcript)")
    #expect(pull.transcript.contains("Either way the model is written"))
    pull.type("n\r")
    #expect(pull.finish() == 0, "\(pull.transcript)")
    let source = JSONPointer.root / "pull" / "embeddedWidgetSignInSupport"
    #expect(try place.model()[source / "value"] == false, "no wrote the setting as off")
    #expect(try place.model()[source / "source"] == "asked")

    #expect(try place.orgwiz(["run"] + LiveOrgTests.enable).status == 0)
    let apply = try TerminalSession(
      "stty cols 400; \(env(place)) '\(binary)' apply --no-verify", in: place.directory.path)
    #expect(apply.waitFor("(Settings > Account)?", thenPrompt: "] "), "\(apply.transcript)")
    apply.type("?\r")
    #expect(apply.waitFor("no: nothing is sent", thenPrompt: "] "), "\(apply.transcript)")
    apply.type("y\r")
    #expect(apply.waitFor("Send these requests?", thenPrompt: "] "), "\(apply.transcript)")
    apply.type("?\r")
    #expect(
      apply.waitFor("no sends nothing and writes nothing", thenPrompt: "] "),
      "\(apply.transcript)")
    apply.type("n\r")
    #expect(apply.finish() == 2, "\(apply.transcript)")
    #expect(try await okta.requests().filter { $0.method == "PUT" }.isEmpty)
  }

  @Test func aSharedRuleIsNamedAtTheReview() async throws {
    try await LiveOrgTests().afterThePull { _, place in
      // The default policy's rule serves every app.
      let run = try place.orgwiz([
        "run", "--no-input", "--operator", "ada@acme.example", "--set", "org-setting=enable",
        "--set", "server=api", "--set", "app=Acme Mobile", "--set", "policy=Default Policy",
        "--set", "rule=Default Policy Rule", "--set", "app-grant=yes", "--summary", "change.md",
      ])
      #expect(run.status == 0, "\(run.stderr)")
      let dry = try place.orgwiz(["apply", "--dry-run"])
      #expect(dry.status == 0, "\(dry.stderr)")
      #expect(dry.stderr.contains("this rule also serves"), "\(dry.stderr)")
      #expect(dry.stderr.contains("Acme Web"), "\(dry.stderr)")
    }
  }
}
