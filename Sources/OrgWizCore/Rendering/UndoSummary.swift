import OrgWizJSON

/// The record `orgwiz undo` leaves: what it put back in the model file, from what, and what
/// is still to do in Okta. Rendered like the run's record (Markdown or text, and JSON).
public struct UndoSummary: Sendable, Equatable {
  /// What undo did to the model file.
  public enum Action: Sendable, Equatable {
    /// The model was replaced by its backup.
    case restored(backupPath: String, backupSHA256: String)
    /// The model had been created by the run, so it was set aside under this name.
    case setAside(as: String)
  }

  public var modelPath: String
  public var orgDomain: String
  public var action: Action
  public var modelSHA256Before: String
  public var modelSHA256After: String?
  /// The changes undo made, object by object.
  public var changes: [ObjectChange]
  public var runWrittenAt: String?
  public var startedAt: String
  public var toolVersion: String
  public var forced: Bool
  /// The org the model was pulled from, when it was: the backout reaches Okta through
  /// `orgwiz apply`.
  public var pulledFrom: String? = nil
  /// Whether the restored model has the org setting off while Okta (as pulled) has it on.
  public var settingToTurnOff = false
  /// The run's change record, which the backout's apply adds to.
  public var changeRecord: String? = nil

  public init(
    modelPath: String, orgDomain: String, action: Action, modelSHA256Before: String,
    modelSHA256After: String?, changes: [ObjectChange], runWrittenAt: String?, startedAt: String,
    toolVersion: String, forced: Bool
  ) {
    self.modelPath = modelPath
    self.orgDomain = orgDomain
    self.action = action
    self.modelSHA256Before = modelSHA256Before
    self.modelSHA256After = modelSHA256After
    self.changes = changes
    self.runWrittenAt = runWrittenAt
    self.startedAt = startedAt
    self.toolVersion = toolVersion
    self.forced = forced
  }

  public var title: String {
    switch action {
    case .restored: "Back out: restore the model of \(orgDomain) from its backup"
    case .setAside: "Back out: set aside the model of \(orgDomain) that a run created"
    }
  }

  /// What happened, in one paragraph: in the model file, never in Okta.
  public var status: String {
    let done =
      switch action {
      case .restored(let backup, _): "The model file \(modelPath) was restored from \(backup)."
      case .setAside(let name):
        "The model file \(modelPath), which the run created, was set aside as \(name)."
      }
    if let pulledFrom {
      return done
        + " Okta itself is not changed by this: orgwiz apply --org "
        + SummaryRenderer.shellQuote(modelPath) + " sends the restored grant types to "
        + "\(pulledFrom) after a review, and adds \"Backed out\" to the run's change record"
        + (changeRecord.map { " (\($0))" } ?? "")
        + (settingToTurnOff
          ? "; then, last and by hand, turn Embedded widget sign-in support off again "
            + "(Settings > Account), which no API can." : ".")
    }
    return done
      + " Okta itself is not changed by this: if the run's change was already made in Okta, "
      + "undo it there with the Admin Console steps of the run's change record (its Backout "
      + "plan)."
  }

  /// The record as blocks.
  public var document: [Block] {
    var rows: [[[Inline]]] = [
      [.plain("Model file"), .plain(modelPath)],
      [.plain("Model SHA-256 before"), .plain(modelSHA256Before)],
      [.plain("Model SHA-256 after"), .plain(modelSHA256After ?? "none: the file was set aside")],
    ]
    switch action {
    case .restored(let backup, let digest):
      rows.append([.plain("Restored from"), .plain("\(backup) (SHA-256 \(digest))")])
    case .setAside(let name):
      rows.append([.plain("Set aside as"), .plain(name)])
    }
    rows += [
      [.plain("Run that wrote the model"), .plain(runWrittenAt ?? "not recorded")],
      [.plain("Checks"), .plain(forced ? "skipped (--force)" : "fingerprints matched")],
      [.plain("Time (UTC)"), .plain(startedAt)],
      [.plain("Tool version"), .plain("orgwiz \(toolVersion)")],
    ]
    var blocks: [Block] = [
      .heading(level: 1, title), .heading(level: 2, "Summary"), .paragraph(.plain(status)),
      .table(header: ["Field", "Value"], rows: rows), .heading(level: 2, "Changes"),
    ]
    if changes.isEmpty {
      blocks.append(
        .paragraph(
          .plain(
            "The whole file: \(modelPath) is no longer there (it is \(setAsideName ?? "gone")).")))
    } else {
      blocks.append(SummaryRenderer.changesTable(changes))
    }
    return blocks
  }

  private var setAsideName: String? {
    if case .setAside(let name) = action { return name }
    return nil
  }

  /// The record as JSON, with the same content.
  public var json: JSONValue {
    var object = JSONObject()
    object["title"] = .string(title)
    object["status"] = .string(status)
    object["inOkta"] = .bool(false)
    object["modelPath"] = .string(modelPath)
    object["modelSHA256Before"] = .string(modelSHA256Before)
    object["modelSHA256After"] = modelSHA256After.map { .string($0) } ?? .null
    switch action {
    case .restored(let backup, let digest):
      object["action"] = "restored"
      object["backupPath"] = .string(backup)
      object["backupSHA256"] = .string(digest)
    case .setAside(let name):
      object["action"] = "set-aside"
      object["setAsideAs"] = .string(name)
    }
    object["changes"] = .array(
      changes.map { change in
        .object(
          JSONObject([
            ("object", change.ref.json), ("fields", SummaryJSON.fields(change)),
          ]))
      })
    object["forced"] = .bool(forced)
    object["startedAt"] = .string(startedAt)
    object["toolVersion"] = .string(toolVersion)
    return .object(object)
  }
}
