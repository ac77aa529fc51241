import Foundation
import OrgWizCore
import OrgWizOkta
import OrgWizTerminal
import Synchronization

/// What a pull shows while it reads: objects read, requests made, the rate-limit budget the
/// latest answers reported, and an estimate of the time left. At a terminal one line on
/// standard error, redrawn every second; elsewhere (a log, CI) a line every 10 seconds.
final class PullProgress: Sendable {
  private let client: OktaClient
  private let sink: LockedSink
  private let terminal: Bool
  private struct State {
    var objects = 0
    /// Requests still expected (an estimate that grows as lists are read).
    var expected = 0
    var timer: (any DispatchSourceTimer)?
    var drawn = false
  }
  private let state = Mutex(State())
  private let started = DispatchTime.now().uptimeNanoseconds

  init(client: OktaClient, sink: LockedSink, terminal: Bool) {
    self.client = client
    self.sink = sink
    self.terminal = terminal
  }

  /// Starts the periodic line.
  func start() {
    let interval: Double = terminal ? 1 : 10
    state.withLock { state in
      let timer = DispatchSource.makeTimerSource(queue: .global())
      timer.schedule(deadline: .now() + interval, repeating: interval)
      timer.setEventHandler { [weak self] in self?.show() }
      timer.resume()
      state.timer = timer
    }
  }

  /// Stops it, clearing a drawn line.
  func stop() {
    // Cancelling does not wait for a line being shown, so it is done under the mutex.
    state.withLock { state in
      state.timer?.cancel()
      state.timer = nil
    }
    if terminal && state.withLock({ $0.drawn }) { sink.write(Style.redrawLine) }
  }

  /// `count` more objects read.
  func read(_ count: Int) { state.withLock { $0.objects += count } }

  /// `count` more requests expected.
  func expect(_ count: Int) { state.withLock { $0.expected += count } }

  /// `count` expected requests were made (or found in the journal).
  func done(_ count: Int) { state.withLock { $0.expected = max(0, $0.expected - count) } }

  /// The line as it stands.
  func line() -> String {
    let (objects, expected) = state.withLock { ($0.objects, $0.expected) }
    let requests = client.requestCount
    var parts = [
      "Pulling: \(Phrase.count(objects, "object")) read", Phrase.count(requests, "request"),
    ]
    let budget = client.rateLimitBudget
    if let budget {
      parts.append(
        "rate limit \(budget.remaining) of \(budget.limit) left (resets in "
          + "\(Int(budget.resetIn.rounded(.up))) s)")
    }
    if let left = Self.timeLeft(
      expected: expected, requests: requests,
      seconds: Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9, budget: budget)
    {
      parts.append("about \(Self.duration(left)) left")
    }
    return parts.joined(separator: ", ")
  }

  private func show() {
    let text = line()
    if terminal {
      state.withLock { $0.drawn = true }
      sink.write(Style.redrawLine + text)
    } else {
      sink.write(text + "\n")
    }
  }

  /// The time the expected requests take: at the rate seen so far, and no faster than the rate
  /// limit lets them (what is left of the budget now, then `limit` a minute).
  static func timeLeft(
    expected: Int, requests: Int, seconds: Double,
    budget: (remaining: Int, limit: Int, resetIn: Double)?
  ) -> Double? {
    guard expected > 0, requests > 0, seconds > 0 else { return nil }
    var left = Double(expected) * seconds / Double(requests)
    if let budget, budget.limit > 0, expected > budget.remaining {
      let beyond = Double(expected - budget.remaining)
      left = max(left, budget.resetIn + (beyond / Double(budget.limit) - 1).rounded(.up) * 60)
    }
    return left
  }

  /// "45 s", "12 min".
  static func duration(_ seconds: Double) -> String {
    seconds < 90 ? "\(Int(seconds.rounded(.up))) s" : "\(Int((seconds / 60).rounded())) min"
  }
}
