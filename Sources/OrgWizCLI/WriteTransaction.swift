import Foundation
import OrgWizCore
import OrgWizJSON
import Synchronization
import SystemPackage

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The files one run writes (backup, undo record, model, summary, recorded answers), replaced
/// together: all of them or, on any failure, none.
///
/// How: a small journal beside the model (`<model>.write.journal`) lists the destinations.
/// Every file is written to a staging name beside its destination and flushed; the model is
/// staged by ``ModelStore`` beforehand, read back and verified. Only then are the files renamed into place, in order; before each
/// rename, the file it replaces is kept under a hard link (or an empty marker notes there was
/// none). A failure puts every replaced file back. A run killed half-way leaves the journal,
/// and the next run on the model finishes the write when the model had already been replaced,
/// or puts everything back when it had not.
///
/// Every name it leaves beside a destination starts with ``tag``: the model's name and a short
/// fingerprint of its path, so that a run on another model never takes them for its own.
struct WriteTransaction {
  /// One file to write.
  struct File {
    /// What the file is, for messages and fault points: backup, undo, model, summary, answers.
    var role: String
    var bytes: [UInt8]
    var destination: String
    /// The permission bits of a new file; nil takes the model's. A file that replaces another
    /// keeps that one's.
    var mode: mode_t? = nil
    /// For a backup: the file to hard-link instead of writing `bytes`.
    var linkFrom: String? = nil
    /// For a backup with no `bytes`: when the hard link cannot be made, the file is copied
    /// from `linkFrom`, and the copy must have this SHA-256 (the model as the command read it);
    /// else the write stops with `changed`.
    var copyCheck: (digest: String, changed: OrgWizFailure)? = nil
  }

  /// The model, by its absolute path.
  let model: String
  let environment: [String: String]
  /// Hard-linking a file to stage a backup changes the file's change time. What its stamp was
  /// just before and just after, by path, so that the last check before the renames can tell
  /// the transaction's own link from somebody else's write.
  let links = Links()

  final class Links: Sendable {
    private let stamps = Mutex<[String: (before: FileIO.Stamp?, after: FileIO.Stamp?)]>([:])
    func record(_ path: String, before: FileIO.Stamp?, after: FileIO.Stamp?) {
      stamps.withLock { $0[path] = (before, after) }
    }
    /// The stamp `path` had before the transaction linked it, and the one it has since.
    func stamps(of path: String) -> (before: FileIO.Stamp?, after: FileIO.Stamp?)? {
      stamps.withLock { $0[path] }
    }
  }

  init(model: String, environment: [String: String]) {
    self.model = model
    self.environment = environment
  }

  /// The start of every name the transaction leaves beside a destination.
  var tag: String {
    let name = (model as NSString).lastPathComponent
    let fingerprint = SHA256.hex(Array(model.utf8)).prefix(8)
    return ".\(name).\(fingerprint).orgwiz"
  }

  /// The journal of a write in progress.
  var journalPath: String { model + ".write.journal" }

  private func sibling(_ destination: String, _ kind: String) -> String {
    let directory = (destination as NSString).deletingLastPathComponent
    let name = (destination as NSString).lastPathComponent
    return (directory.isEmpty ? "." : directory) + "/\(tag)-\(kind)-\(name)"
  }

  /// Where a file is written before it is moved into place.
  func stagingPath(for destination: String) -> String { sibling(destination, "staged") }
  private func previousPath(for destination: String) -> String { sibling(destination, "previous") }
  /// The empty marker earlier versions left for a destination that did not exist; removed.
  private func absentPath(for destination: String) -> String { sibling(destination, "absent") }

  // MARK: Staging

  /// Writes a file to its staging name, flushed, with its permission bits and, when orgwiz
  /// may, the owner of the file it replaces (or of the model); a backup is a hard link to the
  /// model. The model itself is staged by ``ModelStore`` (written, read back and verified)
  /// before the commit, never here.
  func stage(_ file: File) throws(OrgWizFailure) {
    precondition(file.role != "model", "the model is staged by ModelStore")
    try write(file)
  }

  /// Writes a file to its staging name and flushes it (a backup: a hard link to the model).
  private func write(_ file: File) throws(OrgWizFailure) {
    let staged = stagingPath(for: file.destination)
    unlink(staged)
    if let original = file.linkFrom {
      let before = FileIO.Stamp(original)
      // A test makes the link fail, to exercise the copy below.
      let linkable = (try? FaultPoint.hit("link-backup", environment: environment)) != nil
      if linkable, link(original, staged) == 0 {
        links.record(original, before: before, after: FileIO.Stamp(original))
        return
      }
      if let check = file.copyCheck, file.bytes.isEmpty {
        return try copy(original, as: file, expecting: check.digest, otherwise: check.changed)
      }
    }
    try write(file) { FileIO.finish($0, writing: file.bytes) }
  }

  /// Copies the model to a backup's staging name when it cannot be hard-linked; the copy must
  /// be the model as the command read it, else `changed` is thrown.
  private func copy(
    _ original: String, as file: File, expecting digest: String, otherwise changed: OrgWizFailure
  )
    throws(OrgWizFailure)
  {
    var hasher = StreamingSHA256()
    try write(file) { (descriptor) throws(OrgWizFailure) in
      var failure: String?
      let found = try FileIO.readPieces(original, what: "org model") { piece in
        guard failure == nil else { return }
        hasher.update(piece)
        failure = FileIO.writeAll(descriptor, piece)
      }
      if !found { failure = "\(original) is gone" }
      return FileIO.finish(descriptor, after: failure)
    }
    guard hasher.hex() == digest else {
      unlink(stagingPath(for: file.destination))
      throw changed
    }
  }

  /// Creates a file's staging name with its permission bits and owner, and has `body` write
  /// and close it (returning why it failed, if it did); a failure removes the staged file.
  /// (``ModelStore`` stages the model through it.)
  func write(
    _ file: File, body: (Int32) throws(OrgWizFailure) -> String?
  ) throws(OrgWizFailure) {
    let staged = stagingPath(for: file.destination)
    unlink(staged)
    // Permission bits and owner come from the file this one stands for: a backup's from the
    // model it copies (it holds the same secrets), others' from the file they replace. A new
    // file gets its own mode (else the model's) and the model's owner.
    var reference = stat()
    let replacesFile = file.linkFrom == nil && stat(file.destination, &reference) == 0
    let hasReference = replacesFile || stat(file.linkFrom ?? model, &reference) == 0
    // A new file is always readable and writable by its owner, whatever the umask: orgwiz
    // reads its own records back (undo reads the undo record).
    let mode =
      replacesFile || file.linkFrom != nil
      ? reference.st_mode & 0o7777
      : (file.mode.map(FileIO.newFileMode)
        ?? (hasReference ? reference.st_mode & 0o7777 : FileIO.newFileMode(0o644))) | 0o600
    let opened = FileIO.open(
      staged, .writeOnly, [.create, .exclusiveCreate, .closeOnExec], permissions: .ownerReadWrite)
    guard case .success(let descriptor) = opened else {
      let directory = (file.destination as NSString).deletingLastPathComponent
      throw OrgWizFailure(
        .cannotCreate, "Cannot write \(file.destination): \(opened.failure.map { "\($0)" } ?? "").",
        next: "Check that \(directory.isEmpty ? "." : directory) exists and is writable.")
    }
    var failure: String?
    // Keep the owner too when orgwiz runs as root on someone else's file; as anyone else,
    // the new file is the user's own, which is all the system allows.
    if hasReference && getuid() == 0 { _ = fchown(descriptor, reference.st_uid, reference.st_gid) }
    if fchmod(descriptor, mode) != 0 {
      failure = String(cString: strerror(errno))
      close(descriptor)
    } else {
      do {
        failure = try body(descriptor)
      } catch {
        unlink(staged)
        throw error
      }
    }
    if let failure {
      unlink(staged)
      throw OrgWizFailure(
        .cannotCreate, "Cannot write \(file.destination): \(failure).",
        next: "Free some space or fix the permissions; nothing was changed.")
    }
  }

  // MARK: The write

  /// Which file a path names (device and inode), or nil when there is none; links are not
  /// followed.
  static func identity(_ path: String) -> FileIdentity? {
    var status = stat()
    guard lstat(path, &status) == 0 else { return nil }
    return FileIdentity(device: UInt64(status.st_dev), inode: UInt64(status.st_ino))
  }

  /// A file's device and inode.
  struct FileIdentity: Equatable {
    var device: UInt64
    var inode: UInt64

    var json: JSONValue {
      .object(
        JSONObject([
          ("device", .number(JSONNumber(Int(bitPattern: UInt(device))))),
          ("inode", .number(JSONNumber(Int(bitPattern: UInt(inode))))),
        ]))
    }

    init(device: UInt64, inode: UInt64) {
      self.device = device
      self.inode = inode
    }

    init?(_ value: JSONValue?) {
      guard let device = value?["device"]?.intValue, let inode = value?["inode"]?.intValue
      else { return nil }
      self.device = UInt64(UInt(bitPattern: device))
      self.inode = UInt64(UInt(bitPattern: inode))
    }
  }

  /// One destination as the journal names it: the file that was there when the write began
  /// (nil: none), and the staged file meant to replace it once everything is staged.
  struct JournalEntry {
    var role: String
    var destination: String
    var original: FileIdentity?
    var staged: FileIdentity?
  }

  private func journalBytes(_ entries: [JournalEntry]) -> [UInt8] {
    JSONWriter.write(
      .object(
        JSONObject([
          ("pid", .number(JSONNumber(Int(getpid())))),
          (
            "files",
            .array(
              entries.map { entry in
                .object(
                  JSONObject([
                    ("role", .string(entry.role)), ("destination", .string(entry.destination)),
                    ("original", entry.original?.json ?? .null),
                    ("staged", entry.staged?.json ?? .null),
                  ]))
              })
          ),
        ])))
  }

  /// Writes the files: journal, staging (files in `prestaged` were staged already, or are being
  /// staged, by the caller), the journal again with what was staged, `beforeCommit`, then the
  /// moves into place in order.
  /// - Parameter beforeCommit: the last check before anything is replaced (the model on disk
  ///   is still the one read).
  func commit(
    _ files: [File], prestaged: [String: () -> Result<Void, OrgWizFailure>] = [:],
    beforeCommit: () throws(OrgWizFailure) -> Void = {}
  ) throws(OrgWizFailure) {
    var entries = files.map { file in
      JournalEntry(
        role: file.role, destination: file.destination,
        original: Self.identity(file.destination), staged: nil)
    }
    var committed: [(destination: String, note: String?, existed: Bool)] = []
    do throws(OrgWizFailure) {
      try FileIO.writeAtomically(
        journalBytes(entries), to: journalPath, stagingName: stagingPath(for:), mode: 0o600)
      for file in files {
        if let wait = prestaged[file.role] {
          try wait().get()
        } else {
          try stage(file)
        }
        try FaultPoint.hit("staged-\(file.role)", environment: environment)
      }
      // The journal now names each staged file by its inode: a later recovery moves or puts
      // back only files this write made, whatever else appears under their names.
      for index in entries.indices {
        entries[index].staged = Self.identity(stagingPath(for: entries[index].destination))
      }
      try FileIO.writeAtomically(
        journalBytes(entries), to: journalPath, stagingName: stagingPath(for:), mode: 0o600)
      try beforeCommit()
      for file in files {
        let note = keepPrevious(of: file.destination)
        let staged = stagingPath(for: file.destination)
        if rename(staged, file.destination) != 0 {
          let reason = String(cString: strerror(errno))
          if let path = note.path { unlink(path) }
          throw OrgWizFailure(
            .cannotCreate, "Cannot write \(file.destination): \(reason).",
            next: "Check that its directory is writable; nothing was changed.")
        }
        // Renaming a hard link onto another link of the same file does nothing and succeeds;
        // the staging name is then still there.
        unlink(staged)
        committed.append((file.destination, note.path, note.existed))
        try FaultPoint.hit("committed-\(file.role)", environment: environment)
      }
    } catch {
      for file in files where !committed.contains(where: { $0.destination == file.destination }) {
        if let wait = prestaged[file.role] { _ = wait() }
        unlink(stagingPath(for: file.destination))
      }
      for entry in committed.reversed() {
        if entry.existed {
          if let note = entry.note { rename(note, entry.destination) }
        } else {
          unlink(entry.destination)
          if let note = entry.note { unlink(note) }
        }
      }
      syncDirectories(files.map(\.destination))
      unlink(journalPath)
      FileIO.syncDirectory(of: model)
      throw error
    }
    syncDirectories(files.map(\.destination))
    // The model's note goes last and the journal after it: while they are there, a later run
    // can tell how far this one got (see recover()).
    let modelDestination = files.first { $0.role == "model" }?.destination
    for entry in committed where entry.destination != modelDestination {
      if let note = entry.note { unlink(note) }
    }
    for entry in committed where entry.destination == modelDestination {
      if let note = entry.note { unlink(note) }
    }
    unlink(journalPath)
    FileIO.syncDirectory(of: model)
  }

  /// Keeps what is at `destination` before a new file is moved there under a hard link
  /// (nothing is copied), so that a failure or a later recovery can put it back.
  private func keepPrevious(of destination: String) -> (path: String?, existed: Bool) {
    var status = stat()
    guard lstat(destination, &status) == 0 else { return (nil, false) }
    let note = previousPath(for: destination)
    unlink(note)
    return (link(destination, note) == 0 ? note : nil, true)
  }

  private func syncDirectories(_ paths: [String]) {
    var seen: Set<String> = []
    for path in paths where seen.insert((path as NSString).deletingLastPathComponent).inserted {
      FileIO.syncDirectory(of: path)
    }
  }

  // MARK: Recovery

  /// What ``recover()`` did.
  enum Recovery: Equatable {
    /// No earlier write was interrupted.
    case nothing
    /// The earlier run had replaced the model; the files it had not yet moved in are now in
    /// place.
    case finished([String])
    /// The earlier run had not replaced the model; what it had moved in was taken out again.
    case putBack([String])
    /// A write journal was found that orgwiz does not trust (why), so nothing was done by it.
    case ignored(String)

    /// What to tell the user, or nil when there was nothing to settle.
    var message: String? {
      switch self {
      case .nothing: nil
      case .finished(let paths):
        "an earlier run on this model was killed after it replaced the model; its write is now "
          + "finished: \(paths.joined(separator: ", "))"
      case .putBack(let paths):
        "an earlier run on this model was killed while writing, before it replaced the model; "
          + "put back as they were: \(paths.joined(separator: ", "))"
      case .ignored(let reason):
        "ignored \(reason); no file was moved or removed because of it"
      }
    }
  }

  /// The roles a journal may name, and where the fixed ones must be: a journal that names the
  /// model's backup somewhere else was not written by this write.
  private func expectedDestination(of role: String) -> String?? {
    switch role {
    case "model": .some(model)
    case "backup": .some(model + ".bak")
    case "undo": .some(UndoRecord.path(for: model))
    case "change": .some(ChangeRecordLink.path(for: model))
    case "summary", "answers": .some(nil)
    default: nil
    }
  }

  /// Reads the journal a killed run left, when it can be trusted: a regular file of this
  /// user's own that nobody else may write, naming only destinations this write would have.
  private enum JournalReading {
    case none
    case refused(Recovery)
    case entries([JournalEntry])
  }

  private func trustedJournal() -> JournalReading {
    var status = stat()
    guard lstat(journalPath, &status) == 0 else { return .none }
    let name = journalPath
    guard status.st_mode & S_IFMT == S_IFREG else {
      return .refused(.ignored("\(name): it is \(FileIO.kind(of: status)), not a regular file"))
    }
    guard status.st_uid == geteuid() else {
      return .refused(
        .ignored(
          "\(name): it belongs to \(FileIO.userName(status.st_uid)), not to you, so no run of "
            + "yours wrote it"))
    }
    guard status.st_mode & 0o022 == 0, status.st_nlink == 1 else {
      return .refused(.ignored("\(name): others could have written it (mode or extra links)"))
    }
    guard let bytes = try? FileIO.read(name, what: "write journal", hint: "", limit: 1 << 20),
      let value = try? JSONParser.parse(bytes), let items = value["files"]?.arrayValue
    else { return .entries([]) }
    var entries: [JournalEntry] = []
    for item in items {
      guard let role = item["role"]?.stringValue,
        let destination = item["destination"]?.stringValue, destination.hasPrefix("/"),
        let expected = expectedDestination(of: role)
      else {
        return .refused(.ignored("\(name): it names a file orgwiz never writes"))
      }
      if let expected, expected != destination {
        return .refused(.ignored("\(name): it puts the \(role) at \(destination)"))
      }
      if expected == nil,
        [model, model + ".bak", UndoRecord.path(for: model)].contains(destination)
      {
        return .refused(.ignored("\(name): it puts the \(role) onto the model or its files"))
      }
      entries.append(
        JournalEntry(
          role: role, destination: destination, original: FileIdentity(item["original"]),
          staged: FileIdentity(item["staged"])))
    }
    return .entries(entries)
  }

  /// Settles a write that a killed run left half-done (the caller holds the model's lock):
  /// finished when the model had already been replaced, else undone. Only files the killed
  /// write made are moved or removed: each is recognised by the inode its journal recorded.
  /// Staging files a killed run left beside the model are removed either way.
  @discardableResult
  func recover() -> Recovery {
    defer { removeStrayFiles(in: (model as NSString).deletingLastPathComponent) }
    let files: [JournalEntry]
    switch trustedJournal() {
    case .none: return .nothing
    case .refused(let refusal): return refusal
    case .entries(let entries): files = entries
    }
    // The model was replaced when the file at its name is the one the write staged for it.
    let modelIndex = files.firstIndex { $0.role == "model" }
    let replaced =
      modelIndex.map { index in
        files[index].staged != nil && Self.identity(model) == files[index].staged
      } ?? false
    var touched: [String] = []
    for (index, file) in files.enumerated() {
      let staged = stagingPath(for: file.destination)
      let current = Self.identity(file.destination)
      if replaced {
        if let modelIndex, index > modelIndex, file.staged != nil,
          Self.identity(staged) == file.staged
        {
          if rename(staged, file.destination) == 0 { touched.append(file.destination) }
          try? FaultPoint.hit("recovered-\(file.role)", environment: environment)
        }
      } else if file.staged != nil, current == file.staged {
        // This write moved its file in: put back the file that was there, kept under the
        // note (recognised by its inode), or remove it when there was none.
        let previous = previousPath(for: file.destination)
        if let original = file.original {
          if Self.identity(previous) == original, rename(previous, file.destination) == 0 {
            touched.append(file.destination)
          }
        } else if unlink(file.destination) == 0 {
          touched.append(file.destination)
        }
      }
    }
    // Only then the notes, the model's last: should this recovery itself be killed, the next
    // one still finds what tells it how far the write got.
    let order = files.indices.filter { $0 != modelIndex } + (modelIndex.map { [$0] } ?? [])
    for index in order {
      let destination = files[index].destination
      unlink(stagingPath(for: destination))
      unlink(previousPath(for: destination))
      unlink(absentPath(for: destination))
    }
    syncDirectories(files.map(\.destination))
    unlink(journalPath)
    FileIO.syncDirectory(of: model)
    if touched.isEmpty { return .nothing }
    return replaced ? .finished(touched) : .putBack(touched)
  }

  /// Removes staging files a killed run left in `directory` before it wrote its journal.
  private func removeStrayFiles(in directory: String) {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
    for name in names where name.hasPrefix(tag + "-staged-") {
      unlink((directory as NSString).appendingPathComponent(name))
    }
  }

  /// Whether two paths name the same file (device and inode).
  static func sameFile(_ one: String, _ other: String) -> Bool {
    var first = stat()
    var second = stat()
    guard stat(one, &first) == 0, stat(other, &second) == 0 else { return false }
    return first.st_dev == second.st_dev && first.st_ino == second.st_ino
  }
}
