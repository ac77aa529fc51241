import OrgWizCore
import OrgWizJSON
import OrgWizTestSupport
import Testing

@Suite struct SummaryTests {
  static let metadata = RunMetadata(
    modelPath: "/work/org.json", modelSHA256Before: String(repeating: "a", count: 64),
    modelSHA256After: String(repeating: "b", count: 64), backupPath: "/work/org.json.bak",
    startedAt: "2026-11-25T01:45:00Z", endedAt: "2026-11-25T01:45:02Z", toolVersion: "0.1.0",
    dryRun: false)

  func run(_ model: OrgModel, _ answers: [String: String]) throws -> RunRecord {
    try WizardEngine(
      procedure: try Fixtures.procedure(),
      prompter: AnswersFilePrompter(answers: answers, fallback: nil),
      options: WizardOptions(assumeYes: true, now: Fixtures.now)
    ).run(on: model)
  }

  static let fullAnswers = [
    "operator": "ada@acme.example", "org-setting": "enable", "server": "api", "app": "Acme Mobile",
    "app-grant": "yes",
  ]

  @Test func summaryOfTheExampleRunMatchesItsSnapshot() throws {
    var changeSet = try run(Fixtures.exampleModel(), Self.fullAnswers).changeSet
    // The document's digest changes with every prose edit; the snapshot pins the layout.
    changeSet.procedure.sha256 = String(repeating: "c", count: 64)
    let markdown = SummaryRenderer.markdown(
      RunSummary(changeSet: changeSet, metadata: Self.metadata))
    #expect(
      Snapshot.verify(markdown, named: "example-run.summary.md", target: "OrgWizCoreTests") == nil)
  }

  @Test func summaryHasTheEightSectionsInOrder() throws {
    let record = try run(Fixtures.exampleModel(), Self.fullAnswers)
    let markdown = SummaryRenderer.markdown(RunSummary(record: record, metadata: Self.metadata))
    let headings = markdown.split(separator: "\n").filter {
      $0.hasPrefix("# ") || $0.hasPrefix("## ")
    }
    #expect(
      headings.map(String.init) == [
        "# Enable the Interaction Code grant for Acme Mobile on authorization server 'api' (acme.okta.com)",
        "## Summary", "## Resulting configuration", "## Changes", "## Verification",
        "## Implementation steps", "## Backout plan", "## Risk and impact",
      ])
    #expect(markdown.contains("cp -p -- /work/org.json.bak /work/org.json"))
    #expect(markdown.contains("**allowed**, by policy Mobile Apps and rule Mobile sign-in"))
  }

  @Test func hostileLabelsAreEscaped() throws {
    let label = "A|B *x* <script>alert(1)</script> `code` [link](http://x) _y_\nsecond line"
    let model = try Fixtures.exampleModel(edits: [
      JSONPointer.root / "apps" / 0 / "label": .string(label)
    ])
    let answers = Self.fullAnswers.merging(["app": "0oa1mob"]) { $1 }
    let record = try run(model, answers)
    let markdown = SummaryRenderer.markdown(RunSummary(record: record, metadata: Self.metadata))
    #expect(!markdown.contains("<script"))
    #expect(!markdown.contains("*x*"))
    #expect(!markdown.contains("`code`"))
    #expect(!markdown.contains("[link]"))
    #expect(markdown.contains("A\\|B \\*x\\* &lt;script"))
    // Every table row keeps its column count.
    for block in markdown.components(separatedBy: "\n\n") where block.contains("|---") {
      let rows = block.split(separator: "\n").map { String($0).trimmingWhitespace() }
      let columns = rows.map { row in
        var count = 0
        var escaped = false
        for character in row {
          if character == "|" && !escaped { count += 1 }
          escaped = character == "\\" && !escaped
        }
        return count
      }
      #expect(Set(columns).count == 1, "\(block)")
    }
    let title = try #require(markdown.split(separator: "\n").first)
    #expect(title.count <= 161)
  }

  @Test func longTitlesAreCutBelow160Characters() throws {
    let label = String(repeating: "Very long app name & more <tags> ", count: 10)
    let model = try Fixtures.exampleModel(edits: [
      JSONPointer.root / "apps" / 0 / "label": .string(label)
    ])
    let record = try run(model, Self.fullAnswers.merging(["app": "0oa1mob"]) { $1 })
    let markdown = SummaryRenderer.markdown(RunSummary(record: record, metadata: Self.metadata))
    let title = String(try #require(markdown.split(separator: "\n").first).dropFirst(2))
    #expect(title.count < 160)
    #expect(title.hasSuffix("…"))
    #expect(!title.contains("&l…") && !title.contains("&lt…"))
  }

  @Test func secretsNeverAppear() throws {
    let secretApp = JSONPointer.root / "apps" / 1
    let model = try Fixtures.exampleModel()
    let record = try run(model, Self.fullAnswers.merging(["app": "Acme Web"]) { $1 })
    #expect(model.document[secretApp / "credentials" / "oauthClient" / "client_secret"] != nil)
    let summary = RunSummary(record: record, metadata: Self.metadata)
    let markdown = SummaryRenderer.markdown(summary)
    let json = JSONWriter.string(SummaryJSON.value(summary))
    #expect(!markdown.contains("s3cr3t"))
    #expect(!json.contains("s3cr3t"))
    let redacted = Redaction.redact(model.document[secretApp])
    #expect(
      redacted?[JSONPointer.root / "credentials" / "oauthClient" / "client_secret"]
        == .string(Redaction.placeholder))
  }

  @Test func aRunThatChangesNothingSaysNoChanges() throws {
    let record = try run(
      Fixtures.exampleModel(), ["operator": "ada@acme.example", "org-setting": "keep"])
    let markdown = SummaryRenderer.markdown(RunSummary(record: record, metadata: Self.metadata))
    #expect(markdown.contains("## Changes\n\nNo changes."))
    #expect(markdown.hasPrefix("# No changes"))
  }

  @Test func disableIsReportedAsARemoval() throws {
    let grants = JSONPointer.root / "apps" / 0 / "settings" / "oauthClient" / "grant_types"
    let model = try Fixtures.exampleModel(edits: [
      JSONPointer.root / "settings" / "embeddedWidgetSignInSupport" / "interactionCode": true,
      grants: ["authorization_code", "interaction_code"],
    ])
    let record = try run(model, ["operator": "ada@acme.example", "org-setting": "disable"])
    let summary = RunSummary(record: record, metadata: Self.metadata)
    #expect(summary.removedAnything)
    #expect(summary.changedApps.map(\.id) == ["0oa1mob"])
    #expect(summary.affectedApps.isEmpty)
    let markdown = SummaryRenderer.markdown(summary)
    #expect(markdown.contains("Anything removed: yes"))
    #expect(markdown.contains("Apps changed: Acme Mobile (0oa1mob)"))
    // The step says what it did, not what the procedure calls it.
    #expect(markdown.contains("### Step 2: Turn Embedded widget sign-in support off"))
    // Backing out a disable turns the setting on first: while it is off, nothing can get the
    // grant back.
    let backout = try #require(markdown.components(separatedBy: "## Backout plan").last)
    let settingOn = try #require(backout.range(of: "select the checkbox to turn it on again"))
    let grantBack = try #require(backout.range(of: "select the Interaction Code checkbox again"))
    #expect(settingOn.lowerBound < grantBack.lowerBound, "\(backout)")
  }

  @Test func backingOutAnEnableTakesTheGrantsAwayBeforeTheSetting() throws {
    let record = try run(Fixtures.exampleModel(), Self.fullAnswers)
    let summary = RunSummary(record: record, metadata: Self.metadata)
    let kinds = summary.backout.map(\.object.kind)
    #expect(kinds == [.app, .rule, .orgSetting], "\(kinds)")
    #expect(summary.backout.last?.action.hasPrefix("clear the checkbox") == true)
  }

  @Test func jsonTwinCarriesTheSameContent() throws {
    let record = try run(Fixtures.exampleModel(), Self.fullAnswers)
    let json = SummaryJSON.value(RunSummary(record: record, metadata: Self.metadata))
    #expect(
      json["title"]?.stringValue?.hasPrefix("Enable the Interaction Code grant for Acme Mobile")
        == true)
    #expect(json[JSONPointer.root / "verification" / "simulation" / "allowed"] == true)
    #expect(json[JSONPointer.root / "verification" / "simulation" / "rule"] == "0pr2mob")
    #expect(json[JSONPointer.root / "changes"]?.arrayValue?.count == 3)
    #expect(
      json[JSONPointer.root / "backoutPlan" / "restoreCommand"]
        == "cp -p -- /work/org.json.bak /work/org.json")
    #expect(json[JSONPointer.root / "riskAndImpact" / "objectsChanged"] == 3)
    #expect(json[JSONPointer.root / "answers" / "server"] == "aus1api")
  }

  @Test func theResultingServerInJSONListsItsPoliciesAndRulesWithTheirFields() throws {
    let record = try run(Fixtures.exampleModel(), Self.fullAnswers)
    let json = SummaryJSON.value(RunSummary(record: record, metadata: Self.metadata))
    let policies = JSONPointer.root / "resultingConfiguration" / "server" / "policies"
    let mobile = try #require(json[policies / 0]?.objectValue)
    #expect(mobile.map(\.key) == ["id", "name", "status", "priority", "clients", "rules"])
    #expect(json[policies / 0 / "name"] == "Mobile Apps")
    #expect(json[policies / 0 / "priority"] == 1)
    let rule = try #require(json[policies / 0 / "rules" / 0]?.objectValue)
    #expect(rule.map(\.key) == ["id", "name", "status", "priority", "grantTypes"])
    #expect(json[policies / 0 / "rules" / 0 / "id"] == "0pr2mob")
    #expect(json[policies / 0 / "rules" / 0 / "status"] == "ACTIVE")
  }

  @Test func aStepInJSONBeginsWithItsNumberIDTitleAndHeadingInBothLists() throws {
    let record = try run(Fixtures.exampleModel(), Self.fullAnswers)
    let json = SummaryJSON.value(RunSummary(record: record, metadata: Self.metadata))
    let head = ["step", "stepID", "title", "heading"]
    let step = try #require(json[JSONPointer.root / "changeSet" / 1]?.objectValue)
    #expect(step.map(\.key) == head + ["effects"])
    #expect(json[JSONPointer.root / "changeSet" / 1 / "step"] == 2)
    #expect(json[JSONPointer.root / "changeSet" / 1 / "stepID"] == "org-setting")
    let performed = try #require(json[JSONPointer.root / "implementationSteps" / 0]?.objectValue)
    #expect(performed.map(\.key) == head + ["performed", "adminConsole", "answers"])
  }

  @Test func aListEffectInJSONNamesItsEntryItsObjectAndTheListBeforeAndAfter() {
    let app = ObjectRef(
      kind: .app, id: "0oa1mob", name: "Acme Mobile", pointer: JSONPointer.root / "apps" / 0)
    let added = Effect.grantAdded(
      "interaction_code", to: app, before: ["authorization_code"],
      after: ["authorization_code", "interaction_code"]
    ).json
    #expect(
      added.objectValue?.map(\.key) == ["effect", "grant", "object", "before", "after", "sentence"])
    #expect(added["effect"] == "grant-added")
    #expect(added["object"] == app.json)
    #expect(added["after"] == .strings(["authorization_code", "interaction_code"]))
    let present = Effect.scopeAlreadyPresent("profile", on: app).json
    #expect(present.objectValue?.map(\.key) == ["effect", "scope", "object", "sentence"])
    #expect(present["scope"] == "profile")
  }
}
