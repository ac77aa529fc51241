import Crypto
import OrgWizJSON

/// SHA-256 for the fingerprints (the model's, the procedure document's, the PKCE challenge),
/// through swift-crypto (BoringSSL, with the CPU's SHA instructions where it has them). The core
/// does no hashing: what it shows is computed here, at the edge, where the files are read.
public enum SHA256 {
  /// The digest of `bytes` as 64 lowercase hex digits.
  public static func hex(_ bytes: [UInt8]) -> String {
    hex(digest: Crypto.SHA256.hash(data: bytes))
  }

  /// The 32 bytes of the digest of `bytes`.
  static func digest(_ bytes: [UInt8]) -> [UInt8] {
    Array(Crypto.SHA256.hash(data: bytes))
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
