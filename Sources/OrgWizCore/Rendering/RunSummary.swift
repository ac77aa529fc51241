import OrgWizJSON

/// Facts about a run that come from outside the core: files, fingerprints, times, version.
public struct RunMetadata: Sendable, Equatable {
  public var modelPath: String
  public var modelSHA256Before: String
  public var modelSHA256After: String
  /// The backup written before the model was replaced; nil when nothing was written.
  public var backupPath: String?
  /// The SHA-256 of the backup (the file the model replaced).
  public var backupSHA256: String?
  /// The command that restores the backup (`orgwiz undo ...`).
  public var undoCommand: String?
  public var startedAt: String
  public var endedAt: String
  public var toolVersion: String
  public var dryRun: Bool
  /// Whether this run creates the model file (there was none before it).
  public var createdModel: Bool

  public init(
    modelPath: String, modelSHA256Before: String, modelSHA256After: String, backupPath: String?,
    backupSHA256: String? = nil, undoCommand: String? = nil, startedAt: String, endedAt: String,
    toolVersion: String, dryRun: Bool, createdModel: Bool = false
  ) {
    self.createdModel = createdModel
    self.backupSHA256 = backupSHA256
    self.undoCommand = undoCommand
    self.modelPath = modelPath
    self.modelSHA256Before = modelSHA256Before
    self.modelSHA256After = modelSHA256After
    self.backupPath = backupPath
    self.startedAt = startedAt
    self.endedAt = endedAt
    self.toolVersion = toolVersion
    self.dryRun = dryRun
  }
}

/// The content of the change record, rendered as Markdown or as JSON (`run --json`).
public struct RunSummary: Sendable, Equatable {
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
  /// The token request simulated for the chosen app.
  public struct Simulation: Sendable, Equatable {
    public var appID, appLabel, serverID, serverName, grant: String
    public var allowed: Bool
    public var error: String?
    public var errorDescription: String?
    public var explanation: String
    public var policyID, policyName, ruleID, ruleName: String?
  }
  /// One step as performed.
  public struct PerformedStep: Sendable, Equatable {
    public var number: Int
    public var id, title, console: String
    /// The step's heading in this run: its title, or what it did when that differs (a step
    /// titled "Enable …" that turned the setting off).
    public var heading: String
    public var effects: [Effect]
    public var answers: [GivenAnswer]
    /// What was done, in words.
    public var performed: String { effects.map(\.sentence).joined(separator: " ") }
  }
  /// One thing to do in the Admin Console to back the change out.
  public struct BackoutStep: Sendable, Equatable {
    public var object: ObjectRef
    public var console: String
    public var action: String
  }

  public var title: String
  public var record: RunRecord
  public var metadata: RunMetadata
  public var operatorLogin: String?
  /// The custom server, app and rule the run chose (from its effects).
  public var chosenServer: ObjectRef?
  /// Whether the run chose the Org Authorization Server (which has no policies).
  public var usedOrgServer: Bool
  public var chosenApp: ObjectRef?
  public var chosenRule: ObjectRef?
  public var policies: [PolicyLine]
  public var simulation: Simulation?
  public var performed: [PerformedStep]
  public var backout: [BackoutStep]
  /// Apps whose own settings the run changed.
  public var changedApps: [ObjectRef]
  /// Apps whose sign-in the change affects without changing them (served by a changed rule,
  /// or listing the grant when the setting changed), with the reason.
  public var affectedApps: [(app: ObjectRef, reason: String)]
  public var removedAnything: Bool
  /// Error findings the model had before the run.
  public var preexistingErrors: [Finding]
  /// The org the model was pulled from (`orgwiz pull`), if it was.
  public var pulledFrom: String?
  /// For each single-page (browser) app the run chose or changed that lists the grant: the
  /// Trusted Origin with CORS its embedded Sign-In Widget needs (okta-developer-docs,
  /// `oie-embedded-common-org-setup`), and whether the model shows it.
  public var trustedOriginLines: [String] = []

  static func trustedOriginLines(
    _ model: OrgModel, effects: [Effect], grant: GrantFacts
  ) -> [String] {
    guard grant.embedsSignIn else { return [] }
    var ids: [String] = []
    for ref in effects.compactMap(\.object) where ref.kind == .app && !ids.contains(ref.id) {
      ids.append(ref.id)
    }
    let cors = model.trustedOrigins.map { origins in
      Set(
        origins.filter { $0.isActive && $0.allowsCORS }.compactMap {
          TrustedOrigin.origin(of: $0.origin)
        })
    }
    return ids.compactMap { id -> String? in
      guard let app = model.app(id: id), app.isOIDC, app.lists(grant),
        app.applicationType == "browser"
      else { return nil }
      var origins: [String] = []
      for origin in app.redirectURIs.compactMap(TrustedOrigin.origin(of:))
      where !origins.contains(origin) {
        origins.append(origin)
      }
      let shown = origins.isEmpty ? "its origin" : Phrase.list(origins)
      let state =
        if let cors {
          origins.allSatisfy(cors.contains)
            ? "the model shows it trusted for CORS"
            : "the model shows no active Trusted Origin with CORS for "
              + Phrase.list(origins.filter { !cors.contains($0) })
        } else {
          "the model holds no Trusted Origins (pull again to read them)"
        }
      return "Single-page app \(VisibleText.name(app.label)) (\(app.id)) needs a Trusted Origin "
        + "with CORS for \(shown) to embed the Sign-In Widget (Security > API > Trusted Origins "
        + "tab, Add Origin, tick CORS and Redirect): \(state)"
    }
  }

  /// Whether the run turned the org setting on (or off): a step no API can make.
  public var changedSetting: Bool {
    record.effects.contains { if case .settingChanged = $0 { true } else { false } }
  }

  public static func == (lhs: RunSummary, rhs: RunSummary) -> Bool {
    lhs.record == rhs.record && lhs.metadata == rhs.metadata && lhs.title == rhs.title
  }

  /// Builds the content from a run: what happened comes from the run's effects; the resulting
  /// configuration and the simulation from the model as it will be written.
  public init(record: RunRecord, metadata: RunMetadata) {
    self.record = record
    self.metadata = metadata
    let state = record.finalState
    let model = state.model
    let effects = record.effects
    let grant = record.procedure.grant
    operatorLogin =
      effects.lazy.compactMap { effect -> String? in
        if case .operatorVerified(let admin, _) = effect { return admin.name }
        return nil
      }.first
    chosenServer = effects.lazy.compactMap(\.object).last { $0.kind == .server }
    trustedOriginLines = Self.trustedOriginLines(model, effects: effects, grant: grant)
    usedOrgServer = Self.usesOrgServer(effects)
    chosenApp =
      effects.lazy.compactMap { effect -> ObjectRef? in
        if case .chosen(let ref) = effect, ref.kind == .app { return ref }
        if case .grantAdded(_, let ref, _, _) = effect, ref.kind == .app { return ref }
        if case .grantDeclined(_, let ref) = effect, ref.kind == .app { return ref }
        return nil
      }.last
    chosenRule = effects.lazy.compactMap(\.object).last {
      $0.kind == .rule && !Self.isStrip($0, effects)
    }
    let server = chosenServer.flatMap { model.server(id: $0.id) }
    policies =
      server?.policiesInOrder.map { policy in
        PolicyLine(
          id: policy.id, name: policy.name, status: policy.status, priority: policy.priority,
          clients: policy.clients,
          rules: policy.rulesInOrder.map { rule in
            RuleLine(
              id: rule.id, name: rule.name, status: rule.status, priority: rule.priority,
              grantTypes: rule.grantTypes)
          })
      } ?? []
    if let app = chosenApp.flatMap({ model.app(id: $0.id) }), server != nil || usedOrgServer {
      let serverRef = server.map(model.ref) ?? model.orgServerRef
      let request = TokenRequest(
        appID: app.id, serverID: serverRef.id, grant: grant.type)
      let outcome =
        if let server {
          TokenEvaluator.evaluate(app: app, server: server, request: request, in: model)
        } else {
          TokenEvaluator.explainOrgServer(app: app, request: request, in: model).outcome
        }
      var simulation = Simulation(
        appID: app.id, appLabel: VisibleText.name(app.label), serverID: serverRef.id,
        serverName: serverRef.name,
        grant: grant.type, allowed: outcome.isAllowed, error: outcome.errorCode,
        errorDescription: outcome.errorDescription, explanation: outcome.explanation)
      if case .allowed(let policy, let rule) = outcome {
        simulation.policyID = policy.id
        simulation.policyName = policy.name
        simulation.ruleID = rule.id
        simulation.ruleName = rule.name
      }
      self.simulation = simulation
    } else {
      simulation = nil
    }
    let values = ChecklistRenderer.placeholders(procedure: record.procedure, state: state)
    let orgServer = usedOrgServer
    performed = record.steps.map { step in
      let headline =
        step.report.effects.lazy.compactMap(\.headline).first
        ?? StepRegistry.handler(for: step.step.kind)?.heading(of: step.step, in: state).title
      return PerformedStep(
        number: step.number, id: step.step.id, title: step.step.title,
        // With the Org Authorization Server, the server and policy steps have no place in the
        // Admin Console: it is not listed among the authorization servers.
        console: orgServer
          && [ChooseServerStep.descriptor.id, SelectPolicyRuleStep.descriptor.id].contains(
            step.step.kind)
          ? "" : ChecklistRenderer.fill(step.step.console, values, escape: { $0 }),
        heading: headline ?? step.step.title, effects: step.report.effects,
        answers: step.answers)
    }
    removedAnything = effects.contains(where: \.removes)
    backout = Self.backout(effects, grant: grant)
    var seenApps: Set<String> = []
    changedApps = effects.filter(\.changesModel).compactMap(\.object).filter {
      $0.kind == .app && seenApps.insert($0.id).inserted
    }
    affectedApps = Self.affectedApps(record, effects: effects, changed: seenApps, grant: grant)
    preexistingErrors = record.baseline.errors
    pulledFrom = PullRecord(model: record.initialModel.document)?.orgURL
    title = Self.title(record, effects: effects)
  }

  private static func usesOrgServer(_ effects: [Effect]) -> Bool {
    effects.contains { effect in
      if case .chosen(let ref) = effect { return ref.kind == .orgAuthorizationServer }
      return false
    }
  }

  /// Whether a rule appears in the effects only as one the setting's removal stripped.
  private static func isStrip(_ ref: ObjectRef, _ effects: [Effect]) -> Bool {
    effects.contains { effect in
      if case .grantRemoved(_, let object, _, _) = effect { return object == ref }
      return false
    }
  }

  /// What to do in the Admin Console to back the change out, in an order Okta allows: the
  /// setting is turned back on before any grant is given back, and turned off only after
  /// every grant added to it has been taken away again.
  static func backout(_ effects: [Effect], grant facts: GrantFacts) -> [BackoutStep] {
    var first: [BackoutStep] = []
    var middle: [BackoutStep] = []
    var last: [BackoutStep] = []
    for effect in effects.reversed() {
      switch effect {
      case .settingChanged(let ref, _, let to):
        let step = BackoutStep(
          object: ref, console: ref.consolePath(for: facts),
          action: to
            ? "clear the checkbox to turn it off again (last, once the grants above are removed)"
            : "select the checkbox to turn it on again (first: while it is off no app or rule "
              + "can be given the grant)")
        if to { last.append(step) } else { first.append(step) }
      case .grantAdded(let grant, let ref, _, _):
        middle.append(
          BackoutStep(
            object: ref, console: ref.consolePath(for: facts),
            action: "clear \(Self.checkbox(grant))"))
      case .grantRemoved(let grant, let ref, _, _):
        middle.append(
          BackoutStep(
            object: ref, console: ref.consolePath(for: facts),
            action: "select \(Self.checkbox(grant)) again"))
      case .scopeAdded(let scope, let ref, _, _):
        middle.append(
          BackoutStep(
            object: ref, console: ref.consolePath(for: facts),
            action: "remove \(scope) from the scopes under AND Scopes requested"))
      default: continue
      }
    }
    return first + middle + last
  }

  /// The Admin Console's checkbox for a grant type.
  static func checkbox(_ grant: String) -> String {
    "the \(Grants.facts(for: grant)?.name ?? grant) checkbox"
  }

  private static func title(_ record: RunRecord, effects: [Effect]) -> String {
    let domain = record.finalState.model.org.domain
    let grant = record.procedure.grant.phrase
    guard effects.contains(where: \.changesModel) else {
      return "No changes: \(record.procedure.title) checked on \(domain)"
    }
    if effects.contains(where: { if case .settingChanged(_, _, false) = $0 { true } else { false } }
    ) {
      return "Turn off \(grant) org-wide (\(domain))"
    }
    let added = effects.compactMap { effect -> ObjectRef? in
      if case .grantAdded(_, let ref, _, _) = effect { return ref }
      return nil
    }
    let app = added.first { $0.kind == .app }
    let server = added.first { $0.kind == .rule }?.serverName
    switch (app, server) {
    case (let app?, let server?):
      return "Enable \(grant) for \(app.name) on authorization server "
        + "'\(server)' (\(domain))"
    case (nil, let server?):
      return "Enable \(grant) on authorization server '\(server)' (\(domain))"
    case (let app?, nil):
      let org = usesOrgServer(effects) ? " on the Org Authorization Server" : ""
      return "Enable \(grant) for \(app.name)\(org) (\(domain))"
    case (nil, nil):
      if let scope = Self.scopeAdded(effects) {
        return "Allow scope \(scope.scope) for \(grant) on authorization server "
          + "'\(scope.ref.serverName ?? "?")' (\(domain))"
      }
      let setting = record.procedure.grant.orgSwitch?.name ?? "the org setting"
      return "Enable \(setting) for \(grant) (\(domain))"
    }
  }

  /// The first scope the run added to a rule, with the rule.
  private static func scopeAdded(_ effects: [Effect]) -> (scope: String, ref: ObjectRef)? {
    effects.lazy.compactMap { effect -> (String, ObjectRef)? in
      if case .scopeAdded(let scope, let ref, _, _) = effect { return (scope, ref) }
      return nil
    }.first
  }

  private static func affectedApps(
    _ record: RunRecord, effects: [Effect], changed: Set<String>, grant: GrantFacts
  ) -> [(app: ObjectRef, reason: String)] {
    let before = record.initialModel
    let after = record.finalState.model
    var result: [(app: ObjectRef, reason: String)] = []
    var seen = changed
    for effect in effects where effect.changesModel {
      guard let object = effect.object else { continue }
      switch object.kind {
      case .rule:
        guard let server = after.server(id: object.serverID ?? ""),
          let policy = server.policies.first(where: { $0.id == object.policyID })
        else { continue }
        for app in after.apps where app.isOIDC && policy.applies(toClient: app.clientID) {
          if seen.insert(app.id).inserted {
            result.append(
              // Every app the policy applies to is listed, even one an earlier rule serves
              // first: a risk list that errs on the side of naming too many.
              (
                after.ref(app),
                "policy \"\(policy.name)\" applies to it, and its rule \"\(object.name)\" changed"
              ))
          }
        }
      case .orgSetting:
        for app in before.appsListing(grant) where seen.insert(app.id).inserted {
          result.append((before.ref(app), "lists \(grant.type), which the setting governs"))
        }
      default: continue
      }
    }
    return result
  }
}

extension Effect {
  /// A heading for the step that had this effect, when the effect says more than the step's
  /// title can (turning the setting off in a step titled "Enable …").
  public var headline: String? {
    if case .settingChanged(let ref, _, let to) = self {
      return "Turn \(ref.name) \(to ? "on" : "off")"
    }
    return nil
  }
}
