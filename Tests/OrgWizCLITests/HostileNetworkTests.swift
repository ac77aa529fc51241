import Foundation
import OrgWizJSON
import OrgWizTestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// `pull` and `apply` against a fake Okta that answers as a hostile server would: numbers of any
/// size in its headers, waits it asks for, answers trickled byte by byte, pages without end. The
/// contract (`okta-api.md`, "What orgwiz trusts: nothing it reads"): every number gives a defined
/// answer, no single wait is longer than 5 minutes, every wait over 2 s is announced, an overall
/// `--timeout` bounds each command, and the totals read are bounded.
@Suite(.serialized) struct HostileNetworkTests {
  typealias Place = LiveOrgTests.Place

  /// A run of the built binary, its peak resident memory, and whether it had to be killed for
  /// taking too long or growing past `memoryCeiling` bytes.
  struct WatchedRun {
    var status: Int32
    var signaled: Bool
    var killedFor: String?
    var stdout: String
    var stderr: String
    var seconds: Double
    /// The largest VmHWM seen in /proc (bytes).
    var peakBytes: Int

    static func orgwiz(
      _ arguments: [String], place: Place, extra: [String: String] = [:], seconds: Double,
      memoryCeiling: Int = 1 << 30
    ) throws -> WatchedRun {
      let started = Date()
      let process = try ProcessRunner.startOrgwiz(
        arguments, in: place.directory.path,
        environment: place.environment.merging(extra) { $1 }, timeout: seconds + 60)
      let pid = process.pid
      var peak = 0
      var killedFor: String?
      // Samples the peak memory while it runs: the sampling interval is a measurement's, not a
      // wait for an event.
      while process.isRunning {
        if let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) {
          for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let kilobytes = Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
            peak = max(peak, kilobytes * 1024)
          }
        }
        if killedFor == nil && peak > memoryCeiling {
          killedFor = "memory: \(peak >> 20) MiB"
          process.send(SIGKILL)
        } else if killedFor == nil && Date().timeIntervalSince(started) > seconds {
          killedFor = "time: over \(Int(seconds)) s"
          process.send(SIGKILL)
        }
        usleep(20_000)
      }
      let run = process.finish()
      return WatchedRun(
        status: run.status, signaled: run.signaled,
        killedFor: killedFor ?? (run.timedOut ? "time: over \(Int(seconds + 60)) s" : nil),
        stdout: run.stdout, stderr: run.stderr, seconds: run.seconds, peakBytes: peak)
    }

    var summary: String {
      "status \(status)\(signaled ? " (signal)" : "")\(killedFor.map { ", killed for \($0)" } ?? "") "
        + "after \(String(format: "%.1f", seconds)) s, peak \(peakBytes >> 20) MiB; stderr:\n"
        + stderr.suffix(2000)
    }
  }

  /// A fake org and a place to pull it into; every request must keep to Okta's spec.
  func withFake(
    _ options: FakeOkta.Options = .init(), _ body: (FakeOkta, Place) async throws -> Void
  ) async throws {
    let okta = try await FakeOkta.start(options: options)
    defer { okta.stop() }
    let place = try Place(okta)
    defer { place.directory.remove() }
    try await body(okta, place)
    let violations = try await okta.violations()
    #expect(violations.isEmpty, "requests that break Okta's spec: \(violations)")
  }

  static let pull = ["pull", "--embedded-widget", "off"]

  func pull(
    _ place: Place, _ more: [String] = [], extra: [String: String] = [:], seconds: Double = 30,
    memoryCeiling: Int = 1 << 30
  ) throws -> WatchedRun {
    try WatchedRun.orgwiz(
      Self.pull + ["--okta-url", place.okta.url] + more, place: place, extra: extra,
      seconds: seconds, memoryCeiling: memoryCeiling)
  }

  static func epoch(_ offset: Double) -> String {
    String(Int(Date().timeIntervalSince1970 + offset))
  }

  // MARK: - Every number read is bounded

  /// Headers of a 429 that no Okta would send; each must give a defined answer, never a crash.
  /// `expected`: the exit status; 75 says when the limit resets.
  struct Numbers: Sendable, CustomTestStringConvertible {
    var headers: [String: String]
    var expected: Int32
    var testDescription: String { headers.sorted { $0.key < $1.key }.description }
  }

  static let numbers: [Numbers] = [
    Numbers(headers: ["Retry-After": "1e300"], expected: 75),
    Numbers(headers: ["Retry-After": "inf"], expected: 75),
    Numbers(headers: ["Retry-After": "1.7976931348623157e308"], expected: 75),
    Numbers(headers: ["Retry-After": "9223372036854775807"], expected: 75),
    Numbers(
      headers: ["Retry-After": "nan", "X-Rate-Limit-Reset": "9223372036854775807"], expected: 75),
    Numbers(
      headers: [
        "X-Rate-Limit-Reset": "9223372036854775807", "Date": "Thu, 01 Jan 1970 00:00:00 GMT",
      ], expected: 75),
    Numbers(
      headers: [
        "X-Rate-Limit-Reset": "-9223372036854775808", "X-Rate-Limit-Limit": "-1",
        "X-Rate-Limit-Remaining": "-9223372036854775808",
      ], expected: 0),
    Numbers(
      headers: [
        "Retry-After": "-5", "X-Rate-Limit-Reset": "99999999999999999999999",
        "X-Rate-Limit-Limit": "NaN", "Date": "Sun, 99 Foo 99999 99:99:99 GMT",
      ], expected: 0),
    Numbers(headers: ["Retry-After": "soon", "X-Rate-Limit-Reset": "0x10"], expected: 0),
  ]

  @Test(arguments: numbers)
  func anyNumberInARateLimitGivesADefinedAnswer(_ numbers: Numbers) async throws {
    try await withFake { okta, place in
      try await okta.hostileFault(pathRegex: "^/api/v1/org$", status: 429, headers: numbers.headers)
      let run = try pull(place, seconds: 30)
      #expect(!run.signaled && run.killedFor == nil, "\(run.summary)")
      #expect(run.status == numbers.expected, "\(run.summary)")
      if numbers.expected == 75 {
        #expect(run.stderr.contains("rate limit"), "\(run.summary)")
        #expect(!FileManager.default.fileExists(atPath: place.directory.file("org.json")))
      }
    }
  }

  /// A `Content-Length` that is huge, negative or not a number: a defined answer (the body is
  /// read as libcurl takes the length, or the request fails and is retried), never a crash or a
  /// hang.
  @Test(arguments: ["99999999999999999999", "-1", "1e300", "abc", "0"])
  func anyContentLengthGivesADefinedAnswer(_ length: String) async throws {
    try await withFake { okta, place in
      try await okta.hostileFault(pathRegex: "^/api/v1/org$", headers: ["Content-Length": length])
      let run = try pull(place, seconds: 30)
      #expect(!run.signaled && run.killedFor == nil, "\(run.summary)")
      // libcurl reads "1e300" as 1, so the body is cut to "{", which is no JSON: 69.
      #expect([0, 69].contains(run.status), "\(run.summary)")
    }
  }

  /// A 429 that asks for an hour is refused at once (75, with when the limit resets), however
  /// long the retries may take.
  @Test func aWaitOverFiveMinutesIsNeverMade() async throws {
    try await withFake { okta, place in
      try await okta.hostileFault(
        pathRegex: "^/api/v1/org$", status: 429,
        headers: ["Retry-After": "3600", "X-Rate-Limit-Reset": Self.epoch(3600)])
      let run = try pull(place, extra: ["ORGWIZ_RETRY_SECONDS": "100000"], seconds: 20)
      #expect(run.status == 75, "\(run.summary)")
      #expect(run.seconds < 10, "\(run.summary)")
      #expect(run.stderr.contains("3600 s"), "\(run.summary)")
      #expect(run.stderr.contains(" UTC"), "the time the limit resets: \(run.summary)")
      #expect(run.stderr.contains("5 minutes"), "\(run.summary)")
    }
  }

  /// Every answer says no requests are left until an hour from now: the pull stops with 75
  /// and the reset time instead of pausing a minute before each request.
  @Test func noRequestsLeftForAnHourStopsAtOnce() async throws {
    try await withFake { okta, place in
      try await okta.hostileFault(
        headers: ["X-Rate-Limit-Remaining": "0", "X-Rate-Limit-Reset": Self.epoch(3600)],
        count: -1)
      let run = try pull(place, seconds: 30)
      #expect(run.status == 75, "\(run.summary)")
      #expect(run.seconds < 10, "\(run.summary)")
      #expect(run.stderr.contains(" UTC") && run.stderr.contains("rate limit"), "\(run.summary)")
    }
  }

  // MARK: - Nothing waits silently

  /// Off a terminal, a pause for the rate limit and a wait a 429 asks for are each announced:
  /// why, and until when.
  @Test func everyWaitOverTwoSecondsIsAnnounced() async throws {
    try await withFake { okta, place in
      // The list of servers (read after the 3 s wait below) leaves none of its bucket for
      // some 4 s more; reading their policies waits.
      try await okta.hostileFault(
        method: "GET", pathRegex: "^/api/v1/authorizationServers$",
        headers: ["X-Rate-Limit-Remaining": "0", "X-Rate-Limit-Reset": Self.epoch(8)])
      try await okta.hostileFault(
        pathRegex: "^/api/v1/org$", status: 429, headers: ["Retry-After": "3"])
      let run = try pull(place, extra: ["ORGWIZ_RETRY_SECONDS": "20"], seconds: 40)
      #expect(run.status == 0, "\(run.summary)")
      let lines = run.stderr.split(separator: "\n").map(String.init)
      let waits = lines.filter { $0.contains("until") && $0.contains("UTC") }
      #expect(waits.contains { $0.contains("HTTP 429") || $0.contains("rate limit was reached") })
      #expect(
        waits.contains { $0.contains("requests left") }, "the pacing pause: \(run.summary)")
    }
  }

  /// Answers trickled at 40 and at 1 byte a second are cut off and called what they are, and
  /// the time the whole pull takes stays within the retry budget.
  @Test(arguments: [40.0, 1.0])
  func aTrickledAnswerIsCutAndNamedTooSlow(_ rate: Double) async throws {
    try await withFake { okta, place in
      try await okta.hostileFault(
        pathRegex: "^/api/v1/org$", body: .trickle(bytes: max(200, Int(rate * 100)), rate: rate),
        count: -1)
      let run = try pull(place, extra: ["ORGWIZ_WAIT_SECONDS": "2"], seconds: 40)
      #expect(run.status == 69, "\(run.summary)")
      #expect(run.seconds < 25, "\(run.summary)")
      #expect(run.stderr.contains("came too slowly"), "\(run.summary)")
      #expect(run.stderr.contains("bytes in"), "\(run.summary)")
      #expect(!run.stderr.contains("no answer"), "the answer did start: \(run.summary)")
    }
  }

  // MARK: - The overall deadline

  /// `--timeout` bounds the whole pull: past it, 69 and no model.
  @Test func theDeadlineStopsAPullAndLeavesNoModel() async throws {
    try await withFake { okta, place in
      try await okta.hostileFault(pathRegex: "^/api/v1/apps", count: -1, delaySeconds: 20)
      let run = try pull(place, ["--timeout", "3"], seconds: 30)
      #expect(run.status == 69, "\(run.summary)")
      #expect(run.seconds < 10, "\(run.summary)")
      #expect(run.stderr.contains("--timeout"), "\(run.summary)")
      #expect(!FileManager.default.fileExists(atPath: place.directory.file("org.json")))
    }
  }

  @Test(arguments: ["0", "-5", "abc", "inf", "nan", "1e300"])
  func aTimeoutThatIsNotAPositiveNumberIsRefused(_ value: String) async throws {
    try await withFake { okta, place in
      let run = try pull(place, ["--timeout=\(value)"], seconds: 20)
      #expect(run.status == 64, "\(run.summary)")
      #expect(run.stderr.contains("--timeout must be a number of seconds"), "\(run.summary)")
      #expect(try await okta.requests().isEmpty, "nothing is read before the flag is checked")
    }
  }

  /// An apply whose read-back outlasts `--timeout` stops before its next request (69), and
  /// the record it writes says what was sent.
  @Test func theDeadlineStopsApplyBeforeItsNextRequest() async throws {
    try await LiveOrgTests().afterTheExampleRun { okta, place in
      let dry = try place.orgwiz(["apply", "--dry-run", "--yes"])
      let paths = dry.stderr.split(separator: "\n").compactMap { line -> String? in
        let text = line.trimmingCharacters(in: .whitespaces)
        return text.hasPrefix("PUT ") ? String(text.dropFirst(4)) : nil
      }
      try #require(paths.count >= 2, "the example plan sends two requests: \(dry.stderr)")
      try await okta.clearRequests()
      // The first object's read after its PUT (its drift read comes first) takes 20 s.
      try await okta.fault(
        method: "GET", pathRegex: "^" + NSRegularExpression.escapedPattern(for: paths[0]) + "$",
        count: 1, delaySeconds: 20, skip: 1)
      let run = try WatchedRun.orgwiz(
        ["apply", "--yes", "--timeout", "4"], place: place, seconds: 40)
      #expect(run.status == 69, "\(run.summary)")
      #expect(run.seconds < 15, "\(run.summary)")
      #expect(run.stderr.contains("--timeout"), "\(run.summary)")
      let puts = try await okta.requests().filter { $0.method == "PUT" }
      #expect(puts.map(\.path) == [paths[0]], "only the first request was sent")
      let records = place.applyRecords()
      #expect(records.count == 1, "an apply record is written: \(records)")
      // The first was sent and answered, but not read back: not known, never "failed"; the
      // second was not sent.
      let record = try #require(records.first)
      #expect(record.contains("not known"), "\(record)")
      #expect(record.contains("not sent"), "\(record)")
    }
  }

  // MARK: - Every total is bounded

  /// Pages that never end, each with a new cursor: the pull stops at its page bound with 69
  /// (1,000 pages; 50 here, through the knob that can only shorten it, to keep the test short).
  @Test func endlessSmallPagesStopAtThePageBound() async throws {
    // No rate limit gets in the way: the fake never sends a 429, and its pages say that
    // plenty of requests are left.
    try await withFake(.init(rateLimit: 0)) { okta, place in
      try await okta.hostileFault(
        method: "GET", pathRegex: "^/api/v1/authorizationServers$", body: .endless(bytes: 2),
        headers: ["X-Rate-Limit-Remaining": "599"], count: -1)
      let run = try pull(place, extra: ["ORGWIZ_MAX_PAGES": "50"], seconds: 30)
      #expect(run.status == 69, "\(run.summary)")
      #expect(run.stderr.contains("kept sending pages: 50 of them"), "\(run.summary)")
      let pages = try await okta.requests().filter { $0.path == "/api/v1/authorizationServers" }
      #expect(pages.count == 50, "one request a page, up to the bound")
      #expect(!FileManager.default.fileExists(atPath: place.directory.file("org.json")))
    }
  }

  /// Endless 4 MB pages: the pull stops with 69 before what it read passes the bound, and its
  /// memory stays near that bound, far below what the server would send.
  @Test func endlessBigPagesStopAtTheByteBoundInBoundedMemory() async throws {
    try await withFake { okta, place in
      try await okta.hostileFault(
        method: "GET", pathRegex: "^/api/v1/apps$", body: .endless(bytes: 4 << 20), count: -1)
      let run = try pull(
        place, extra: ["ORGWIZ_MAX_READ_BYTES": String(32 << 20)], seconds: 60,
        memoryCeiling: 1 << 30)
      #expect(run.status == 69, "\(run.summary)")
      #expect(run.stderr.contains("MiB"), "\(run.summary)")
      #expect(run.peakBytes < 400 << 20, "\(run.summary)")
      let pages = try await okta.requests().filter { $0.path == "/api/v1/apps" }.count
      #expect(pages <= 10, "read \(pages) pages of 4 MiB past a 32 MiB bound")
      #expect(!FileManager.default.fileExists(atPath: place.directory.file("org.json")))
    }
  }
}
