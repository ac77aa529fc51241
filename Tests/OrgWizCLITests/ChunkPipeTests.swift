import Testing

@testable import OrgWizCLI

/// The pipe through which two cores share a model's write and its read-back (`ChunkPipe`):
/// what one thread sends, the other receives whole and in order, and neither waits forever
/// for the other.
struct ChunkPipeTests {
  /// Every piece arrives whole and in order, many more than fit in the pipe at once, and a
  /// piece received keeps its bytes after its buffer is handed back and filled again.
  @Test func piecesArriveWholeAndInOrder() {
    let pipe = ChunkPipe(depth: 2)
    let sender = Background { () -> Int in
      for number in 0..<50 {
        let piece = [UInt8](repeating: UInt8(number), count: 1000 + number)
        _ = piece.withUnsafeBytes { pipe.send($0) }
      }
      pipe.close()
      return 50
    }
    var received: [[UInt8]] = []
    while let piece = pipe.receive() {
      received.append(piece)
      pipe.recycle(piece)
    }
    #expect(sender.value() == received.count)
    for (number, piece) in received.enumerated() {
      #expect(piece == [UInt8](repeating: UInt8(number), count: 1000 + number))
    }
    #expect(pipe.receive() == nil, "the end is not the end for a later call")
  }

  /// A receiver that stops early (a read-back found a difference) frees a sender waiting for
  /// room, and every later send is refused, so the sender ends instead of waiting forever.
  @Test(.timeLimit(.minutes(1))) func aStoppedReceiverFreesTheSender() {
    let pipe = ChunkPipe(depth: 1)
    let sender = Background { () -> Int in
      var sent = 0
      let piece = [UInt8](repeating: 1, count: 10)
      while piece.withUnsafeBytes({ pipe.send($0) }) { sent += 1 }
      return sent
    }
    #expect(pipe.receive() == [UInt8](repeating: 1, count: 10))
    pipe.stop()
    #expect(sender.value() >= 1)
    let late = [UInt8](repeating: 2, count: 10)
    #expect(!late.withUnsafeBytes { pipe.send($0) })
  }
}
