import OrgWizJSON
import OrgWizTestSupport
import Testing

@testable import OrgWizCore

/// Paper cuts in the procedure's questions (issue item 12).
@Suite struct StepPaperCutTests {
  func text(_ key: String) throws -> QuestionText {
    let procedure = try Fixtures.procedure()
    return try #require(procedure.steps.lazy.compactMap { $0.text(for: key) }.first)
  }

  @Test func ruleChoicesShowTheStatusApartFromTheGrants() throws {
    let model = try Fixtures.exampleModel()
    let state = RunState(
      model: model, answers: ["server": "aus1api", "app": "0oa1mob", "policy": "00p2mob"])
    let question = try #require(
      SelectPolicyRuleStep().question("rule", text: try text("rule"), state: state))
    let testers = try #require(question.choices.first { $0.value == "0pr3tst" })
    #expect(
      testers.detail
        == "0pr3tst, priority 2, status INACTIVE; grants: authorization_code, refresh_token")
    #expect(!testers.detail.contains("refresh_token, INACTIVE"))
  }

  @Test func theAppGrantQuestionNamesTheApp() throws {
    let model = try Fixtures.exampleModel()
    let state = RunState(model: model, answers: ["server": "aus1api", "app": "0oa1mob"])
    let question = try #require(
      AppGrantStep().question("app-grant", text: try text("app-grant"), state: state))
    #expect(question.prompt.contains("\"Acme Mobile\""))
    #expect(!question.prompt.contains("{app}"))
  }
}
