import OrgWizCore
import OrgWizJSON
import OrgWizTestSupport
import Testing

@Suite struct ValidationTests {
  static let mobileGrants =
    JSONPointer.root / "apps" / 0 / "settings" / "oauthClient" / "grant_types"
  static let defaultRuleGrants =
    JSONPointer.root / "authorizationServers" / 0 / "policies" / 0 / "rules" / 0 / "conditions"
    / "grantTypes" / "include"

  @Test func theExampleOrgIsClean() throws {
    let report = ValidationRegistry.validate(try Fixtures.exampleModel())
    #expect(report.findings.isEmpty, "\(report.findings)")
    #expect(report.results.count == ValidationRegistry.all.count)
  }

  // Each rule's own passing and failing examples run in RuleExampleTests.

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
