/// A JSON number kept as the exact literal text it was written with.
///
/// Nothing is converted when a document is parsed: `1`, `1.0`, `1.50`, `-0`, `2e10` and
/// `12345678901234567890` all survive a parse/write round trip byte for byte. Equality and
/// hashing are by literal text, so `1` and `1.0` are different numbers (lossless identity).
public struct JSONNumber: Sendable, Hashable, CustomStringConvertible {
  /// The exact literal text, e.g. `"1"`, `"-0"`, `"1.50"`, `"2e10"`. Always valid RFC 8259 grammar.
  public let literal: String

  /// Creates a number from a literal that the caller has already validated.
  init(uncheckedLiteral literal: String) {
    self.literal = literal
  }

  /// Creates an integer number; the literal is the decimal text of `value`.
  public init(_ value: Int) {
    self.literal = String(value)
  }

  /// Creates a number from a `Double` using its shortest round-trip text (`"\(value)"`, e.g.
  /// `1.5`, `1e+20`). Returns nil for NaN and the infinities, which JSON cannot represent.
  public init?(double value: Double) {
    guard value.isFinite else { return nil }
    self.literal = "\(value)"
  }

  /// Creates a number from literal text; returns nil unless `literal` matches the RFC 8259
  /// number grammar exactly (no leading `+`, no leading zeros, no surrounding whitespace).
  public init?(literal: String) {
    guard JSONNumber.isValidLiteral(literal) else { return nil }
    self.literal = literal
  }

  /// Whether the literal is an integer literal (no `.`, `e` or `E`).
  public var isInteger: Bool {
    for byte in literal.utf8 where byte == UInt8(ascii: ".") || byte | 0x20 == UInt8(ascii: "e") {
      return false
    }
    return true
  }

  /// The exact `Int` value if the literal is an integer literal that fits in `Int`; else nil.
  public var intValue: Int? {
    guard isInteger else { return nil }
    return Int(literal)
  }

  /// The nearest `Double`, or nil if the magnitude is too large for a finite `Double`
  /// (e.g. `1e400`). Precision may be lost for long literals.
  public var doubleValue: Double? {
    guard let value = Double(literal), value.isFinite else { return nil }
    return value
  }

  /// The literal text.
  public var description: String { literal }

  /// Whether `text` matches the RFC 8259 number grammar:
  /// `-? (0 | [1-9][0-9]*) (\.[0-9]+)? ([eE][+-]?[0-9]+)?`.
  static func isValidLiteral(_ text: String) -> Bool {
    withUTF8Bytes(text) { bytes in
      numberLiteralEnd(bytes, from: 0) == bytes.count
    }
  }

  /// Returns the index just past a valid number literal starting at `start`, or nil if the
  /// bytes there do not start with a valid number. Does not look at what follows the number.
  static func numberLiteralEnd(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
    var index = start
    let count = bytes.count
    if index < count && bytes[index] == UInt8(ascii: "-") { index += 1 }
    guard index < count else { return nil }
    if bytes[index] == UInt8(ascii: "0") {
      index += 1
    } else if bytes[index] >= UInt8(ascii: "1") && bytes[index] <= UInt8(ascii: "9") {
      while index < count && isDigit(bytes[index]) { index += 1 }
    } else {
      return nil
    }
    if index < count && bytes[index] == UInt8(ascii: ".") {
      index += 1
      guard index < count && isDigit(bytes[index]) else { return nil }
      while index < count && isDigit(bytes[index]) { index += 1 }
    }
    if index < count && (bytes[index] | 0x20) == UInt8(ascii: "e") {
      index += 1
      if index < count && (bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-")) {
        index += 1
      }
      guard index < count && isDigit(bytes[index]) else { return nil }
      while index < count && isDigit(bytes[index]) { index += 1 }
    }
    return index
  }
}

/// Whether `byte` is an ASCII decimal digit.
@inline(__always)
func isDigit(_ byte: UInt8) -> Bool {
  byte &- UInt8(ascii: "0") < 10
}
