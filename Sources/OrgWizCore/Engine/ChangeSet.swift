import OrgWizJSON

/// The server a run chose: a custom authorization server, or the Org Authorization Server
/// (which has no policies or rules).
public enum ServerSelection: Sendable, Equatable {
  case custom(ObjectRef)
  case orgAuthorizationServer(ObjectRef)

  /// The server as an object of the record.
  public var ref: ObjectRef {
    switch self {
    case .custom(let ref), .orgAuthorizationServer(let ref): ref
    }
  }
}

/// The app a run chose: one app, or none in particular.
public enum AppSelection: Sendable, Equatable {
  case app(ObjectRef)
  case none
}

/// What a run chose, as values: filled from the steps' effects in the order they were emitted,
/// so each step says what it chose, and nothing is looked up again by id or answer.
public struct Selections: Sendable, Equatable {
  /// The admin the run checked, and the role found.
  public var operatorAdmin: ObjectRef?
  public var role: String?
  /// The server chosen; nil when no step chose one.
  public var server: ServerSelection?
  /// The app chosen, or `.none`; nil when no step asked.
  public var app: AppSelection?
  public var policy: ObjectRef?
  public var rule: ObjectRef?

  public init() {}

  /// The selections the effects state, in order: a later choice of the same kind wins (the
  /// operator is the first one checked).
  public init(effects: [Effect]) {
    for effect in effects { record(effect) }
  }

  /// Takes what one effect says was chosen. An object an effect edits or keeps (an app given
  /// the grant, a rule already listing it) is chosen too; an object stripped of the grant (by
  /// turning the org setting off) is not.
  public mutating func record(_ effect: Effect) {
    switch effect {
    case .operatorVerified(let admin, let role):
      if operatorAdmin == nil {
        operatorAdmin = admin
        self.role = role
      }
    case .chosen(let ref): choose(ref)
    case .noAppChosen: app = AppSelection.none
    case .grantAdded(_, let ref, _, _), .grantAlreadyPresent(_, let ref),
      .grantDeclined(_, let ref):
      if ref.kind == .app || ref.kind == .rule { choose(ref) }
    case .scopeAdded(_, let ref, _, _), .scopeAlreadyPresent(_, let ref):
      // A scope is edited on the rule chosen before; it names that rule again.
      if ref.kind == .rule { choose(ref) }
    case .settingChanged, .settingUnchanged, .grantRemoved: break
    }
  }

  private mutating func choose(_ ref: ObjectRef) {
    switch ref.kind {
    case .server: server = .custom(ref)
    case .orgAuthorizationServer: server = .orgAuthorizationServer(ref)
    case .app: app = .app(ref)
    case .policy: policy = ref
    case .rule: rule = ref
    case .orgSetting, .admin: break
    }
  }

  /// The custom server chosen, if one.
  public var customServer: ObjectRef? {
    if case .custom(let ref)? = server { return ref }
    return nil
  }
  /// Whether the Org Authorization Server was chosen.
  public var usesOrgServer: Bool {
    if case .orgAuthorizationServer? = server { return true }
    return false
  }
  /// The app chosen, if a particular one.
  public var chosenApp: ObjectRef? {
    if case .app(let ref)? = app { return ref }
    return nil
  }
}

/// One run's change, as the engine left it: the procedure and its grant, what was chosen, what
/// each step did, the validation and the simulation, the resulting configuration the record
/// shows, and how to back it out. Built once, after the engine (``RunRecord/changeSet``), in two
/// parts: what the review shows (``Review``) as soon as the last step is done, and the rest once
/// the review is accepted. The review and the change record (Markdown, text, `--json`) read it
/// and nothing else.
public struct ChangeSet: Sendable, Equatable {
  /// One step as performed.
  public struct Step: Sendable, Equatable {
    public var number: Int
    /// The step's id and kind in the procedure document.
    public var id, kind, title: String
    /// The Admin Console path, filled in with the org's names ("" when the choices made leave
    /// the step no place there).
    public var console: String
    /// The step's heading in this run: its title, or what it did when that differs (a step
    /// titled "Enable …" that turned the setting off).
    public var heading: String
    public var effects: [Effect]
    public var answers: [GivenAnswer]
    /// The objects the step changed, field by field.
    public var changes: [ObjectChange]
    /// What was done, in words.
    public var performed: String { effects.map(\.sentence).joined(separator: " ") }
  }
  /// A rule as the Resulting configuration lists it.
  public struct RuleLine: Sendable, Equatable {
    public var id, name, status: String
    public var priority: Int
    public var grantTypes: [String]
  }
  /// A policy as the Resulting configuration lists it.
  public struct PolicyLine: Sendable, Equatable {
    public var id, name, status: String
    public var priority: Int
    public var clients: [String]
    public var rules: [RuleLine]
  }
  /// The chosen custom server as the Resulting configuration lists it.
  public struct ServerLines: Sendable, Equatable {
    public var ref: ObjectRef
    /// The server's name and status as the model holds them.
    public var name, status: String
    /// Its policies in priority order, each with its rules.
    public var policies: [PolicyLine]
  }
  /// An app named by the record: its id and its label as the model holds it.
  public struct NamedApp: Sendable, Equatable {
    public var id, label: String
  }
  /// The org-wide facts of the resulting configuration.
  public struct Configuration: Sendable, Equatable {
    /// Whether the grant's org switch is on (nil: the grant has none).
    public var switchOn: Bool?
    /// Whether Embedded widget sign-in support is on (a field of `--json`).
    public var embeddedWidgetOn: Bool
    /// The Org Authorization Server's issuer as recorded, and as used (else the org's URL).
    public var orgServerIssuer: String?
    public var orgServerIssuerOrOrgURL: String
    /// Whether the Org Authorization Server offers the grant.
    public var orgServerOffersGrant: Bool
    public var server: ServerLines?
    /// The OpenID Connect apps that list the grant.
    public var appsUsingGrant: [NamedApp]
    /// How many custom servers have a rule listing the grant.
    public var serversUsingGrant: Int
  }
  /// The token request simulated for the chosen app on the chosen server, with the grant.
  public struct Simulation: Sendable, Equatable {
    public var app: ObjectRef
    public var server: ObjectRef
    public var grant: String
    public var evaluation: TokenEvaluation

    public var appID: String { app.id }
    public var appLabel: String { app.name }
    public var serverID: String { server.id }
    public var serverName: String { server.name }
    public var allowed: Bool { evaluation.outcome.isAllowed }
    public var error: String? { evaluation.outcome.errorCode }
    public var errorDescription: String? { evaluation.outcome.errorDescription }
    public var explanation: String { evaluation.outcome.explanation }
    private var decided: (policy: ServerPolicy, rule: PolicyRule)? {
      if case .allowed(let policy, let rule) = evaluation.outcome { return (policy, rule) }
      return nil
    }
    public var policyID: String? { decided?.policy.id }
    public var policyName: String? { decided?.policy.name }
    public var ruleID: String? { decided?.rule.id }
    public var ruleName: String? { decided?.rule.name }
  }
  /// One thing to do in the Admin Console to back the change out.
  public struct BackoutStep: Sendable, Equatable {
    public var object: ObjectRef
    public var console: String
    public var action: String
  }
  /// An app whose sign-in the change affects without changing it, and why.
  public struct AffectedApp: Sendable, Equatable {
    public var app: ObjectRef
    public var reason: String
  }

  /// What the final review shows, built before the rest: the steps as performed (with the
  /// objects they changed), what they chose, and the apps a changed rule also serves. The
  /// review waits for this part only, not for the simulation, the resulting configuration or
  /// the apps affected (on the bench's 20,000 apps, listing those affected takes most of the
  /// change set's time).
  public struct Review: Sendable, Equatable {
    public var selections: Selections
    public var steps: [Step]
    /// For each rule the run changed that also serves other apps: the rule, then the line
    /// naming them (`summary.md`, "A shared rule is named before it is written").
    public var sharedRuleLines: [String]

    /// Every object change, in order.
    public var changes: [ObjectChange] { steps.flatMap(\.changes) }
    /// Whether any step changed the model.
    public var changed: Bool { steps.contains { !$0.changes.isEmpty } }
  }

  /// The procedure (id, title, version, SHA-256, summary) and its grant.
  public var procedure: Procedure
  /// The org, as the resulting model names it.
  public var org: OrgInfo
  /// The part the review showed.
  public var review: Review
  public var selections: Selections {
    get { review.selections }
    set { review.selections = newValue }
  }
  public var steps: [Step] {
    get { review.steps }
    set { review.steps = newValue }
  }
  /// Validation of the model as it was read, and as it will be written.
  public var baseline: ValidationReport
  public var validation: ValidationReport
  /// The token request of the chosen app on the chosen server; nil when either is missing.
  public var simulation: Simulation?
  public var configuration: Configuration
  /// Apps whose own settings the run changed.
  public var changedApps: [ObjectRef]
  /// Apps whose sign-in the change affects without changing them.
  public var affectedApps: [AffectedApp]
  /// For each rule the run changed that also serves other apps: the rule, then the line naming
  /// them (`summary.md`, "A shared rule is named before it is written").
  public var sharedRuleLines: [String] {
    get { review.sharedRuleLines }
    set { review.sharedRuleLines = newValue }
  }
  /// For each single-page app the run chose or changed that lists the grant: the Trusted
  /// Origin with CORS its embedded Sign-In Widget needs, and whether the model shows it.
  public var trustedOriginLines: [String]
  /// What to do in the Admin Console to back the change out, in an order Okta allows.
  public var backout: [BackoutStep]
  /// The org the model was pulled from (`orgwiz pull`), if it was.
  public var pulledFrom: String?
  /// What a scoped pull left out of the model, in one sentence, or nil for a whole pull: no
  /// absence in the record may read as a fact about the org.
  public var partialModel: String?

  /// The procedure's grant.
  public var grant: GrantFacts { procedure.grant }
  /// Every effect, in order.
  public var effects: [Effect] { steps.flatMap(\.effects) }
  /// Every object change, in order.
  public var changes: [ObjectChange] { review.changes }
  /// Whether any step changed the model.
  public var changed: Bool { review.changed }
  /// The answers, in the order they were given.
  public var answers: [GivenAnswer] { steps.flatMap(\.answers) }
  /// Whether anything was taken away (a grant, or the setting turned off).
  public var removedAnything: Bool { effects.contains(where: \.removes) }
  /// Whether the run turned the org setting on (or off): a step no API can make.
  public var changedSetting: Bool {
    effects.contains { if case .settingChanged = $0 { true } else { false } }
  }
  /// The model-changing effects: what `apply` sends for a run, and what the record lists.
  public var modelChangingEffects: [Effect] { effects.filter(\.changesModel) }
  /// Error findings the model had before the run.
  public var preexistingErrors: [Finding] { baseline.errors }
}

extension ChangeSet.Review {
  /// What the review of a run shows, from its steps and the model they left.
  public init(procedure: Procedure, finalState state: RunState, steps records: [StepRecord]) {
    selections = Selections(effects: records.flatMap(\.report.effects))
    steps = ChangeSet.steps(records, procedure: procedure, state: state)
    sharedRuleLines = ChangeSet.sharedRuleLines(
      records.flatMap(\.changes), selections: selections, in: state.model)
  }
}

extension ChangeSet {
  /// The change set of a run, from the part its review showed and the models before and after:
  /// with ``Review/init(procedure:finalState:steps:)``, the only place after the engine that
  /// reads the model (the resulting configuration, the simulation, the apps affected).
  init(
    review: Review, procedure: Procedure, initialModel: OrgModel, finalState state: RunState,
    baseline: ValidationReport, validation: ValidationReport
  ) {
    let model = state.model
    let grant = procedure.grant
    let effects = review.steps.flatMap(\.effects)
    let selections = review.selections
    self.procedure = procedure
    org = model.org
    self.review = review
    self.baseline = baseline
    self.validation = validation
    simulation = Self.simulation(selections, grant: grant, in: model)
    configuration = Self.configuration(model, grant: grant, selections: selections)
    var seenApps: Set<String> = []
    changedApps = effects.filter(\.changesModel).compactMap(\.object).filter {
      $0.kind == .app && seenApps.insert($0.id).inserted
    }
    affectedApps = Self.affectedApps(
      effects, before: initialModel, after: model, changed: seenApps, grant: grant)
    trustedOriginLines = Self.trustedOriginLines(model, effects: effects, grant: grant)
    backout = Self.backout(effects, grant: grant)
    pulledFrom = PullRecord(model: initialModel.document)?.orgURL
    partialModel = model.pullScope?.sentence(in: model)
  }

  /// The steps as performed, each with its Admin Console path filled in and its heading.
  fileprivate static func steps(
    _ records: [StepRecord], procedure: Procedure, state: RunState
  ) -> [Step] {
    let values = ChecklistRenderer.placeholders(procedure: procedure, state: state)
    return records.map { record in
      let handler = StepRegistry.handler(for: record.step.kind)
      let headline =
        record.report.effects.lazy.compactMap(\.headline).first
        ?? handler?.heading(of: record.step, in: state).title
      let console =
        handler?.hasConsolePlace(record.step, in: state) == false
        ? "" : ChecklistRenderer.fill(record.step.console, values, escape: { $0 })
      return Step(
        number: record.number, id: record.step.id, kind: record.step.kind,
        title: record.step.title, console: console, heading: headline ?? record.step.title,
        effects: record.report.effects, answers: record.answers, changes: record.changes)
    }
  }

  /// The chosen app's request for the grant on the chosen server, evaluated once.
  static func simulation(
    _ selections: Selections, grant: GrantFacts, in model: OrgModel
  ) -> Simulation? {
    guard let chosen = selections.chosenApp, let app = model.app(id: chosen.id),
      let serverRef = selections.server?.ref
    else { return nil }
    let request = TokenRequest(appID: app.id, serverID: serverRef.id, grant: grant.type)
    let evaluation: TokenEvaluation
    if selections.usesOrgServer {
      evaluation = TokenEvaluator.explainOrgServer(app: app, request: request, in: model)
    } else if let server = model.server(id: serverRef.id) {
      evaluation = TokenEvaluator.explain(app: app, server: server, request: request, in: model)
    } else {
      return nil
    }
    return Simulation(
      app: model.ref(app), server: serverRef, grant: grant.type, evaluation: evaluation)
  }

  /// The resulting configuration's facts: the org switch, the Org Authorization Server, the
  /// chosen server's policies and rules, and the apps and servers using the grant.
  static func configuration(
    _ model: OrgModel, grant: GrantFacts, selections: Selections
  ) -> Configuration {
    let engineOK = !grant.identityEngineOnly || model.org.engine == .identityEngine
    let server = selections.customServer.flatMap { model.server(id: $0.id) }
    return Configuration(
      switchOn: grant.orgSwitch.map(model.isOn), embeddedWidgetOn: model.interactionCodeEnabled,
      orgServerIssuer: model.orgAuthorizationServerIssuer,
      orgServerIssuerOrOrgURL: model.orgAuthorizationServerIssuerOrOrgURL,
      orgServerOffersGrant: grant.orgServer && engineOK && model.switchAllows(grant),
      server: server.map { server in
        ServerLines(
          ref: selections.customServer ?? model.ref(server), name: server.name,
          status: server.status, policies: policies(of: server))
      },
      appsUsingGrant: model.appsUsing(grant).map { NamedApp(id: $0.id, label: $0.label) },
      serversUsingGrant: model.serversUsing(grant).count)
  }

  private static func policies(of server: CustomServer) -> [PolicyLine] {
    server.policiesInOrder.map { policy in
      PolicyLine(
        id: policy.id, name: policy.name, status: policy.status, priority: policy.priority,
        clients: policy.clients,
        rules: policy.rulesInOrder.map { rule in
          RuleLine(
            id: rule.id, name: rule.name, status: rule.status, priority: rule.priority,
            grantTypes: rule.grantTypes)
        })
    }
  }

  /// For each rule changed, the other apps it serves (the apps changed or chosen aside).
  fileprivate static func sharedRuleLines(
    _ changes: [ObjectChange], selections: Selections, in model: OrgModel
  ) -> [String] {
    let changedApps = Set(changes.filter { $0.ref.kind == .app }.map(\.ref.id))
    let except = changedApps.union(selections.chosenApp.map { [$0.id] } ?? [])
    // A scoped model does not hold every app: no line may say that none other is served.
    if let scope = model.pullScope {
      return changes.filter { $0.ref.kind == .rule }.map { change in
        "\(change.object):\n" + scope.sharedRuleLine(in: model)
      }
    }
    return changes.filter { $0.ref.kind == .rule }.compactMap { change in
      SharedRule.line(
        SharedRule.otherApps(
          serverID: change.ref.serverID, policyID: change.ref.policyID, except: except,
          in: model)
      ).map { "\(change.object):" + "\n" + $0 }
    }
  }
}

extension RunRecord {
  /// The record of a run, with its change set built once from it.
  /// - Parameter review: the part of the change set the review showed, when it was built
  ///   before (from these same steps and final state); nil: built here.
  public init(
    procedure: Procedure, initialModel: OrgModel, finalState: RunState, steps: [StepRecord],
    baseline: ValidationReport, validation: ValidationReport, options: WizardOptions,
    review: ChangeSet.Review? = nil
  ) {
    self.procedure = procedure
    self.initialModel = initialModel
    self.finalState = finalState
    self.steps = steps
    self.baseline = baseline
    self.validation = validation
    self.options = options
    changeSet = ChangeSet(
      review: review
        ?? ChangeSet.Review(procedure: procedure, finalState: finalState, steps: steps),
      procedure: procedure, initialModel: initialModel, finalState: finalState,
      baseline: baseline, validation: validation)
  }
}
