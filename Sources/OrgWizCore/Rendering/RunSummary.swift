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

extension RunSummary {
  /// The first scope the run added to a rule, with the rule.
  fileprivate static func scopeAdded(_ effects: [Effect]) -> (scope: String, ref: ObjectRef)? {
    effects.lazy.compactMap { effect -> (String, ObjectRef)? in
      if case .scopeAdded(let scope, let ref, _, _) = effect { return (scope, ref) }
      return nil
    }.first
  }
}

/// The content of the change record, rendered as Markdown or as JSON (`run --json`): the run's
/// change set (``ChangeSet``), the files and times of the run, and the record's title. Nothing
/// here looks at the model or the answers: every fact is the change set's.
public struct RunSummary: Sendable, Equatable {
  public typealias RuleLine = ChangeSet.RuleLine
  public typealias PolicyLine = ChangeSet.PolicyLine
  public typealias Simulation = ChangeSet.Simulation
  public typealias PerformedStep = ChangeSet.Step
  public typealias BackoutStep = ChangeSet.BackoutStep

  public var title: String
  /// The run's change set: the only source of what the record says about the change.
  public var changeSet: ChangeSet
  public var metadata: RunMetadata

  /// The record of a run: its change set, as the engine built it.
  public init(record: RunRecord, metadata: RunMetadata) {
    self.init(changeSet: record.changeSet, metadata: metadata)
  }

  /// The record of a change set.
  public init(changeSet: ChangeSet, metadata: RunMetadata) {
    self.changeSet = changeSet
    self.metadata = metadata
    title = Self.title(changeSet)
  }

  /// The operator's login, from the check of their role.
  public var operatorLogin: String? { changeSet.selections.operatorAdmin?.name }
  /// The custom server the run chose.
  public var chosenServer: ObjectRef? { changeSet.selections.customServer }
  /// Whether the run chose the Org Authorization Server (which has no policies).
  public var usedOrgServer: Bool { changeSet.selections.usesOrgServer }
  public var chosenApp: ObjectRef? { changeSet.selections.chosenApp }
  public var chosenRule: ObjectRef? { changeSet.selections.rule }
  public var policies: [PolicyLine] { changeSet.configuration.server?.policies ?? [] }
  public var simulation: Simulation? { changeSet.simulation }
  public var performed: [PerformedStep] { changeSet.steps }
  public var backout: [BackoutStep] { changeSet.backout }
  /// Apps whose own settings the run changed.
  public var changedApps: [ObjectRef] { changeSet.changedApps }
  /// Apps whose sign-in the change affects without changing them, with the reason.
  public var affectedApps: [ChangeSet.AffectedApp] { changeSet.affectedApps }
  public var removedAnything: Bool { changeSet.removedAnything }
  /// Error findings the model had before the run.
  public var preexistingErrors: [Finding] { changeSet.preexistingErrors }
  /// The org the model was pulled from (`orgwiz pull`), if it was.
  public var pulledFrom: String? { changeSet.pulledFrom }
  public var trustedOriginLines: [String] { changeSet.trustedOriginLines }
  /// Whether the run turned the org setting on (or off): a step no API can make.
  public var changedSetting: Bool { changeSet.changedSetting }

  /// The record's title, from what the change set says was changed and chosen.
  private static func title(_ changeSet: ChangeSet) -> String {
    let domain = changeSet.org.domain
    let grant = changeSet.grant.phrase
    let effects = changeSet.effects
    guard effects.contains(where: \.changesModel) else {
      return "No changes: \(changeSet.procedure.title) checked on \(domain)"
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
      let org = changeSet.selections.usesOrgServer ? " on the Org Authorization Server" : ""
      return "Enable \(grant) for \(app.name)\(org) (\(domain))"
    case (nil, nil):
      if let scope = Self.scopeAdded(effects) {
        return "Allow scope \(scope.scope) for \(grant) on authorization server "
          + "'\(scope.ref.serverName ?? "?")' (\(domain))"
      }
      let setting = changeSet.grant.orgSwitch?.name ?? "the org setting"
      return "Enable \(setting) for \(grant) (\(domain))"
    }
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
