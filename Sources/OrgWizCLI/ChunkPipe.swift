import Dispatch
import Synchronization

/// Pieces of a large text handed from one thread to another, a few at a time, so that two
/// cores share the work on a model's text: one makes (or verifies) it while the other writes
/// (or reads) and hashes it. At most `depth` pieces are on their way at once, and their buffers
/// are used again, so the text is never held whole.
///
/// One thread sends, one receives. The receiver may stop early (``stop()``): the sender's next
/// ``send(_:)`` says so instead of waiting for room that will never come.
final class ChunkPipe: Sendable {
  private struct State {
    /// Pieces sent and not yet received, oldest first.
    var queued: [[UInt8]] = []
    /// Buffers received and handed back, to be filled again.
    var spares: [[UInt8]] = []
    var stopped = false
  }

  private let state = Mutex(State())
  /// Counts the pieces queued (and the end, once closed).
  private let ready = DispatchSemaphore(value: 0)
  /// Counts the pieces that may still be sent before one is handed back.
  private let room = DispatchSemaphore(value: 0)

  init(depth: Int = 4) {
    // Made room for by signals, not by the initial value: a semaphore freed below its initial
    // value (a pipe given up with pieces still on their way) stops the process.
    for _ in 0..<depth { room.signal() }
  }

  /// Sends a copy of `bytes`, waiting while `depth` pieces are on their way; false, sending
  /// nothing, once the receiver has stopped.
  @discardableResult
  func send(_ bytes: UnsafeRawBufferPointer) -> Bool {
    if state.withLock({ $0.stopped }) { return false }
    room.wait()
    guard var piece = state.withLock({ $0.stopped ? nil : ($0.spares.popLast() ?? []) }) else {
      return false
    }
    piece.removeAll(keepingCapacity: true)
    piece.append(contentsOf: bytes)
    state.withLock { $0.queued.append(piece) }
    // Only the queue holds the buffer now, so the receiver's hand-back leaves it unshared.
    piece = []
    ready.signal()
    return true
  }

  /// Says that nothing more will be sent.
  func close() {
    ready.signal()
  }

  /// The next piece, waiting for it; nil once the sender has closed and every piece sent has
  /// been received. Hand the piece back with ``recycle(_:)`` once it is used.
  func receive() -> [UInt8]? {
    ready.wait()
    let piece = state.withLock { $0.queued.isEmpty ? nil : $0.queued.removeFirst() }
    // The end stays the end for any later call.
    if piece == nil { ready.signal() }
    return piece
  }

  /// Hands back a piece received, so that its buffer is filled again, and makes room for one
  /// more.
  func recycle(_ piece: consuming [UInt8]) {
    var piece = piece
    state.withLock { $0.spares.append(piece) }
    // Only the spare list holds the buffer now, so the sender fills it in place.
    piece = []
    room.signal()
  }

  /// The receiver wants nothing more: a send waiting for room, and every later one, returns
  /// false.
  func stop() {
    state.withLock { $0.stopped = true }
    room.signal()
  }
}
