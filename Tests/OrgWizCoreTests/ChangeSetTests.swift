import OrgWizCore
import OrgWizJSON
import OrgWizTestSupport
import Testing

/// The change set the engine leaves: what was chosen, as values, the simulation made once
/// with the procedure's grant, and renderings that read it and nothing else.
@Suite struct ChangeSetTests {
  /// A run without a terminal, as the summary tests make it.
  func run(_ model: OrgModel, _ answers: [String: String]) throws -> RunRecord {
    try SummaryTests().run(model, answers)
  }

  @Test func aRunOnTheExampleOrgHasTypedSelectionsAndItsSimulation() throws {
    let changeSet = try run(Fixtures.exampleModel(), SummaryTests.fullAnswers).changeSet
    let chosen = changeSet.selections
    #expect(chosen.operatorAdmin?.id == "00u1ada")
    #expect(chosen.operatorAdmin?.name == "ada@acme.example")
    #expect(chosen.role != nil)
    #expect(chosen.server == .custom(try #require(chosen.customServer)))
    #expect(chosen.customServer?.id == "aus1api")
    #expect(chosen.chosenApp?.id == "0oa1mob")
    #expect(chosen.policy?.id == "00p2mob")
    #expect(chosen.rule?.id == "0pr2mob")
    #expect(chosen.rule?.serverName == "api")
    let simulation = try #require(changeSet.simulation)
    #expect(simulation.grant == Grants.interactionCode.type)
    #expect(simulation.app == chosen.chosenApp)
    #expect(simulation.server == chosen.server?.ref)
    #expect(simulation.allowed)
    #expect(simulation.ruleID == "0pr2mob")
    #expect(
      Set(changeSet.configuration.server?.policies.map(\.id) ?? []) == ["00p1def", "00p2mob"])
    #expect(changeSet.configuration.switchOn == true)
    #expect(changeSet.configuration.appsUsingGrant.map(\.id).contains("0oa1mob"))
  }

  @Test func theOrgAuthorizationServerIsASelectionWithItsOwnSimulation() throws {
    let changeSet = try run(
      Fixtures.exampleModel(),
      SummaryTests.fullAnswers.merging(["server": "org-authorization-server"]) { $1 }
    ).changeSet
    #expect(changeSet.selections.usesOrgServer)
    #expect(changeSet.selections.customServer == nil)
    #expect(changeSet.selections.policy == nil)
    #expect(changeSet.simulation?.serverID == "org-authorization-server")
    #expect(changeSet.configuration.server == nil)
  }

  @Test func turningTheSettingOffChoosesNothingItStrips() throws {
    let on = try run(Fixtures.exampleModel(), SummaryTests.fullAnswers)
    let off = try run(
      on.finalState.model, ["operator": "ada@acme.example", "org-setting": "disable"]
    ).changeSet
    #expect(off.removedAnything)
    #expect(off.selections.rule == nil)
    #expect(off.selections.app == nil)
    #expect(off.simulation == nil)
    #expect(off.changes.map(\.ref.id).contains("0oa1mob"))
  }

  /// The model as it is after the run, with every app renamed: what a renderer would show if
  /// it looked at the model again.
  func renamed(_ model: OrgModel) throws -> OrgModel {
    var document = model.document
    for app in model.apps { document.set(.string("Renamed \(app.id)"), at: app.pointer / "label") }
    return try OrgModel(document: document, source: "renamed")
  }

  @Test func theRecordIsRenderedFromTheChangeSetNotFromTheModel() throws {
    var record = try run(Fixtures.exampleModel(), SummaryTests.fullAnswers)
    let summary = RunSummary(record: record, metadata: SummaryTests.metadata)
    let markdown = SummaryRenderer.markdown(summary)
    let text = SummaryRenderer.render(summary, as: .text)
    let json = JSONWriter.string(SummaryJSON.value(summary))
    let shared = SharedRule.reviewLines(record.changeSet.review)
    // Apps renamed after the fact: the record made from the run's change set is the same.
    record.finalState.model = try renamed(record.finalState.model)
    record.initialModel = try renamed(record.initialModel)
    let again = RunSummary(record: record, metadata: SummaryTests.metadata)
    #expect(SummaryRenderer.markdown(again) == markdown)
    #expect(SummaryRenderer.render(again, as: .text) == text)
    #expect(JSONWriter.string(SummaryJSON.value(again)) == json)
    #expect(SharedRule.reviewLines(record.changeSet.review) == shared)
    #expect(!markdown.contains("Renamed"))
    #expect(markdown.contains("Acme Mobile"))
  }

  /// The example org with `count` more web apps like Acme Web (`0oa9web01`…), which the
  /// Default Policies (for all clients) apply to.
  func withMoreApps(_ count: Int) throws -> OrgModel {
    let example = try Fixtures.exampleModel()
    var apps = try #require(example.document["apps"]?.arrayValue)
    let web = apps[1]
    for number in 1...count {
      let id = "0oa9web" + (number < 10 ? "0" : "") + "\(number)"
      var app = web
      app.set(.string(id), at: JSONPointer.root / "id")
      app.set(.string("Web \(number)"), at: JSONPointer.root / "label")
      app.set(.string(id), at: JSONPointer.root / "credentials" / "oauthClient" / "client_id")
      apps.append(app)
    }
    var document = example.document
    document.set(.array(apps), at: JSONPointer.root / "apps")
    return try OrgModel(document: document, source: "more apps")
  }

  static let defaultPolicyAnswers = SummaryTests.fullAnswers.merging([
    "policy": "Default Policy", "rule": "Default Policy Rule",
  ]) { $1 }

  /// The review is shown what the change set will hold, built before the rest: the record a
  /// reviewed run writes is the one an unreviewed run writes.
  @Test func theReviewShowsThePartOfTheChangeSetTheRecordKeeps() throws {
    let model = try withMoreApps(3)
    var shown: [ChangeSet.Review] = []
    var engine = WizardEngine(
      procedure: try Fixtures.procedure(),
      prompter: AnswersFilePrompter(answers: Self.defaultPolicyAnswers, fallback: nil),
      options: WizardOptions(assumeYes: true, now: Fixtures.now))
    engine.review = { review in
      shown.append(review)
      return .accept
    }
    let reviewed = try engine.run(on: model).changeSet
    let unreviewed = try run(model, Self.defaultPolicyAnswers).changeSet
    #expect(shown == [reviewed.review])
    #expect(reviewed == unreviewed)
    let affected = reviewed.affectedApps.first { $0.app.id == "0oa9web03" }
    #expect(
      affected?.reason
        == "policy \"Default Policy\" applies to it, and its rule \"Default Policy Rule\" changed")
    #expect(affected?.app.name == "Web 3")
    #expect(SharedRule.reviewLines(reviewed.review).count == 1)
  }

  /// A rule that serves many other apps names ten of them, in the model's order, and counts
  /// the rest; the app the run chose is not among them, and neither is a SAML app.
  @Test func aSharedRuleNamesTenOtherAppsAndCountsTheRest() throws {
    let changeSet = try run(try withMoreApps(12), Self.defaultPolicyAnswers).changeSet
    let lines = SharedRule.reviewLines(changeSet.review)
    try #require(lines.count == 1)
    let line = lines[0]
    #expect(line.hasPrefix("rule \"Default Policy Rule\""), "\(line)")
    // Acme Web, Acme Reports, Acme TV, Acme Orders API and Web 1 to 12: 16, of which 10 named.
    #expect(
      line.hasSuffix(
        "\n    this rule also serves 16 other apps: Acme Web (0oa2web), Acme Reports (service) "
          + "(0oa3rpt), Acme TV (0oa5tv), Acme Orders API (0oa6ord), Web 1 (0oa9web01), Web 2 "
          + "(0oa9web02), Web 3 (0oa9web03), Web 4 (0oa9web04), Web 5 (0oa9web05), Web 6 "
          + "(0oa9web06), and 6 more"), "\(line)")
    #expect(!line.contains("0oa1mob") && !line.contains("Workday"))
  }

  @Test func whatTheChangeSetSaysIsWhatTheRecordSays() throws {
    var changeSet = try run(Fixtures.exampleModel(), SummaryTests.fullAnswers).changeSet
    let app = try #require(changeSet.simulation?.app)
    changeSet.simulation?.app.name = "Chosen In The Change Set"
    changeSet.selections.operatorAdmin?.name = "someone@acme.example"
    let summary = RunSummary(changeSet: changeSet, metadata: SummaryTests.metadata)
    let markdown = SummaryRenderer.markdown(summary)
    #expect(markdown.contains("from app Chosen In The Change Set (\(app.id))"))
    #expect(markdown.contains("| Operator | someone@acme.example (00u1ada) |"))
    let json = SummaryJSON.value(summary)
    #expect(json["summary"]?["operator"]?.stringValue == "someone@acme.example")
  }

  /// For one run on a pulled model, `apply`'s plan (a diff of the pull record) sends exactly
  /// the grant edits of the change set, naming each object by the same reference.
  @Test func applysPlanForOneRunIsTheChangeSetsGrantEdits() throws {
    let pulled = try ExportTests.pulledModel(change: false)
    let record = try run(pulled, SummaryTests.fullAnswers)
    let plan = try #require(ApplyPlan.make(record.finalState.model))
    struct Edit: Equatable {
      var ref: ObjectRef
      var added, removed: [String]
    }
    let edits = record.changeSet.modelChangingEffects.compactMap { effect -> Edit? in
      switch effect {
      case .grantAdded(let grant, let ref, _, _): Edit(ref: ref, added: [grant], removed: [])
      case .grantRemoved(let grant, let ref, _, _): Edit(ref: ref, added: [], removed: [grant])
      default: nil
      }
    }
    #expect(!edits.isEmpty)
    #expect(plan.items.map { Edit(ref: $0.ref, added: $0.added, removed: $0.removed) } == edits)
  }
}
