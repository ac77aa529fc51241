import Dispatch
import Synchronization

/// Work started on another core, whose value is collected later. The machines orgwiz runs on
/// have at least two cores; hashing and checking a large model alongside the main work keeps
/// a run faster than rewriting the file with `jq`.
final class Background<Value: Sendable>: Sendable {
  private let result = Mutex<Value?>(nil)
  private let done = DispatchSemaphore(value: 0)

  init(_ work: @escaping @Sendable () -> Value) {
    DispatchQueue.global(qos: .userInitiated).async { [self] in
      let value = work()
      result.withLock { $0 = value }
      done.signal()
    }
  }

  /// Waits for the work and returns its value.
  func value() -> Value {
    done.wait()
    done.signal()
    return result.withLock { stored in
      guard let stored else { preconditionFailure("the background work finished without a value") }
      return stored
    }
  }
}
