import Foundation
import OrgWizCLI
import OrgWizTestSupport
import Testing

/// The fingerprints shown in records and summaries are swift-crypto's SHA-256, checked here
/// against the standard test vectors (FIPS 180-4).
@Suite struct DigestTests {
  @Test(arguments: [
    ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
    ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
    (
      "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
    ),
  ])
  func sha256MatchesTheStandardVectors(_ input: String, _ digest: String) {
    #expect(SHA256.hex(Array(input.utf8)) == digest)
  }

  @Test func sha256OfAMillionAs() {
    #expect(
      SHA256.hex([UInt8](repeating: 0x61, count: 1_000_000))
        == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
  }

  @Test func aProcedureIsFingerprintedAsItsFileIsWithoutAByteOrderMark() throws {
    let path = Fixtures.contentDirectory + "/interaction-code.md"
    let bytes = try #require(FileManager.default.contents(atPath: path))
    let text = String(decoding: bytes, as: UTF8.self)
    #expect(try Fixtures.procedure().sha256 == SHA256.hex(Array(bytes)))
    let marked = try ProcedureDocument.parse("\u{FEFF}" + text, file: path)
    #expect(marked.sha256 == SHA256.hex(Array(bytes)))
  }
}
