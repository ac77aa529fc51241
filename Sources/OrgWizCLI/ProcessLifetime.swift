import Synchronization

/// Large values that the live process keeps until it exits instead of freeing them just before:
/// a parsed model, its JSON tree, a run's states. Freeing a large model is freeing millions of
/// small objects one by one (on the bench's 77.5 MB model, about a tenth of `check`'s time),
/// while the system takes the whole address space back at once when the process ends; compilers
/// skip freeing at exit for the same reason.
///
/// Only the executable's entry point turns keeping on (``keepUntilExit()``). Anything else that
/// runs commands in one process (the tests, many commands each) leaves it off: then ``keep(_:)``
/// does nothing and every value is freed as usual, so nothing accumulates.
public enum ProcessLifetime {
  /// The values kept; nil while keeping is off.
  private static let kept = Mutex<[any Sendable]?>(nil)

  /// Keeps every value handed to ``keep(_:)`` from now on until the process exits. For the
  /// executable's entry point alone, which ends with `exit`.
  public static func keepUntilExit() {
    kept.withLock { kept in if kept == nil { kept = [] } }
  }

  /// Keeps `value` until the process exits, when the process asked for that; otherwise does
  /// nothing. A value kept is not freed when its last use passes, nor at the end of the
  /// command.
  static func keep(_ value: some Sendable) {
    kept.withLock { kept in kept?.append(value) }
  }

  /// How many values are kept (none unless ``keepUntilExit()`` was called).
  static var count: Int { kept.withLock { $0?.count ?? 0 } }
}
