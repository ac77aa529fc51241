import Crypto

/// SHA-256 for the model's fingerprints, through swift-crypto (BoringSSL, with the CPU's SHA
/// instructions where it has them): a large model is hashed several times a run, and the
/// core's portable implementation (`OrgWizCore.SHA256`, kept for the pure core) is about five
/// times slower. Declared here, it is the `SHA256` every command uses; both give the same hex.
enum SHA256 {
  /// The digest of `bytes` as 64 lowercase hex digits.
  static func hex(_ bytes: [UInt8]) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var text: [UInt8] = []
    text.reserveCapacity(64)
    for byte in Crypto.SHA256.hash(data: bytes) {
      text.append(digits[Int(byte >> 4)])
      text.append(digits[Int(byte & 0x0f)])
    }
    return String(decoding: text, as: UTF8.self)
  }
}
