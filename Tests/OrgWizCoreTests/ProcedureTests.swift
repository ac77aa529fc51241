import Foundation
import OrgWizJSON
import OrgWizTestSupport
import Testing

@testable import OrgWizCore

/// The bundled procedures themselves. Tests of the parser and the format use the test-only
/// documents instead (ProcedureParserTests).
@Suite struct ProcedureTests {
  /// Every document in Content/ parses and runs on the example org with its own answers.
  @Test func everyContentDocumentRunsOnTheExampleOrg() throws {
    let names = try FileManager.default.contentsOfDirectory(atPath: Fixtures.contentDirectory)
      .filter { $0.hasSuffix(".md") && $0 != "README.md" }
    #expect(!names.isEmpty)
    for name in names {
      let procedure = try Fixtures.procedure(at: Fixtures.contentDirectory + "/" + name)
      #expect(!procedure.exampleAnswers.isEmpty, "\(name) has no example answers")
      let engine = WizardEngine(
        procedure: procedure,
        prompter: AnswersFilePrompter(answers: procedure.exampleAnswers, fallback: nil),
        options: WizardOptions(assumeYes: true, now: Fixtures.now))
      let record = try engine.run(on: Fixtures.exampleModel())
      #expect(record.changed, "\(name)")
      #expect(!record.validation.hasErrors, "\(name)")
    }
  }

  @Test func bundledProcedureHasTheContractKeys() throws {
    let procedure = try Fixtures.procedure()
    #expect(procedure.id == "interaction-code")
    #expect(
      procedure.questionKeys == [
        "operator", "org-setting", "server", "app", "policy", "rule", "app-grant",
      ])
    #expect(
      procedure.steps.map(\.kind) == [
        "verify-permissions", "org-setting", "choose-server", "select-policy-rule", "app-grant",
      ])
    #expect(procedure.steps.allSatisfy { !$0.prose.isEmpty && !$0.console.isEmpty })
  }
}
