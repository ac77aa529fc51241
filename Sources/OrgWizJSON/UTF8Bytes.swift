// Byte-level string helpers.
//
// Swift's `String` compares and hashes by Unicode canonical equivalence, so `"é"` (U+00E9) and
// `"e\u{301}"` are equal as Swift strings. JSON (RFC 8259 §8.3) compares strings code unit by
// code unit, and a lossless editor must not merge two keys that differ only in normalisation.
// Everything in this module that compares, orders or hashes JSON strings therefore goes through
// the UTF-8 bytes with the helpers below.

/// Calls `body` with the contiguous UTF-8 bytes of `string` (no copy for native strings).
@inline(__always)
func withUTF8Bytes<R>(_ string: String, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
  if let result = string.utf8.withContiguousStorageIfAvailable(body) {
    return result
  }
  let copy = Array(string.utf8)
  return copy.withUnsafeBufferPointer(body)
}

/// Whether two byte buffers hold the same bytes.
@inline(__always)
func bytesEqual(_ lhs: UnsafeBufferPointer<UInt8>, _ rhs: UnsafeBufferPointer<UInt8>) -> Bool {
  let count = lhs.count
  guard count == rhs.count else { return false }
  guard count > 0, let left = lhs.baseAddress, let right = rhs.baseAddress else { return true }
  var index = 0
  while index &+ 8 <= count {
    let leftWord = UnsafeRawPointer(left + index).loadUnaligned(as: UInt64.self)
    let rightWord = UnsafeRawPointer(right + index).loadUnaligned(as: UInt64.self)
    if leftWord != rightWord { return false }
    index &+= 8
  }
  while index < count {
    if left[index] != right[index] { return false }
    index &+= 1
  }
  return true
}

/// Three-way comparison of two byte buffers in lexicographic (unsigned byte) order.
@inline(__always)
func bytesCompare(_ lhs: UnsafeBufferPointer<UInt8>, _ rhs: UnsafeBufferPointer<UInt8>) -> Int {
  let common = Swift.min(lhs.count, rhs.count)
  var index = 0
  while index < common {
    let left = lhs[index]
    let right = rhs[index]
    if left != right { return left < right ? -1 : 1 }
    index &+= 1
  }
  if lhs.count == rhs.count { return 0 }
  return lhs.count < rhs.count ? -1 : 1
}

/// Whether two strings have identical UTF-8 bytes.
@inline(__always)
func utf8Equal(_ lhs: String, _ rhs: String) -> Bool {
  guard lhs.utf8.count == rhs.utf8.count else { return false }
  return withUTF8Bytes(lhs) { left in withUTF8Bytes(rhs) { right in bytesEqual(left, right) } }
}

/// Three-way comparison of two strings by UTF-8 bytes (which is Unicode code point order).
@inline(__always)
func utf8Compare(_ lhs: String, _ rhs: String) -> Int {
  withUTF8Bytes(lhs) { left in withUTF8Bytes(rhs) { right in bytesCompare(left, right) } }
}

/// Whether `lhs` sorts before `rhs` by UTF-8 bytes.
@inline(__always)
func utf8Less(_ lhs: String, _ rhs: String) -> Bool {
  utf8Compare(lhs, rhs) < 0
}

/// Feeds the UTF-8 bytes of `string` (and its length) into `hasher`.
@inline(__always)
func hashUTF8(_ string: String, into hasher: inout Hasher) {
  hasher.combine(string.utf8.count)
  withUTF8Bytes(string) { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
}

/// A string key that compares and hashes by its UTF-8 bytes.
struct ByteKey: Hashable {
  let string: String

  init(_ string: String) {
    self.string = string
  }

  static func == (lhs: ByteKey, rhs: ByteKey) -> Bool {
    utf8Equal(lhs.string, rhs.string)
  }

  func hash(into hasher: inout Hasher) {
    hashUTF8(string, into: &hasher)
  }
}

/// Uppercase four-digit hexadecimal form of a code point, e.g. `000A` or `1F600`.
func hex4Upper(_ value: UInt32) -> String {
  let text = String(value, radix: 16, uppercase: true)
  return text.count >= 4 ? text : String(repeating: "0", count: 4 - text.count) + text
}

/// Lowercase four-digit hexadecimal form of a code unit, e.g. `d800`.
func hex4Lower(_ value: UInt32) -> String {
  let text = String(value, radix: 16, uppercase: false)
  return text.count >= 4 ? text : String(repeating: "0", count: 4 - text.count) + text
}

/// The byte a one-character JSON escape stands for (`\"`, `\\`, `\/`, `\b`, `\f`, `\n`, `\r`,
/// `\t`), or nil for any other byte after a backslash (`u` included).
@inline(__always)
func unescapedByte(_ escaped: UInt8) -> UInt8? {
  switch escaped {
  case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): escaped
  case UInt8(ascii: "b"): 0x08
  case UInt8(ascii: "f"): 0x0C
  case UInt8(ascii: "n"): 0x0A
  case UInt8(ascii: "r"): 0x0D
  case UInt8(ascii: "t"): 0x09
  default: nil
  }
}

/// Appends the UTF-8 encoding of the scalar value `scalar` (not a surrogate, at most U+10FFFF).
func appendUTF8(_ scalar: UInt32, to bytes: inout [UInt8]) {
  switch scalar {
  case 0..<0x80:
    bytes.append(UInt8(scalar))
  case 0x80..<0x800:
    bytes.append(UInt8(0xC0 | (scalar >> 6)))
    bytes.append(UInt8(0x80 | (scalar & 0x3F)))
  case 0x800..<0x10000:
    bytes.append(UInt8(0xE0 | (scalar >> 12)))
    bytes.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
    bytes.append(UInt8(0x80 | (scalar & 0x3F)))
  default:
    bytes.append(UInt8(0xF0 | (scalar >> 18)))
    bytes.append(UInt8(0x80 | ((scalar >> 12) & 0x3F)))
    bytes.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
    bytes.append(UInt8(0x80 | (scalar & 0x3F)))
  }
}
