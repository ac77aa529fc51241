import Foundation
import OrgWizCore
import OrgWizJSON
import OrgWizTestSupport
import Testing

/// Runs every worked example of every registered step kind (before model, answers, after).
@Suite struct StepExampleTests {
  struct Case: CustomTestStringConvertible, Sendable {
    let kind: String
    let example: StepExample
    var testDescription: String { "\(kind): \(example.name)" }
  }

  static let cases: [Case] = StepRegistry.all.flatMap { handler in
    type(of: handler).examples.map { Case(kind: type(of: handler).descriptor.id, example: $0) }
  }

  @Test func everyKindHasExamples() {
    for handler in StepRegistry.all {
      #expect(!type(of: handler).examples.isEmpty, "\(type(of: handler).descriptor.id)")
    }
  }

  @Test(arguments: cases)
  func exampleHolds(_ testCase: Case) throws {
    // A kind the five-steps document lacks has a one-step document of its own.
    let five = try Fixtures.testProcedure()
    let bundled =
      five.steps.contains { $0.kind == testCase.kind }
      ? five
      : try Fixtures.procedure(
        at: Fixtures.repositoryRoot.appendingPathComponent(
          "Tests/OrgWizCoreTests/Fixtures/step-kinds/\(testCase.kind).md"
        ).path)
    let step = try #require(bundled.steps.first { $0.kind == testCase.kind })
    var procedure = bundled
    procedure.steps = [step]
    let model = try Fixtures.exampleModel(edits: testCase.example.edits)
    let ownKeys = Set(step.questions.map(\.key))
    let presets = testCase.example.answers.filter { ownKeys.contains($0.key) }
    let known = testCase.example.answers.filter { !ownKeys.contains($0.key) }
    let engine = WizardEngine(
      procedure: procedure, prompter: AnswersFilePrompter(answers: presets, fallback: nil),
      options: WizardOptions(assumeYes: testCase.example.assumeYes, now: Fixtures.now))

    switch testCase.example.expectation {
    case .stops(let status):
      do {
        _ = try engine.run(on: model, knownAnswers: known)
        Issue.record("expected the run to stop with \(status)")
      } catch let error as any UserFacingError {
        #expect(error.exitStatus == status, "\(error)")
      }
    case .noChange:
      let record = try engine.run(on: model, knownAnswers: known)
      #expect(!record.changed)
      #expect(record.finalState.model.document == model.document)
    case .changes(let expected):
      let record = try engine.run(on: model, knownAnswers: known)
      let after = record.finalState.model.document
      for (pointer, value) in expected {
        #expect(after[pointer] == value, "\(pointer)")
      }
      var normalized = after
      for (pointer, value) in expected { normalized.set(value, at: pointer) }
      let changed = JSONDiff.changes(from: model.document, to: after, at: .root)
      for field in changed {
        let expectedHere = expected.keys.contains(field.pointer)
        let lastUpdated = field.pointer.tokens.last == "lastUpdated"
        #expect(expectedHere || lastUpdated, "unexpected change at \(field.pointer)")
      }
    }
  }
}
