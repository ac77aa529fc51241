import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A handshake with one of orgwiz's fault points (`ORGWIZ_TEST_FAULT=<point>:pause=<seconds>`
/// with `ORGWIZ_TEST_FAULT_SIGNAL`, debug builds only): the run creates a signal file when it
/// reaches the point and stays there until the test removes it. So a test waits for the run to
/// be at the point, never for some time to have passed, and lets it go on when it has done its
/// part.
public struct FaultPause: Sendable {
  public let point: String
  /// The signal file, outside every directory a test looks at.
  public let signal: String
  /// The longest the run stays at the point when nobody lets it go.
  public let limit: Double

  public init(_ point: String, limit: Double = 120) {
    self.point = point
    self.limit = limit
    signal = NSTemporaryDirectory() + "/orgwiz-fault-\(UUID().uuidString)"
  }

  /// The variables that set the pause up for a run.
  public var environment: [String: String] {
    ["ORGWIZ_TEST_FAULT": "\(point):pause=\(limit)", "ORGWIZ_TEST_FAULT_SIGNAL": signal]
  }

  /// ``environment`` as shell assignments, to put before a command in a script.
  public var shellAssignments: String {
    environment.sorted { $0.key < $1.key }.map { "\($0.key)='\($0.value)'" }
      .joined(separator: " ")
  }

  /// A shell loop that waits (at most `seconds`) until a run is at the point.
  public func shellWait(seconds: Int = 60) -> String {
    "i=0; while [ ! -e '\(signal)' ] && [ $i -lt \(seconds * 100) ]; do sleep 0.01; i=$((i+1)); done"
  }

  /// Whether a run is at the point now.
  public var isReached: Bool { access(signal, F_OK) == 0 }

  /// Waits until a run is at the point; fails after `seconds` (or at once when `process` has
  /// ended), saying where it was waited for.
  public func waitUntilReached(
    by process: RunningProcess? = nil, seconds: Double = 60
  ) throws {
    let deadline = Date().addingTimeInterval(seconds)
    while !isReached {
      if let process, !process.isRunning {
        let run = process.finish()
        throw FixtureError("the run ended before it reached the fault point \(point): \(run)")
      }
      if Date() > deadline {
        throw FixtureError("the run did not reach the fault point \(point) within \(seconds) s")
      }
      // A poll of the file the run creates (a few ms apart): this waits for that event.
      usleep(2_000)
    }
  }

  /// Lets the run at the point go on.
  public func release() { unlink(signal) }

  /// Lets the run pass the point `count` more times, waiting for each arrival (the first may
  /// already be there).
  public func pass(_ count: Int, seconds: Double = 60) throws {
    for _ in 0..<count {
      try waitUntilReached(seconds: seconds)
      release()
    }
  }
}

/// Waits until `condition` holds, looking again a few ms apart (for an event another process
/// shows only in the file system); false after `seconds`.
public func waitUntil(seconds: Double = 60, _ condition: () -> Bool) -> Bool {
  let deadline = Date().addingTimeInterval(seconds)
  while !condition() {
    if Date() > deadline { return false }
    usleep(2_000)
  }
  return true
}

/// Waits for a file (or a directory) to appear; false after `seconds`.
public func waitForPath(_ path: String, seconds: Double = 60) -> Bool {
  waitUntil(seconds: seconds) { access(path, F_OK) == 0 }
}
