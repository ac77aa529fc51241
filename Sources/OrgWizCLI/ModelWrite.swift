import OrgWizCore
import OrgWizJSON
import SystemPackage

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A new model staged for a write: its entry in the transaction, already written to its
/// staging name and verified, and the SHA-256 of the file staged.
struct StagedModel {
  let file: WriteTransaction.File
  let sha256: String

  /// What the commit is told of the model: staged already.
  var prestaged: [String: () -> Result<Void, OrgWizFailure>] { [file.role: { .success(()) }] }
}

extension ModelStore {
  /// Stages `model` to replace the transaction's model: the text goes to the staging file
  /// piece by piece as the writer makes it (1 MiB at a time), is flushed, and is then read
  /// back piece by piece and parsed against the document, value by value (``JSONVerifier``),
  /// while what is read is hashed. So the file is shown to hold a text that parses to exactly
  /// the model meant, and the very bytes written, without a second copy of the text or a
  /// second tree in memory.
  ///
  /// Two cores share the work (``ChunkPipe``): while this thread makes the text, another hashes
  /// and writes the pieces made; while this thread verifies the text read back, another reads
  /// and hashes the next pieces.
  static func stage(
    _ model: OrgModel, in transaction: WriteTransaction
  ) throws(OrgWizFailure) -> StagedModel {
    let document = model.document
    let file = WriteTransaction.File(role: "model", bytes: [], destination: transaction.model)
    let staged = transaction.stagingPath(for: file.destination)
    var digest = ""
    try transaction.write(file) { descriptor in
      let pipe = ChunkPipe()
      let writer = Background { hashAndWrite(from: pipe, to: descriptor) }
      JSONWriter.write(document) { pipe.send(UnsafeRawBufferPointer($0)) }
      pipe.close()
      let written = writer.value()
      digest = written.digest
      return FileIO.finish(descriptor, after: written.failure)
    }
    let unfaithful = { (reason: String) in
      OrgWizFailure(
        .cannotCreate, "\(file.destination) could not be written faithfully (\(reason)).",
        next: "Check the disk; the original file is untouched.")
    }
    let opened = FileIO.open(staged, .readOnly, [.noFollow, .closeOnExec])
    guard case .success(let descriptor) = opened else {
      let reason = opened.failure.map { "\($0)" } ?? ""
      unlink(staged)
      throw unfaithful("it cannot be read back: \(reason)")
    }
    defer { close(descriptor) }
    let pipe = ChunkPipe()
    let reader = Background { readAndHash(from: descriptor, to: pipe) }
    var pieces = PieceReader(pipe: pipe)
    let verified = Result { () throws(JSONVerifier.Mismatch) in
      try JSONVerifier.verify(document) { pieces.fill($0) }
    }
    // The reader is done before the descriptor is closed.
    pipe.stop()
    let read = reader.value()
    // A read that failed cut the text short where the verifier saw it end.
    if let failure = read.failure, pieces.ended {
      unlink(staged)
      throw unfaithful("it cannot be read back: \(failure)")
    }
    if case .failure(let error) = verified {
      unlink(staged)
      throw unfaithful("read back, it is not the model meant: \(error)")
    }
    guard read.digest == digest else {
      unlink(staged)
      throw unfaithful("read back, it holds other bytes than were written")
    }
    return StagedModel(file: file, sha256: digest)
  }

  /// Hashes and writes at `descriptor` every piece sent through `pipe` (after a failure, only
  /// hashes them): the SHA-256 of the pieces, and the reason the write failed.
  private static func hashAndWrite(
    from pipe: ChunkPipe, to descriptor: Int32
  ) -> (digest: String, failure: String?) {
    var hasher = StreamingSHA256()
    var failure: String?
    while let piece = pipe.receive() {
      piece.withUnsafeBytes { bytes in
        hasher.update(bytes)
        if failure == nil { failure = FileIO.writeAll(descriptor, bytes) }
      }
      pipe.recycle(piece)
    }
    return (hasher.hex(), failure)
  }

  /// Reads the file at `descriptor` 1 MiB at a time, hashing each piece and sending it through
  /// `pipe` until the end, a failure, or the receiver stops: the SHA-256 of what was read, and
  /// the reason reading failed.
  private static func readAndHash(
    from descriptor: Int32, to pipe: ChunkPipe
  ) -> (digest: String, failure: String?) {
    var hasher = StreamingSHA256()
    var buffer = [UInt8](repeating: 0, count: 1 << 20)
    var failure: String?
    while failure == nil {
      let count: Int
      do {
        count = try buffer.withUnsafeMutableBytes {
          try FileDescriptor(rawValue: descriptor).read(into: $0)
        }
      } catch {
        failure = "\(error)"
        break
      }
      if count == 0 { break }
      let sent = buffer.withUnsafeBytes { bytes in
        let piece = UnsafeRawBufferPointer(rebasing: bytes[..<count])
        hasher.update(piece)
        return pipe.send(piece)
      }
      if !sent { break }
    }
    pipe.close()
    return (hasher.hex(), failure)
  }

  /// Stages exactly `bytes` to replace the transaction's model (the bundled example's text, a
  /// restored backup): written and flushed, then read back, and it must hold exactly the bytes
  /// meant, which must parse as a model again. The parse runs on the bytes meant, beside the
  /// write, and the read-back shows the file holds those very bytes, so it is the file's own
  /// parse. The parsed model is kept until the live process exits (``ProcessLifetime``), so
  /// that freeing it is not on the way.
  static func stage(
    bytes: [UInt8], in transaction: WriteTransaction
  ) throws(OrgWizFailure) -> StagedModel {
    let file = WriteTransaction.File(role: "model", bytes: [], destination: transaction.model)
    let staged = transaction.stagingPath(for: file.destination)
    // A model is written, flushed and read back on another core while this one parses it (on
    // this thread, so that its allocations can reuse memory this thread freed before).
    let written = Background {
      Result { () throws(OrgWizFailure) in
        try transaction.write(file) { FileIO.finish($0, writing: bytes) }
        if let difference = try FileIO.compare(staged, with: bytes, what: "written model") {
          unlink(staged)
          throw OrgWizFailure(
            .cannotCreate,
            "\(file.destination) could not be written faithfully (read back differs: "
              + "\(difference)).",
            next: "Check the disk; the original file is untouched.")
        }
        return SHA256.hex(bytes)
      }
    }
    let parsed = Result { () throws(ModelLoadError) in
      try OrgModel.load(bytes, source: file.destination)
    }
    let digest = try written.value().get()
    switch parsed {
    case .success(let model):
      _ = kept(model)
    case .failure(let error):
      unlink(staged)
      throw OrgWizFailure(
        .cannotCreate,
        "The model orgwiz was about to write does not read back: \(error.message)",
        next: "Nothing was changed. Please report this with the model attached.")
    }
    return StagedModel(file: file, sha256: digest)
  }
}

/// Fills the verifier's buffer from the pieces a ``ChunkPipe`` brings, in order.
private struct PieceReader {
  let pipe: ChunkPipe
  private var current: [UInt8] = []
  private var offset = 0
  /// Whether the pieces ran out (the end of the file, or a failed read).
  private(set) var ended = false

  init(pipe: ChunkPipe) { self.pipe = pipe }

  /// Copies the next bytes into `buffer`: how many (0 at the end, -1 when reading failed).
  mutating func fill(_ buffer: UnsafeMutableRawBufferPointer) -> Int {
    if offset == current.count {
      var spent: [UInt8] = []
      swap(&spent, &current)
      if spent.capacity > 0 { pipe.recycle(spent) }
      guard let next = pipe.receive() else {
        ended = true
        return 0
      }
      current = next
      offset = 0
    }
    let count = min(buffer.count, current.count - offset)
    current.withUnsafeBytes { bytes in
      buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + count)]))
    }
    offset += count
    return count
  }
}
