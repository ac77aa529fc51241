/// Checks that a JSON text, read in pieces, is exactly a given document, without building a
/// second tree and without holding the whole text: the text is parsed as ``JSONParser`` would
/// (RFC 8259: whitespace, escapes, surrogate pairs, number grammar, no duplicate keys, nothing
/// after the value) and every value is compared with the document's as it is read.
///
/// Values compare as ``JSONValue``'s equality does: strings by their UTF-8 bytes after the
/// escapes are decoded, numbers by their literal text, object members in any order.
public enum JSONVerifier {
  /// Where and how the text is not the document.
  public struct Mismatch: Error, Sendable, Equatable, CustomStringConvertible {
    /// The JSON pointer of the value that differs (escaped; the root is "").
    public var pointer: String
    /// The byte offset in the text where it was noticed.
    public var offset: Int
    /// What differs, e.g. `expected a string, found an object`.
    public var reason: String

    public var description: String {
      "\(reason) at \(pointer.isEmpty ? "the root" : pointer) (byte \(offset))"
    }
  }

  /// Reads the text with `read`, which fills the buffer it is given from the start and returns
  /// how many bytes it put there: 0 at the end of the text, a negative number when the text
  /// cannot be read (the mismatch then says so; the caller knows why). Throws at the first
  /// difference.
  public static func verify(
    _ expected: JSONValue, bufferSize: Int = 1 << 20,
    read: (UnsafeMutableRawBufferPointer) -> Int
  ) throws(Mismatch) {
    try withoutActuallyEscaping(read) { (read) throws(Mismatch) in
      var reader = Reader(capacity: bufferSize, read: read)
      defer { reader.release() }
      try reader.value(expected)
      reader.skipWhitespace()
      if let byte = reader.peek() {
        throw reader.mismatch("text after the document (\(describe(byte)))")
      }
      if reader.failed { throw reader.mismatch("the text could not be read") }
    }
  }

  static func describe(_ byte: UInt8) -> String {
    (0x21...0x7E).contains(byte)
      ? "\"\(Character(Unicode.Scalar(byte)))\"" : "byte 0x\(String(byte, radix: 16))"
  }
}

// MARK: - Reader

private let quote = UInt8(ascii: "\"")
private let backslash = UInt8(ascii: "\\")

private struct Reader {
  let buffer: UnsafeMutableRawBufferPointer
  /// The same memory, as bytes.
  let bytes: UnsafeMutableBufferPointer<UInt8>
  let read: (UnsafeMutableRawBufferPointer) -> Int
  /// The unread bytes are `buffer[position..<end]`; `passed` bytes came before the buffer.
  var position = 0
  var end = 0
  var passed = 0
  var atEnd = false
  var failed = false
  /// Bytes of a key being read.
  var key: [UInt8] = []

  init(capacity: Int, read: @escaping (UnsafeMutableRawBufferPointer) -> Int) {
    buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(capacity, 16), alignment: 16)
    bytes = buffer.bindMemory(to: UInt8.self)
    self.read = read
  }

  func release() { buffer.deallocate() }

  var offset: Int { passed + position }

  func mismatch(_ reason: String) -> JSONVerifier.Mismatch {
    JSONVerifier.Mismatch(pointer: "", offset: offset, reason: reason)
  }

  /// Refills an empty buffer; false at the end of the text (or when it cannot be read).
  @inline(never)
  mutating func refill() -> Bool {
    guard !atEnd else { return false }
    passed += end
    position = 0
    end = 0
    while true {
      let count = read(buffer)
      if count > 0 {
        end = min(count, buffer.count)
        return true
      }
      atEnd = true
      failed = count < 0
      return false
    }
  }

  @inline(__always)
  mutating func peek() -> UInt8? {
    if position == end, !refill() { return nil }
    return buffer[position]
  }

  @inline(__always)
  mutating func next() -> UInt8? {
    guard let byte = peek() else { return nil }
    position &+= 1
    return byte
  }

  mutating func skipWhitespace() {
    while let byte = peek(), byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 {
      position &+= 1
      // Indentation after a line break (a third of a pretty-printed model) eight at a time.
      if byte == 0x0A {
        while position &+ 8 <= end,
          buffer.loadUnaligned(fromByteOffset: position, as: UInt64.self) == 0x2020_2020_2020_2020
        {
          position &+= 8
        }
      }
    }
  }

  mutating func expect(_ byte: UInt8, _ what: String) throws(JSONVerifier.Mismatch) {
    guard let found = next() else { throw mismatch("the text ends where \(what) was expected") }
    guard found == byte else {
      position -= 1
      throw mismatch("\(what) expected, found \(JSONVerifier.describe(found))")
    }
  }

  // MARK: Values

  mutating func value(_ expected: JSONValue) throws(JSONVerifier.Mismatch) {
    skipWhitespace()
    guard let byte = peek() else { throw mismatch("the text ends where a value was expected") }
    switch (byte, expected) {
    case (UInt8(ascii: "{"), .object(let object)):
      try self.object(object)
    case (UInt8(ascii: "["), .array(let elements)):
      try array(elements)
    case (quote, .string(let string)):
      position &+= 1
      let matched = withUTF8Bytes(string) { bytes in stringBody(matching: bytes) }
      try matched.get()
    case (UInt8(ascii: "t"), .bool(true)):
      try word("true")
    case (UInt8(ascii: "f"), .bool(false)):
      try word("false")
    case (UInt8(ascii: "n"), .null):
      try word("null")
    case (UInt8(ascii: "-"), .number(let number)),
      (UInt8(ascii: "0")...UInt8(ascii: "9"), .number(let number)):
      try self.number(number)
    default:
      throw mismatch("expected \(expected.briefDescription), found \(foundKind(byte))")
    }
  }

  func foundKind(_ byte: UInt8) -> String {
    switch byte {
    case UInt8(ascii: "{"): "an object"
    case UInt8(ascii: "["): "an array"
    case quote: "another string"
    case UInt8(ascii: "t"), UInt8(ascii: "f"): "another literal"
    case UInt8(ascii: "n"): "null"
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): "another number"
    default: "\(JSONVerifier.describe(byte)), which starts no JSON value"
    }
  }

  mutating func word(_ literal: StaticString) throws(JSONVerifier.Mismatch) {
    let bytes = UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount)
    for byte in bytes {
      guard next() == byte else { throw mismatch("expected \(literal), found something else") }
    }
    try endOfScalar()
  }

  /// A literal or number ends at whitespace, `,`, `]`, `}` or the end of the text.
  mutating func endOfScalar() throws(JSONVerifier.Mismatch) {
    guard let byte = peek() else { return }
    switch byte {
    case 0x20, 0x0A, 0x0D, 0x09, UInt8(ascii: ","), UInt8(ascii: "]"), UInt8(ascii: "}"): return
    default: throw mismatch("\(JSONVerifier.describe(byte)) where a value should end")
    }
  }

  mutating func number(_ expected: JSONNumber) throws(JSONVerifier.Mismatch) {
    // The literal must be the expected one byte for byte; that one is valid JSON grammar.
    let same: Bool = withUTF8Bytes(expected.literal) { literal in
      for byte in literal {
        guard next() == byte else { return false }
      }
      return true
    }
    guard same else { throw mismatch("expected the number \(expected.literal), found another") }
    if let byte = peek(),
      byte == UInt8(ascii: ".") || byte | 0x20 == UInt8(ascii: "e")
        || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    {
      throw mismatch("expected the number \(expected.literal), found a longer one")
    }
    try endOfScalar()
  }

  /// Past the opening byte of an array or object and any white space: true when `close`
  /// follows at once (and is passed), which the document must match by holding no elements
  /// or members (it holds `expected`; `what` names them, `container` the array or object).
  @inline(__always)
  mutating func isEmpty(
    closedBy close: UInt8, expected: Int, of what: StaticString, in container: StaticString
  ) throws(JSONVerifier.Mismatch) -> Bool {
    position &+= 1
    skipWhitespace()
    guard peek() == close else { return false }
    position &+= 1
    guard expected == 0 else {
      throw mismatch("expected \(expected) \(what), found an empty \(container)")
    }
    return true
  }

  /// After an element or member: true past a `,`, false past `close`, which ends the
  /// container (`inside` names it for the message of a text that ends first).
  @inline(__always)
  mutating func moreFollow(
    closedBy close: UInt8, inside container: StaticString
  ) throws(JSONVerifier.Mismatch) -> Bool {
    skipWhitespace()
    guard let byte = next() else { throw mismatch("the text ends inside \(container)") }
    if byte == close { return false }
    guard byte == UInt8(ascii: ",") else {
      position -= 1
      throw mismatch(
        "\",\" or \"\(Unicode.Scalar(close))\" expected, found \(JSONVerifier.describe(byte))")
    }
    return true
  }

  mutating func array(_ elements: [JSONValue]) throws(JSONVerifier.Mismatch) {
    if try isEmpty(
      closedBy: UInt8(ascii: "]"), expected: elements.count, of: "elements", in: "array")
    {
      return
    }
    var index = 0
    while true {
      guard index < elements.count else {
        throw mismatch("expected \(elements.count) elements, found more")
      }
      do {
        try value(elements[index])
      } catch {
        throw error.within(String(index))
      }
      index += 1
      guard try moreFollow(closedBy: UInt8(ascii: "]"), inside: "an array") else { break }
    }
    guard index == elements.count else {
      throw mismatch("expected \(elements.count) elements, found \(index)")
    }
  }

  mutating func object(_ object: JSONObject) throws(JSONVerifier.Mismatch) {
    let members = object.members
    if try isEmpty(
      closedBy: UInt8(ascii: "}"), expected: members.count, of: "members", in: "object")
    {
      return
    }
    // Which members were read: a bit each (an array for an unusually large object).
    var seenBits: UInt64 = 0
    var seenArray = members.count > 64 ? [Bool](repeating: false, count: members.count) : []
    var count = 0
    // The member after the last one found is looked at first: a text written in the
    // document's own member order is matched without a search.
    var hint = 0
    while true {
      skipWhitespace()
      try expect(quote, "a member name")
      let expected = hint < members.count ? hint : 0
      let index: Int
      if nameInPlace(members[expected].key) {
        index = expected
      } else {
        key.removeAll(keepingCapacity: true)
        try readKey()
        let found = key.withUnsafeBufferPointer { key -> Int? in
          for step in 0..<members.count {
            var index = hint &+ step
            if index >= members.count { index &-= members.count }
            if withUTF8Bytes(members[index].key, { bytesEqual($0, key) }) { return index }
          }
          return nil
        }
        guard let found else {
          throw mismatch("a member the document does not have")
            .within(String(decoding: key, as: UTF8.self))
        }
        index = found
      }
      let seen = seenArray.isEmpty ? seenBits & (1 << UInt64(index)) != 0 : seenArray[index]
      guard !seen else { throw mismatch("a member named twice").within(members[index].key) }
      if seenArray.isEmpty { seenBits |= 1 << UInt64(index) } else { seenArray[index] = true }
      count += 1
      hint = index &+ 1
      skipWhitespace()
      try expect(UInt8(ascii: ":"), "\":\"")
      do {
        try value(members[index].value)
      } catch {
        throw error.within(members[index].key)
      }
      guard try moreFollow(closedBy: UInt8(ascii: "}"), inside: "an object") else { break }
    }
    if count < members.count {
      let missing =
        members.indices.first { index in
          seenArray.isEmpty ? seenBits & (1 << UInt64(index)) == 0 : !seenArray[index]
        } ?? 0
      throw mismatch("a member the text does not have").within(members[missing].key)
    }
  }

  // MARK: Strings

  /// Reads a member name (after its opening quote) that is `name` written as is, in the
  /// buffer, without copying it: the usual case, a text written from this document, whose
  /// members come in its order. False, reading nothing, when the text has anything else there
  /// (or the name needs escaping, or runs past the buffer): ``readKey()`` reads it then.
  mutating func nameInPlace(_ name: String) -> Bool {
    withUTF8Bytes(name) { name in
      let count = name.count
      guard position &+ count < end, bytes[position &+ count] == quote else { return false }
      for offset in 0..<count {
        let byte = name[offset]
        guard byte == bytes[position &+ offset], byte != quote, byte != backslash, byte >= 0x20
        else { return false }
      }
      position &+= count &+ 1
      return true
    }
  }

  /// Reads a member name (after its opening quote) into `key`.
  mutating func readKey() throws(JSONVerifier.Mismatch) {
    while true {
      guard let byte = next() else { throw mismatch("the text ends inside a string") }
      switch byte {
      case quote: return
      case backslash:
        var scalar: [UInt8] = []
        try escape(into: &scalar)
        key.append(contentsOf: scalar)
      case 0x00..<0x20:
        position -= 1
        throw mismatch("a control character inside a string")
      default:
        key.append(byte)
      }
    }
  }

  /// Compares a string's body (after its opening quote, through its closing quote) with
  /// `expected`.
  mutating func stringBody(
    matching expected: UnsafeBufferPointer<UInt8>
  ) -> Result<Void, JSONVerifier.Mismatch> {
    var matched = 0
    var differs: JSONVerifier.Mismatch {
      mismatch("expected the string \(briefText(expected)), found another")
    }
    while true {
      if position == end, !refill() {
        return .failure(mismatch("the text ends inside a string"))
      }
      // A run of plain bytes is compared in one go.
      var stop = position
      while stop < end {
        let byte = buffer[stop]
        if byte == quote || byte == backslash || byte < 0x20 { break }
        stop &+= 1
      }
      let run = stop &- position
      if run > 0 {
        guard matched &+ run <= expected.count,
          bytesEqual(
            UnsafeBufferPointer(rebasing: bytes[position..<stop]),
            UnsafeBufferPointer(rebasing: expected[matched..<matched &+ run]))
        else { return .failure(differs) }
        matched &+= run
        position = stop
        continue
      }
      let byte = buffer[position]
      position &+= 1
      switch byte {
      case quote:
        return matched == expected.count ? .success(()) : .failure(differs)
      case backslash:
        var scalar: [UInt8] = []
        do {
          try escape(into: &scalar)
        } catch {
          return .failure(error)
        }
        guard matched &+ scalar.count <= expected.count else { return .failure(differs) }
        for byte in scalar {
          guard expected[matched] == byte else { return .failure(differs) }
          matched &+= 1
        }
      default:
        position -= 1
        return .failure(mismatch("a control character inside a string"))
      }
    }
  }

  func briefText(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
    JSONValue.string(String(decoding: bytes, as: UTF8.self)).briefDescription
  }

  /// Decodes the escape after a backslash into UTF-8.
  mutating func escape(into scalar: inout [UInt8]) throws(JSONVerifier.Mismatch) {
    guard let byte = next() else { throw mismatch("the text ends inside a string") }
    if let unescaped = unescapedByte(byte) {
      scalar.append(unescaped)
      return
    }
    guard byte == UInt8(ascii: "u") else {
      throw mismatch("an invalid escape \"\\\(Character(Unicode.Scalar(byte)))\" in a string")
    }
    var value = try hex4()
    if (0xD800..<0xDC00).contains(value) {
      guard next() == backslash, next() == UInt8(ascii: "u") else {
        throw mismatch("a lone surrogate escape in a string")
      }
      let low = try hex4()
      guard (0xDC00..<0xE000).contains(low) else {
        throw mismatch("a lone surrogate escape in a string")
      }
      value = 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00)
    } else if (0xDC00..<0xE000).contains(value) {
      throw mismatch("a lone surrogate escape in a string")
    }
    appendUTF8(value, to: &scalar)
  }

  mutating func hex4() throws(JSONVerifier.Mismatch) -> UInt32 {
    var value: UInt32 = 0
    for _ in 0..<4 {
      guard let byte = next() else { throw mismatch("the text ends inside a string") }
      let digit: UInt8
      switch byte {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
      case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
      case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
      default: throw mismatch("an invalid \\u escape in a string")
      }
      value = value << 4 | UInt32(digit)
    }
    return value
  }
}

extension JSONVerifier.Mismatch {
  /// The same mismatch, one level down: inside the member or element named `token`.
  func within(_ token: String) -> JSONVerifier.Mismatch {
    var copy = self
    copy.pointer = JSONPointer([token]).description + pointer
    return copy
  }
}
