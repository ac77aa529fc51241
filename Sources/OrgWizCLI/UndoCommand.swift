import ArgumentParser
import Foundation
import OrgWizCore
import OrgWizJSON
import OrgWizTerminal

/// `orgwiz undo`: puts the model back as it was before the last run that wrote it.
struct UndoCommand: ContextCommand {
  static let configuration = CommandConfiguration(
    commandName: "undo",
    abstract: "Restore the model from its backup (<model>.bak), after showing what changes.",
    discussion: """
      Refuses when the model no longer matches what the last run wrote (someone changed it \
      since), unless --force. Asks before writing unless --yes; without a terminal, --yes is \
      required. The restore is written the same safe way as a run: locked, atomic, flushed.

      \(OrgWiz.exitCodes(.success, .failure, .declined, .usage, .dataError, .noInput, .cannotCreate, .locked, .interrupted))
      """)

  @Option(name: .long, help: ArgumentHelp("The org model file.", valueName: "file"))
  var org: String = "org.json"

  @Flag(help: "Restore without asking.")
  var yes = false

  @Flag(help: "Restore even when the model or backup changed since the run that wrote them.")
  var force = false

  @OptionGroup var input: InputOptions

  @OptionGroup var lock: LockOptions

  @OptionGroup var color: ColorOptions

  @Flag(name: .long, help: "Print the backout record as JSON on stdout.")
  var json = false

  @Option(
    name: .customLong("summary-format"),
    help: ArgumentHelp(
      "The backout record's format: markdown (default) or text.", valueName: "format"))
  var summaryFormat: RecordFormat = .markdown

  func execute(_ context: CommandContext) throws -> ExitStatus {
    let style = context.style(noColor: color.noColor)
    let started = context.now()
    let path = context.modelPath(org)
    let backupPath = path + ".bak"
    let session = try ModelSession.open(
      model: path, lockTimeout: lock.lockTimeout, startedAt: started, context: context, style: style
    )
    defer { session.close() }

    let record = UndoRecord.read(model: path)
    if let record, record.createdModel {
      return try setAsideCreatedModel(
        session: session, record: record, started: started, context: context, style: style)
    }
    let backup = try ModelStore.readBackup(of: path)
    let (file, current) = try ModelStore.readTextToReplace(path)
    // What is restored: the backup's objects, but the record of what `apply` sent to Okta as
    // it is now, so that `apply` after `undo` sends the restored grant types back instead of
    // taking them for drift.
    let restored = try Self.keepingPullRecord(of: current, in: backup, source: backupPath)
    // An undo that was cut short after the model was put back, or one done by hand: the model
    // already is its backup, so there is nothing to restore.
    if current == restored {
      unlink(UndoRecord.path(for: path))
      context.stderr.write("\(path) already equals \(backupPath); nothing to restore.\n")
      return .success
    }
    if !force {
      try Self.checkAgainstRecord(
        record, current: current, backup: backup, path: path, backupPath: backupPath)
    }
    let backupModel = try ModelStore.parse(restored, source: backupPath)
    let changes = describeChanges(from: current, to: backupModel)
    let lines = ObjectChange.reviewLines(changes)
    try confirm(
      prompt: "Undo: restore \(path) from \(backupPath)? These changes will be written to the "
        + "model file (Okta itself is not changed):",
      items: lines.isEmpty
        ? ["the whole model (the current file is missing or unreadable)"] : lines,
      context: context, style: style)
    return try writeBackout(
      Restore(
        path: path, backupPath: backupPath, file: file, current: current, backup: backup,
        restored: restored, model: backupModel, changes: changes),
      record: record, started: started, session: session, context: context, style: style)
  }

  /// A restore undo is about to write: the model as it is, its backup, and what is restored.
  private struct Restore {
    var path: String
    var backupPath: String
    /// The model file as read.
    var file: ModelFile
    /// The model file's bytes now; nil when it is missing.
    var current: [UInt8]?
    var backup: [UInt8]
    /// The backup's bytes with the model's current pull record.
    var restored: [UInt8]
    /// The restored model.
    var model: OrgModel
    var changes: [ObjectChange]
  }

  /// Refuses to restore when the model or its backup is not what the run left (or the run
  /// left no undo record); `--force` skips this.
  private static func checkAgainstRecord(
    _ record: UndoRecord?, current: [UInt8]?, backup: [UInt8], path: String, backupPath: String
  ) throws(UndoError) {
    guard let record else {
      throw UndoError.noRecord(backup: backupPath)
    }
    guard let current, SHA256.hex(current) == record.afterSHA256 else {
      throw UndoError.modelChanged(model: path, record: record, backup: backupPath)
    }
    guard SHA256.hex(backup) == record.backupSHA256 else {
      throw UndoError.backupChanged(backup: backupPath)
    }
  }

  /// Writes the restored model and the backout record, and says what comes next.
  private func writeBackout(
    _ restore: Restore, record: UndoRecord?, started: Date, session: ModelSession,
    context: CommandContext, style: Style
  ) throws -> ExitStatus {
    let (path, backupPath) = (restore.path, restore.backupPath)
    let (backup, backupModel) = (restore.backup, restore.model)
    let changes = restore.changes
    // The backup's text is staged (written, read back and parsed) before the record names it.
    let staged = try ModelStore.stage(bytes: restore.restored, in: session.transaction)
    var summary = UndoSummary(
      modelPath: path, orgDomain: backupModel.org.domain,
      action: .restored(backupPath: backupPath, backupSHA256: SHA256.hex(backup)),
      modelSHA256Before: restore.file.digest?.value() ?? "none", modelSHA256After: staged.sha256,
      changes: changes,
      runWrittenAt: record?.writtenAt, startedAt: Timestamps(date: started).iso,
      toolVersion: orgwizVersion, forced: force)
    if let pulled = PullRecord(model: backupModel.document) {
      summary.pulledFrom = pulled.orgURL
      summary.settingToTurnOff = pulled.settingToTurnOff(in: backupModel)
      summary.changeRecord = ChangeRecordLink.read(model: path)?.path
    }
    let recordPath = Self.recordPath(model: path, date: started, format: summaryFormat)
    let recordBytes = Array(summaryFormat.render(summary.document).utf8)
    try session.commit(
      [
        staged.file,
        WriteTransaction.File(
          role: "summary", bytes: recordBytes, destination: recordPath, mode: 0o644),
      ], prestaged: staged.prestaged,
      unchanged: { () throws(OrgWizFailure) in
        try restore.file.ensureUnchanged(
          links: session.transaction.links,
          otherwise: OrgWizFailure(
            .failure,
            "\(path) was changed by another program while undo was going on. Nothing was "
              + "written, so those changes are kept.",
            next: "Run orgwiz undo again on the file as it is now."))
      })
    unlink(UndoRecord.path(for: path))
    context.stderr.write(style.green("Restored ") + "\(path) from \(backupPath).\n")
    context.stderr.write("Backout record written: \(recordPath)\n")
    if summary.pulledFrom != nil {
      // The backout is not in Okta until apply sends it.
      context.stderr.write(
        "Next: orgwiz apply --org \(SummaryRenderer.shellQuote(path)) sends the restored grant "
          + "types to Okta"
          + (summary.settingToTurnOff
            ? "; then turn Embedded widget sign-in support off by hand, last.\n" : ".\n"))
      if let change = summary.changeRecord {
        context.stderr.write("Change record: \(change) (apply adds the backout to it)\n")
      }
    }
    if json { context.stdout.write(JSONWriter.string(summary.json)) }
    return .success
  }

  /// Undo of a run that created the model: there is no earlier version to restore, so the
  /// created file is set aside as `<model>.bak` (nothing is deleted).
  private func setAsideCreatedModel(
    session: ModelSession, record: UndoRecord, started: Date, context: CommandContext,
    style: Style
  ) throws -> ExitStatus {
    let path = session.path
    let aside = path + ".bak"
    guard let current = try ModelStore.readTextToReplace(path).text else {
      unlink(UndoRecord.path(for: path))
      context.stderr.write("\(path) is already gone; nothing to undo.\n")
      return .success
    }
    let digest = SHA256.hex(current)
    if !force && digest != record.afterSHA256 {
      throw UndoError.createdModelChanged(model: path, record: record)
    }
    var status = stat()
    if lstat(aside, &status) == 0 {
      throw UndoError.asideExists(aside, record: record)
    }
    let domain = (try? ModelStore.parse(current, source: path))?.org.domain ?? "the org"
    try confirm(
      prompt: "Undo: the run of \(record.writtenAt) created \(path) (there was no earlier "
        + "version). Set it aside as \(aside)? Okta itself is not changed.",
      items: [], context: context, style: style)
    let summary = UndoSummary(
      modelPath: path, orgDomain: domain, action: .setAside(as: aside),
      modelSHA256Before: digest, modelSHA256After: nil, changes: [],
      runWrittenAt: record.writtenAt, startedAt: Timestamps(date: started).iso,
      toolVersion: orgwizVersion, forced: force)
    let recordPath = Self.recordPath(model: path, date: started, format: summaryFormat)
    try session.holdingSignals { () throws(OrgWizFailure) in
      // One rename: the created file keeps its contents, under the backup's name.
      guard rename(path, aside) == 0 else {
        throw OrgWizFailure(
          .cannotCreate, "Cannot set \(path) aside: \(String(cString: strerror(errno))).",
          next: "Check that its directory is writable; nothing was changed.")
      }
      FileIO.syncDirectory(of: path)
      unlink(UndoRecord.path(for: path))
      try FileIO.writeAtomically(
        Array(summaryFormat.render(summary.document).utf8), to: recordPath, mode: 0o644)
    }
    context.stderr.write(style.green("Set aside ") + "\(path) as \(aside).\n")
    context.stderr.write("Backout record written: \(recordPath)\n")
    if json { context.stdout.write(JSONWriter.string(summary.json)) }
    return .success
  }

  /// Shows what undo will do and asks, unless `--yes`; without a terminal `--yes` is required.
  private func confirm(
    prompt: String, items: [String], context: CommandContext, style: Style
  ) throws {
    if yes {
      context.stderr.write(prompt + "\n")
      for line in items { context.stderr.write("  \(line)\n") }
      return
    }
    guard context.canPrompt(noInput: input.noInput) else {
      context.stderr.write(prompt + "\n")
      for line in items { context.stderr.write("  \(line)\n") }
      throw UndoError.needsConfirmation
    }
    let person = context.makeInteractivePrompter(style)
    let confirmation = Confirmation(
      prompt: prompt, items: items, isDestructive: false, defaultYes: false)
    guard try person.confirm(confirmation) == true else {
      throw UndoError.declined
    }
  }

  /// `<model name without .json>.<YYYYMMDDTHHMMSSZ>.undo.md` (`.undo.txt` for text) beside the
  /// model, never
  /// replacing an earlier record.
  static func recordPath(model: String, date: Date, format: RecordFormat) -> String {
    CommandContext.recordPath(
      model: model, date: date, suffix: format == .text ? ".undo.txt" : ".undo.md")
  }

  /// The backup's bytes, with the current model's pull record in place of its own when the
  /// two differ (the record says what Okta has now, which a restore must not turn back).
  static func keepingPullRecord(
    of current: [UInt8]?, in backup: [UInt8], source: String
  ) throws -> [UInt8] {
    guard let current, let now = try? JSONParser.parse(current),
      let pull = now[PullRecord.pointer]
    else { return backup }
    var document = try ModelStore.parse(backup, source: source).document
    guard document[PullRecord.pointer] != pull else { return backup }
    _ = document.set(pull, at: PullRecord.pointer)
    return try OrgModel(document: document, source: source).encoded()
  }

  /// The restore's changes, grouped and named by object as the run's review shows them.
  private func describeChanges(from current: [UInt8]?, to backup: OrgModel) -> [ObjectChange] {
    guard let current, let document = try? JSONParser.parse(current) else { return [] }
    let fields = JSONDiff.changes(from: document, to: backup.document, at: .root)
    let named = (try? ModelStore.parse(current, source: "")) ?? backup
    return named.group(fields)
  }
}

/// Why `orgwiz undo` did not undo, each with what to do next.
enum UndoError: UserFacingError, Equatable {
  /// No fingerprints of the run that wrote the backup.
  case noRecord(backup: String)
  /// The model is not what the run wrote.
  case modelChanged(model: String, record: UndoRecord, backup: String)
  /// The backup is not the one the run wrote.
  case backupChanged(backup: String)
  /// A model the run created was changed since.
  case createdModelChanged(model: String, record: UndoRecord)
  /// The name a created model would be set aside under is taken.
  case asideExists(String, record: UndoRecord)
  /// Nobody can confirm and `--yes` was not given.
  case needsConfirmation
  /// The confirmation was declined at a prompt.
  case declined

  var exitStatus: ExitStatus {
    switch self {
    case .noRecord, .modelChanged, .backupChanged, .createdModelChanged: .failure
    case .asideExists: .cannotCreate
    case .needsConfirmation: .usage
    case .declined: .declined
    }
  }

  var message: String {
    switch self {
    case .noRecord(let backup):
      "There is no record of the run that wrote \(backup), so orgwiz cannot tell whether the "
        + "model changed since."
    case .modelChanged(let model, let record, _):
      "\(model) no longer matches what the run of \(record.writtenAt) wrote (SHA-256 "
        + "\(record.afterSHA256)); it was changed since, and restoring would lose that change."
    case .backupChanged(let backup):
      "\(backup) is not the backup that run wrote (its SHA-256 differs)."
    case .createdModelChanged(let model, let record):
      "\(model) no longer matches what the run of \(record.writtenAt) created (SHA-256 "
        + "\(record.afterSHA256)); it was changed since, and setting it aside would hide that."
    case .asideExists(let aside, let record):
      "\(aside) already exists, so the model created by the run of \(record.writtenAt) cannot "
        + "be set aside under that name without replacing it."
    case .needsConfirmation: "Undo needs confirmation, and nobody can be asked here."
    case .declined: "Undo was declined. Nothing was written."
    }
  }

  var nextStep: String {
    switch self {
    case .noRecord: "Pass --force to restore the backup anyway."
    case .modelChanged(_, _, let backup):
      "Compare it with \(backup) yourself, or pass --force to restore anyway."
    case .backupChanged: "Pass --force to restore it anyway."
    case .createdModelChanged: "Check the file yourself, or pass --force to set it aside anyway."
    case .asideExists(let aside, _): "Move \(aside) away first, then run orgwiz undo again."
    case .needsConfirmation: "Pass --yes to go ahead."
    case .declined: "Run orgwiz undo again when you want the backup back."
    }
  }
}
