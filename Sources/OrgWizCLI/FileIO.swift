import Foundation
import OrgWizCore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// `read(2)`, named apart from `FileIO.read`.
private func posixRead(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int
{
  #if canImport(Glibc)
    Glibc.read(descriptor, buffer, count)
  #else
    Darwin.read(descriptor, buffer, count)
  #endif
}

/// Reading and writing files, with the errors the command-line contract names.
enum FileIO {
  /// Reads a whole file.
  /// - Parameter what: what the file is, for messages ("model", "answers file").
  static func read(_ path: String, what: String, hint: String) throws(OrgWizFailure) -> [UInt8] {
    guard FileManager.default.fileExists(atPath: path) else {
      throw OrgWizFailure(.noInput, "The \(what) \(path) does not exist.", next: hint)
    }
    // Read straight into one array: a large model is not copied through Data.
    let descriptor = open(path, O_RDONLY)
    var status = stat()
    guard descriptor >= 0, fstat(descriptor, &status) == 0 else {
      let reason = String(cString: strerror(errno))
      if descriptor >= 0 { close(descriptor) }
      throw OrgWizFailure(
        .noInput, "The \(what) \(path) cannot be read: \(reason).",
        next: "Check its permissions, or name another file.")
    }
    defer { close(descriptor) }
    var bytes = [UInt8](repeating: 0, count: Int(status.st_size))
    var offset = 0
    while true {
      if offset == bytes.count { bytes.append(contentsOf: [UInt8](repeating: 0, count: 65536)) }
      let count = bytes.withUnsafeMutableBytes { buffer in
        posixRead(descriptor, buffer.baseAddress.map { $0 + offset }, buffer.count - offset)
      }
      if count < 0 {
        if errno == EINTR { continue }
        throw OrgWizFailure(
          .noInput, "The \(what) \(path) cannot be read: \(String(cString: strerror(errno))).",
          next: "Check the file, or name another one.")
      }
      if count == 0 { break }
      offset += count
    }
    bytes.removeSubrange(offset...)
    return bytes
  }

  /// Puts a backup of `original` (an existing file) at `destination` through a temporary
  /// name: a hard link when the file system allows it (the model is then replaced by rename,
  /// so the backup keeps the old contents at no cost), otherwise a copy of `bytes`.
  static func stageBackup(
    of original: String, bytes: [UInt8], to destination: String
  )
    throws(OrgWizFailure) -> StagedFile
  {
    let temporary = destination + ".orgwiz-link-\(getpid())"
    unlink(temporary)
    if link(original, temporary) == 0 {
      return StagedFile(temporaryPath: temporary, destination: destination)
    }
    return try stage(bytes, to: destination, mode: nil)
  }

  /// A file written to a temporary name beside its destination, flushed, not yet in place.
  struct StagedFile: Sendable {
    let temporaryPath: String
    let destination: String

    /// Moves the file into place atomically.
    func commit() throws(OrgWizFailure) {
      if rename(temporaryPath, destination) != 0 {
        let reason = String(cString: strerror(errno))
        unlink(temporaryPath)
        throw OrgWizFailure(
          .cannotCreate, "Cannot write \(destination): \(reason).",
          next: "Check that its directory is writable; nothing else was changed.")
      }
      // Renaming a hard link onto another link of the same file does nothing and succeeds;
      // the temporary name is then still there.
      unlink(temporaryPath)
    }

    /// Removes the temporary file.
    func discard() { unlink(temporaryPath) }
  }

  /// Writes bytes to a temporary file in the destination's directory and flushes it to disk.
  /// - Parameter mode: the permission bits; by default those of an existing destination, else
  ///   0644.
  /// - Parameter owner: the name temporary files start with (the model's, so that a later run
  ///   on that model can find what a killed run left behind); by default the destination's.
  static func stage(
    _ bytes: [UInt8], to destination: String, mode: mode_t? = nil, owner: String? = nil
  ) throws(OrgWizFailure) -> StagedFile {
    let directory = (destination as NSString).deletingLastPathComponent
    let name = owner ?? (destination as NSString).lastPathComponent
    let template = (directory.isEmpty ? "." : directory) + "/.\(name).orgwiz-XXXXXX"
    var templateBytes = Array(template.utf8CString)
    let descriptor = templateBytes.withUnsafeMutableBufferPointer { buffer in
      buffer.baseAddress.map { mkstemp($0) } ?? -1
    }
    guard descriptor >= 0 else {
      throw OrgWizFailure(
        .cannotCreate,
        "Cannot write \(destination): \(String(cString: strerror(errno))).",
        next: "Check that \(directory.isEmpty ? "." : directory) exists and is writable.")
    }
    let temporaryPath = String(
      decoding: templateBytes.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
    var status = stat()
    let permissions: mode_t =
      mode ?? (stat(destination, &status) == 0 ? status.st_mode & 0o7777 : 0o644)
    var failure: String?
    if fchmod(descriptor, permissions) != 0 { failure = String(cString: strerror(errno)) }
    var offset = 0
    while failure == nil && offset < bytes.count {
      let written = bytes.withUnsafeBytes { buffer in
        write(descriptor, buffer.baseAddress.map { $0 + offset }, buffer.count - offset)
      }
      if written < 0 {
        if errno == EINTR { continue }
        failure = String(cString: strerror(errno))
      } else {
        offset += written
      }
    }
    if failure == nil && fsync(descriptor) != 0 { failure = String(cString: strerror(errno)) }
    if close(descriptor) != 0 && failure == nil { failure = String(cString: strerror(errno)) }
    if let failure {
      unlink(temporaryPath)
      throw OrgWizFailure(
        .cannotCreate, "Cannot write \(destination): \(failure).",
        next: "Free some space or fix the permissions; nothing was changed.")
    }
    return StagedFile(temporaryPath: temporaryPath, destination: destination)
  }

  /// Flushes a directory so renames in it survive a crash.
  static func syncDirectory(of path: String) {
    let directory = (path as NSString).deletingLastPathComponent
    let descriptor = open(directory.isEmpty ? "." : directory, O_RDONLY)
    guard descriptor >= 0 else { return }
    fsync(descriptor)
    close(descriptor)
  }

  /// A file a run writes, and how.
  struct PlannedFile {
    /// A name for messages and fault points: backup, undo, model, summary.
    var role: String
    var bytes: [UInt8]
    var destination: String
    /// The permission bits; nil keeps those of an existing destination.
    var mode: mode_t? = nil
    /// For a backup: the file to hard-link instead of writing `bytes`.
    var linkFrom: String? = nil
    /// Read the staged file back, compare it and parse it before it is moved into place.
    var verify = false
  }

  /// A file moved into place, and the earlier file at its destination, kept under another
  /// name until the whole write has succeeded.
  private struct Committed {
    var destination: String
    /// What the destination was before: a hard link to its earlier file, or, when there was
    /// none, an empty marker saying so; nil when the file system allows neither.
    var previous: String?
    var hadPrevious: Bool
  }

  /// The names of what ``keepPrevious(of:owner:)`` leaves beside a destination.
  private static let previousTag = "orgwiz-previous-"
  private static let absentTag = "orgwiz-absent-"

  /// Notes what is at `destination` before a new file is moved there, so that it can be put
  /// back should the write fail later, or a later run find the write was killed half-way: the
  /// earlier file is kept under a temporary name beside it (a hard link, so nothing is
  /// copied); when there is none, an empty marker says so.
  private static func keepPrevious(
    of destination: String, owner: String
  ) -> (path: String?, existed: Bool) {
    var status = stat()
    let existed = lstat(destination, &status) == 0
    let directory = (destination as NSString).deletingLastPathComponent
    let keep =
      (directory.isEmpty ? "." : directory) + "/.\(owner)."
      + (existed ? previousTag : absentTag)
      + "\(getpid())-\((destination as NSString).lastPathComponent)"
    unlink(keep)
    if existed { return (link(destination, keep) == 0 ? keep : nil, true) }
    let marker = open(keep, O_WRONLY | O_CREAT | O_EXCL, 0o600)
    guard marker >= 0 else { return (nil, false) }
    close(marker)
    return (keep, false)
  }

  /// Writes every file to a temporary name beside its destination (flushed), checks the model
  /// by reading it back, then moves them into place in order and flushes the directories.
  /// Should anything fail, the temporary files are removed and every file already moved is
  /// put back as it was (or removed, when there was none), so a failed write leaves the model,
  /// its backup and the summary untouched; the model itself is only ever replaced by one rename.
  static func replaceAll(
    _ files: [PlannedFile], prestaged: [String: StagedFile] = [:], environment: [String: String]
  ) throws(OrgWizFailure) {
    let owner = files.first { $0.role == "model" }.map {
      ($0.destination as NSString).lastPathComponent
    }
    var staged: [StagedFile] = []
    var committed: [Committed] = []
    do throws(OrgWizFailure) {
      for file in files {
        if let ready = prestaged[file.role] {
          staged.append(ready)
          continue
        }
        let stagedFile =
          if let original = file.linkFrom {
            try stageBackup(of: original, bytes: file.bytes, to: file.destination)
          } else {
            try stage(file.bytes, to: file.destination, mode: file.mode, owner: owner)
          }
        staged.append(stagedFile)
        try FaultPoint.hit("staged-\(file.role)", environment: environment)
        if file.verify { try verify(stagedFile, expected: file.bytes) }
      }
      for (file, stagedFile) in zip(files, staged) {
        let previous = keepPrevious(
          of: stagedFile.destination,
          owner: owner ?? (stagedFile.destination as NSString).lastPathComponent)
        do throws(OrgWizFailure) {
          try stagedFile.commit()
        } catch {
          if let path = previous.path { unlink(path) }
          throw error
        }
        committed.append(
          Committed(
            destination: stagedFile.destination, previous: previous.path,
            hadPrevious: previous.existed))
        try FaultPoint.hit("committed-\(file.role)", environment: environment)
      }
    } catch {
      let done = Set(committed.map(\.destination))
      for file in staged where !done.contains(file.destination) { file.discard() }
      for entry in committed.reversed() {
        if entry.hadPrevious {
          if let previous = entry.previous { rename(previous, entry.destination) }
        } else {
          unlink(entry.destination)
          if let marker = entry.previous { unlink(marker) }
        }
      }
      for entry in committed { syncDirectory(of: entry.destination) }
      throw error
    }
    // The model's earlier file goes last: while it is there, a later run can tell that the
    // model was replaced (see removeLeftovers).
    let modelDestination = files.first { $0.role == "model" }?.destination
    for entry in committed where entry.destination != modelDestination {
      if let previous = entry.previous { unlink(previous) }
    }
    for entry in committed where entry.destination == modelDestination {
      if let previous = entry.previous { unlink(previous) }
    }
    var directories: [String] = []
    for file in staged {
      let directory = (file.destination as NSString).deletingLastPathComponent
      if !directories.contains(directory) {
        directories.append(directory)
        syncDirectory(of: file.destination)
      }
    }
  }

  /// Reads a staged model back: the bytes must be the ones meant, and they must parse as a
  /// model again.
  static func verify(_ file: StagedFile, expected: [UInt8]) throws(OrgWizFailure) {
    let written = try read(file.temporaryPath, what: "written model", hint: "")
    guard written == expected else {
      throw OrgWizFailure(
        .cannotCreate, "\(file.destination) could not be written faithfully (read back differs).",
        next: "Check the disk; the original file is untouched.")
    }
    do {
      _ = try OrgModel.load(written, source: file.destination)
    } catch {
      throw OrgWizFailure(
        .cannotCreate, "The model orgwiz was about to write does not read back: \(error.message)",
        next: "Nothing was changed. Please report this with the model attached.")
    }
  }

  /// Cleans up after an earlier run on this model that was killed while writing: files it had
  /// set aside are put back, unless it had already replaced the model (then its write stands),
  /// and its temporary files are removed.
  /// - Returns: the files put back.
  @discardableResult
  static func removeLeftovers(of model: String) -> [String] {
    let directory = (model as NSString).deletingLastPathComponent
    let name = (model as NSString).lastPathComponent
    let modelPath = (directory as NSString).appendingPathComponent(name)
    let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
    // What a killed run noted before moving each file into place (see keepPrevious).
    var noted: [(note: String, destination: String, existed: Bool)] = []
    for entry in names {
      for (tag, existed) in [(previousTag, true), (absentTag, false)]
      where entry.hasPrefix(".\(name).\(tag)") {
        let rest = entry.dropFirst(name.count + 2 + tag.count)
        guard let dash = rest.firstIndex(of: "-") else { continue }
        noted.append(
          (
            (directory as NSString).appendingPathComponent(entry),
            (directory as NSString).appendingPathComponent(
              String(rest[rest.index(after: dash)...])),
            existed
          ))
      }
    }
    // The model's note is made just before the model is replaced and taken away last once
    // everything is in place. While it is there, the model was replaced if it is no longer
    // the file kept (or, for a model that did not exist, if it exists now); then the killed
    // run's write stands, otherwise every file it moved is put back.
    let replaced = noted.first { $0.destination == modelPath }.map { note in
      note.existed
        ? !sameFile(note.note, modelPath) : FileManager.default.fileExists(atPath: modelPath)
    }
    var restored: [String] = []
    for entry in noted {
      if replaced == true || entry.destination == modelPath {
        unlink(entry.note)
      } else if entry.existed {
        if rename(entry.note, entry.destination) == 0 { restored.append(entry.destination) }
      } else {
        if unlink(entry.destination) == 0 { restored.append(entry.destination) }
        unlink(entry.note)
      }
    }
    if !restored.isEmpty { syncDirectory(of: modelPath) }
    for entry in names
    where
      (entry.hasPrefix(".\(name).orgwiz-")
      && !noted.contains { ($0.note as NSString).lastPathComponent == entry })
      || entry.hasPrefix("\(name).bak.orgwiz-link-")
    {
      unlink((directory as NSString).appendingPathComponent(entry))
    }
    return restored
  }

  /// Whether two paths name the same file (device and inode).
  private static func sameFile(_ one: String, _ other: String) -> Bool {
    var first = stat()
    var second = stat()
    guard stat(one, &first) == 0, stat(other, &second) == 0 else { return false }
    return first.st_dev == second.st_dev && first.st_ino == second.st_ino
  }

  /// Writes a whole file atomically.
  static func writeAtomically(_ bytes: [UInt8], to path: String) throws(OrgWizFailure) {
    let staged = try stage(bytes, to: path)
    try staged.commit()
    syncDirectory(of: path)
  }
}
