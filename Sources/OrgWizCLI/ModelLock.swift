import Foundation
import OrgWizCore
import OrgWizJSON
import OrgWizOkta
import OrgWizTerminal
import SystemPackage

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// An exclusive lock on a model: an OS file lock (`flock`) on `<model>.lock`, whose contents
/// name the holder (host, pid, user, start time, command) for the message a second run shows.
///
/// The OS drops the lock when its process dies, however it dies, so a lock file left behind by
/// a killed run is recognised as stale (its lock is free) and taken over.
final class ModelLock {
  let path: String
  private var descriptor: Int32

  private init(path: String, descriptor: Int32) {
    self.path = path
    self.descriptor = descriptor
  }

  deinit { release() }

  /// Who holds a lock, as its lock file says.
  struct Holder: Equatable {
    var host: String
    var pid: Int
    var user: String
    var startedAt: String
    var command: String

    var description: String {
      "pid \(pid) of \(user) on \(host), started \(startedAt)"
        + (command.isEmpty ? "" : " (\(command))")
    }

    var json: JSONValue {
      .object(
        JSONObject([
          ("host", .string(host)), ("pid", .number(JSONNumber(pid))), ("user", .string(user)),
          ("startedAt", .string(startedAt)), ("command", .string(command)),
        ]))
    }

    init(host: String, pid: Int, user: String, startedAt: String, command: String) {
      self.host = host
      self.pid = pid
      self.user = user
      self.startedAt = startedAt
      self.command = command
    }

    init?(_ bytes: [UInt8]) {
      guard let value = try? JSONParser.parse(bytes) else { return nil }
      host = value["host"]?.stringValue ?? "?"
      pid = value["pid"]?.intValue ?? 0
      user = value["user"]?.stringValue ?? "?"
      startedAt = value["startedAt"]?.stringValue ?? "?"
      command = value["command"]?.stringValue ?? ""
    }
  }

  /// Takes the lock of the model at `modelPath`, waiting up to `timeout` seconds for another
  /// run to finish.
  ///
  /// The lock file is never followed through a symbolic link, never opened when it is not a
  /// regular file, and written only when this user created it: a lock file another user left
  /// (or planted) is never truncated or taken over.
  /// - Parameters:
  ///   - notice: receives a line when a stale lock is taken over.
  ///   - waiting: called once, when the lock is first found held and the run starts to wait.
  static func acquire(
    modelPath: String, holder: Holder, timeout: Double, notice: (String) -> Void,
    waiting: () -> Void = {}
  ) throws(LockError) -> ModelLock {
    let path = modelPath + ".lock"
    let deadline = Date().addingTimeInterval(max(0, timeout))
    var waited = false
    while true {
      let (descriptor, created) = try openLockFile(path)
      if flock(descriptor, LOCK_EX | LOCK_NB) == 0 {
        // The file may have been removed by the previous holder between open and flock;
        // a lock on a removed file guards nothing, so start again.
        var opened = stat()
        var current = stat()
        guard fstat(descriptor, &opened) == 0, lstat(path, &current) == 0,
          opened.st_ino == current.st_ino, opened.st_dev == current.st_dev
        else {
          close(descriptor)
          continue
        }
        if !created {
          // A lock file nobody holds: left by a run that was killed. Only this user's own
          // (and no other name of some other file) is taken over.
          let previous = Holder(readAll(descriptor))
          do throws(LockError) {
            try ensureOwnLockFile(opened, path: path, holder: previous)
          } catch {
            close(descriptor)
            throw error
          }
          if let previous {
            notice(
              "Took over a stale lock on the model left by \(previous.description); that run "
                + "is no longer running.")
          }
        }
        let lock = ModelLock(path: path, descriptor: descriptor)
        lock.record(holder)
        InterruptCleanup.removeOnInterrupt(path)
        return lock
      }
      let current = Holder(readAll(descriptor))
      close(descriptor)
      if Date() >= deadline {
        let who = current?.description ?? "another orgwiz run"
        throw LockError.held(model: modelPath, by: who)
      }
      if !waited {
        waited = true
        waiting()
      }
      usleep(100_000)
    }
  }

  /// Opens the lock file without following a link: a new one (`created`), or the one there,
  /// which must be a regular file. Opened for writing only when this user may take it over.
  private static func openLockFile(
    _ path: String
  ) throws(LockError) -> (Int32, created: Bool) {
    let options: FileDescriptor.OpenOptions = [
      .noFollow, .noControllingTerminal, .nonBlocking, .closeOnExec,
    ]
    // Owner read and write whatever the umask, so that a lock a killed run left can always
    // be read and taken over by its owner's next run; the rest of its mode follows the umask.
    let created = FileIO.open(
      path, .readWrite, options.union([.create, .exclusiveCreate]), permissions: .ownerReadWrite)
    if case .success(let fresh) = created {
      _ = fchmod(fresh, 0o600 | (0o644 & ~FileIO.umask))
      return (fresh, true)
    }
    var failure = created.failure?.rawValue ?? 0
    if failure == EEXIST {
      var status = stat()
      if lstat(path, &status) == 0, status.st_mode & S_IFMT == S_IFREG {
        // Another user's lock is opened read-only: enough to test it and read its holder.
        let mode: FileDescriptor.AccessMode = status.st_uid == geteuid() ? .readWrite : .readOnly
        switch FileIO.open(path, mode, options) {
        case .success(let descriptor): return (descriptor, false)
        case .failure(let error): failure = error.rawValue
        }
      } else if lstat(path, &status) == 0 {
        throw LockError.notRegular(path, kind: FileIO.kind(of: status))
      } else {
        failure = errno
      }
    }
    throw LockError.cannotCreate(path, reason: String(cString: strerror(failure)))
  }

  /// Refuses to take over a stale lock file that is not this user's own single-named file.
  private static func ensureOwnLockFile(
    _ status: stat, path: String, holder: Holder?
  ) throws(LockError) {
    let owner = status.st_uid
    if owner != geteuid() {
      throw LockError.foreign(path, owner: FileIO.userName(owner), names: holder?.description)
    }
    if status.st_nlink > 1 {
      throw LockError.linked(path, names: Int(status.st_nlink))
    }
  }

  /// Frees the lock and removes the lock file.
  func release() {
    guard descriptor >= 0 else { return }
    InterruptCleanup.removeOnInterrupt(nil)
    unlink(path)
    flock(descriptor, LOCK_UN)
    close(descriptor)
    descriptor = -1
  }

  private func record(_ holder: Holder) {
    // Only a lock file this user owns was opened for writing (see open(_:)).
    guard fcntl(descriptor, F_GETFL) & O_ACCMODE == O_RDWR else { return }
    let bytes = JSONWriter.write(holder.json)
    ftruncate(descriptor, 0)
    _ = bytes.withUnsafeBytes { buffer in pwrite(descriptor, buffer.baseAddress, buffer.count, 0) }
    fsync(descriptor)
  }

  /// The largest lock file whose holder is read (a holder's record is a few hundred bytes);
  /// a larger one, which no run wrote, names nobody.
  static let holderSizeLimit = 64 << 10

  /// The lock file's contents (read from its start: nothing has moved the offset of a freshly
  /// opened lock), through the one bounded reader; empty when it cannot be read or is too large.
  private static func readAll(_ descriptor: Int32) -> [UInt8] {
    let read = BoundedFile.read(
      FileDescriptor(rawValue: descriptor), size: 0, limit: holderSizeLimit)
    return (try? read.get()) ?? []
  }

  /// This process as a lock holder.
  static func currentHolder(startedAt: String) -> Holder {
    var name = [CChar](repeating: 0, count: 256)
    gethostname(&name, name.count - 1)
    let host = String(
      decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    let user =
      ProcessInfo.processInfo.environment["USER"]
      ?? getpwuid(getuid()).map { String(cString: $0.pointee.pw_name) } ?? "uid \(getuid())"
    return Holder(
      host: host, pid: Int(getpid()), user: user, startedAt: startedAt,
      command: CommandLine.arguments.prefix(6).joined(separator: " "))
  }
}

/// Why the model's lock could not be taken, each with what to do next.
enum LockError: UserFacingError, Equatable {
  /// Another run holds it.
  case held(model: String, by: String)
  /// The lock's name is taken by something that is not a regular file (a link, a FIFO).
  case notRegular(String, kind: String)
  /// A stale lock file of another user's.
  case foreign(String, owner: String, names: String?)
  /// A stale lock file with other names (hard links).
  case linked(String, names: Int)
  case cannotCreate(String, reason: String)

  var exitStatus: ExitStatus {
    if case .held = self { return .locked }
    return .cannotCreate
  }

  var message: String {
    switch self {
    case .held(let model, let who): "\(model) is locked by another orgwiz run: \(who)."
    case .notRegular(let path, let kind):
      "The lock file \(path) is \(kind), not a regular file; orgwiz does not open or follow it."
    case .foreign(let path, let owner, let names):
      "The lock file \(path) belongs to \(owner), not to you, and no run holds it"
        + (names.map { " (it names \($0))" } ?? "")
        + "; orgwiz does not take over or overwrite another user's file."
    case .linked(let path, let names):
      "The lock file \(path) has \(names) names (hard links), so it is another file too; orgwiz "
        + "does not overwrite it."
    case .cannotCreate(let path, let reason): "Cannot create the lock file \(path): \(reason)."
    }
  }

  var nextStep: String {
    switch self {
    case .held: "Wait for it to finish, or pass --lock-timeout SECONDS to wait for it."
    case .notRegular: "Remove it (after checking who put it there), then run orgwiz again."
    case .foreign(let path, _, _):
      "If that run is gone, have its owner (or an administrator) remove \(path), then run "
        + "orgwiz again."
    case .linked(let path, _):
      "Remove \(path) (the other names keep the file), then run orgwiz again."
    case .cannotCreate: "Check that the model's directory is writable."
    }
  }
}

/// Test-only fault points in the write path, inert unless `ORGWIZ_TEST_FAULT` names one.
///
/// `ORGWIZ_TEST_FAULT=<point>` kills the process there with SIGKILL (as `kill -9` would);
/// `ORGWIZ_TEST_FAULT=<point>:pause=<seconds>` sleeps there instead. The crash and concurrency
/// tests use them; nothing else sets the variable.
///
/// With `ORGWIZ_TEST_FAULT_SIGNAL=<path>` as well, a pause is a handshake: the process creates
/// `<path>` when it reaches the point (so a test knows it is there, not that some time has
/// passed), then waits until the test removes `<path>`; `<seconds>` only bounds that wait.
///
/// Only debug builds (which the tests run) have them: `ORGWIZ_FAULT_HOOKS` is defined for the
/// debug configuration alone (Package.swift), so in a release build `hit` is empty and nothing
/// reads the variable; `scripts/check-release` proves that on the release binary.
enum FaultPoint {
  /// `ORGWIZ_TEST_FAULT=<point>` kills the process with SIGKILL at that point,
  /// `<point>:pause=<seconds>` pauses there, and `<point>:fail` makes the write fail there as a
  /// full disk would. Does nothing in a release build.
  static func hit(_ point: String, environment: [String: String]) throws(OrgWizFailure) {
    #if ORGWIZ_FAULT_HOOKS
      guard let setting = environment["ORGWIZ_TEST_FAULT"], !setting.isEmpty else { return }
      let parts = setting.split(separator: ":", maxSplits: 1).map(String.init)
      guard parts.first == point else { return }
      if parts.count == 2, parts[1].hasPrefix("pause="),
        let seconds = Double(parts[1].dropFirst(6))
      {
        pause(seconds, signal: environment["ORGWIZ_TEST_FAULT_SIGNAL"] ?? "")
      } else if parts.count == 2, parts[1] == "fail" {
        throw OrgWizFailure(
          .cannotCreate, "Cannot write: a failure was simulated at \(point) (ORGWIZ_TEST_FAULT).",
          next: "Unset ORGWIZ_TEST_FAULT; it is for orgwiz's own tests.")
      } else {
        kill(getpid(), SIGKILL)
      }
    #endif
  }

  #if ORGWIZ_FAULT_HOOKS
    /// Sleeps `seconds`; with a signal file, creates it and ends the pause early once it is gone.
    private static func pause(_ seconds: Double, signal path: String) {
      guard !path.isEmpty else {
        usleep(useconds_t(seconds * 1_000_000))
        return
      }
      let opened = FileIO.open(
        path, .writeOnly, [.create, .truncate, .closeOnExec],
        permissions: [.ownerReadWrite, .groupRead, .otherRead])
      if case .success(let descriptor) = opened {
        let file = FileDescriptor(rawValue: descriptor)
        _ = try? file.writeAll(Array("\(getpid())\n".utf8))
        try? file.close()
      }
      let deadline = Date().addingTimeInterval(seconds)
      while access(path, F_OK) == 0 && Date() < deadline { usleep(2_000) }
    }
  #endif
}
