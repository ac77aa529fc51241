/// A strict RFC 8259 parser working over raw UTF-8 bytes.
///
/// - Any value is allowed at the top level; a leading UTF-8 byte order mark is skipped.
/// - Whitespace is space, tab, LF and CR only. No comments, trailing commas, single quotes,
///   `NaN`/`Infinity`, leading zeros or `+` signs.
/// - Strings must be valid UTF-8 without raw control characters; escapes are `\" \\ \/ \b \f
///   \n \r \t \uXXXX`, surrogate pairs are combined and a lone surrogate is an error.
/// - Duplicate keys in one object are an error (data would otherwise be silently lost).
/// - Nesting deeper than ``maximumDepth`` is an error, so hostile input cannot overflow the
///   stack. No input can make the parser crash.
/// - Numbers are kept as their literal text; nothing is converted.
public enum JSONParser {
  /// The deepest nesting of arrays and objects accepted.
  public static let maximumDepth = 512

  /// Parses a complete JSON document.
  public static func parse(_ bytes: [UInt8]) throws(JSONParseError) -> JSONValue {
    let result = bytes.withUnsafeBufferPointer { parseResult($0) }
    return try result.get()
  }

  /// Parses a complete JSON document from the UTF-8 of `text`.
  public static func parse(_ text: String) throws(JSONParseError) -> JSONValue {
    var text = text
    let result = text.withUTF8 { parseResult($0) }
    return try result.get()
  }

  /// Parses a complete JSON document in `buffer`, telling `release` now and then how far it
  /// has got: the bytes before that offset are never read again (a caller holding a large
  /// file may give their memory back). After a failure the error's line and column are
  /// those of the bytes as they then are: a caller that released any should parse the text
  /// again to report it.
  public static func parse(
    _ buffer: UnsafeBufferPointer<UInt8>, releasing release: (Int) -> Void
  ) throws(JSONParseError) -> JSONValue {
    let result = withoutActuallyEscaping(release) { release in
      parseResult(buffer, release: release)
    }
    return try result.get()
  }

  static func parseResult(
    _ buffer: UnsafeBufferPointer<UInt8>, release: ((Int) -> Void)? = nil
  ) -> Result<JSONValue, JSONParseError> {
    guard let base = buffer.baseAddress, buffer.count > 0 else {
      return .failure(JSONParseError(message: "the file is empty", line: 1, column: 1, offset: 0))
    }
    var parser = Parser(bytes: base, count: buffer.count)
    if let release {
      parser.release = release
      parser.nextRelease = Parser.releaseInterval
    }
    do {
      return .success(try parser.parseDocument())
    } catch {
      return .failure(error)
    }
  }
}

// MARK: - Byte constants

private let quote = UInt8(ascii: "\"")
private let backslash = UInt8(ascii: "\\")
private let openBrace = UInt8(ascii: "{")
private let closeBrace = UInt8(ascii: "}")
private let openBracket = UInt8(ascii: "[")
private let closeBracket = UInt8(ascii: "]")
private let comma = UInt8(ascii: ",")
private let colon = UInt8(ascii: ":")
/// Eight spaces read as one word.
private let eightSpaces: UInt64 = 0x2020_2020_2020_2020

// MARK: - Scratch stack

/// A growable stack of values that hands out exact-size arrays by moving (not copying) its top
/// elements, so each parsed container costs exactly one allocation and no reference counting.
private struct ScratchStack<Element>: ~Copyable {
  var base: UnsafeMutablePointer<Element>
  var count = 0
  var capacity: Int

  init(capacity: Int) {
    self.capacity = capacity
    self.base = UnsafeMutablePointer<Element>.allocate(capacity: capacity)
  }

  deinit {
    base.deinitialize(count: count)
    base.deallocate()
  }

  @inline(__always)
  mutating func push(_ element: consuming Element) {
    if count == capacity { grow() }
    (base + count).initialize(to: element)
    count &+= 1
  }

  @inline(never)
  mutating func grow() {
    let newCapacity = capacity * 2
    let newBase = UnsafeMutablePointer<Element>.allocate(capacity: newCapacity)
    newBase.moveInitialize(from: base, count: count)
    base.deallocate()
    base = newBase
    capacity = newCapacity
  }

  /// Removes the elements from `start` to the top and returns them as an array.
  mutating func popArray(from start: Int) -> [Element] {
    let length = count - start
    if length <= 0 { return [] }
    let source = base + start
    var moved = false
    let array = [Element](unsafeUninitializedCapacity: length) { buffer, initializedCount in
      if let destination = buffer.baseAddress {
        destination.moveInitialize(from: source, count: length)
        initializedCount = length
        moved = true
      }
    }
    if !moved { source.deinitialize(count: length) }
    count = start
    return array
  }
}

// MARK: - Parser

/// Slots of the parser's key cache (a power of two).
private let keyCacheSize = 512

private struct Parser: ~Copyable {
  let bytes: UnsafePointer<UInt8>
  let count: Int
  var pos = 0
  var depth = 0
  var values = ScratchStack<JSONValue>(capacity: 256)
  var members = ScratchStack<(key: String, value: JSONValue)>(capacity: 256)
  var scratch: [UInt8] = []
  /// Object keys seen, by a hash of their bytes (see ``parseKey()``).
  var keyCache = [String](repeating: "", count: keyCacheSize)
  /// Told how far the parse has got, every ``releaseInterval`` bytes or so.
  var release: ((Int) -> Void)?
  var nextRelease = Int.max
  static let releaseInterval = 1 << 20

  /// Tells `release` how far the parse has got, once it is ``releaseInterval`` further.
  @inline(__always)
  mutating func reportProgress() {
    if pos >= nextRelease { releaseConsumed() }
  }

  @inline(never)
  mutating func releaseConsumed() {
    release?(pos)
    nextRelease = pos &+ Parser.releaseInterval
  }

  init(bytes: UnsafePointer<UInt8>, count: Int) {
    self.bytes = bytes
    self.count = count
  }

  // MARK: Errors

  @inline(never)
  func error(_ message: String, at offset: Int) -> JSONParseError {
    JSONParseError.at(offset, in: UnsafeBufferPointer(start: bytes, count: count), message: message)
  }

  /// The error for a byte that cannot start a value.
  @inline(never)
  func unexpectedValueStart(at offset: Int) -> JSONParseError {
    guard offset < count else { return error("unexpected end of input", at: offset) }
    let byte = bytes[offset]
    let rest = UnsafeBufferPointer(start: bytes + offset, count: count - offset)
    switch byte {
    case UInt8(ascii: "'"):
      return error("single quotes are not allowed, strings need double quotes", at: offset)
    case UInt8(ascii: "/"):
      return error("comments are not allowed", at: offset)
    case UInt8(ascii: "+"):
      return error("a number cannot start with '+'", at: offset)
    case UInt8(ascii: "."):
      return error("a number must start with a digit", at: offset)
    case UInt8(ascii: "N") where rest.starts(with: "NaN".utf8):
      return error("NaN is not allowed", at: offset)
    case UInt8(ascii: "I") where rest.starts(with: "Infinity".utf8):
      return error("Infinity is not allowed", at: offset)
    case closeBracket, closeBrace, comma, colon:
      return error("expected a value, found '\(Character(Unicode.Scalar(byte)))'", at: offset)
    default:
      if byte >= 0x80 && validUTF8SequenceEnd(at: offset) == nil {
        return error("invalid UTF-8", at: offset)
      }
      return error("unexpected \(describeCharacter(at: offset)), expected a value", at: offset)
    }
  }

  /// `character 'x'`, `character U+0001` or `invalid UTF-8` for the byte(s) at `offset`.
  func describeCharacter(at offset: Int) -> String {
    let byte = bytes[offset]
    if byte < 0x20 || byte == 0x7F {
      return "character U+\(hex4Upper(UInt32(byte)))"
    }
    if byte < 0x80 {
      return "character '\(Character(Unicode.Scalar(byte)))'"
    }
    guard let end = validUTF8SequenceEnd(at: offset) else { return "invalid UTF-8" }
    let text = String(
      decoding: UnsafeBufferPointer(start: bytes + offset, count: end - offset), as: UTF8.self)
    let scalar = text.unicodeScalars.first.map { hex4Upper($0.value) } ?? ""
    return "character '\(text)' (U+\(scalar))"
  }

  // MARK: Document

  mutating func parseDocument() throws(JSONParseError) -> JSONValue {
    if count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF {
      pos = 3
    }
    if pos == count { throw error("the file is empty", at: pos) }
    skipWhitespace()
    if pos == count { throw error("the file contains only whitespace", at: pos) }
    let value = try parseValue()
    skipWhitespace()
    if pos != count {
      throw error("trailing characters after the top-level value", at: pos)
    }
    return value
  }

  @inline(__always)
  mutating func skipWhitespace() {
    while pos < count {
      let byte = bytes[pos]
      if byte > 0x20 { return }
      guard byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 else { return }
      pos &+= 1
      // A pretty-printed model is a third spaces, nearly all of them indentation after a line
      // break: those are skipped eight at a time.
      if byte == 0x0A {
        while pos &+ 8 <= count,
          UnsafeRawPointer(bytes + pos).loadUnaligned(as: UInt64.self) == eightSpaces
        {
          pos &+= 8
        }
      }
    }
  }

  // MARK: Values

  /// Parses the value starting at `pos` (whitespace already skipped).
  mutating func parseValue() throws(JSONParseError) -> JSONValue {
    guard pos < count else { throw error("unexpected end of input", at: pos) }
    switch bytes[pos] {
    case quote:
      return .string(try parseString())
    case openBrace:
      return try parseObject()
    case openBracket:
      return try parseArray()
    case UInt8(ascii: "t"):
      try expectLiteral("true")
      return .bool(true)
    case UInt8(ascii: "f"):
      try expectLiteral("false")
      return .bool(false)
    case UInt8(ascii: "n"):
      try expectLiteral("null")
      return .null
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
      return .number(try parseNumber())
    default:
      throw unexpectedValueStart(at: pos)
    }
  }

  mutating func expectLiteral(_ literal: StaticString) throws(JSONParseError) {
    let length = literal.utf8CodeUnitCount
    let expected = literal.utf8Start
    var index = 0
    while index < length {
      guard pos + index < count else {
        throw error("unexpected end of input, expected \(literal)", at: pos + index)
      }
      guard bytes[pos + index] == expected[index] else {
        throw error("invalid literal, expected \(literal)", at: pos + index)
      }
      index += 1
    }
    pos += length
  }

  /// Enters the array or object whose opening byte is at `pos`: one level deeper (refused
  /// past the limit), then past that byte and any white space. True when `close` follows at
  /// once: the container is empty, already left, and `pos` is past it.
  @inline(__always)
  mutating func enterContainer(closedBy close: UInt8) throws(JSONParseError) -> Bool {
    depth += 1
    if depth > JSONParser.maximumDepth {
      throw error("nesting deeper than \(JSONParser.maximumDepth) levels", at: pos)
    }
    pos += 1
    skipWhitespace()
    guard pos < count && bytes[pos] == close else { return false }
    pos += 1
    depth -= 1
    return true
  }

  /// After an array element or an object member: true past a `,` (after which another must
  /// come: a trailing comma is refused), false past `close`, which ends the container.
  @inline(__always)
  mutating func moreFollow(
    closedBy close: UInt8, after what: StaticString
  ) throws(JSONParseError) -> Bool {
    skipWhitespace()
    guard pos < count else {
      throw error("unexpected end of input, expected ',' or '\(Unicode.Scalar(close))'", at: pos)
    }
    let byte = bytes[pos]
    if byte == comma {
      let commaOffset = pos
      pos += 1
      skipWhitespace()
      if pos < count && bytes[pos] == close {
        throw error("trailing comma is not allowed", at: commaOffset)
      }
      return true
    }
    if byte == close {
      pos += 1
      return false
    }
    throw error("expected ',' or '\(Unicode.Scalar(close))' after \(what)", at: pos)
  }

  mutating func parseArray() throws(JSONParseError) -> JSONValue {
    if try enterContainer(closedBy: closeBracket) { return .array([]) }
    let start = values.count
    repeat {
      let element = try parseValue()
      values.push(element)
      reportProgress()
    } while try moreFollow(closedBy: closeBracket, after: "an array element")
    depth -= 1
    return .array(values.popArray(from: start))
  }

  mutating func parseObject() throws(JSONParseError) -> JSONValue {
    if try enterContainer(closedBy: closeBrace) { return .object(JSONObject()) }
    let start = members.count
    var keySet: Set<ByteKey>?
    while true {
      guard pos < count else {
        throw error("unexpected end of input, expected a string key", at: pos)
      }
      guard bytes[pos] == quote else {
        if bytes[pos] == UInt8(ascii: "'") {
          throw error("single quotes are not allowed, strings need double quotes", at: pos)
        }
        throw error("expected a string key in double quotes", at: pos)
      }
      let keyOffset = pos
      let key = try parseKey()
      try checkDuplicate(key, from: start, keySet: &keySet, at: keyOffset)
      skipWhitespace()
      guard pos < count else {
        throw error("unexpected end of input, expected ':'", at: pos)
      }
      guard bytes[pos] == colon else {
        throw error("expected ':' after an object key", at: pos)
      }
      pos += 1
      skipWhitespace()
      let value = try parseValue()
      members.push((key: key, value: value))
      reportProgress()
      guard try moreFollow(closedBy: closeBrace, after: "an object member") else { break }
    }
    depth -= 1
    return .object(JSONObject(uniqueMembers: members.popArray(from: start)))
  }

  /// Throws if `key` is already a member of the object whose members start at `start`.
  @inline(__always)
  func checkDuplicate(
    _ key: String, from start: Int, keySet: inout Set<ByteKey>?, at offset: Int
  ) throws(JSONParseError) {
    let existing = members.count - start
    if existing == 0 { return }
    if existing < JSONObject.linearScanLimit && keySet == nil {
      let keyCount = key.utf8.count
      let duplicate = withUTF8Bytes(key) { keyBytes in
        var index = start
        while index < members.count {
          let other = members.base[index].key
          if other.utf8.count == keyCount && withUTF8Bytes(other, { bytesEqual($0, keyBytes) }) {
            return true
          }
          index += 1
        }
        return false
      }
      if duplicate { throw duplicateKeyError(key, at: offset) }
      return
    }
    if keySet == nil {
      var set = Set<ByteKey>(minimumCapacity: existing * 2)
      for index in start..<members.count {
        set.insert(ByteKey(members.base[index].key))
      }
      keySet = set
    }
    if keySet?.insert(ByteKey(key)).inserted == false {
      throw duplicateKeyError(key, at: offset)
    }
  }

  @inline(never)
  func duplicateKeyError(_ key: String, at offset: Int) -> JSONParseError {
    error("duplicate key \(JSONValue.string(key).briefDescription) in object", at: offset)
  }

  // MARK: Numbers

  mutating func parseNumber() throws(JSONParseError) -> JSONNumber {
    let start = pos
    var index = pos
    if bytes[index] == UInt8(ascii: "-") {
      index += 1
      guard index < count && isDigit(bytes[index]) else {
        let rest = UnsafeBufferPointer(start: bytes + index, count: count - index)
        if rest.starts(with: "Infinity".utf8) {
          throw error("-Infinity is not allowed", at: start)
        }
        throw error("expected a digit after '-'", at: index)
      }
    }
    if bytes[index] == UInt8(ascii: "0") {
      index += 1
      if index < count && isDigit(bytes[index]) {
        throw error("leading zeros are not allowed in numbers", at: index - 1)
      }
    } else {
      while index < count && isDigit(bytes[index]) { index &+= 1 }
    }
    if index < count && bytes[index] == UInt8(ascii: ".") {
      index += 1
      guard index < count && isDigit(bytes[index]) else {
        throw error("expected a digit after the decimal point", at: index)
      }
      while index < count && isDigit(bytes[index]) { index &+= 1 }
    }
    if index < count && (bytes[index] | 0x20) == UInt8(ascii: "e") {
      index += 1
      if index < count && (bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-")) {
        index += 1
      }
      guard index < count && isDigit(bytes[index]) else {
        throw error("expected a digit in the exponent", at: index)
      }
      while index < count && isDigit(bytes[index]) { index &+= 1 }
    }
    pos = index
    let literal = String(
      decoding: UnsafeBufferPointer(start: bytes + start, count: index - start), as: UTF8.self)
    return JSONNumber(uncheckedLiteral: literal)
  }

  // MARK: Strings

  /// Parses the string whose opening quote is at `pos`.
  /// An object key. The same keys come back in every app, server, policy and rule of a model,
  /// so a short plain-ASCII key (no escapes) is looked up first among the keys already made,
  /// by a hash of its bytes: each distinct key becomes a `String` once and is shared, instead
  /// of being made (and, when longer than 15 bytes, allocated) again for every object. Any
  /// other key goes through ``parseString()``.
  mutating func parseKey() throws(JSONParseError) -> String {
    let start = pos + 1
    let limit = Swift.min(count, start + 64)
    var index = start
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    while index < limit {
      let byte = bytes[index]
      if byte == quote { break }
      if byte == backslash || byte < 0x20 || byte >= 0x80 { return try parseString() }
      hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
      index &+= 1
    }
    guard index < limit else { return try parseString() }
    let key = UnsafeBufferPointer(start: bytes + start, count: index - start)
    let slot = Int(truncatingIfNeeded: hash ^ (hash >> 29)) & (keyCacheSize - 1)
    pos = index + 1
    let cached = keyCache[slot]
    if cached.utf8.count == key.count && withUTF8Bytes(cached, { bytesEqual($0, key) }) {
      return cached
    }
    let made = String(decoding: key, as: UTF8.self)
    keyCache[slot] = made
    return made
  }

  mutating func parseString() throws(JSONParseError) -> String {
    let start = pos + 1
    var index = start
    while true {
      // Skip eight plain ASCII bytes at a time.
      while index &+ 8 <= count {
        let word = UnsafeRawPointer(bytes + index).loadUnaligned(as: UInt64.self)
        if needsAttention(word) { break }
        index &+= 8
      }
      guard index < count else { break }
      let byte = bytes[index]
      if byte == quote {
        pos = index + 1
        return String(
          decoding: UnsafeBufferPointer(start: bytes + start, count: index - start), as: UTF8.self)
      }
      if byte == backslash {
        return try parseEscapedString(start: start, firstEscape: index)
      }
      if byte < 0x20 {
        throw controlCharacterError(byte, at: index)
      }
      if byte >= 0x80 {
        guard let end = validUTF8SequenceEnd(at: index) else {
          throw error("invalid UTF-8", at: index)
        }
        index = end
      } else {
        index &+= 1
      }
    }
    throw error("unterminated string", at: start - 1)
  }

  @inline(never)
  func controlCharacterError(_ byte: UInt8, at offset: Int) -> JSONParseError {
    error("control character U+\(hex4Upper(UInt32(byte))) must be escaped in a string", at: offset)
  }

  /// The slow path for strings that contain escapes: decodes into the scratch buffer.
  mutating func parseEscapedString(start: Int, firstEscape: Int) throws(JSONParseError) -> String {
    scratch.removeAll(keepingCapacity: true)
    scratch.append(
      contentsOf: UnsafeBufferPointer(start: bytes + start, count: firstEscape - start))
    var index = firstEscape
    while index < count {
      let byte = bytes[index]
      if byte == quote {
        pos = index + 1
        return String(decoding: scratch, as: UTF8.self)
      }
      if byte == backslash {
        guard index + 1 < count else { break }
        let escaped = bytes[index + 1]
        if let unescaped = unescapedByte(escaped) {
          scratch.append(unescaped)
        } else if escaped == UInt8(ascii: "u") {
          index = try decodeUnicodeEscape(at: index)
          continue
        } else {
          throw invalidEscapeError(escaped, at: index)
        }
        index += 2
      } else if byte < 0x20 {
        throw controlCharacterError(byte, at: index)
      } else if byte >= 0x80 {
        guard let end = validUTF8SequenceEnd(at: index) else {
          throw error("invalid UTF-8", at: index)
        }
        scratch.append(contentsOf: UnsafeBufferPointer(start: bytes + index, count: end - index))
        index = end
      } else {
        scratch.append(byte)
        index += 1
      }
    }
    throw error("unterminated string", at: start - 1)
  }

  @inline(never)
  func invalidEscapeError(_ escaped: UInt8, at offset: Int) -> JSONParseError {
    if escaped > 0x20 && escaped < 0x7F {
      return error("invalid escape \\\(Character(Unicode.Scalar(escaped)))", at: offset)
    }
    return error(
      "invalid escape: '\\' followed by \(describeCharacter(at: offset + 1))", at: offset)
  }

  /// Decodes the `\uXXXX` escape (and a following low surrogate escape) at `offset`, appends the
  /// scalar's UTF-8 to the scratch buffer and returns the index after the escape(s).
  mutating func decodeUnicodeEscape(at offset: Int) throws(JSONParseError) -> Int {
    guard let unit = hex4(at: offset + 2) else {
      throw error("invalid \\u escape, expected four hex digits", at: offset)
    }
    var scalarValue = unit
    var next = offset + 6
    if unit >= 0xD800 && unit <= 0xDBFF {
      guard next + 1 < count && bytes[next] == backslash && bytes[next + 1] == UInt8(ascii: "u"),
        let low = hex4(at: next + 2), low >= 0xDC00 && low <= 0xDFFF
      else {
        throw error("lone surrogate \\u\(hex4Lower(unit)) in string", at: offset)
      }
      scalarValue = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
      next += 6
    } else if unit >= 0xDC00 && unit <= 0xDFFF {
      throw error("lone surrogate \\u\(hex4Lower(unit)) in string", at: offset)
    }
    appendUTF8(scalarValue, to: &scratch)
    return next
  }

  /// The value of four hex digits at `offset`, or nil.
  func hex4(at offset: Int) -> UInt32? {
    guard offset >= 0, offset + 4 <= count else { return nil }
    var value: UInt32 = 0
    for index in offset..<(offset + 4) {
      let byte = bytes[index]
      let digit: UInt8
      switch byte {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
      case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
      case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
      default: return nil
      }
      value = value << 4 | UInt32(digit)
    }
    return value
  }

  /// If a well-formed UTF-8 sequence (RFC 3629: no overlongs, no surrogates, ≤ U+10FFFF) starts
  /// at `offset`, the index just past it; otherwise nil.
  func validUTF8SequenceEnd(at offset: Int) -> Int? {
    let lead = bytes[offset]
    let length: Int
    var lowerBound: UInt8 = 0x80
    var upperBound: UInt8 = 0xBF
    switch lead {
    case 0x00...0x7F: return offset + 1
    case 0xC2...0xDF: length = 2
    case 0xE0:
      length = 3
      lowerBound = 0xA0
    case 0xE1...0xEC, 0xEE...0xEF: length = 3
    case 0xED:
      length = 3
      upperBound = 0x9F
    case 0xF0:
      length = 4
      lowerBound = 0x90
    case 0xF1...0xF3: length = 4
    case 0xF4:
      length = 4
      upperBound = 0x8F
    default: return nil
    }
    guard offset + length <= count else { return nil }
    let second = bytes[offset + 1]
    guard second >= lowerBound && second <= upperBound else { return nil }
    var index = offset + 2
    while index < offset + length {
      guard bytes[index] & 0xC0 == 0x80 else { return nil }
      index += 1
    }
    return offset + length
  }
}

/// Whether any byte of the little-endian `word` is a quote, a backslash, a control character or
/// non-ASCII. Exact for "is there any" (no false negatives), which is all the caller needs.
@inline(__always)
private func needsAttention(_ word: UInt64) -> Bool {
  let ones: UInt64 = 0x0101_0101_0101_0101
  let highBits: UInt64 = 0x8080_8080_8080_8080
  let quotes = word ^ (ones &* 0x22)
  let backslashes = word ^ (ones &* 0x5C)
  let hasQuote = (quotes &- ones) & ~quotes
  let hasBackslash = (backslashes &- ones) & ~backslashes
  let hasControl = (word &- ones &* 0x20) & ~word
  return ((hasQuote | hasBackslash | hasControl) & highBits) | (word & highBits) != 0
}
