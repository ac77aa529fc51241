import Crypto
import OrgWizJSON

/// SHA-256 for the model's fingerprints, through swift-crypto (BoringSSL, with the CPU's SHA
/// instructions where it has them): a large model is hashed several times a run, and the
/// core's portable implementation (`OrgWizCore.SHA256`, kept for the pure core) is about five
/// times slower. Declared here, it is the `SHA256` every command uses; both give the same hex.
enum SHA256 {
  /// The digest of `bytes` as 64 lowercase hex digits.
  static func hex(_ bytes: [UInt8]) -> String {
    hex(digest: Crypto.SHA256.hash(data: bytes))
  }
}

/// SHA-256 over bytes handed in pieces (a file read or written in pieces).
struct StreamingSHA256 {
  private var hasher = Crypto.SHA256()

  mutating func update(_ bytes: UnsafeRawBufferPointer) { hasher.update(bufferPointer: bytes) }

  /// The digest as 64 lowercase hex digits.
  func hex() -> String { SHA256.hex(digest: hasher.finalize()) }
}

extension SHA256 {
  static func hex(digest: some Sequence<UInt8>) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var text: [UInt8] = []
    text.reserveCapacity(64)
    for byte in digest {
      text.append(digits[Int(byte >> 4)])
      text.append(digits[Int(byte & 0x0f)])
    }
    return String(decoding: text, as: UTF8.self)
  }

  /// The digest of `document` as ``JSONWriter`` writes it (pretty), without holding the text.
  static func hex(of document: JSONValue) -> String {
    var hasher = StreamingSHA256()
    JSONWriter.write(document) { hasher.update(UnsafeRawBufferPointer($0)) }
    return hasher.hex()
  }
}
