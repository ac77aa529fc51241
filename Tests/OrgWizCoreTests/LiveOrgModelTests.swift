import OrgWizCore
import OrgWizJSON
import OrgWizTestSupport
import Testing

/// Pull builds a model from Okta's answers; apply plans from the model and its pull record.
/// Both are pure: these tests feed them the shapes the Management API returns.
@Suite struct LiveOrgModelTests {
  /// A pulled org made of the example model's own objects, as Okta would return them.
  static func pulled(clientSecret: String? = nil) throws -> PulledOrg {
    let model = try JSONParser.parse(Fixtures.exampleBytes())
    var servers: [PulledOrg.Server] = []
    for server in model["authorizationServers"]?.arrayValue ?? [] {
      var bare = try #require(server.objectValue)
      let policies = bare.removeValue(forKey: "policies")?.arrayValue ?? []
      servers.append(
        PulledOrg.Server(
          server: .object(bare),
          policies: policies.map { policy in
            var object = policy.objectValue ?? JSONObject()
            let rules = object.removeValue(forKey: "rules")?.arrayValue ?? []
            return (.object(object), rules)
          }, scopes: [["name": "openid"]]))
    }
    var apps = model["apps"]?.arrayValue ?? []
    if let clientSecret {
      _ = apps[1].set(
        .string(clientSecret),
        at: JSONPointer.root / "credentials" / "oauthClient" / "client_secret")
    }
    apps.append(["id": "0oa9saml", "label": "Payroll", "signOnMode": "SAML_2_0"])
    let admins: [(user: JSONValue, roles: [JSONValue])] = [
      (
        [
          "id": "00u1ada",
          "profile": ["login": "ada@acme.example", "firstName": "Ada", "lastName": "Admin"],
        ],
        [
          ["id": "ra1", "type": "SUPER_ADMIN", "assignmentType": "USER"],
          ["id": "ra2", "type": "SUPER_ADMIN", "assignmentType": "GROUP"],
        ]
      )
    ]
    return PulledOrg(
      orgURL: "https://acme.okta.com", domain: "acme.okta.com",
      wellKnown: ["id": "00o1acme", "pipeline": "idx"],
      org: ["id": "00o1acme", "companyName": "Acme Corp"],
      servers: servers, apps: apps, admins: admins, groups: [])
  }

  @Test func aPulledOrgIsAModelThatLoads() throws {
    let pulled = try Self.pulled()
    let document = try PullAssembler.model(
      pulled, setting: false, source: .flag, pulledAt: "T", toolVersion: "0.1.0")
    let model = try OrgModel.load(JSONWriter.write(document), source: "pulled")
    #expect(model.org.engine == .identityEngine)
    #expect(model.org.name == "Acme Corp")
    #expect(model.servers.map(\.id) == ["aus1api", "aus2prt", "aus3inv"])
    #expect(model.servers[0].policies.count == 2)
    // Only OpenID Connect apps; roles as their types, once each.
    #expect(!model.apps.contains { $0.id == "0oa9saml" })
    #expect(model.admins.first?.roles == ["SUPER_ADMIN"])
    #expect(model.admins.first?.displayName == "Ada Admin")
    let record = try #require(PullRecord(model: document))
    #expect(record.orgURL == "https://acme.okta.com")
    #expect(
      record.objects.contains { $0.kind == .rule && $0.id == "0pr2mob" && $0.serverID == "aus1api" }
    )
    #expect(record.objects.contains { $0.kind == .app && $0.id == "0oa1mob" })
  }

  @Test func aClientSecretIsNeverWrittenToTheModel() throws {
    let secret = "s3cr3t-from-okta-9f8e7d"
    let document = try PullAssembler.model(
      try Self.pulled(clientSecret: secret), setting: false, source: .flag, pulledAt: "T",
      toolVersion: "0.1.0")
    let text = JSONWriter.string(document)
    #expect(!text.contains(secret))
    #expect(!text.contains("\"client_secret\""))
  }

  @Test func theSettingIsInferredOnlyFromAGrantAlreadyListed() throws {
    var pulled = try Self.pulled()
    #expect(!PullAssembler.inferredSetting(pulled))
    _ = pulled.apps[0].set(
      ["authorization_code", "interaction_code"],
      at: JSONPointer.root / "settings" / "oauthClient" / "grant_types")
    #expect(PullAssembler.inferredSetting(pulled))
  }

  @Test func theEngineComesFromTheWellKnownPipeline() throws {
    var pulled = try Self.pulled()
    pulled.wellKnown = ["pipeline": "v1"]
    let classic = try PullAssembler.model(
      pulled, setting: false, source: .flag, pulledAt: "T", toolVersion: "x")
    #expect(classic[JSONPointer.root / "org" / "engine"] == "classic")
    pulled.wellKnown = [:]
    #expect(throws: PullError.self) {
      try PullAssembler.model(
        pulled, setting: false, source: .flag, pulledAt: "T", toolVersion: "x")
    }
  }

  /// A pulled model after the wizard added the grant to a rule and an app.
  static func plannedModel() throws -> (OrgModel, JSONValue) {
    var document = try PullAssembler.model(
      try pulled(), setting: true, source: .flag, pulledAt: "T", toolVersion: "0.1.0")
    _ = document.set(
      ["authorization_code", "interaction_code"],
      at: JSONPointer([
        "authorizationServers", "0", "policies", "1", "rules", "0", "conditions", "grantTypes",
        "include",
      ]))
    _ = document.set(
      ["authorization_code", "refresh_token", "interaction_code"],
      at: JSONPointer.root / "apps" / 0 / "settings" / "oauthClient" / "grant_types")
    return (try OrgModel.load(JSONWriter.write(document), source: "m"), document)
  }

  @Test func thePlanIsTheGrantMembershipChangedSinceThePull() throws {
    let (model, _) = try Self.plannedModel()
    let plan = try #require(ApplyPlan.make(model))
    #expect(plan.items.map(\.object.id) == ["0pr2mob", "0oa1mob"])
    #expect(plan.items.allSatisfy { $0.adds })
    #expect(
      plan.items[0].path == "/api/v1/authorizationServers/aus1api/policies/00p2mob/rules/0pr2mob")
    #expect(plan.items[1].path == "/api/v1/apps/0oa1mob")
    // A model that was never pulled has no plan.
    #expect(ApplyPlan.make(try Fixtures.exampleModel()) == nil)
  }

  @Test func aBodyIsTheLiveObjectWithOnlyTheGrantChanged() throws {
    let (model, _) = try Self.plannedModel()
    let plan = try #require(ApplyPlan.make(model))
    var live = try #require(try JSONParser.parse(Fixtures.exampleBytes())["apps"]?[0])
    _ = live.set("Renamed in Okta since", at: JSONPointer.root / "label")
    _ = live.set(.null, at: JSONPointer.root / "settings" / "notes")
    _ = live.set("hunter2", at: JSONPointer.root / "credentials" / "oauthClient" / "client_secret")
    let (body, grants) = ApplyPlan.body(for: plan.items[1], live: live)
    #expect(grants == ["authorization_code", "refresh_token", "interaction_code"])
    #expect(body["label"] == "Renamed in Okta since", "the live object is the base, not the model")
    for readOnly in ["id", "status", "created", "lastUpdated", "_links"] {
      #expect(body[readOnly] == nil, "\(readOnly) is read-only")
    }
    #expect(body[JSONPointer.root / "settings" / "notes"] == nil, "nulls are left out")
    #expect(!JSONWriter.string(body).contains("hunter2"))
    // The record after applying: a second plan is empty.
    var after = live
    _ = after.set(
      .strings(grants), at: JSONPointer.root / "settings" / "oauthClient" / "grant_types")
    var rule = try #require(model.document[plan.items[0].ref.pointer])
    _ = rule.set("2026-12-01T00:00:00.000Z", at: JSONPointer.root / "lastUpdated")
    let record = ApplyPlan.record(
      plan.record, applied: [(plan.items[0], rule), (plan.items[1], after)])
    var document = model.document
    _ = document.set(record.json, at: PullRecord.pointer)
    let again = try #require(
      ApplyPlan.make(try OrgModel.load(JSONWriter.write(document), source: "m")))
    #expect(again.items.isEmpty)
    #expect(record.objects.first { $0.id == "0pr2mob" }?.lastUpdated == "2026-12-01T00:00:00.000Z")
  }
}
