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

  /// Writes every file to a temporary name beside its destination (flushed), checks the model
  /// by reading it back, then moves them into place in order and flushes the directories.
  /// Should anything fail, the temporary files are removed and the files already moved are
  /// taken out again; the model itself is only ever replaced by one rename.
  static func replaceAll(
    _ files: [PlannedFile], prestaged: [String: StagedFile] = [:], environment: [String: String]
  ) throws(OrgWizFailure) {
    let owner = files.first { $0.role == "model" }.map {
      ($0.destination as NSString).lastPathComponent
    }
    var staged: [StagedFile] = []
    var committed: [String] = []
    do {
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
        FaultPoint.hit("staged-\(file.role)", environment: environment)
        if file.verify { try verify(stagedFile, expected: file.bytes) }
      }
      for (file, stagedFile) in zip(files, staged) {
        try stagedFile.commit()
        committed.append(stagedFile.destination)
        FaultPoint.hit("committed-\(file.role)", environment: environment)
      }
    } catch {
      for file in staged where !committed.contains(file.destination) { file.discard() }
      // Before the model is replaced, a failure takes the new backup and undo record out
      // again; once it is replaced, they belong to it and stay.
      let modelReplaced = files.contains {
        $0.role == "model" && committed.contains($0.destination)
      }
      if !modelReplaced {
        for path in committed { unlink(path) }
      }
      throw error
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

  /// Removes temporary files an earlier, killed run left beside the model.
  static func removeLeftovers(of model: String) {
    let directory = (model as NSString).deletingLastPathComponent
    let name = (model as NSString).lastPathComponent
    let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
    for entry in names
    where entry.hasPrefix(".\(name).orgwiz-") || entry.hasPrefix("\(name).bak.orgwiz-link-") {
      unlink((directory as NSString).appendingPathComponent(entry))
    }
  }

  /// Writes a whole file atomically.
  static func writeAtomically(_ bytes: [UInt8], to path: String) throws(OrgWizFailure) {
    let staged = try stage(bytes, to: path)
    try staged.commit()
    syncDirectory(of: path)
  }
}
