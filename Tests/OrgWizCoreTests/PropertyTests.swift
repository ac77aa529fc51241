import OrgWizCore
import OrgWizJSON
import OrgWizTestSupport
import PropertyBased
import Testing

/// Invariants over generated input.
@Suite struct PropertyTests {
  /// Text with any scalar from control characters to CJK and emoji.
  static let text = Gen<UInt32>.value(in: 0...0x1F64F)
    .array(of: 0...12)
    .map { values in
      // Surrogate code points are not scalars; they become U+FFFD.
      String(String.UnicodeScalarView(values.map { UnicodeScalar($0) ?? "\u{FFFD}" }))
    }

  /// Where a generated member is put: the root, the org, an app, a rule, a policy.
  static let places: [JSONPointer] = [
    .root, .root / "org", .root / "apps" / 0, .root / "apps" / 3 / "settings",
    .root / "authorizationServers" / 0 / "policies" / 1 / "rules" / 0,
    .root / "authorizationServers" / 0 / "policies" / 1 / "rules" / 0 / "conditions",
    .root / "authorizationServers" / 1 / "policies" / 0,
  ]

  static func value(_ text: String, _ number: Int64, _ kind: Int) -> JSONValue {
    switch kind {
    case 0: .string(text)
    case 1: .number(JSONNumber(Int(number)))
    case 2:
      .array([.string(text), .number(JSONNumber(Int(number))), .null, .bool(number % 2 == 0)])
    case 3:
      .object(JSONObject([("x-\(text)", .string(text)), ("n", .number(JSONNumber(Int(number))))]))
    default: .bool(number < 0)
    }
  }

  @Test func generatedUnknownMembersSurviveAFullRun() async throws {
    let base = try Fixtures.exampleModel()
    let procedure = try Fixtures.testProcedure()
    let member = zip(
      Self.text, Self.text, Gen<Int64>.int64(), Gen.int(in: 0...4), Gen.int(in: 0...6))
    await propertyCheck(count: 60, input: member.array(of: 1...5)) { members in
      var document = base.document
      var expected: [(JSONPointer, JSONValue)] = []
      for (key, text, number, kind, place) in members {
        let pointer = Self.places[place] / ("x-" + key)
        let value = Self.value(text, number, kind)
        document.set(value, at: pointer)
        expected.removeAll { $0.0 == pointer }
        expected.append((pointer, value))
      }
      let model = try OrgModel(document: document)
      let record = try WizardEngine(
        procedure: procedure,
        prompter: AnswersFilePrompter(answers: procedure.exampleAnswers, fallback: nil),
        options: WizardOptions(assumeYes: true, now: Fixtures.now)
      ).run(on: model)
      let reloaded = try OrgModel.load(record.finalState.model.encoded(), source: "saved")
      for (pointer, value) in expected {
        #expect(reloaded.document[pointer] == value, "\(pointer)")
      }
      // Saving again gives the same bytes.
      #expect(reloaded.encoded() == record.finalState.model.encoded())
    }
  }

  @Test func applyingTheProcedureTwiceEqualsApplyingItOnce() async throws {
    let procedure = try Fixtures.testProcedure()
    let base = try Fixtures.exampleModel()
    let apps = ["Acme Mobile", "Acme Web", "none", "0oa3rpt"]
    let servers = ["api", "partners"]
    await propertyCheck(count: 20, input: Gen.int(in: 0...3), Gen.int(in: 0...1)) { app, server in
      var answers = procedure.exampleAnswers
      answers["app"] = apps[app]
      answers["server"] = servers[server]
      let engine = WizardEngine(
        procedure: procedure, prompter: AnswersFilePrompter(answers: answers, fallback: nil),
        options: WizardOptions(assumeYes: true, now: Fixtures.now))
      let once = try engine.run(on: base)
      let twice = try engine.run(on: once.finalState.model)
      #expect(!twice.changed)
      #expect(twice.finalState.model.document == once.finalState.model.document)
    }
  }

  @Test func validationNeverCrashesOnGeneratedModels() async throws {
    let base = try Fixtures.exampleModel()
    let flips: [(JSONPointer, JSONValue)] = [
      (.root / "settings" / "embeddedWidgetSignInSupport" / "interactionCode", true),
      (.root / "org" / "engine", "classic"),
      (
        .root / "apps" / 0 / "settings" / "oauthClient" / "grant_types",
        ["interaction_code", "bogus"]
      ),
      (.root / "apps" / 1 / "id", "0oa1mob"),
      (.root / "authorizationServers" / 0 / "policies" / 0 / "priority", 1),
      (.root / "authorizationServers" / 0 / "policies" / 0 / "rules", []),
      (.root / "authorizationServers" / 0 / "policies", []),
      (.root / "admins", []),
      (.root / "apps", []),
      (.root / "authorizationServers" / 1 / "issuer", "https://acme.okta.com"),
    ]
    await propertyCheck(count: 80, input: Gen.int(in: 0...1023)) { mask in
      var document = base.document
      for (index, flip) in flips.enumerated() where mask & (1 << index) != 0 {
        document.set(flip.1, at: flip.0)
      }
      let model = try OrgModel(document: document)
      let report = ValidationRegistry.validate(model)
      #expect(report.results.count == ValidationRegistry.all.count)
    }
  }
}
