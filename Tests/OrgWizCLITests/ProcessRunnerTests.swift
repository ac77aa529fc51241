import Foundation
import OrgWizTestSupport
import Testing

/// The tests' process runner: it must never be what hangs a test.
@Suite struct ProcessRunnerTests {
  /// A child that fills both pipes (1 MiB each, far past a pipe's 64 KiB) completes: the runner
  /// drains stdout and stderr at the same time.
  @Test func aChildWritingOneMiBToStdoutAndStderrCompletes() throws {
    let script =
      "head -c 1048576 /dev/zero; head -c 1048576 /dev/zero >&2; "
      + "head -c 1048576 /dev/zero; echo done >&2"
    let run = try ProcessRunner.run("/bin/sh", ["-c", script], timeout: 120)
    #expect(!run.timedOut, "\(run.seconds) s")
    #expect(run.status == 0 && !run.signaled)
    #expect(run.output.count == 2 << 20)
    #expect(run.errors.count == (1 << 20) + 5)
  }

  @Test func standardInputEnvironmentAndWorkingDirectoryReachTheChild() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let large = [UInt8](repeating: 0x61, count: 300_000)
    for input in [Array("small\n".utf8), large] {
      let run = try ProcessRunner.run(
        "/bin/sh", ["-c", "pwd; echo \"$GREETING\"; wc -c; echo \"${HOME-unset}\""],
        in: directory.path, environment: ["GREETING": "hello"], removing: ["HOME"],
        input: .bytes(input))
      let lines = run.stdout.split(separator: "\n").map {
        $0.trimmingCharacters(in: .whitespaces)
      }
      let real = URL(fileURLWithPath: directory.path).resolvingSymlinksInPath().path
      #expect(lines == [real, "hello", "\(input.count)", "unset"], "\(run)")
    }
  }

  /// Past its timeout the whole process group goes, a background child holding the pipes too,
  /// and the run says it timed out.
  @Test func aRunPastItsTimeoutIsKilledWithItsGroupAndReported() throws {
    let started = Date()
    let run = try ProcessRunner.run("/bin/sh", ["-c", "sleep 600 & sleep 600"], timeout: 1)
    #expect(run.timedOut)
    #expect(run.signaled && run.status == SIGKILL)
    #expect(Date().timeIntervalSince(started) < 30)
    #expect(run.description.contains("TIMED OUT"))
  }
}
