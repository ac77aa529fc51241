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
  struct StagedFile {
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
    }

    /// Removes the temporary file.
    func discard() { unlink(temporaryPath) }
  }

  /// Writes bytes to a temporary file in the destination's directory and flushes it to disk.
  /// - Parameter mode: the permission bits; by default those of an existing destination, else
  ///   0644.
  static func stage(
    _ bytes: [UInt8], to destination: String, mode: mode_t? = nil
  )
    throws(OrgWizFailure) -> StagedFile
  {
    let directory = (destination as NSString).deletingLastPathComponent
    let name = (destination as NSString).lastPathComponent
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

  /// Writes a whole file atomically.
  static func writeAtomically(_ bytes: [UInt8], to path: String) throws(OrgWizFailure) {
    let staged = try stage(bytes, to: path)
    try staged.commit()
    syncDirectory(of: path)
  }
}
