import Foundation
import OrgWizCore
import OrgWizOkta
import OrgWizTerminal

/// Everything a command that writes the model does around its own work, in one place and in
/// one order: refuse a model that is not a regular file, take the lock, settle a write a
/// killed run left, refuse a model that cannot be replaced, and at the end one journaled
/// commit with the signals held, after the last look at the file on disk. `run` and `undo`
/// use it; so will every later command that writes a model (`pull`, `apply`).
final class ModelSession {
  /// The model, by its real path (links resolved).
  let path: String
  let transaction: WriteTransaction
  private let lock: ModelLock
  private let context: CommandContext
  private let style: Style

  private init(
    path: String, lock: ModelLock, context: CommandContext, style: Style
  ) {
    self.path = path
    self.lock = lock
    self.context = context
    self.style = style
    transaction = WriteTransaction(model: path, environment: context.environment)
  }

  /// Opens a session on the model at `path` (already canonical): the checks and the lock,
  /// then the recovery of an interrupted write, then the refusal of a model that cannot be
  /// replaced. The lock is held until ``close()`` or the session is released.
  static func open(
    model path: String, lockTimeout: Double, startedAt: Date, context: CommandContext,
    style: Style
  ) throws -> ModelSession {
    // A FIFO or a device as the model is refused before anything else (even its lock file).
    try FileIO.ensureRegularIfPresent(path, what: "org model")
    let lock = try ModelLock.acquire(
      modelPath: path,
      holder: ModelLock.currentHolder(startedAt: Timestamps(date: startedAt).iso),
      timeout: lockTimeout, notice: { context.note($0, style: style) },
      waiting: { try? FaultPoint.hit("lock-wait", environment: context.environment) })
    let session = ModelSession(path: path, lock: lock, context: context, style: style)
    try FaultPoint.hit("locked", environment: context.environment)
    // First settle a write a killed run left (it may hold a second link to the model).
    if let message = session.transaction.recover().message { context.note(message, style: style) }
    try FileIO.ensureReplaceable(path, notice: { context.note($0, style: style) })
    return session
  }

  /// Releases the lock (also done when the session goes away).
  func close() { lock.release() }

  /// Writes the files in one journaled commit with Ctrl-C, SIGTERM and SIGHUP held.
  /// - Parameters:
  ///   - prestaged: files the caller staged (or is staging) itself, by role.
  ///   - unchanged: the last look before anything is replaced: throws when the model on disk
  ///     is no longer the one the command read.
  ///   - lastly: anything else that must succeed before the renames (opening a stream).
  func commit(
    _ files: [WriteTransaction.File],
    prestaged: [String: () -> Result<Void, OrgWizFailure>] = [:],
    unchanged: () throws(OrgWizFailure) -> Void,
    lastly: () throws(OrgWizFailure) -> Void = {}
  ) throws(OrgWizFailure) {
    let writesModel = files.contains { $0.role == "model" }
    // Records, undo records and other text files never carry a secret the process holds (the
    // model is scrubbed as a document by the command that makes it, and staged by the store).
    let scrubber = HeldSecrets.scrubber
    var files = files
    for index in files.indices where files[index].role != "model" && files[index].linkFrom == nil {
      files[index].bytes = scrubber.scrub(bytes: files[index].bytes)
    }
    let (_, interrupted) = try SignalDeferral.holding { () throws(OrgWizFailure) in
      try transaction.commit(
        files, prestaged: prestaged,
        beforeCommit: { () throws(OrgWizFailure) in
          try FaultPoint.hit("before-write", environment: context.environment)
          try unchanged()
          if writesModel {
            // Made read-only meanwhile: left alone. Its mode changed: the new file keeps it.
            try FileIO.ensureReplaceable(path, notice: { _ in })
            FileIO.copyMode(from: path, to: transaction.stagingPath(for: path))
          }
          try lastly()
        })
    }
    if interrupted { context.note(SignalDeferral.heldNote, style: style) }
  }

  /// Runs `body` (a change that is not a journaled commit, such as one rename) with the
  /// signals held.
  func holdingSignals(_ body: () throws(OrgWizFailure) -> Void) throws(OrgWizFailure) {
    let (_, interrupted) = try SignalDeferral.holding(body)
    if interrupted { context.note(SignalDeferral.heldNote, style: style) }
  }
}
