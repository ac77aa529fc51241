import OrgWizCore
import OrgWizJSON
import OrgWizTestSupport
import Testing

/// Runs every example of every registered validation rule: a passing example must give no
/// finding of its rule, a failing one a finding of its rule at the pointer it names.
@Suite struct RuleExampleTests {
  struct Case: CustomTestStringConvertible, Sendable {
    let rule: String
    let example: RuleExample
    var testDescription: String {
      "\(rule) \(example.passes ? "passes" : "fails"): \(example.name)"
    }
  }

  static let cases: [Case] = ValidationRegistry.all.flatMap { rule in
    rule.descriptor.examples.map { Case(rule: rule.id, example: $0) }
  }

  /// What is wrong with an example of a rule; empty when it holds.
  static func problems(of example: RuleExample, for rule: any ValidationRule) throws -> [String] {
    let model = try Fixtures.exampleModel(edits: example.edits)
    let findings = rule.check(model)
    var problems: [String] = []
    for finding in findings where finding.ruleID != rule.id || finding.severity != rule.severity {
      problems.append("a finding of \(rule.id) carries \(finding.ruleID)/\(finding.severity)")
    }
    switch example.expectation {
    case .passes:
      if !findings.isEmpty { problems.append("expected no finding, got \(findings)") }
    case .fails(let pointer):
      if model.document[pointer] == nil {
        problems.append("\(pointer) names nothing in the example's model")
      }
      if !findings.contains(where: { $0.pointer == pointer }) {
        problems.append("expected a finding at \(pointer), got \(findings.map(\.pointer))")
      }
      if findings.contains(where: { $0.message.isEmpty }) {
        problems.append("a finding has no text")
      }
    }
    return problems
  }

  @Test(arguments: cases)
  func exampleHolds(_ testCase: Case) throws {
    let rule = try #require(ValidationRegistry.rule(id: testCase.rule))
    let problems = try Self.problems(of: testCase.example, for: rule)
    #expect(problems.isEmpty, "\(problems)")
  }

  @Test func everyRuleHasAPassingAndAFailingExample() {
    for rule in ValidationRegistry.all {
      let examples = rule.descriptor.examples
      #expect(examples.contains { $0.passes }, "\(rule.id) has no passing example")
      #expect(examples.contains { !$0.passes }, "\(rule.id) has no failing example")
    }
  }

  @Test func everyRuleDescribesItself() {
    let ids = ValidationRegistry.all.map(\.id)
    #expect(Set(ids).count == ids.count, "rule ids repeat: \(ids)")
    for rule in ValidationRegistry.all {
      #expect(
        rule.id.allSatisfy { $0.isLowercase || $0 == "-" } && !rule.id.hasPrefix("-"),
        "\(rule.id) is not kebab-case")
      #expect(!rule.title.isEmpty && !rule.title.hasSuffix("."), "\(rule.id): title")
      #expect(rule.rationale.contains("Okta"), "\(rule.id): the rationale names no Okta behaviour")
      #expect(Set(rule.descriptor.examples.map(\.name)).count == rule.descriptor.examples.count)
    }
  }

  /// The harness itself: a failing example presented as passing, or with the wrong pointer, is
  /// caught, so a wrong example cannot slip through.
  @Test func aWrongExampleIsCaught() throws {
    let rule = try #require(ValidationRegistry.rule(id: "known-roles"))
    let failing = try #require(rule.descriptor.examples.first { !$0.passes })
    let mislabelled = RuleExample.passes(failing.name, edits: failing.edits)
    let elsewhere = RuleExample.fails(failing.name, edits: failing.edits, at: .root / "apps")
    let nowhere = RuleExample.fails(
      failing.name, edits: failing.edits, at: .root / "admins" / 9 / "roles")
    let mislabelledProblems = try Self.problems(of: mislabelled, for: rule)
    let elsewhereProblems = try Self.problems(of: elsewhere, for: rule)
    let nowhereProblems = try Self.problems(of: nowhere, for: rule)
    #expect(mislabelledProblems.count == 1)
    #expect(elsewhereProblems.count == 1)
    #expect(nowhereProblems.count == 2)
    #expect(try Self.problems(of: failing, for: rule).isEmpty)
  }
}
