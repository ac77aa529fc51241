import Foundation
import Synchronization
import SystemPackage

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// How a finished child process ended, with everything it wrote.
public struct ProcessRun: Sendable, CustomStringConvertible {
  /// The exit status, or the signal's number when it was killed by one.
  public var status: Int32
  /// Whether a signal ended it (then `status` is the signal's number).
  public var signaled: Bool
  /// Whether the runner killed its process group because it outlived its timeout.
  public var timedOut: Bool
  public var output: [UInt8]
  public var errors: [UInt8]
  /// From the start to the end of the process.
  public var seconds: Double

  public var stdout: String { String(decoding: output, as: UTF8.self) }
  public var stderr: String { String(decoding: errors, as: UTF8.self) }

  /// The status and standard error, and the timeout when there was one: for test messages.
  public var description: String {
    (timedOut ? "TIMED OUT after \(Int(seconds)) s and killed; " : "")
      + (signaled ? "signal \(status)" : "status \(status)") + "; stderr: \(stderr)"
  }
}

/// Where a child's standard output or standard error goes.
public enum ProcessOutput: Sendable {
  /// A pipe the runner drains while the child runs; the bytes are in the result.
  case capture
  /// /dev/null.
  case discard
  /// A pipe whose reading end is closed at once, as when `orgwiz ... | head -c0` has gone.
  case closedPipe
  /// A file (opened for writing and appending, created when missing), e.g. /dev/full.
  case file(String)
}

/// The tests' one way to run a program: stdout and stderr are drained together (each by its own
/// thread, so a child that fills one pipe while the test waits on the other cannot hang), stdin
/// gets the given bytes, and the child leads its own process group, which is killed (and the
/// run reported as timed out) when it outlives its timeout.
// @unchecked: every mutable property is read and written only under `state`, an NSCondition.
// A Synchronization.Mutex cannot take its place: finish() and waitForOutput() sleep until a
// drain or reap thread signals (or a deadline passes), which needs a condition variable.
public final class RunningProcess: @unchecked Sendable {
  /// The child's process id (also its process group's).
  public let pid: pid_t
  private let started: Date
  private let timeout: Double
  private let state = NSCondition()
  private var output: [UInt8] = []
  private var errors: [UInt8] = []
  private var openStreams = 0
  private var ending: (status: Int32, signaled: Bool)?
  private var ended: Date?
  private var killedForTime = false
  private var inputDescriptor: Int32 = -1

  fileprivate init(
    pid: pid_t, started: Date, timeout: Double, output: Int32, errors: Int32, input: Int32
  ) {
    self.pid = pid
    self.started = started
    self.timeout = timeout
    self.inputDescriptor = input
    for (descriptor, isOutput) in [(output, true), (errors, false)] where descriptor >= 0 {
      openStreams += 1
      Thread.detachNewThread { [self] in drain(descriptor, isOutput: isOutput) }
    }
    Thread.detachNewThread { [self] in reap() }
  }

  private func drain(_ descriptor: Int32, isOutput: Bool) {
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
      // swift-system retries a read a signal interrupts; any other failure ends the stream.
      let count =
        (try? chunk.withUnsafeMutableBytes {
          try FileDescriptor(rawValue: descriptor).read(into: $0)
        }) ?? -1
      state.lock()
      if count > 0 {
        if isOutput {
          output += chunk[0..<count]
        } else {
          errors += chunk[0..<count]
        }
      } else {
        openStreams -= 1
      }
      state.broadcast()
      state.unlock()
      if count <= 0 { break }
    }
    close(descriptor)
  }

  private func reap() {
    var status: Int32 = 0
    var waited: pid_t = -1
    // swift-system has no waitpid, so its retry after a signal is written here.
    repeat { waited = waitpid(pid, &status, 0) } while waited < 0 && errno == EINTR
    let signal = status & 0x7f
    state.lock()
    ending =
      waited != pid ? (-1, false) : signal == 0 ? ((status >> 8) & 0xff, false) : (signal, true)
    ended = Date()
    state.broadcast()
    state.unlock()
  }

  /// Whether the child is still running.
  public var isRunning: Bool {
    state.lock()
    defer { state.unlock() }
    return ending == nil
  }

  /// What it has written to a captured standard output so far.
  public var outputSoFar: [UInt8] {
    state.lock()
    defer { state.unlock() }
    return output
  }

  /// Writes bytes to its standard input (started with `input: .open`).
  public func write(_ bytes: [UInt8]) {
    state.lock()
    let descriptor = inputDescriptor
    state.unlock()
    guard descriptor >= 0 else { return }
    ProcessRunner.writeAll(bytes, to: descriptor)
  }

  /// Closes its standard input (started with `input: .open`).
  public func closeInput() {
    state.lock()
    let descriptor = inputDescriptor
    inputDescriptor = -1
    state.unlock()
    if descriptor >= 0 { close(descriptor) }
  }

  /// Waits until `condition` holds for the captured standard output (re-checked on each new
  /// chunk, never on a timer) or `seconds` pass; true when it held.
  public func waitForOutput(seconds: Double, until condition: ([UInt8]) -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    state.lock()
    defer { state.unlock() }
    while !condition(output) {
      if openStreams == 0 && ending != nil { return false }
      if !state.wait(until: deadline) { return condition(output) }
    }
    return true
  }

  /// Sends a signal to the child (only the child, not its group).
  public func send(_ signal: Int32) {
    if isRunning { kill(pid, signal) }
  }

  /// Waits for the child to end and its streams to close; past the timeout (counted from the
  /// start), or past `seconds` from now when given, kills its process group and reports it.
  public func finish(waitingAtMost seconds: Double? = nil) -> ProcessRun {
    var deadline = started.addingTimeInterval(timeout)
    if let seconds { deadline = min(deadline, Date().addingTimeInterval(seconds)) }
    state.lock()
    var grace = Date.distantFuture
    while ending == nil || openStreams > 0 {
      if killedForTime {
        // Killed: a stray descendant in another group may still hold a pipe; it gets a few
        // seconds, then is no longer waited for.
        if !state.wait(until: grace) { break }
      } else if !state.wait(until: deadline) {
        killedForTime = true
        grace = Date().addingTimeInterval(5)
        kill(-pid, SIGKILL)
        kill(pid, SIGKILL)
      }
    }
    let result = ProcessRun(
      status: ending?.status ?? -1, signaled: ending?.signaled ?? false, timedOut: killedForTime,
      output: output, errors: errors,
      seconds: (ended ?? Date()).timeIntervalSince(started))
    state.unlock()
    closeInput()
    return result
  }

  deinit {
    if inputDescriptor >= 0 { close(inputDescriptor) }
  }
}

/// Starts and runs child processes for the tests (see ``RunningProcess``).
public enum ProcessRunner {
  /// Standard input: nothing (/dev/null), given bytes followed by end of file, or a pipe kept
  /// open for ``RunningProcess/write(_:)``.
  public enum Input: Sendable {
    case none
    case bytes([UInt8])
    case open

    public static func text(_ text: String) -> Input { .bytes(Array(text.utf8)) }
  }

  /// Starts `executable`.
  /// - Parameters:
  ///   - environment: variables set on top of this process's environment.
  ///   - removing: variables of this process's environment the child does not get.
  ///   - timeout: seconds from the start after which ``RunningProcess/finish()`` kills the
  ///     child's process group and reports the run as timed out.
  public static func start(
    _ executable: String, _ arguments: [String], in directory: String? = nil,
    environment changes: [String: String] = [:], removing: [String] = [], input: Input = .none,
    stdout: ProcessOutput = .capture, stderr: ProcessOutput = .capture, timeout: Double = 300
  ) throws -> RunningProcess {
    try spawning.withLock { _ in
      try spawn(
        executable, arguments, in: directory, environment: changes, removing: removing,
        input: input, stdout: stdout, stderr: stderr, timeout: timeout)
    }
  }

  /// ``start(_:_:in:environment:removing:input:stdout:stderr:timeout:)``, under `spawning`.
  private static func spawn(
    _ executable: String, _ arguments: [String], in directory: String?,
    environment changes: [String: String], removing: [String], input: Input,
    stdout: ProcessOutput, stderr: ProcessOutput, timeout: Double
  ) throws -> RunningProcess {
    var environment = ProcessInfo.processInfo.environment
    for name in removing { environment[name] = nil }
    environment.merge(changes) { $1 }
    #if canImport(Darwin)
      var actions: posix_spawn_file_actions_t? = nil
      var attributes: posix_spawnattr_t? = nil
    #else
      var actions = posix_spawn_file_actions_t()
      var attributes = posix_spawnattr_t()
    #endif
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    // Its own process group, an empty signal mask and default signal handling (whatever the
    // test process blocks or ignores).
    var defaults = sigset_t()
    sigemptyset(&defaults)
    for signal in [SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGCHLD, SIGXFSZ] {
      sigaddset(&defaults, signal)
    }
    var mask = sigset_t()
    sigemptyset(&mask)
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    posix_spawnattr_setsigmask(&attributes, &mask)
    posix_spawnattr_setpgroup(&attributes, 0)
    posix_spawnattr_setflags(
      &attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

    // Descriptors to close in this process once the child has its copies.
    var childEnds: [Int32] = []
    var ourEnds: [Int32] = []
    defer { for descriptor in childEnds { close(descriptor) } }
    func fail(_ what: String) -> FixtureError {
      let reason = String(cString: strerror(errno))
      for descriptor in ourEnds { close(descriptor) }
      return FixtureError("cannot run \(executable): \(what): \(reason)")
    }

    var inputEnd: Int32 = -1
    switch input {
    case .none:
      posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    case .bytes(let bytes) where bytes.count <= 16384:
      // A pipe, as from a shell; the bytes fit in its buffer, so they are all written (and the
      // pipe closed) before the child starts, and nothing can block.
      let (reading, writing) = try pipeEnds()
      childEnds.append(reading)
      writeAll(bytes, to: writing)
      close(writing)
      posix_spawn_file_actions_adddup2(&actions, reading, 0)
    case .bytes(let bytes):
      let descriptor = try inputFile(bytes)
      childEnds.append(descriptor)
      posix_spawn_file_actions_adddup2(&actions, descriptor, 0)
    case .open:
      let (reading, writing) = try pipeEnds()
      childEnds.append(reading)
      ourEnds.append(writing)
      inputEnd = writing
      posix_spawn_file_actions_adddup2(&actions, reading, 0)
    }
    var captured: [Int32] = [-1, -1]
    for (index, (target, how)) in [(Int32(1), stdout), (Int32(2), stderr)].enumerated() {
      switch how {
      case .capture, .closedPipe:
        let (reading, writing) = try pipeEnds()
        childEnds.append(writing)
        if case .closedPipe = how {
          close(reading)
        } else {
          ourEnds.append(reading)
          captured[index] = reading
        }
        posix_spawn_file_actions_adddup2(&actions, writing, target)
      case .discard:
        posix_spawn_file_actions_addopen(&actions, target, "/dev/null", O_WRONLY, 0)
      case .file(let path):
        posix_spawn_file_actions_addopen(
          &actions, target, path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
      }
    }
    if let directory {
      #if canImport(Darwin)
        posix_spawn_file_actions_addchdir_np(&actions, directory)
      #else
        // Glibc declares it only under _GNU_SOURCE, which Swift's Glibc module leaves out.
        guard let symbol = dlsym(nil, "posix_spawn_file_actions_addchdir_np") else {
          throw fail("posix_spawn_file_actions_addchdir_np is missing (glibc 2.29 or later)")
        }
        typealias AddChdir =
          @convention(c) (
            UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>
          ) -> Int32
        _ = unsafeBitCast(symbol, to: AddChdir.self)(&actions, directory)
      #endif
    }

    let argv = ([executable] + arguments).map { strdup($0) } + [nil]
    let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer {
      for pointer in argv { free(pointer) }
      for pointer in envp { free(pointer) }
    }
    var pid: pid_t = 0
    let started = Date()
    let result = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
    guard result == 0 else {
      errno = result
      throw fail("posix_spawn")
    }
    return RunningProcess(
      pid: pid, started: started, timeout: timeout, output: captured[0], errors: captured[1],
      input: inputEnd)
  }

  /// Runs `executable` to its end (see ``start(_:_:in:environment:removing:input:stdout:stderr:timeout:)``).
  public static func run(
    _ executable: String, _ arguments: [String], in directory: String? = nil,
    environment: [String: String] = [:], removing: [String] = [], input: Input = .none,
    stdout: ProcessOutput = .capture, stderr: ProcessOutput = .capture, timeout: Double = 300
  ) throws -> ProcessRun {
    try start(
      executable, arguments, in: directory, environment: environment, removing: removing,
      input: input,
      stdout: stdout, stderr: stderr, timeout: timeout
    ).finish()
  }

  /// The built `orgwiz` under test, without the tests' `ORGWIZ_CONTENT`.
  public static func startOrgwiz(
    _ arguments: [String], in directory: String, environment: [String: String] = [:],
    input: Input = .none, stdout: ProcessOutput = .capture, stderr: ProcessOutput = .capture,
    timeout: Double = 300
  ) throws -> RunningProcess {
    try start(
      try Fixtures.binary(), arguments, in: directory, environment: environment,
      removing: ["ORGWIZ_CONTENT"], input: input,
      stdout: stdout, stderr: stderr, timeout: timeout)
  }

  /// Runs the built `orgwiz` to its end (see ``startOrgwiz(_:in:environment:input:stdout:stderr:timeout:)``).
  public static func orgwiz(
    _ arguments: [String], in directory: String, environment: [String: String] = [:],
    input: Input = .none, stdout: ProcessOutput = .capture, stderr: ProcessOutput = .capture,
    timeout: Double = 300
  ) throws -> ProcessRun {
    try startOrgwiz(
      arguments, in: directory, environment: environment, input: input, stdout: stdout,
      stderr: stderr, timeout: timeout
    ).finish()
  }

  /// Held while a child's descriptors are made and it is started, so that no other child of
  /// this runner inherits them before they are marked close-on-exec (and while a file is
  /// written that a child will run: see ``ReachableCopy``).
  fileprivate static let spawning = Mutex(())

  /// Writes a program a test will run (a script), executable, while no child can start: a
  /// child started meanwhile would inherit the write descriptor (Foundation does not close it
  /// on exec) and hold it open, and running the program would fail with "Text file busy".
  public static func writeProgram(_ text: String, to path: String) throws {
    try spawning.withLock { _ in
      try Data(text.utf8).write(to: URL(fileURLWithPath: path))
      chmod(path, 0o755)
    }
  }

  /// A pipe whose ends are closed on exec, so that no other child started meanwhile holds them.
  private static func pipeEnds() throws -> (reading: Int32, writing: Int32) {
    var ends: [Int32] = [-1, -1]
    // Made and marked under one lock: this runner's children are started under it too.
    let made = pipe(&ends)
    for end in ends where made == 0 { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
    guard made == 0 else {
      throw FixtureError("cannot make a pipe: \(String(cString: strerror(errno)))")
    }
    return (ends[0], ends[1])
  }

  /// A removed temporary file holding `bytes`, open for reading from its start: standard input
  /// of any size with no writer to block or to be killed by SIGPIPE.
  private static func inputFile(_ bytes: [UInt8]) throws -> Int32 {
    var template = Array((NSTemporaryDirectory() + "/orgwiz-input-XXXXXX").utf8CString)
    let descriptor = template.withUnsafeMutableBufferPointer { buffer in
      buffer.baseAddress.map { mkstemp($0) } ?? -1
    }
    guard descriptor >= 0 else {
      throw FixtureError(
        "cannot make a file for standard input: \(String(cString: strerror(errno)))")
    }
    template.withUnsafeBufferPointer { buffer in _ = buffer.baseAddress.map { unlink($0) } }
    _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
    writeAll(bytes, to: descriptor)
    lseek(descriptor, 0, SEEK_SET)
    return descriptor
  }

  /// Writes all of `bytes` (swift-system retries what a signal interrupts and writes the rest
  /// of a short write); stops at the first failure, as a pipe whose reader has gone.
  fileprivate static func writeAll(_ bytes: [UInt8], to descriptor: Int32) {
    _ = try? FileDescriptor(rawValue: descriptor).writeAll(bytes)
  }
}

extension Fixtures {
  /// The built `orgwiz`: `ORGWIZ_TEST_BINARY` when set (another build to run the same tests
  /// against, an older one to see a test fail before its fix), else the one beside the test
  /// bundle in the build directory.
  public static var binaryPath: String? {
    if let other = ProcessInfo.processInfo.environment["ORGWIZ_TEST_BINARY"], !other.isEmpty {
      return other
    }
    var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for _ in 0..<4 {
      let candidate = directory.appendingPathComponent("orgwiz").path
      if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
      directory = directory.deletingLastPathComponent()
    }
    return nil
  }

  /// A copy of the built `orgwiz` that another user (`nobody`) can run wherever the clone is:
  /// a clone under root's home (0700) or a `mktemp -d` folder cannot be entered by that user.
  /// Made once per test process, installed as `<dir>/bin/orgwiz` beside
  /// `<dir>/share/orgwiz/Content` in a fresh directory under /tmp (0755), removed at exit.
  public static func binaryForAnotherUser() throws -> String {
    try ReachableCopy.get()
  }

  /// ``binaryPath``, or an error that says to build it.
  public static func binary() throws -> String {
    guard let path = binaryPath else { throw FixtureError("build orgwiz first (swift build)") }
    return path
  }
}

/// The copy behind ``Fixtures/binaryForAnotherUser()``.
private enum ReachableCopy {
  /// The copy, or why it could not be made: made once, by the first caller.
  private static let made = Mutex<Result<String, FixtureError>?>(nil)
  /// The copy's directory, removed at exit.
  private static let directory = Mutex("")

  static func get() throws -> String {
    try made.withLock { made in
      if let made { return made }
      let result: Result<String, FixtureError>
      do throws(FixtureError) {
        result = .success(try make())
      } catch {
        result = .failure(error)
      }
      made = result
      return result
    }.get()
  }

  private static func make() throws(FixtureError) -> String {
    let manager = FileManager.default
    let root = "/tmp/orgwiz-for-another-user-\(getpid())-\(UUID().uuidString.prefix(8))"
    let binary = root + "/bin/orgwiz"
    do {
      let source = try Fixtures.binary()
      try manager.createDirectory(atPath: root + "/bin", withIntermediateDirectories: true)
      try manager.createDirectory(atPath: root + "/share/orgwiz", withIntermediateDirectories: true)
      // Copied while no child can start: Foundation writes the copy through a descriptor
      // that is not closed on exec, and a child started meanwhile (a fake Okta, another
      // test's orgwiz) would hold it open for its whole life, so running the copy would fail
      // with "Text file busy".
      try ProcessRunner.spawning.withLock { _ in
        try manager.copyItem(atPath: source, toPath: binary)
        try manager.copyItem(
          atPath: Fixtures.contentDirectory, toPath: root + "/share/orgwiz/Content")
      }
      // Readable and enterable by everyone, whatever the umask.
      for path in [root, root + "/bin", root + "/share", root + "/share/orgwiz", binary] {
        chmod(path, 0o755)
      }
      let content = root + "/share/orgwiz/Content"
      if let walker = manager.enumerator(atPath: content) {
        chmod(content, 0o755)
        while let name = walker.nextObject() as? String {
          var status = stat()
          let path = content + "/" + name
          if lstat(path, &status) == 0 {
            chmod(path, status.st_mode & S_IFMT == S_IFDIR ? 0o755 : 0o644)
          }
        }
      }
    } catch {
      try? manager.removeItem(atPath: root)
      throw FixtureError("cannot copy orgwiz where another user can run it (\(root)): \(error)")
    }
    directory.withLock { $0 = root }
    atexit {
      try? FileManager.default.removeItem(atPath: ReachableCopy.directory.withLock { $0 })
    }
    return binary
  }
}
