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
  static func stage(
    _ model: OrgModel, in transaction: WriteTransaction
  ) throws(OrgWizFailure) -> StagedModel {
    let document = model.document
    let file = WriteTransaction.File(role: "model", bytes: [], destination: transaction.model)
    let staged = transaction.stagingPath(for: file.destination)
    var written = StreamingSHA256()
    try transaction.write(file) { descriptor in
      var failure: String?
      JSONWriter.write(document) { piece in
        guard failure == nil else { return }
        let bytes = UnsafeRawBufferPointer(piece)
        written.update(bytes)
        failure = FileIO.writeAll(descriptor, bytes)
      }
      return FileIO.finish(descriptor, after: failure)
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
    var read = StreamingSHA256()
    var readError: (any Error)?
    do {
      try JSONVerifier.verify(document) { buffer in
        do {
          let count = try FileDescriptor(rawValue: descriptor).read(
            into: UnsafeMutableRawBufferPointer(buffer))
          if count > 0 { read.update(UnsafeRawBufferPointer(rebasing: buffer[..<count])) }
          return count
        } catch {
          readError = error
          return -1
        }
      }
    } catch {
      unlink(staged)
      throw unfaithful(
        readError.map { "it cannot be read back: \($0)" }
          ?? "read back, it is not the model meant: \(error)")
    }
    let digest = written.hex()
    guard read.hex() == digest else {
      unlink(staged)
      throw unfaithful("read back, it holds other bytes than were written")
    }
    return StagedModel(file: file, sha256: digest)
  }

  /// Stages exactly `bytes` to replace the transaction's model (the bundled example's text, a
  /// restored backup): written and flushed, then read back, and it must hold exactly the bytes
  /// meant, which must parse as a model again. The parse runs on the bytes meant, beside the
  /// write, and the read-back shows the file holds those very bytes, so it is the file's own
  /// parse. The parsed model is kept until the transaction ends, so that freeing it is not on
  /// the way.
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
      transaction.kept.keep(model)
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
