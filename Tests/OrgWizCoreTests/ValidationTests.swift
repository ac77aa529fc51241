import OrgWizCore
import OrgWizJSON
import OrgWizTestSupport
import Testing

@Suite struct ValidationTests {
  static let setting =
    JSONPointer.root / "settings" / "embeddedWidgetSignInSupport" / "interactionCode"
  static let mobileGrants =
    JSONPointer.root / "apps" / 0 / "settings" / "oauthClient" / "grant_types"
  static let defaultRuleGrants =
    JSONPointer.root / "authorizationServers" / 0 / "policies" / 0 / "rules" / 0 / "conditions"
    / "grantTypes" / "include"

  /// Each rule: a model edit that breaks it, and where the finding must point.
  static let breaking: [(rule: String, edits: [JSONPointer: JSONValue], pointer: JSONPointer)] = [
    (
      "engine-supports-grant", [JSONPointer.root / "org" / "engine": "classic", setting: true],
      setting
    ),
    ("grant-needs-org-setting", [mobileGrants: ["interaction_code"]], mobileGrants),
    ("grant-needs-org-setting", [defaultRuleGrants: ["interaction_code"]], defaultRuleGrants),
    (
      "unique-ids", [JSONPointer.root / "apps" / 1 / "id": "0oa1mob"],
      JSONPointer.root / "apps" / 1 / "id"
    ),
    (
      "unique-priorities",
      [JSONPointer.root / "authorizationServers" / 0 / "policies" / 1 / "priority": 2],
      JSONPointer.root / "authorizationServers" / 0 / "policies" / 1 / "priority"
    ),
    (
      "org-server-not-custom",
      [JSONPointer.root / "authorizationServers" / 1 / "issuer": "https://acme.okta.com"],
      JSONPointer.root / "authorizationServers" / 1 / "issuer"
    ),
    (
      "super-admin-exists", [JSONPointer.root / "admins" / 0 / "roles": ["ORG_ADMIN"]],
      JSONPointer.root / "admins"
    ),
    ("known-grant-types", [mobileGrants: ["authorisation_code"]], mobileGrants / 0),
    (
      "known-roles", [JSONPointer.root / "admins" / 1 / "roles": ["SUPERADMIN"]],
      JSONPointer.root / "admins" / 1 / "roles" / 0
    ),
    (
      "policy-clients-exist",
      [
        JSONPointer.root / "authorizationServers" / 0 / "policies" / 1 / "conditions" / "clients"
          / "include": ["0oaGone"]
      ],
      JSONPointer.root / "authorizationServers" / 0 / "policies" / 1 / "conditions" / "clients"
        / "include" / 0
    ),
    // Acme Web's client id is 0oa2webclient: its app id in a client condition never matches.
    (
      "policy-clients-exist",
      [
        JSONPointer.root / "authorizationServers" / 0 / "policies" / 1 / "conditions" / "clients"
          / "include": ["0oa2web"]
      ],
      JSONPointer.root / "authorizationServers" / 0 / "policies" / 1 / "conditions" / "clients"
        / "include" / 0
    ),
    ("grant-usable", [setting: true, mobileGrants: ["interaction_code"]], mobileGrants),
  ]

  @Test func theExampleOrgIsClean() throws {
    let report = ValidationRegistry.validate(try Fixtures.exampleModel())
    #expect(report.findings.isEmpty, "\(report.findings)")
    #expect(report.results.count == ValidationRegistry.all.count)
  }

  @Test func everyRuleHasABreakingCase() {
    let covered = Set(Self.breaking.map(\.rule))
    for rule in ValidationRegistry.all {
      #expect(covered.contains(rule.id), "\(rule.id) has no breaking case")
      #expect(!rule.title.isEmpty && !rule.rationale.isEmpty)
    }
  }

  @Test(arguments: breaking.indices)
  func ruleReportsTheBrokenField(_ index: Int) throws {
    let (ruleID, edits, pointer) = Self.breaking[index]
    let report = ValidationRegistry.validate(try Fixtures.exampleModel(edits: edits))
    let findings = report.findings.filter { $0.ruleID == ruleID }
    #expect(findings.map(\.pointer).contains(pointer), "\(ruleID): \(report.findings)")
    #expect(findings.allSatisfy { !$0.message.isEmpty })
  }

  @Test func findingsAreCollectedNotStoppedAtTheFirst() throws {
    let model = try Fixtures.exampleModel(edits: [
      Self.mobileGrants: ["interaction_code"], Self.defaultRuleGrants: ["interaction_code"],
      JSONPointer.root / "apps" / 1 / "id": "0oa1mob",
    ])
    let errors = ValidationRegistry.validate(model).errors
    #expect(Set(errors.map(\.ruleID)) == ["grant-needs-org-setting", "unique-ids"])
    #expect(errors.count >= 3)
  }
}
