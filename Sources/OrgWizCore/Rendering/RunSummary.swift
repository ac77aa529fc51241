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

  public init(
    modelPath: String, modelSHA256Before: String, modelSHA256After: String, backupPath: String?,
    backupSHA256: String? = nil, undoCommand: String? = nil, startedAt: String, endedAt: String,
    toolVersion: String, dryRun: Bool
  ) {
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
    public var id, title, performed, console: String
    public var answers: [GivenAnswer]
  }

  public var title: String
  public var record: RunRecord
  public var metadata: RunMetadata
  public var operatorLogin: String?
  public var policies: [PolicyLine]
  public var simulation: Simulation?
  public var performed: [PerformedStep]
  public var affectedApps: [String]
  public var removedAnything: Bool

  /// Builds the content from a run.
  public init(record: RunRecord, metadata: RunMetadata) {
    self.record = record
    self.metadata = metadata
    let state = record.finalState
    let model = state.model
    operatorLogin = state.operatorAdmin?.login
    policies =
      state.server?.policiesInOrder.map { policy in
        PolicyLine(
          id: policy.id, name: policy.name, status: policy.status, priority: policy.priority,
          clients: policy.clients,
          rules: policy.rulesInOrder.map { rule in
            RuleLine(
              id: rule.id, name: rule.name, status: rule.status, priority: rule.priority,
              grantTypes: rule.grantTypes)
          })
      } ?? []
    if let app = state.app, let server = state.server {
      let request = TokenRequest(appID: app.id, serverID: server.id, grant: Okta.interactionCode)
      let outcome = TokenEvaluator.evaluate(app: app, server: server, request: request, in: model)
      var simulation = Simulation(
        appID: app.id, appLabel: app.label, serverID: server.id, serverName: server.name,
        grant: Okta.interactionCode, allowed: outcome.isAllowed, error: outcome.errorCode,
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
    performed = record.steps.map { step in
      PerformedStep(
        number: step.number, id: step.step.id, title: step.step.title,
        performed: step.report.performed,
        console: ChecklistRenderer.fill(step.step.console, values, escape: Markdown.escape),
        answers: step.answers)
    }
    removedAnything = record.changes.contains { change in
      change.fields.contains { field in
        guard let old = field.before?.arrayValue else { return field.before == true }
        return !(field.after?.arrayValue.map { new in old.allSatisfy(new.contains) } ?? false)
      }
    }
    affectedApps = Self.affectedApps(record)
    title = Self.title(record)
  }

  private static func title(_ record: RunRecord) -> String {
    let state = record.finalState
    let domain = state.model.org.domain
    if !record.changed {
      return "No changes: \(record.procedure.title) checked on \(domain)"
    }
    if record.initialModel.interactionCodeEnabled && !state.model.interactionCodeEnabled {
      return "Turn off the Interaction Code grant org-wide (\(domain))"
    }
    if let app = state.app, let server = state.server {
      return "Enable the Interaction Code grant for \(app.label) on authorization server "
        + "'\(server.name)' (\(domain))"
    }
    if let server = state.server {
      return
        "Enable the Interaction Code grant on authorization server '\(server.name)' (\(domain))"
    }
    return "Enable Embedded widget sign-in support for the Interaction Code grant (\(domain))"
  }

  private static func affectedApps(_ record: RunRecord) -> [String] {
    let before = record.initialModel
    let after = record.finalState.model
    var labels: [String] = []
    var seen: Set<String> = []
    func add(_ app: OrgApp) {
      if seen.insert(app.id).inserted { labels.append("\(app.label) (\(app.id))") }
    }
    for change in record.changes {
      if let app = after.apps.first(where: { $0.pointer == change.pointer }) { add(app) }
      for (server, policy, rule) in after.allRules where rule.pointer == change.pointer {
        _ = server
        for app in after.apps where app.isOIDC && policy.applies(toClient: app.clientID) {
          add(app)
        }
      }
    }
    if before.interactionCodeEnabled != after.interactionCodeEnabled {
      for app in before.appsListingInteractionCode { add(app) }
    }
    return labels
  }
}
