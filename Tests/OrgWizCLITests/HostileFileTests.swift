import Foundation
import OrgWizCLI
import OrgWizCore
import OrgWizJSON
import OrgWizTestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// A process started for a hostile-filesystem test, bounded in time: a run that hangs is
/// killed and reported, never waited on forever.
typealias BoundedRun = ProcessRun

extension ProcessRun {
  /// Runs `executable` with `arguments` in `directory`, killing it after `seconds`.
  static func run(
    _ executable: String, _ arguments: [String], in directory: String,
    environment extra: [String: String] = [:], seconds: Double = 20
  ) throws -> ProcessRun {
    try ProcessRunner.run(
      executable, arguments, in: directory, environment: extra, removing: ["ORGWIZ_CONTENT"],
      timeout: seconds)
  }

  /// The orgwiz binary under test.
  static func orgwiz(
    _ arguments: [String], in directory: String, environment: [String: String] = [:],
    seconds: Double = 20
  ) throws -> ProcessRun {
    try run(
      try Fixtures.binary(), arguments, in: directory, environment: environment,
      seconds: seconds)
  }

  /// A shell script run as another user (`nobody`), as an attacker sharing the directory. The
  /// script finds orgwiz at `$ORGWIZ`: a copy that user can reach, wherever the clone is.
  static func asNobody(_ script: String, in directory: String) throws -> ProcessRun {
    try run(
      "/usr/bin/setpriv",
      ["--reuid=65534", "--regid=65534", "--clear-groups", "/bin/sh", "-c", script],
      in: directory, environment: ["ORGWIZ": try Fixtures.binaryForAnotherUser()])
  }
}

/// What another user, a planted file or a special file can do to a run: nothing. Each test
/// here was an attack that destroyed data or hung orgwiz before it was fixed.
@Suite(.serialized) struct HostileFileTests {
  static let answers = SafetyTests.answers

  /// A shared directory as admins use them: world-writable and sticky, like /tmp.
  func sharedDirectory() throws -> TemporaryDirectory {
    let directory = try TemporaryDirectory()
    chmod(directory.path, 0o1777)
    return directory
  }

  /// A shared directory holding the example model, owned by `nobody`, who runs orgwiz there.
  func nobodysModel() throws -> TemporaryDirectory {
    let directory = try sharedDirectory()
    _ = try model(in: directory)
    chown(directory.file("org.json"), 65534, 65534)
    return directory
  }

  func model(in directory: TemporaryDirectory) throws -> [UInt8] {
    let bytes = try Fixtures.exampleBytes()
    try Data(bytes).write(to: URL(fileURLWithPath: directory.file("org.json")))
    return bytes
  }

  func bytes(_ path: String) -> [UInt8]? {
    FileManager.default.contents(atPath: path).map { [UInt8]($0) }
  }

  func mode(_ path: String) -> mode_t {
    var status = stat()
    _ = lstat(path, &status)
    return status.st_mode & 0o7777
  }

  static var runningAsRoot: Bool { getuid() == 0 }

  // MARK: The lock file

  @Test func aLockLinkedToTheModelIsNeitherFollowedNorTruncated() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let before = try model(in: directory)
    symlink("org.json", directory.file("org.json.lock"))
    let run = try BoundedRun.orgwiz(Self.answers, in: directory.path)
    #expect(run.status == 73, "\(run.stderr)")
    #expect(run.stderr.contains("symbolic link"), "\(run.stderr)")
    #expect(bytes(directory.file("org.json")) == before, "the model was overwritten")
    #expect(
      (try? FileManager.default.destinationOfSymbolicLink(atPath: directory.file("org.json.lock")))
        == "org.json")
  }

  @Test func aLockLinkedToAnotherFileLeavesThatFileAlone() throws {
    let directory = try TemporaryDirectory()
    let outside = try TemporaryDirectory()
    defer {
      directory.remove()
      outside.remove()
    }
    _ = try model(in: directory)
    let victim = try outside.write("passwd", "root:x:0:0::/root:/bin/sh\n")
    symlink(victim, directory.file("org.json.lock"))
    let run = try BoundedRun.orgwiz(Self.answers, in: directory.path)
    #expect(run.status == 73, "\(run.stderr)")
    #expect(outside.read("passwd") == "root:x:0:0::/root:/bin/sh\n")
  }

  @Test(.enabled(if: runningAsRoot, "needs root to act as another user"))
  func anotherUsersLockFileIsNotTakenOver() throws {
    let directory = try sharedDirectory()
    defer { directory.remove() }
    let before = try model(in: directory)
    let planted = try BoundedRun.asNobody("printf 'planted' > org.json.lock", in: directory.path)
    #expect(planted.status == 0, "\(planted.stderr)")
    let run = try BoundedRun.orgwiz(Self.answers, in: directory.path)
    #expect(run.status == 73, "\(run.stderr)")
    #expect(run.stderr.contains("belongs to nobody"), "\(run.stderr)")
    #expect(directory.read("org.json.lock") == "planted", "another user's file was overwritten")
    #expect(bytes(directory.file("org.json")) == before)
  }

  @Test(.enabled(if: runningAsRoot, "needs root to act as another user"))
  func aLockLeftUnderAUmaskOfAllBitsDoesNotBlockTheNextRun() throws {
    let directory = try nobodysModel()
    defer { directory.remove() }
    let arguments = Self.answers.map { "'\($0)'" }.joined(separator: " ")
    let killed = try BoundedRun.asNobody(
      "umask 0777; ORGWIZ_TEST_FAULT=locked exec \"$ORGWIZ\" \(arguments)", in: directory.path)
    #expect(killed.status != 0)
    #expect(FileManager.default.fileExists(atPath: directory.file("org.json.lock")))
    #expect(mode(directory.file("org.json.lock")) & 0o600 == 0o600)
    let again = try BoundedRun.asNobody("exec \"$ORGWIZ\" \(arguments)", in: directory.path)
    #expect(again.status == 0, "\(again.stderr)")
    #expect(again.stderr.contains("stale lock"), "\(again.stderr)")
  }

  // MARK: Where the summary goes

  @Test(arguments: [
    "/proc/self/cwd/org.json", "DEV/../DIR/org.json", "/proc/self/cwd/org.json.bak",
  ])
  func aSummaryPathThatLeadsToTheModelIsRefused(_ spelling: String) throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let before = try model(in: directory)
    try Data("old backup".utf8).write(to: URL(fileURLWithPath: directory.file("org.json.bak")))
    var answers = Self.answers
    answers[answers.count - 1] = spelling.replacingOccurrences(of: "DEV", with: "/dev")
      .replacingOccurrences(of: "DIR", with: String(directory.path.dropFirst()))
    let run = try BoundedRun.orgwiz(answers, in: directory.path)
    #expect(run.status == 64, "\(spelling): \(run.stderr)")
    #expect(bytes(directory.file("org.json")) == before, "\(spelling): the model changed")
    #expect(directory.read("org.json.bak") == "old backup", "\(spelling): the backup changed")
  }

  @Test func aStreamGetsTheRecordOnlyAfterTheModelIsInPlace() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let before = try model(in: directory)
    let fifo = directory.file("record.fifo")
    #expect(mkfifo(fifo, 0o600) == 0)
    // The reader is there first, as a ticket tool would be.
    let reader = open(fifo, O_RDONLY | O_NONBLOCK)
    #expect(reader >= 0)
    defer { close(reader) }
    var answers = Self.answers
    answers[answers.count - 1] = fifo
    // A pause between two of the renames: a record streamed before them arrives while the
    // model on disk is still the old one.
    let pause = FaultPause("committed-backup")
    let process = try ProcessRunner.startOrgwiz(
      answers, in: directory.path, environment: pause.environment, stderr: .discard)
    try pause.waitUntilReached(by: process)
    // A writer of the test's own keeps the FIFO from reading as ended before orgwiz opens it.
    let keeper = open(fifo, O_WRONLY | O_NONBLOCK)
    #expect(keeper >= 0)
    // Paused between the renames: nothing of the record may have arrived yet.
    var byte: UInt8 = 0
    #expect(read(reader, &byte, 1) < 0, "the record was streamed before the model was replaced")
    pause.release()
    // At the first byte of the record, the model on disk must already be the new one. The
    // reader waits for it (poll(2)), as a ticket tool would.
    var modelAtFirstByte: [UInt8]?
    var ready = pollfd(fd: reader, events: Int16(POLLIN), revents: 0)
    if poll(&ready, 1, 60_000) == 1, read(reader, &byte, 1) == 1 {
      modelAtFirstByte = bytes(directory.file("org.json"))
    }
    close(keeper)
    _ = fcntl(reader, F_SETFL, fcntl(reader, F_GETFL) & ~O_NONBLOCK)
    var rest = [UInt8](repeating: 0, count: 65536)
    while modelAtFirstByte != nil && read(reader, &rest, rest.count) > 0 {}
    let run = process.finish()
    #expect(run.status == 0, "\(run)")
    let seen = try #require(modelAtFirstByte, "no record arrived")
    #expect(seen != before, "the record was streamed before the model was replaced")
  }

  @Test(arguments: ["staged-model:fail", "committed-backup:fail", "committed-model:fail"])
  func aStreamGetsNoRecordOfAWriteThatFailed(_ fault: String) throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let before = try model(in: directory)
    var answers = Self.answers
    answers[answers.count - 1] = "-"
    let run = try BoundedRun.orgwiz(
      answers, in: directory.path, environment: ["ORGWIZ_TEST_FAULT": fault])
    #expect(run.status == 73, "\(fault): \(run.stderr)")
    #expect(run.stdout.isEmpty, "\(fault): a record went out for a failed write")
    #expect(bytes(directory.file("org.json")) == before)
  }

  // MARK: Special files as input

  @Test func aFIFOAsTheModelIsRefusedAtOnce() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    #expect(mkfifo(directory.file("org.json"), 0o600) == 0)
    for command in [Self.answers, ["check", "--org", "org.json"], ["undo", "--yes"]] {
      let run = try BoundedRun.orgwiz(command, in: directory.path, seconds: 10)
      #expect(!run.timedOut, "\(command[0]) hung on a FIFO")
      #expect(run.status == 66, "\(command[0]): \(run.stderr)")
      #expect(run.stderr.contains("FIFO"), "\(run.stderr)")
    }
    #expect(!FileManager.default.fileExists(atPath: directory.file("org.json.lock")))
  }

  @Test func aDeviceAsTheModelIsRefusedWithoutReadingIt() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let existedBefore = FileManager.default.fileExists(atPath: "/dev/zero.lock")
    for command in [
      Self.answers + ["--org", "/dev/zero"], ["check", "--org", "/dev/zero"],
      [
        "simulate", "--org", "/dev/zero", "--app", "x", "--server", "api", "--grant",
        "interaction_code",
      ],
    ] {
      let run = try BoundedRun.orgwiz(command, in: directory.path, seconds: 10)
      #expect(!run.timedOut)
      #expect(run.status == 66, "\(command): \(run.stderr)")
      #expect(run.stderr.contains("character device"), "\(run.stderr)")
    }
    #expect(
      existedBefore || !FileManager.default.fileExists(atPath: "/dev/zero.lock"),
      "a lock file was created beside the device")
  }

  @Test func aProcedureIdIsNeverAPathOutOfTheContentDirectory() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    _ = try model(in: directory)
    let outside = try TemporaryDirectory()
    defer { outside.remove() }
    try FileManager.default.copyItem(
      atPath: Fixtures.contentDirectory + "/interaction-code.md", toPath: outside.file("evil.md"))
    let relative = "../../../../../../../.." + outside.path + "/evil"
    for command in [["run", relative, "--no-input"], ["checklist", relative]] {
      let run = try BoundedRun.orgwiz(command, in: directory.path)
      #expect(run.status == 64, "\(command): \(run.stderr)")
      #expect(run.stderr.contains("not a procedure id"), "\(run.stderr)")
    }
  }

  @Test func aFIFOInTheContentDirectoryDoesNotHang() throws {
    let content = try TemporaryDirectory()
    let directory = try TemporaryDirectory()
    defer {
      content.remove()
      directory.remove()
    }
    _ = try model(in: directory)
    try FileManager.default.copyItem(
      atPath: Fixtures.contentDirectory + "/interaction-code.md",
      toPath: content.file("interaction-code.md"))
    try FileManager.default.createDirectory(
      atPath: content.file("examples"), withIntermediateDirectories: true)
    #expect(mkfifo(content.file("stuck.md"), 0o600) == 0)
    let listing = try BoundedRun.orgwiz(
      ["procedures", "--content", content.path], in: directory.path, seconds: 10)
    #expect(!listing.timedOut, "procedures hung on a FIFO")
    #expect(listing.status == 0, "\(listing.stderr)")
    #expect(listing.stdout.contains("interaction-code"))
    let run = try BoundedRun.orgwiz(
      ["run", "stuck", "--no-input", "--content", content.path], in: directory.path, seconds: 10)
    #expect(!run.timedOut, "run hung on a FIFO procedure")
    #expect(run.status == 66, "\(run.stderr)")
  }

  // MARK: Permission bits

  @Test func filesWrittenUnderATightUmaskAreNotWorldReadable() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let binary = try Fixtures.binary()
    let arguments = (["--example"] + Self.answers + ["--record-answers", "answers.yaml"])
      .map { "'\($0)'" }.joined(separator: " ")
    let run = try BoundedRun.run(
      "/bin/sh", ["-c", "umask 077; exec '\(binary)' \(arguments)"], in: directory.path)
    #expect(run.status == 0, "\(run.stderr)")
    for name in ["org.json", "change.md", "answers.yaml", "org.json.bak", "org.json.undo.journal"]
    where FileManager.default.fileExists(atPath: directory.file(name)) {
      #expect(mode(directory.file(name)) & 0o077 == 0, "\(name) is \(mode(directory.file(name)))")
    }
  }

  @Test func aModelMadeReadOnlyDuringTheRunIsNotReplaced() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let before = try model(in: directory)
    let pause = FaultPause("before-write")
    let run = try BinaryRun(Self.answers, in: directory.path, environment: pause.environment)
    try pause.waitUntilReached(by: run.process)
    chmod(directory.file("org.json"), 0o444)
    pause.release()
    let result = run.finish()
    #expect(result.status == 73, "\(result.stderr)")
    #expect(result.stderr.contains("read-only"), "\(result.stderr)")
    #expect(bytes(directory.file("org.json")) == before)
    #expect(mode(directory.file("org.json")) == 0o444)
  }

  // MARK: A planted write journal

  /// The prefix of every name a write leaves beside the model at `path`.
  func tag(model path: String) -> String {
    let canonical = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
    return
      ".\((canonical as NSString).lastPathComponent).\(SHA256.hex(Array(canonical.utf8)).prefix(8)).orgwiz"
  }

  @Test(.enabled(if: runningAsRoot, "needs root to act as another user"))
  func aWriteJournalPlantedByAnotherUserIsNotHonoured() throws {
    let directory = try sharedDirectory()
    defer { directory.remove() }
    let before = try model(in: directory)
    let keep = try directory.write("keep.txt", "root's notes\n")
    let victim = try directory.write("victim.txt", "root's report\n")
    let tag = tag(model: directory.file("org.json"))
    let journal = """
      {"pid":1,"files":[{"role":"summary","destination":"\(victim)"},\
      {"role":"answers","destination":"\(keep)"},\
      {"role":"model","destination":"\(directory.file("org.json"))"}]}
      """
    let script = """
      printf '%s' '\(journal)' > org.json.write.journal
      : > '\(tag)-absent-victim.txt'
      printf 'attacker was here\\n' > '\(tag)-previous-keep.txt'
      printf 'attacker model' > '\(tag)-previous-org.json'
      """
    let planted = try BoundedRun.asNobody(script, in: directory.path)
    #expect(planted.status == 0, "\(planted.stderr)")
    let run = try BoundedRun.orgwiz(Self.answers, in: directory.path)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stderr.contains("ignored"), "\(run.stderr)")
    #expect(directory.read("keep.txt") == "root's notes\n", "a planted note replaced a file")
    #expect(directory.read("victim.txt") == "root's report\n", "a planted journal removed a file")
    #expect(bytes(directory.file("org.json.bak")) == before)
  }

  @Test(.enabled(if: runningAsRoot, "needs root to act as another user"))
  func notesPlantedBesideAGenuineJournalAreNotHonoured() throws {
    let directory = try sharedDirectory()
    defer { directory.remove() }
    let before = try model(in: directory)
    try directory.write("keep.txt", "root's notes\n")
    // A journal of root's own, as a killed run leaves it after staging: it names the file that
    // was at each destination and the one staged for it.
    let killed = try BinaryRun(
      Self.answers + ["--record-answers", "keep.txt"], in: directory.path,
      environment: ["ORGWIZ_TEST_FAULT": "committed-undo"]
    )
    .finish()
    #expect(killed.killed)
    let tag = tag(model: directory.file("org.json"))
    // The attacker swaps in notes of their own for the files the recovery would put back.
    for name in ["keep.txt", "org.json.bak"] {
      let note = directory.file("\(tag)-previous-\(name)")
      _ = try BoundedRun.asNobody(
        "rm -f '\(note)' 2>/dev/null; printf 'attacker was here\\n' > '\(note).x' && "
          + "mv -f '\(note).x' '\(note)' 2>/dev/null || true", in: directory.path)
    }
    let run = try BoundedRun.orgwiz(Self.answers, in: directory.path)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(directory.read("keep.txt") != "attacker was here\n")
    #expect(directory.read("org.json.bak") != "attacker was here\n")
    #expect(bytes(directory.file("org.json.bak")) == before)
  }

  @Test(.enabled(if: runningAsRoot, "needs root to act as another user"))
  func aBackupPlantedByAnotherUserIsNotRestored() throws {
    let directory = try sharedDirectory()
    defer { directory.remove() }
    let before = try model(in: directory)
    let planted = "{\"formatVersion\": 1}"
    let digest = SHA256.hex(Array(planted.utf8))
    let script = """
      printf '%s' '\(planted)' > org.json.bak
      printf '{"backupSHA256":"\(digest)","afterSHA256":"\(SHA256.hex(before))","writtenAt":"x"}' \
        > org.json.undo.journal
      """
    #expect(try BoundedRun.asNobody(script, in: directory.path).status == 0)
    for force in [[], ["--force"]] {
      let run = try BoundedRun.orgwiz(["undo", "--yes"] + force, in: directory.path)
      #expect(run.status == 1, "\(run.stderr)")
      #expect(run.stderr.contains("belongs to nobody"), "\(run.stderr)")
      #expect(bytes(directory.file("org.json")) == before)
    }
  }

  @Test(.enabled(if: runningAsRoot, "needs root to act as another user"))
  func aResumeJournalPlantedByAnotherUserIsNeitherReadNorWaitedOn() throws {
    let directory = try sharedDirectory()
    defer { directory.remove() }
    let before = try model(in: directory)
    let procedure = try Fixtures.procedure()
    // Answers another user would like root's run to take: leave the app without the grant.
    let journal = """
      {"procedure":"\(procedure.id)","procedureSHA256":"\(procedure.sha256)",\
      "baseSHA256":"\(SHA256.hex(before))","answers":[{"key":"app-grant","value":"no",\
      "label":"no"}],"stepNumber":5,"stepTitle":"x","updatedAt":"x"}
      """
    for plant in ["printf '%s' '\(journal)' > org.json.journal", "mkfifo org.json.journal"] {
      unlink(directory.file("org.json.journal"))
      #expect(try BoundedRun.asNobody(plant, in: directory.path).status == 0)
      let run = try BoundedRun.orgwiz(
        Array(Self.answers.dropLast(6)) + ["--set", "app=Acme Mobile", "--resume"],
        in: directory.path, seconds: 10)
      #expect(!run.timedOut, "a planted journal hung the run")
      #expect(run.status == 64, "\(plant): \(run.stderr)")
      #expect(run.stderr.contains("Nothing to resume"), "\(run.stderr)")
      #expect(run.stderr.contains("app-grant"), "\(run.stderr)")
    }
  }

  @Test func aModelLargerThanTheLimitIsRefusedBeforeItIsRead() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    // A sparse file: 2 GiB on paper, nothing on disk.
    let descriptor = open(directory.file("org.json"), O_WRONLY | O_CREAT, 0o644)
    #expect(ftruncate(descriptor, 2 << 30) == 0)
    close(descriptor)
    let run = try BoundedRun.orgwiz(["check"], in: directory.path, seconds: 10)
    #expect(!run.timedOut)
    #expect(run.status == 65, "\(run.stderr)")
    #expect(run.stderr.contains("1024 MiB"), "\(run.stderr)")
  }

  @Test(.enabled(if: runningAsRoot, "needs root to act as another user"))
  func recordsWrittenUnderAUmaskOfAllBitsCanStillBeReadByTheirOwner() throws {
    let directory = try nobodysModel()
    defer { directory.remove() }
    let arguments = Self.answers.map { "'\($0)'" }.joined(separator: " ")
    let run = try BoundedRun.asNobody(
      "umask 0777; exec \"$ORGWIZ\" \(arguments)", in: directory.path)
    #expect(run.status == 0, "\(run.stderr)")
    for name in ["change.md", "org.json.undo.journal"] {
      #expect(
        mode(directory.file(name)) & 0o600 == 0o600, "\(name) is \(mode(directory.file(name)))")
      #expect(mode(directory.file(name)) & 0o077 == 0)
    }
    let undo = try BoundedRun.asNobody("exec \"$ORGWIZ\" undo --yes", in: directory.path)
    #expect(undo.status == 0, "undo could not read its own record: \(undo.stderr)")
  }
}
