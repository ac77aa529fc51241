import Foundation
import OrgWizCore

/// A model file as it was read to be edited and written back (`run`, `apply`, `undo`, the file
/// `pull` replaces): where it is and what it was then, its fingerprint and its stamp, but
/// neither its text nor its parsed model. The write asks it whether the file on disk is still
/// that one (``ensureUnchanged(links:otherwise:)``) and for the file's backup.
struct ModelFile {
  /// The absolute path the model is written to.
  let path: String
  /// The SHA-256 of the file as read (hashed as it was read, or beside other work); nil when
  /// there was no file.
  let digest: Background<String>?
  /// The file's stamp when it was read, if it held still meanwhile.
  let stamp: FileIO.Stamp?

  /// Whether a model file was there when it was read (not so for a new example copy).
  var existed: Bool { digest != nil }

  /// The last look before the write: throws `changed` when the model on disk is no longer the
  /// file that was read (or is there now when there was none, or is gone).
  /// - Parameter links: the transaction's record of its own hard link to the file (the
  ///   backup's), which changes the file's change time and is not a change.
  func ensureUnchanged(
    links: WriteTransaction.Links, otherwise changed: OrgWizFailure
  ) throws(OrgWizFailure) {
    // The same file, untouched since it was read (no write can leave its change time alone,
    // apart from the backup's own hard link, whose stamps were taken around it): no need to
    // read a large model again. Otherwise compare the contents.
    var reference = stamp
    if let linked = links.stamps(of: path), linked.before == stamp {
      reference = linked.after
    }
    if let reference, reference.isFine, FileIO.Stamp(path) == reference { return }
    let current = try FileIO.sha256(of: path, what: "org model")
    guard current == digest?.value() else { throw changed }
  }

  /// The backup of the file as read, `<model>.bak`: a hard link to it, or where a link cannot
  /// be made a copy that must have the fingerprint it was read with (else `changed` is thrown
  /// while it is staged). Nil when there was no file.
  func backup(otherwise changed: OrgWizFailure) -> WriteTransaction.File? {
    guard let digest else { return nil }
    return WriteTransaction.File(
      role: "backup", bytes: [], destination: path + ".bak", linkFrom: path,
      copyCheck: (digest.value(), changed))
  }
}

/// What an edit starts from: the file's own text, or bytes it does not hold (the bundled
/// example, new or put over an existing file), which are written even when nothing changes.
struct ModelStart {
  /// The bytes to write when they are not the file's own; nil when they are.
  let bytes: [UInt8]?
  /// Their SHA-256, hashed beside other work.
  let digest: Background<String>
}

extension ModelStore {
  /// Reads the model at `path` to edit it, as ``read(_:source:hint:)`` reads one (the
  /// releasing parse, else the ordinary read for the error's line and column), keeping the
  /// file's fingerprint and stamp for the write but not its text.
  static func readToEdit(
    _ path: String, source: String, hint: String
  ) throws -> (file: ModelFile, start: ModelStart, model: OrgModel) {
    // The file is read into memory that the parse gives back as it goes (a large model is
    // never held as text and as a tree at once), and hashed on another core beside the parse.
    if let lean = try loadReleasing(path, source: source, hint: hint, hashing: true),
      let digest = lean.digest
    {
      return edited(path, digest, stamp: lean.stamp, model: lean.model)
    }
    let (bytes, stamp) = try FileIO.readStamped(path, what: "org model", hint: hint)
    let model = kept(try OrgModel.load(bytes, source: source))
    return edited(path, Background { SHA256.hex(bytes) }, stamp: stamp, model: model)
  }

  private static func edited(
    _ path: String, _ digest: Background<String>, stamp: FileIO.Stamp?, model: OrgModel
  ) -> (file: ModelFile, start: ModelStart, model: OrgModel) {
    (
      ModelFile(path: path, digest: digest, stamp: stamp), ModelStart(bytes: nil, digest: digest),
      model
    )
  }

  /// Starts an edit of the model at `path` from the bundled example org. The file there, if
  /// `replacing` one, is read for its backup.
  static func editExample(
    at path: String, replacing: Bool, contentDirectory: String, context: CommandContext
  ) throws -> (file: ModelFile, start: ModelStart, model: OrgModel) {
    let (bytes, model) = try example(contentDirectory: contentDirectory, context: context)
    let existing = replacing ? try FileIO.read(path, what: "org model", hint: "") : nil
    let start = ModelStart(
      bytes: existing == bytes ? nil : bytes, digest: Background { SHA256.hex(bytes) })
    let digest = existing.map { existing in
      existing == bytes ? start.digest : Background { SHA256.hex(existing) }
    }
    return (ModelFile(path: path, digest: digest, stamp: nil), start, model)
  }

  /// Reads the file at `path` that a write will replace without parsing it (`pull`): its
  /// fingerprint and stamp, its text given back once hashed.
  static func readToReplace(_ path: String) throws(OrgWizFailure) -> ModelFile {
    guard FileManager.default.fileExists(atPath: path) else {
      return ModelFile(path: path, digest: nil, stamp: nil)
    }
    let before = FileIO.Stamp(path)
    if let (_, digest) = try FileIO.readReleasable(
      path, what: "org model", hint: "", hashing: true),
      let digest
    {
      let after = FileIO.Stamp(path)
      return ModelFile(
        path: path, digest: digest, stamp: FileIO.Stamp.held(before: before, after: after))
    }
    let (bytes, stamp) = try FileIO.readStamped(path, what: "org model", hint: "")
    return ModelFile(path: path, digest: Background { SHA256.hex(bytes) }, stamp: stamp)
  }

  /// Reads the file at `path` that a write will replace, with its text (`undo` compares it
  /// byte for byte and may restore over a model that does not parse); nil text when there is
  /// no file.
  static func readTextToReplace(
    _ path: String
  ) throws(OrgWizFailure) -> (file: ModelFile, text: [UInt8]?) {
    guard FileManager.default.fileExists(atPath: path) else {
      return (ModelFile(path: path, digest: nil, stamp: nil), nil)
    }
    let (bytes, stamp) = try FileIO.readStamped(path, what: "org model", hint: "")
    return (ModelFile(path: path, digest: Background { SHA256.hex(bytes) }, stamp: stamp), bytes)
  }

  /// Reads the backup `<model>.bak` that `undo` restores, refused when another user could have
  /// put it there.
  static func readBackup(of path: String) throws(OrgWizFailure) -> [UInt8] {
    let backupPath = path + ".bak"
    try FileIO.ensureTrusted(backupPath, what: "backup", model: path)
    return try FileIO.read(
      backupPath, what: "backup", hint: "Only a run that changed the model leaves a backup to undo."
    )
  }

  /// Parses a model's text that a command holds (`undo`'s model and backup): the error names
  /// `source` with the line and column.
  static func parse(_ text: [UInt8], source: String) throws(ModelLoadError) -> OrgModel {
    try OrgModel.load(text, source: source)
  }
}
