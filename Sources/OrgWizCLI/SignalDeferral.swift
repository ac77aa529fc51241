import OrgWizCore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Holds back Ctrl-C (SIGINT), SIGTERM and a closed terminal (SIGHUP) while files are being
/// replaced: the write takes a moment, and ending it half-way would leave it for the next run
/// to settle. A signal that arrives meanwhile is dropped once the write is over, since by
/// then the run has either written everything or put everything back. (SIGKILL cannot be held;
/// the write's journal covers it.)
enum SignalDeferral {
  static let held: [Int32] = [SIGINT, SIGTERM, SIGHUP]

  /// What to tell the user when a signal was held.
  static let heldNote =
    "an interrupt came while the files were being written; it was held until the write was "
    + "complete."

  /// Runs `body` with the signals held.
  /// - Returns: the body's value, and whether one of the signals arrived meanwhile.
  static func holding<Value>(
    _ body: () throws(OrgWizFailure) -> Value
  ) throws(OrgWizFailure) -> (value: Value, interrupted: Bool) {
    var set = sigset_t()
    sigemptyset(&set)
    for signal in held { sigaddset(&set, signal) }
    var previousMask = sigset_t()
    sigprocmask(SIG_BLOCK, &set, &previousMask)
    let result: Result<Value, OrgWizFailure>
    do throws(OrgWizFailure) {
      result = .success(try body())
    } catch {
      result = .failure(error)
    }
    var interrupted = false
    var pending = sigset_t()
    sigpending(&pending)
    for signal in held where sigismember(&pending, signal) == 1 {
      interrupted = true
      // Ignoring a pending signal discards it; then the earlier handling comes back.
      var ignore = sigaction()
      ignore.__sigaction_handler.sa_handler = SIG_IGN
      var earlier = sigaction()
      sigaction(signal, &ignore, &earlier)
      sigaction(signal, &earlier, nil)
    }
    sigprocmask(SIG_SETMASK, &previousMask, nil)
    return (try result.get(), interrupted)
  }
}
