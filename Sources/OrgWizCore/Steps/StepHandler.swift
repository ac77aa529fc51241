import OrgWizJSON

/// What a step kind is, in words: its id (used in procedure documents), title and summary.
public struct StepDescriptor: Sendable, Equatable {
  public var id: String
  public var title: String
  public var summary: String
  /// The question keys the kind asks, in order.
  public var questionKeys: [String]

  public init(id: String, title: String, summary: String, questionKeys: [String]) {
    self.id = id
    self.title = title
    self.summary = summary
    self.questionKeys = questionKeys
  }
}

/// The state of a run between steps: the model as it is now, the answers given so far, and
/// the grant the procedure turns on.
public struct RunState: Sendable, Equatable {
  public var model: OrgModel
  /// Canonical answers by question key (object ids, `enable`, `yes`, `none`).
  public var answers: [String: String]
  /// The procedure's grant: every step acts on it.
  public var grant: GrantFacts

  public init(
    model: OrgModel, answers: [String: String] = [:], grant: GrantFacts = Grants.formatOneGrant
  ) {
    self.model = model
    self.answers = answers
    self.grant = grant
  }

  /// The admin named by the `operator` answer.
  public var operatorAdmin: Admin? {
    answers["operator"].flatMap { id in model.admins.first { $0.id == id } }
  }
  /// The server named by the `server` answer; nil for the Org Authorization Server.
  public var server: CustomServer? { answers["server"].flatMap(model.server(id:)) }
  /// Whether the `server` answer is the Org Authorization Server (which has no policies).
  public var usesOrgAuthorizationServer: Bool {
    answers["server"] == Okta.orgAuthorizationServer
  }
  /// The app named by the `app` answer; nil for `none`.
  public var app: OrgApp? { answers["app"].flatMap(model.app(id:)) }
  /// The policy named by the `policy` answer.
  public var policy: ServerPolicy? {
    guard let id = answers["policy"] else { return nil }
    return server?.policies.first { $0.id == id }
  }
  /// The rule named by the `rule` answer.
  public var rule: PolicyRule? {
    guard let id = answers["rule"] else { return nil }
    return policy?.rules.first { $0.id == id }
  }
}

/// What a step did: its typed effects (from which every rendering is made) and the lines the
/// wizard shows the operator after it.
public struct StepReport: Sendable, Equatable {
  /// Messages to show the operator after the step.
  public var messages: [String] = []
  /// What the step did, in order.
  public var effects: [Effect] = []
  /// Whether the procedure ends after this step (the setting was left off).
  public var endsProcedure = false

  public init(messages: [String] = [], effects: [Effect] = [], endsProcedure: Bool = false) {
    self.messages = messages
    self.effects = effects
    self.endsProcedure = endsProcedure
  }

  /// The objects the step changed, by pointer, in the order it changed them.
  public var touched: [JSONPointer] {
    var seen: Set<JSONPointer> = []
    return effects.filter(\.changesModel).compactMap(\.object?.pointer).filter {
      seen.insert($0).inserted
    }
  }

  /// What was done, in words (the effects' sentences).
  public var performed: String { effects.map(\.sentence).joined(separator: " ") }
}

/// What a step may use while it applies its answers.
public struct StepEnvironment {
  /// The run's time, ISO 8601 UTC with milliseconds, written to `lastUpdated`.
  public var now: String
  /// Asks for a confirmation. Returns the answer; throws when the run must stop (declined at
  /// a prompt, or a destructive change without `--yes` and without a terminal).
  public var confirm: (Confirmation) throws(StepStop) -> Bool

  public init(now: String, confirm: @escaping (Confirmation) throws(StepStop) -> Bool) {
    self.now = now
    self.confirm = confirm
  }
}

/// A worked example of a step kind: a model, answers, and what must come out. The tests run
/// every example of every registered kind.
public struct StepExample: Sendable {
  /// What must come out of an example.
  public enum Expectation: Sendable {
    /// These pointers hold these values afterwards; nothing else changed but `lastUpdated`.
    case changes([JSONPointer: JSONValue])
    /// The model is unchanged.
    case noChange
    /// The run stops with this status.
    case stops(ExitStatus)
  }

  public var name: String
  /// The model before the step (the shared example model with these edits).
  public var edits: [JSONPointer: JSONValue]
  /// Answers to this step's questions and to earlier steps' questions it relies on.
  public var answers: [String: String]
  public var expectation: Expectation
  /// Whether confirmations are accepted (`--yes`).
  public var assumeYes: Bool

  public init(
    _ name: String, edits: [JSONPointer: JSONValue] = [:], answers: [String: String],
    expect expectation: Expectation, assumeYes: Bool = true
  ) {
    self.name = name
    self.edits = edits
    self.answers = answers
    self.expectation = expectation
    self.assumeYes = assumeYes
  }
}

/// A kind of step: the questions it asks and the change it makes to the model.
///
/// Each kind lives in its own file and is listed once in ``StepRegistry``.
public protocol StepHandler: Sendable {
  /// The kind's id, title and question keys.
  static var descriptor: StepDescriptor { get }
  /// Worked examples, run by the tests.
  static var examples: [StepExample] { get }

  /// Why the kind cannot act on this grant, or nil when it can (a procedure document using it
  /// for that grant is refused).
  static func refusal(of grant: GrantFacts) -> String?
  /// A problem that stops the procedure before any question is asked, or nil.
  func preflight(_ step: ProcedureStep, in state: RunState) -> StepStop?
  /// The question for `key` in the current state, or nil when it is not asked.
  func question(_ key: String, text: QuestionText, state: RunState) -> Question?
  /// Whether `key` must be answered when nobody can be asked, given the answers known so far
  /// (`state.answers`, as given, not yet checked).
  func needsExplicitAnswer(_ key: String, in state: RunState) -> Bool
  /// Whether, given the answers known so far, the procedure ends after this step.
  func endsProcedure(in state: RunState) -> Bool
  /// Applies the step's answers to the model.
  func apply(
    _ step: ProcedureStep, to state: inout RunState, environment: StepEnvironment
  )
    throws(StepStop) -> StepReport
  /// Whether the step's outcome already holds in this state (ticks the checklist box).
  func isSatisfied(_ step: ProcedureStep, in state: RunState) -> Bool
  /// Values for the `{placeholders}` of the step's hand instructions.
  func placeholders(_ step: ProcedureStep, in state: RunState) -> [String: String]
  /// The title and prose the wizard and the record show for the step in this state: the
  /// document's, unless the choices made leave part of the step out.
  func heading(of step: ProcedureStep, in state: RunState) -> (title: String, prose: String)
  /// Whether the step has a place in the Admin Console with the choices made (the record
  /// leaves out the path of one that has none).
  func hasConsolePlace(_ step: ProcedureStep, in state: RunState) -> Bool
  /// What the checklist says of the step with these choices when it is not what the model
  /// shows (``isSatisfied(_:in:)``): `.notNeeded` with why, or `.unknown` with why the model
  /// cannot tell; nil for the model's answer.
  func checklistCheck(_ step: ProcedureStep, in state: RunState) -> ChecklistRenderer.Check?
}

extension StepHandler {
  public static func refusal(of grant: GrantFacts) -> String? { nil }
  public func preflight(_ step: ProcedureStep, in state: RunState) -> StepStop? { nil }
  public func needsExplicitAnswer(_ key: String, in state: RunState) -> Bool { true }
  public func endsProcedure(in state: RunState) -> Bool { false }
  public func placeholders(_ step: ProcedureStep, in state: RunState) -> [String: String] {
    [:]
  }
  public func hasConsolePlace(_ step: ProcedureStep, in state: RunState) -> Bool { true }
  public func checklistCheck(
    _ step: ProcedureStep, in state: RunState
  ) -> ChecklistRenderer.Check? { nil }
  public func heading(
    of step: ProcedureStep, in state: RunState
  ) -> (
    title: String, prose: String
  ) {
    (step.title, step.prose)
  }
}
