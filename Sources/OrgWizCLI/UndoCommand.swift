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
      """)

  @Option(name: .long, help: ArgumentHelp("The org model file.", valueName: "file"))
  var org: String = "org.json"

  @Flag(help: "Restore without asking.")
  var yes = false

  @Flag(help: "Restore even when the model or backup changed since the run that wrote them.")
  var force = false

  @Flag(name: .customLong("no-input"), help: "Never prompt (also ORGWIZ_NO_INPUT=1).")
  var noInput = false

  @Option(
    name: .customLong("lock-timeout"),
    help: ArgumentHelp("Wait up to this many seconds for another run's lock.", valueName: "seconds")
  )
  var lockTimeout: Double = 0

  @Flag(name: .customLong("no-color"), help: "No colour.")
  var noColor = false

  func execute(_ context: CommandContext) throws -> ExitStatus {
    let style = context.style(noColor: noColor)
    let path = context.modelPath(org)
    let backupPath = path + ".bak"
    try FileIO.ensureRegularIfPresent(path, what: "org model")
    let lock = try ModelLock.acquire(
      modelPath: path,
      holder: ModelLock.currentHolder(startedAt: Timestamps(date: context.now()).iso),
      timeout: lockTimeout, notice: { context.note($0, style: style) })
    defer { lock.release() }
    let transaction = WriteTransaction(model: path, environment: context.environment)
    if let message = transaction.recover().message { context.note(message, style: style) }
    try FileIO.ensureReplaceable(
      path,
      notice: { context.note($0, style: style) })

    try FileIO.ensureTrusted(backupPath, what: "backup", model: path)
    let backup = try FileIO.read(
      backupPath, what: "backup", hint: "Only a run that changed the model leaves a backup to undo."
    )
    let current =
      FileManager.default.fileExists(atPath: path)
      ? try FileIO.read(path, what: "org model", hint: "") : nil
    let record = UndoRecord.read(model: path)
    // An undo that was cut short after the model was put back, or one done by hand: the model
    // already is its backup, so there is nothing to restore.
    if current == backup {
      unlink(UndoRecord.path(for: path))
      context.stderr.write("\(path) already equals \(backupPath); nothing to restore.\n")
      return .success
    }
    if !force {
      guard let record else {
        throw OrgWizFailure(
          .failure,
          "There is no record of the run that wrote \(backupPath), so orgwiz cannot "
            + "tell whether the model changed since.",
          next: "Pass --force to restore the backup anyway.")
      }
      guard let current, SHA256.hex(current) == record.afterSHA256 else {
        throw OrgWizFailure(
          .failure,
          "\(path) no longer matches what the run of \(record.writtenAt) wrote (SHA-256 "
            + "\(record.afterSHA256)); it was changed since, and restoring would lose that change.",
          next: "Compare it with \(backupPath) yourself, or pass --force to restore anyway.")
      }
      guard SHA256.hex(backup) == record.backupSHA256 else {
        throw OrgWizFailure(
          .failure, "\(backupPath) is not the backup that run wrote (its SHA-256 differs).",
          next: "Pass --force to restore it anyway.")
      }
    }
    let backupModel = try OrgModel.load(backup, source: backupPath)
    let changes = describeChanges(from: current, to: backupModel)
    context.stderr.write("Restoring \(path) from \(backupPath) changes:\n")
    for line in changes.prefix(40) { context.stderr.write("  \(line)\n") }
    if changes.count > 40 { context.stderr.write("  ... and \(changes.count - 40) more\n") }
    if changes.isEmpty { context.stderr.write("  nothing: the model already equals its backup\n") }

    if !yes {
      let variable = context.environment["ORGWIZ_NO_INPUT"] ?? ""
      let canPrompt =
        !noInput && (variable.isEmpty || variable == "0") && context.terminal.stdinIsTerminal
        && context.terminal.stdoutIsTerminal
      guard canPrompt else {
        throw OrgWizFailure(
          .usage, "Restoring the backup needs confirmation, and nobody can be asked here.",
          next: "Pass --yes to restore it.")
      }
      let person = context.makeInteractivePrompter(style)
      let confirmation = Confirmation(
        prompt: "Restore \(path) from \(backupPath)?", isDestructive: false, defaultYes: false)
      guard try person.confirm(confirmation) == true else {
        throw OrgWizFailure(.declined, "The backup was not restored. Nothing was written.")
      }
    }
    let (_, interrupted) = try SignalDeferral.holding { () throws(OrgWizFailure) in
      try transaction.commit(
        [WriteTransaction.File(role: "model", bytes: backup, destination: path, verify: true)],
        beforeCommit: { () throws(OrgWizFailure) in
          let now =
            FileManager.default.fileExists(atPath: path)
            ? try FileIO.read(path, what: "org model", hint: "") : nil
          guard now == current else {
            throw OrgWizFailure(
              .failure,
              "\(path) was changed by another program while undo was going on. Nothing was "
                + "written, so those changes are kept.",
              next: "Run orgwiz undo again on the file as it is now.")
          }
          try FileIO.ensureReplaceable(path, notice: { _ in })
          FileIO.copyMode(from: path, to: transaction.stagingPath(for: path))
        })
    }
    unlink(UndoRecord.path(for: path))
    if interrupted { context.note(SignalDeferral.heldNote, style: style) }
    context.stderr.write(style.green("Restored ") + "\(path) from \(backupPath).\n")
    return .success
  }

  private func describeChanges(from current: [UInt8]?, to backup: OrgModel) -> [String] {
    guard let current, let document = try? JSONParser.parse(current) else {
      return ["the whole model (the current file is missing or unreadable)"]
    }
    return JSONDiff.changes(from: document, to: backup.document, at: .root).map { $0.line() }
  }
}
