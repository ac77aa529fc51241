import OrgWizCore
import OrgWizJSON
import OrgWizTestSupport
import Testing

@Suite struct ModelTests {
  @Test func exampleOrgRoundTripsByteForByte() throws {
    let bytes = try Fixtures.exampleBytes()
    let model = try OrgModel.load(bytes, source: "acme.org.json")
    #expect(model.encoded() == bytes)
  }

  @Test func unknownFieldsSurviveLoadApplySave() throws {
    let text = try Fixtures.testFixture("OrgWizCoreTests", "unknown-fields.org.json")
    let original = try JSONParser.parse(text)
    let model = try OrgModel(document: original)
    let procedure = try Fixtures.testProcedure()
    let answers = [
      "operator": "root@uf.example", "org-setting": "keep", "server": "main", "app": "Thing",
      "app-grant": "yes",
    ]
    let record = try WizardEngine(
      procedure: procedure, prompter: AnswersFilePrompter(answers: answers, fallback: nil),
      options: WizardOptions(assumeYes: true, now: Fixtures.now)
    ).run(on: model)
    let saved = try JSONParser.parse(record.finalState.model.encoded())
    let rule = JSONPointer.root / "authorizationServers" / 0 / "policies" / 0 / "rules" / 0
    let app = JSONPointer.root / "apps" / 0
    // Only the grant lists and lastUpdated of the changed objects differ.
    var expected = original
    expected.set(
      ["authorization_code", "interaction_code"], at: rule / "conditions" / "grantTypes" / "include"
    )
    expected.set(.string(Fixtures.now), at: rule / "lastUpdated")
    expected.set(
      ["authorization_code", "interaction_code"],
      at: app / "settings" / "oauthClient" / "grant_types")
    expected.set(.string(Fixtures.now), at: app / "lastUpdated")
    #expect(saved == expected)
    // Numbers keep their exact text.
    let nested = try #require(saved[JSONPointer.root / "x-vendor" / "nested"]?.arrayValue)
    #expect(
      nested.compactMap(\.numberValue).map(\.literal) == [
        "1", "2.50", "-0", "1e400", "12345678901234567890",
      ])
  }

  @Test func outputIsPrettyWithSortedKeysAndIntegers() throws {
    let model = try OrgModel.load(
      Array(
        #"{"org":{"name":"A","engine":"identity-engine","domain":"a.okta.com"},"b":1,"a":[]}"#.utf8),
      source: "t")
    #expect(
      String(decoding: model.encoded(), as: UTF8.self) == """
        {
          "a": [],
          "b": 1,
          "org": {
            "domain": "a.okta.com",
            "engine": "identity-engine",
            "name": "A"
          }
        }

        """)
  }

  @Test func malformedJSONNamesLineAndColumn() {
    let text = "{\n  \"org\": {\n    \"name\": \"A\",,\n  }\n}"
    #expect {
      _ = try OrgModel.load(Array(text.utf8), source: "org.json")
    } throws: { error in
      guard let error = error as? ModelLoadError, case .malformedJSON(let parse) = error.reason
      else {
        return false
      }
      return parse.line == 3 && parse.column == 17
        && error.message.hasPrefix("org.json:3:17: malformed JSON")
        && error.exitStatus == .dataError
    }
  }

  @Test func wrongTypeNamesThePointer() throws {
    var document = try JSONParser.parse(Fixtures.exampleBytes())
    document.set(
      "1", at: JSONPointer.root / "authorizationServers" / 0 / "policies" / 0 / "priority")
    document.set(5, at: JSONPointer.root / "apps" / 1 / "label")
    do {
      _ = try OrgModel(document: document, source: "org.json")
      Issue.record("accepted a string priority")
    } catch {
      guard case .shape(let issues) = error.reason else {
        Issue.record("wrong reason \(error.reason)")
        return
      }
      #expect(
        issues.map(\.description) == [
          "/authorizationServers/0/policies/0/priority: expected an integer, found \"1\"",
          "/apps/1/label: expected a string, found 5",
        ])
      #expect(error.message.contains("org.json#/authorizationServers/0/policies/0/priority"))
    }
  }

  @Test func missingRequiredFieldIsNamed() throws {
    var document = try JSONParser.parse(Fixtures.exampleBytes())
    _ = document.removeMember(at: JSONPointer.root / "apps" / 2 / "id")
    #expect {
      _ = try OrgModel(document: document)
    } throws: { error in
      (error as? ModelLoadError)?.message.contains("/apps/2/id: missing; every app needs \"id\"")
        ?? false
    }
  }

  @Test func newerFormatVersionIsRefusedNamingBoth() throws {
    var document = try JSONParser.parse(Fixtures.exampleBytes())
    document.set(2, at: JSONPointer.root / "formatVersion")
    #expect {
      _ = try OrgModel(document: document, source: "org.json")
    } throws: { error in
      let message = (error as? ModelLoadError)?.message ?? ""
      return message.contains("format version 2") && message.contains("format version 1")
    }
  }

  @Test func missingFormatVersionReadsAsOne() throws {
    var document = try JSONParser.parse(Fixtures.exampleBytes())
    _ = document.removeMember(at: JSONPointer.root / "formatVersion")
    #expect(try OrgModel(document: document).formatVersion == 1)
  }

  @Test func lookupsByIdNameAndCaseInsensitiveName() throws {
    let model = try Fixtures.exampleModel()
    func find(_ query: String) -> Result<OrgApp, LookupFailure> {
      Lookup.find(query, kind: "app", in: model.apps, ids: { [$0.id, $0.clientID] }, name: \.label)
    }
    #expect(try find("0oa2web").get().label == "Acme Web")
    #expect(try find("0oa2webclient").get().label == "Acme Web")
    #expect(try find("Acme Web").get().id == "0oa2web")
    #expect(try find("acme web").get().id == "0oa2web")
    guard case .failure(.notFound(_, _, let candidates)) = find("Nope") else {
      Issue.record("expected notFound")
      return
    }
    #expect(candidates.count == model.apps.count)
  }

  @Test func ambiguousNamesListTheCandidatesIds() throws {
    let model = try Fixtures.exampleModel(edits: [
      JSONPointer.root / "apps" / 1 / "label": "acme mobile"
    ])
    let result = Lookup.find(
      "ACME MOBILE", kind: "app", in: model.apps, ids: { [$0.id] }, name: \.label)
    guard case .failure(let failure) = result else {
      Issue.record("expected ambiguity")
      return
    }
    #expect(failure.message.contains("0oa1mob") && failure.message.contains("0oa2web"))
    #expect(failure.message.contains("use the id"))
    // An exact match wins over case-insensitive ones.
    #expect(
      try Lookup.find("acme mobile", kind: "app", in: model.apps, ids: { [$0.id] }, name: \.label)
        .get().id == "0oa2web")
  }

  @Test func setCreatesMissingIntermediateObjects() {
    var value: JSONValue = ["a": 1]
    let created = value.set(true, at: JSONPointer.root / "b" / "c" / "d")
    #expect(created)
    #expect(value[JSONPointer.root / "b" / "c" / "d"] == true)
    let throughNumber = value.set(true, at: JSONPointer.root / "a" / "x")
    #expect(!throughNumber)
  }
}
