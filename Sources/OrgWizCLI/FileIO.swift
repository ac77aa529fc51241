import Foundation
import OrgWizCore
import OrgWizOkta
import Synchronization
import SystemPackage

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

private func posixUmask(_ mask: mode_t) -> mode_t {
  #if canImport(Glibc)
    Glibc.umask(mask)
  #else
    Darwin.umask(mask)
  #endif
}

/// Reading and writing files, with the errors the command-line contract names.
enum FileIO {
  /// The largest model orgwiz reads (1 GiB); anything bigger is refused before it is read.
  static let modelSizeLimit = 1 << 30
  /// The largest answers file or procedure document orgwiz reads (16 MiB).
  static let documentSizeLimit = 16 << 20

  /// The process's file mode creation mask, read once at start-up (reading it means setting
  /// it, so it is never read again while other threads might create files).
  static let umask: mode_t = {
    let mask = posixUmask(0o022)
    _ = posixUmask(mask)
    return mask
  }()

  /// The permission bits of a new file whose intended mode is `mode`, under the umask.
  static func newFileMode(_ mode: mode_t) -> mode_t { mode & ~umask & 0o7777 }

  /// `open(2)` through swift-system (retried when a signal interrupts it): the descriptor, or
  /// why it could not be opened (an ``Errno``, whose description is `strerror`'s words).
  static func open(
    _ path: String, _ mode: FileDescriptor.AccessMode, _ options: FileDescriptor.OpenOptions,
    permissions: FilePermissions? = nil
  ) -> Result<Int32, Errno> {
    do {
      return .success(
        try FileDescriptor.open(FilePath(path), mode, options: options, permissions: permissions)
          .rawValue)
    } catch let error as Errno {
      return .failure(error)
    } catch {
      return .failure(Errno(rawValue: errno))
    }
  }

  /// Opens a regular file (or the regular file a link leads to) of at most `limit` bytes for
  /// reading, with the checks ``read(_:what:hint:limit:)`` describes (``BoundedFile``); the
  /// caller closes it.
  private static func openForReading(
    _ path: String, what: String, hint: String, limit: Int
  ) throws(OrgWizFailure) -> (descriptor: Int32, status: stat) {
    var linkStatus = stat()
    guard lstat(path, &linkStatus) == 0 else {
      throw OrgWizFailure(.noInput, "The \(what) \(path) does not exist.", next: hint)
    }
    switch BoundedFile.open(path, limit: limit) {
    case .success(let (file, status)):
      return (file.rawValue, status)
    case .failure(.notRegular(let status)):
      throw OrgWizFailure(
        .noInput,
        "The \(what) \(path) is \(kind(of: status)), not a regular file; orgwiz reads only "
          + "regular files (a symbolic link to one is fine).",
        next: "Name a regular file, or copy the content into one first.")
    case .failure(.tooLarge(let size)):
      throw tooLarge(path, what: what, size: size, limit: limit)
    case .failure(let refusal):
      var status = stat()
      if linkStatus.st_mode & S_IFMT == S_IFLNK, stat(path, &status) != 0 {
        throw OrgWizFailure(
          .noInput, "The \(what) \(path) is a symbolic link to a file that does not exist.",
          next: hint.isEmpty ? "Fix the link, or name another file." : hint)
      }
      throw OrgWizFailure(
        .noInput, "The \(what) \(path) cannot be read: \(reason(refusal)).",
        next: "Check its permissions, or name another file.")
    }
  }

  private static func tooLarge(
    _ path: String, what: String, size: Int, limit: Int
  ) -> OrgWizFailure {
    OrgWizFailure(
      .dataError,
      "The \(what) \(path) is \(size) bytes, more than the \(limit >> 20) MiB orgwiz reads.",
      next: "Check that this is the right file.")
  }

  private static func reason(_ refusal: BoundedFile.Refusal) -> String {
    switch refusal {
    case .cannotOpen(let error), .readFailed(let error): "\(error)"
    case .notRegular(let status): "it is \(kind(of: status))"
    case .tooLarge(let size): "it is \(size) bytes"
    case .grew: "it grew while it was read"
    }
  }

  /// Reads a whole regular file (or the regular file a link leads to), of at most `limit`
  /// bytes. A FIFO, a device, a socket or a directory is refused without being opened for
  /// reading in a way that could wait, and nothing past the limit is read.
  /// - Parameter what: what the file is, for messages ("model", "answers file").
  static func read(
    _ path: String, what: String, hint: String, limit: Int = modelSizeLimit
  ) throws(OrgWizFailure) -> [UInt8] {
    let (descriptor, status) = try openForReading(path, what: what, hint: hint, limit: limit)
    defer { close(descriptor) }
    switch BoundedFile.read(
      FileDescriptor(rawValue: descriptor), size: Int(status.st_size), limit: limit)
    {
    case .success(let bytes):
      return bytes
    case .failure(.grew):
      throw OrgWizFailure(
        .dataError,
        "The \(what) \(path) grew past the \(limit >> 20) MiB orgwiz reads while it was read.",
        next: "Check that this is the right file.")
    case .failure(let refusal):
      throw OrgWizFailure(
        .noInput, "The \(what) \(path) cannot be read: \(reason(refusal)).",
        next: "Check the file, or name another one.")
    }
  }

  /// A file read into memory that can be given back to the system a page at a time, once a
  /// parse is past it: a large model is then never held as text and as a tree at once.
  ///
  /// Its SHA-256, when asked for, is computed on another core while the parse runs, and no
  /// page is given back before it is hashed; the memory stays mapped until both are done.
  final class ReleasableBytes: Sendable {
    // Written only before the hashing starts; afterwards the parse and the hash only read the
    // bytes, and a page is given back only once both are past it.
    private nonisolated(unsafe) let base: UnsafeMutableRawPointer
    private let mapped: Int
    /// How many bytes were read.
    let count: Int
    /// How many bytes, from the start, the hash has read.
    private let hashed: Atomic<Int>
    /// How many bytes, from the start, were given back.
    private let released = Atomic<Int>(0)

    fileprivate init(base: UnsafeMutableRawPointer, mapped: Int, count: Int, hashing: Bool) {
      self.base = base
      self.mapped = mapped
      self.count = count
      hashed = Atomic(hashing ? 0 : count)
    }

    deinit { munmap(base, mapped) }

    /// The bytes; those before an offset given to ``release(before:)`` read as zeros.
    var buffer: UnsafeBufferPointer<UInt8> {
      UnsafeBufferPointer(start: base.assumingMemoryBound(to: UInt8.self), count: count)
    }

    /// Gives back the whole pages before `offset` that are hashed.
    func release(before offset: Int) {
      let page = Int(sysconf(Int32(_SC_PAGESIZE)))
      let end = min(offset, count, hashed.load(ordering: .acquiring)) / page * page
      let start = released.load(ordering: .relaxed)
      guard end > start else { return }
      _ = madvise(base + start, end - start, Int32(MADV_DONTNEED))
      released.store(end, ordering: .relaxed)
    }

    /// Starts hashing the bytes on another core: their SHA-256, once it is asked for.
    fileprivate func hash() -> Background<String> {
      Background { [self] in
        var hasher = StreamingSHA256()
        var offset = 0
        while offset < count {
          let piece = min(1 << 20, count - offset)
          hasher.update(UnsafeRawBufferPointer(start: base + offset, count: piece))
          offset += piece
          hashed.store(offset, ordering: .releasing)
        }
        return hasher.hex()
      }
    }
  }

  /// Reads a regular file as ``read(_:what:hint:limit:)`` does (the same checks and refusals),
  /// into memory that can be given back while it is parsed. When `hashing` (a read to edit or
  /// replace needs the fingerprint; a read-only command does not, and SHA-256 of a large model
  /// is a noticeable part of its time), the bytes are hashed on another core, beside the
  /// parse. Nil when the file is empty or not the size it said (it is growing): read it the
  /// ordinary way then.
  static func readReleasable(
    _ path: String, what: String, hint: String, limit: Int = modelSizeLimit, hashing: Bool
  ) throws(OrgWizFailure) -> (bytes: ReleasableBytes, digest: Background<String>?)? {
    let (descriptor, status) = try openForReading(path, what: what, hint: hint, limit: limit)
    defer { close(descriptor) }
    let size = Int(status.st_size)
    guard size > 0 else { return nil }
    guard
      let base = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
      base != MAP_FAILED
    else { return nil }
    let file = FileDescriptor(rawValue: descriptor)
    var offset = 0
    while offset < size {
      let count: Int
      do {
        count = try file.read(
          into: UnsafeMutableRawBufferPointer(
            start: base + offset, count: min(1 << 20, size - offset)))
      } catch {
        munmap(base, size)
        throw OrgWizFailure(
          .noInput, "The \(what) \(path) cannot be read: \(error).",
          next: "Check the file, or name another one.")
      }
      if count == 0 { break }
      offset += count
    }
    // A file that is not the size it said is read the ordinary way.
    var probe: UInt8 = 0
    let more = try? withUnsafeMutableBytes(of: &probe) { try file.read(into: $0) }
    guard offset == size, more == 0 else {
      munmap(base, size)
      return nil
    }
    let bytes = ReleasableBytes(base: base, mapped: size, count: size, hashing: hashing)
    return (bytes, hashing ? bytes.hash() : nil)
  }

  /// Refuses a path that exists but is not a regular file (or a link to one): a FIFO, a
  /// device, a directory.
  static func ensureRegularIfPresent(_ path: String, what: String) throws(OrgWizFailure) {
    var status = stat()
    guard stat(path, &status) == 0, status.st_mode & S_IFMT != S_IFREG else { return }
    throw OrgWizFailure(
      .noInput,
      "The \(what) \(path) is \(kind(of: status)), not a regular file; orgwiz reads and writes "
        + "only regular files (a symbolic link to one is fine).",
      next: "Name a regular file with --org.")
  }

  /// Gives `target` the permission bits `source` has now, when they differ.
  static func copyMode(from source: String, to target: String) {
    var from = stat()
    var to = stat()
    guard stat(source, &from) == 0, stat(target, &to) == 0,
      from.st_mode & 0o7777 != to.st_mode & 0o7777
    else { return }
    chmod(target, from.st_mode & 0o7777)
  }

  /// Reads a small bookkeeping file orgwiz keeps beside the model (a resume journal, an undo
  /// record), or nil: when there is none, or when this user's own runs cannot have written it
  /// (not a regular file, another user's, writable by others), which is then ignored.
  static func readBookkeeping(_ path: String) -> [UInt8]? {
    var status = stat()
    guard lstat(path, &status) == 0, status.st_mode & S_IFMT == S_IFREG,
      status.st_uid == geteuid(), status.st_mode & 0o022 == 0
    else { return nil }
    return try? read(path, what: "bookkeeping file", hint: "", limit: documentSizeLimit)
  }

  /// Refuses a file another user could have put beside the model: one that belongs neither
  /// to this user nor to the model's owner.
  static func ensureTrusted(_ path: String, what: String, model: String) throws(OrgWizFailure) {
    var status = stat()
    var modelStatus = stat()
    guard stat(path, &status) == 0 else { return }
    let modelOwner = stat(model, &modelStatus) == 0 ? modelStatus.st_uid : geteuid()
    guard status.st_uid != geteuid(), status.st_uid != modelOwner else { return }
    throw OrgWizFailure(
      .failure,
      "The \(what) \(path) belongs to \(userName(status.st_uid)), neither to you nor to the "
        + "model's owner, so it was not written by a run on this model; orgwiz does not use it.",
      next: "Check where it came from; remove it if it is not yours.")
  }

  /// Why a file (followed through links) is not the user's own private-to-write file ("belongs
  /// to nobody (uid 65534)", "may be written by other users"), or nil when it is.
  static func notOwnOrShared(_ path: String) -> String? {
    var status = stat()
    guard stat(path, &status) == 0 else { return nil }
    if status.st_uid != geteuid() { return "belongs to \(userName(status.st_uid))" }
    if status.st_mode & 0o022 != 0 { return "may be written by other users" }
    return nil
  }

  /// What kind of file a status describes, for messages ("a FIFO", "a character device").
  static func kind(of status: stat) -> String {
    switch status.st_mode & S_IFMT {
    case S_IFREG: "a regular file"
    case S_IFDIR: "a directory"
    case S_IFLNK: "a symbolic link"
    case S_IFIFO: "a FIFO (named pipe)"
    case S_IFCHR: "a character device"
    case S_IFBLK: "a block device"
    case S_IFSOCK: "a socket"
    default: "a special file"
    }
  }

  /// A user's name for messages, with the uid ("nobody (uid 65534)").
  static func userName(_ uid: uid_t) -> String {
    guard let entry = getpwuid(uid) else { return "uid \(uid)" }
    return "\(String(cString: entry.pointee.pw_name)) (uid \(uid))"
  }

  /// Why a file orgwiz wrote for this user (a journal) is not to be trusted, or nil: it must be
  /// a regular file of this user's, with one link, that others cannot write (nor read, unless
  /// `othersMayRead`).
  static func untrustedOwnFile(_ status: stat, othersMayRead: Bool) -> String? {
    status.st_mode & S_IFMT != S_IFREG
      ? "it is \(kind(of: status)), not a regular file"
      : status.st_uid != geteuid()
        ? "it belongs to \(userName(status.st_uid)), not to you"
        : status.st_mode & (othersMayRead ? 0o022 : 0o077) != 0 || status.st_nlink != 1
          ? "others could have \(othersMayRead ? "written" : "read or written") it (mode or "
            + "extra links)" : nil
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

    /// The stamp `after` a read, when the file held still through it (`before` is the same);
    /// else nil.
    static func held(before: Stamp?, after: Stamp?) -> Stamp? {
      before != nil && before == after ? after : nil
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
    return (bytes, Stamp.held(before: before, after: after))
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

  /// Reads a file back piece by piece and compares it with `expected`, without holding a
  /// second copy of a large file. Returns where it differs in words, or nil when the file holds
  /// exactly `expected`.
  static func compare(
    _ path: String, with expected: [UInt8], what: String
  ) throws(OrgWizFailure) -> String? {
    let descriptor: Int32
    switch open(path, .readOnly, [.noFollow, .closeOnExec]) {
    case .success(let opened): descriptor = opened
    case .failure(let error):
      throw OrgWizFailure(
        .cannotCreate, "The \(what) \(path) cannot be read back: \(error).",
        next: "Check the disk; the original file is untouched.")
    }
    defer { close(descriptor) }
    let chunk = 1 << 20
    var buffer = [UInt8](repeating: 0, count: chunk)
    var offset = 0
    while true {
      let count: Int
      do {
        count = try buffer.withUnsafeMutableBytes {
          try FileDescriptor(rawValue: descriptor).read(into: $0)
        }
      } catch {
        throw OrgWizFailure(
          .cannotCreate, "The \(what) \(path) cannot be read back: \(error).",
          next: "Check the disk; the original file is untouched.")
      }
      if count == 0 { break }
      guard offset + count <= expected.count else { return "it is longer than meant" }
      let same = buffer.withUnsafeBytes { read in
        expected.withUnsafeBytes { meant in
          guard let read = read.baseAddress, let meant = meant.baseAddress else { return false }
          return memcmp(read, meant + offset, count) == 0
        }
      }
      guard same else { return "byte \(offset) onwards" }
      offset += count
    }
    return offset == expected.count ? nil : "it is \(offset) bytes, not \(expected.count)"
  }

  /// Writes all of `bytes` to a new file, flushes it to disk and closes it.
  /// - Returns: why that failed, or nil.
  static func finish(_ descriptor: Int32, writing bytes: [UInt8]) -> String? {
    finish(descriptor, after: bytes.withUnsafeBytes { writeAll(descriptor, $0) })
  }

  /// Writes all of `bytes` at the descriptor's position; the reason when it cannot.
  static func writeAll(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) -> String? {
    do {
      _ = try FileDescriptor(rawValue: descriptor).writeAll(bytes)
      return nil
    } catch { return "\(error)" }
  }

  /// Flushes and closes a descriptor written with ``writeAll(_:_:)``; the reason when it cannot.
  static func finish(_ descriptor: Int32, after failure: String?) -> String? {
    var failure = failure
    if failure == nil && fsync(descriptor) != 0 { failure = String(cString: strerror(errno)) }
    if close(descriptor) != 0 && failure == nil { failure = String(cString: strerror(errno)) }
    return failure
  }

  /// Reads the regular file at `path` piece by piece, handing each piece to `body` (a large
  /// model is hashed or copied without being held). Returns false when there is no file.
  static func readPieces(
    _ path: String, what: String, _ body: (UnsafeRawBufferPointer) throws(OrgWizFailure) -> Void
  ) throws(OrgWizFailure) -> Bool {
    let opened = open(path, .readOnly, [.nonBlocking, .noControllingTerminal, .closeOnExec])
    if opened.failure == .noSuchFileOrDirectory { return false }
    let descriptor = (try? opened.get()) ?? -1
    var status = stat()
    guard descriptor >= 0, fstat(descriptor, &status) == 0,
      status.st_mode & S_IFMT == S_IFREG
    else {
      let reason = opened.failure.map { "\($0)" } ?? "not a regular file"
      if descriptor >= 0 { close(descriptor) }
      throw OrgWizFailure(
        .noInput, "The \(what) \(path) cannot be read: \(reason).",
        next: "Check the file and run orgwiz again.")
    }
    defer { close(descriptor) }
    _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) & ~O_NONBLOCK)
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
    defer { buffer.deallocate() }
    while true {
      let count: Int
      do { count = try FileDescriptor(rawValue: descriptor).read(into: buffer) } catch {
        throw OrgWizFailure(
          .noInput, "The \(what) \(path) cannot be read: \(error).",
          next: "Check the file and run orgwiz again.")
      }
      if count == 0 { return true }
      try body(UnsafeRawBufferPointer(rebasing: buffer[..<count]))
    }
  }

  /// The SHA-256 of the file at `path`, read in pieces; nil when there is no file.
  static func sha256(of path: String, what: String) throws(OrgWizFailure) -> String? {
    var hasher = StreamingSHA256()
    guard try readPieces(path, what: what, { hasher.update($0) }) else { return nil }
    return hasher.hex()
  }

  /// Flushes a directory so renames in it survive a crash.
  static func syncDirectory(of path: String) {
    let directory = (path as NSString).deletingLastPathComponent
    guard case .success(let descriptor) = open(directory.isEmpty ? "." : directory, .readOnly, [])
    else { return }
    fsync(descriptor)
    close(descriptor)
  }

  /// Writes a whole file atomically: to a staging name beside it, flushed, then renamed.
  /// - Parameter stagingName: the staging name for a path; by default a hidden name of the
  ///   file's own.
  /// - Parameter mode: the permission bits (under the umask); by default those of the file it
  ///   replaces, else 0644 under the umask.
  static func writeAtomically(
    _ bytes: [UInt8], to path: String, stagingName: ((String) -> String)? = nil,
    mode: mode_t? = nil
  ) throws(OrgWizFailure) {
    let directory = (path as NSString).deletingLastPathComponent
    let staged =
      stagingName?(path)
      ?? (directory.isEmpty ? "." : directory) + "/.\((path as NSString).lastPathComponent)"
      + ".orgwiz-staged-\(getpid())"
    unlink(staged)
    let opened = open(
      staged, .writeOnly, [.create, .exclusiveCreate, .closeOnExec],
      permissions: [.ownerReadWrite, .groupRead, .otherRead])
    let descriptor = (try? opened.get()) ?? -1
    var failure: String? = opened.failure.map { "\($0)" }
    var status = stat()
    if descriptor >= 0 {
      if let mode {
        fchmod(descriptor, newFileMode(mode) | 0o600)
      } else if stat(path, &status) == 0 {
        fchmod(descriptor, status.st_mode & 0o7777)
      } else {
        fchmod(descriptor, newFileMode(0o644) | 0o600)
      }
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

extension FileDescriptor.OpenOptions {
  /// `O_NOCTTY`, which swift-system does not name: a terminal opened is not made the process's
  /// controlling terminal.
  static var noControllingTerminal: Self { Self(rawValue: O_NOCTTY) }
}

extension Result {
  /// The error, or nil on success.
  var failure: Failure? {
    if case .failure(let error) = self { error } else { nil }
  }
}
