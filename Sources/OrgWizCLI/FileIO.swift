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

  /// What the file system says about a file: which file it is, its size and when its contents
  /// or attributes last changed. Any write to the file changes its change time, which no
  /// program can set back.
  struct Stamp: Equatable {
    var device: UInt64
    var inode: UInt64
    var size: Int64
    var modified: timespec
    var changed: timespec

    init?(_ path: String) {
      var status = stat()
      guard stat(path, &status) == 0 else { return nil }
      device = UInt64(status.st_dev)
      inode = UInt64(status.st_ino)
      size = Int64(status.st_size)
      modified = status.st_mtim
      changed = status.st_ctim
    }

    /// Whether the file system keeps times finer than a second, so that a change within the
    /// same second still shows.
    var isFine: Bool { modified.tv_nsec != 0 || changed.tv_nsec != 0 }

    static func == (lhs: Stamp, rhs: Stamp) -> Bool {
      lhs.device == rhs.device && lhs.inode == rhs.inode && lhs.size == rhs.size
        && lhs.modified.tv_sec == rhs.modified.tv_sec
        && lhs.modified.tv_nsec == rhs.modified.tv_nsec
        && lhs.changed.tv_sec == rhs.changed.tv_sec && lhs.changed.tv_nsec == rhs.changed.tv_nsec
    }
  }

  /// Reads a file and its stamp; the stamp is nil when the file changed while it was read.
  static func readStamped(
    _ path: String, what: String, hint: String
  ) throws(OrgWizFailure) -> (bytes: [UInt8], stamp: Stamp?) {
    let before = Stamp(path)
    let bytes = try read(path, what: what, hint: hint)
    let after = Stamp(path)
    return (bytes, before != nil && before == after ? after : nil)
  }

  /// Refuses, before any question, a model that the user marked read-only; notes one with
  /// other hard links, which keep the old version once orgwiz replaces the model.
  static func ensureReplaceable(
    _ path: String, notice: (String) -> Void
  ) throws(OrgWizFailure) {
    var status = stat()
    guard stat(path, &status) == 0 else { return }
    let mode = status.st_mode & 0o7777
    // Root may write anything; a file without any write bit still says "leave me alone".
    let writable = access(path, W_OK) == 0
    let reason = writable ? "" : String(cString: strerror(errno))
    if !writable || mode & 0o222 == 0 {
      throw OrgWizFailure(
        .cannotCreate,
        "Cannot replace \(path): "
          + (mode & 0o222 == 0 ? "it is read-only (mode \(String(mode, radix: 8)))" : reason) + ".",
        next: "Make it writable (chmod u+w) if you mean to change it, or use --dry-run to see "
          + "the changes.")
    }
    if status.st_nlink > 1 {
      notice(
        "\(path) has \(status.st_nlink) hard links. orgwiz replaces the file, so its other names "
          + "keep the old version, and runs through them are not locked against this one.")
    }
  }

  /// Writes all of `bytes` to a new file, flushes it to disk and closes it.
  /// - Returns: why that failed, or nil.
  static func finish(_ descriptor: Int32, writing bytes: [UInt8]) -> String? {
    var failure: String?
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
    return failure
  }

  /// Flushes a directory so renames in it survive a crash.
  static func syncDirectory(of path: String) {
    let directory = (path as NSString).deletingLastPathComponent
    let descriptor = open(directory.isEmpty ? "." : directory, O_RDONLY)
    guard descriptor >= 0 else { return }
    fsync(descriptor)
    close(descriptor)
  }

  /// Writes a whole file atomically: to a staging name beside it, flushed, then renamed.
  /// - Parameter stagingName: the staging name for a path; by default a hidden name of the
  ///   file's own.
  static func writeAtomically(
    _ bytes: [UInt8], to path: String, stagingName: ((String) -> String)? = nil
  ) throws(OrgWizFailure) {
    let directory = (path as NSString).deletingLastPathComponent
    let staged =
      stagingName?(path)
      ?? (directory.isEmpty ? "." : directory) + "/.\((path as NSString).lastPathComponent)"
      + ".orgwiz-staged-\(getpid())"
    unlink(staged)
    let descriptor = open(staged, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
    var failure: String? = descriptor < 0 ? String(cString: strerror(errno)) : nil
    var status = stat()
    if descriptor >= 0 {
      if stat(path, &status) == 0 { fchmod(descriptor, status.st_mode & 0o7777) }
      failure = finish(descriptor, writing: bytes)
    }
    if failure == nil && rename(staged, path) != 0 { failure = String(cString: strerror(errno)) }
    if let failure {
      unlink(staged)
      throw OrgWizFailure(
        .cannotCreate, "Cannot write \(path): \(failure).",
        next: "Check that \(directory.isEmpty ? "." : directory) exists and is writable.")
    }
    syncDirectory(of: path)
  }
}
