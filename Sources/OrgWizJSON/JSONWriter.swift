/// Deterministic JSON output.
///
/// Object keys are always sorted by UTF-8 byte order (= Unicode code point order). Numbers are
/// written as their literal text. In strings `"` and `\` are escaped, control characters are
/// written as `\b \f \n \r \t` or `\u00XX` (lowercase hex), U+2028/U+2029 as `\u2028`/`\u2029`,
/// the characters a terminal or an editor would act on or hide (DEL, the C1 controls
/// U+0080–U+009F, the bidirectional controls U+061C, U+200E/F, U+202A–U+202E, U+2066–U+2069, and
/// the zero-width U+200B–U+200D, U+2060, U+FEFF) as `\uXXXX` too, and everything else (including
/// `/` and non-ASCII) as raw UTF-8. So JSON output never holds a character that shows as
/// something else, and passes through orgwiz's terminal output unchanged.
public enum JSONWriter {
  /// The output layout.
  public enum Style: Sendable {
    /// 2-space indent, `"key": value`, one element or member per line, `[]`/`{}` for empty
    /// containers and a trailing newline at the end of the document.
    case pretty
    /// No whitespace at all and no trailing newline.
    case compact
  }

  /// Pretty: 2-space indent, `"key": value` (one space after the colon, none before), keys sorted
  /// by UTF-8 byte order, empty containers as `[]` / `{}`, arrays one element per line, a trailing
  /// newline at the end of the document. Compact: no whitespace at all, keys sorted, no trailing
  /// newline.
  public static func write(_ value: JSONValue, style: Style = .pretty) -> [UInt8] {
    // Measure first, then write straight into an exactly sized array: no regrowth, no final
    // copy, and every output byte is touched once.
    let pretty = style == .pretty
    let size = outputSize(of: value, style: style)
    var fallback: [UInt8]?
    let result = [UInt8](unsafeUninitializedCapacity: size) { buffer, initializedCount in
      var writer = Writer(pretty: pretty, external: buffer)
      writer.writeDocument(value)
      if writer.output.isExternal {
        initializedCount = writer.output.count
      } else {
        // Only if the measurement were wrong: the writer moved to its own buffer.
        fallback = writer.output.makeArray()
        initializedCount = 0
      }
    }
    return fallback ?? result
  }

  /// Writes `value` exactly as ``write(_:style:)`` does, but hands the output to `sink` in
  /// order, in pieces of about `chunkSize` bytes, instead of holding the whole document: a large
  /// model is written to a file without a second copy of it in memory. Each piece is valid only
  /// during the call.
  public static func write(
    _ value: JSONValue, style: Style = .pretty, chunkSize: Int = 1 << 20,
    to sink: (UnsafeBufferPointer<UInt8>) -> Void
  ) {
    withoutActuallyEscaping(sink) { sink in
      var writer = Writer(pretty: style == .pretty, initialCapacity: chunkSize)
      writer.output.sink = sink
      writer.writeDocument(value)
      writer.output.flush()
    }
  }

  /// ``write(_:style:)`` as a `String`.
  public static func string(_ value: JSONValue, style: Style = .pretty) -> String {
    let pretty = style == .pretty
    let size = outputSize(of: value, style: style)
    var fallback: String?
    let result = String(unsafeUninitializedCapacity: size) { buffer in
      var writer = Writer(pretty: pretty, external: buffer)
      writer.writeDocument(value)
      if writer.output.isExternal { return writer.output.count }
      fallback = writer.output.makeString()
      return 0
    }
    return fallback ?? result
  }

  /// The exact number of bytes ``write(_:style:)`` produces for `value`, computed without
  /// writing anything.
  public static func outputSize(of value: JSONValue, style: Style = .pretty) -> Int {
    let pretty = style == .pretty
    return measure(value, depth: 0, pretty: pretty) + (pretty ? 1 : 0)
  }

  /// `string` as a quoted, escaped JSON string literal.
  static func quoted(_ string: String) -> String {
    var writer = Writer(pretty: false, initialCapacity: string.utf8.count + 16)
    writer.writeString(string)
    return writer.output.makeString()
  }
}

// MARK: - Output buffer

/// A growable byte buffer with unchecked appends after an explicit `reserve`.
private struct OutputBuffer: ~Copyable {
  var base: UnsafeMutablePointer<UInt8>
  var count = 0
  var capacity: Int

  /// Whether `base` is memory lent by the caller (not owned, never deallocated here).
  var isExternal: Bool

  /// Where a full buffer goes instead of growing (a streamed write); nil keeps everything.
  var sink: ((UnsafeBufferPointer<UInt8>) -> Void)?

  init(capacity: Int) {
    self.capacity = Swift.max(capacity, 64)
    self.base = UnsafeMutablePointer<UInt8>.allocate(capacity: self.capacity)
    self.isExternal = false
  }

  /// Writes into `buffer`; if it ever runs out of room, the data moves to an owned buffer.
  init(external buffer: UnsafeMutableBufferPointer<UInt8>) {
    if let base = buffer.baseAddress {
      self.base = base
      self.capacity = buffer.count
      self.isExternal = true
    } else {
      self.capacity = 64
      self.base = UnsafeMutablePointer<UInt8>.allocate(capacity: 64)
      self.isExternal = false
    }
  }

  deinit {
    if !isExternal { base.deallocate() }
  }

  /// Makes room for at least `extra` more bytes.
  @inline(__always)
  mutating func reserve(_ extra: Int) {
    if capacity &- count < extra { grow(extra) }
  }

  @inline(never)
  mutating func grow(_ extra: Int) {
    if sink != nil {
      flush()
      if capacity >= extra { return }
    }
    var newCapacity = capacity * 2
    while newCapacity - count < extra { newCapacity *= 2 }
    let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
    newBase.moveInitialize(from: base, count: count)
    if !isExternal { base.deallocate() }
    isExternal = false
    base = newBase
    capacity = newCapacity
  }

  @inline(__always)
  mutating func append(_ byte: UInt8) {
    reserve(1)
    base[count] = byte
    count &+= 1
  }

  /// Appends without checking capacity; the caller has reserved room.
  @inline(__always)
  mutating func appendUnchecked(_ byte: UInt8) {
    base[count] = byte
    count &+= 1
  }

  @inline(__always)
  mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
    guard let source = bytes.baseAddress else { return }
    reserve(bytes.count)
    (base + count).update(from: source, count: bytes.count)
    count &+= bytes.count
  }

  @inline(__always)
  mutating func append(_ literal: StaticString) {
    append(UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
  }

  /// A newline followed by `spaces` spaces.
  @inline(__always)
  mutating func appendNewline(indent spaces: Int) {
    reserve(spaces &+ 1)
    base[count] = 0x0A
    (base + (count &+ 1)).update(repeating: 0x20, count: spaces)
    count &+= spaces &+ 1
  }

  /// Hands what the buffer holds to the sink and empties it.
  mutating func flush() {
    guard let sink, count > 0 else { return }
    sink(UnsafeBufferPointer(start: base, count: count))
    count = 0
  }

  func makeArray() -> [UInt8] {
    Array(UnsafeBufferPointer(start: base, count: count))
  }

  func makeString() -> String {
    String(decoding: UnsafeBufferPointer(start: base, count: count), as: UTF8.self)
  }
}

// MARK: - Writer

private struct Writer: ~Copyable {
  var output: OutputBuffer
  let pretty: Bool

  init(pretty: Bool, initialCapacity: Int = 1 << 16) {
    self.output = OutputBuffer(capacity: initialCapacity)
    self.pretty = pretty
  }

  init(pretty: Bool, external buffer: UnsafeMutableBufferPointer<UInt8>) {
    self.output = OutputBuffer(external: buffer)
    self.pretty = pretty
  }

  mutating func writeDocument(_ value: JSONValue) {
    writeValue(value, depth: 0)
    if pretty { output.append(0x0A) }
  }

  mutating func writeValue(_ value: JSONValue, depth: Int) {
    switch value {
    case .null:
      output.append("null")
    case .bool(let flag):
      if flag { output.append("true") } else { output.append("false") }
    case .number(let number):
      writeRaw(number.literal)
    case .string(let string):
      writeString(string)
    case .array(let elements):
      writeArray(elements, depth: depth)
    case .object(let object):
      writeObject(object, depth: depth)
    }
  }

  mutating func writeArray(_ elements: [JSONValue], depth: Int) {
    if elements.isEmpty {
      output.append("[]")
      return
    }
    output.append(UInt8(ascii: "["))
    let inner = depth + 1
    elements.withUnsafeBufferPointer { elements in
      for index in elements.indices {
        if index > 0 { output.append(UInt8(ascii: ",")) }
        if pretty { output.appendNewline(indent: inner * 2) }
        writeValue(elements[index], depth: inner)
      }
    }
    if pretty { output.appendNewline(indent: depth * 2) }
    output.append(UInt8(ascii: "]"))
  }

  mutating func writeObject(_ object: JSONObject, depth: Int) {
    let memberCount = object.members.count
    if memberCount == 0 {
      output.append("{}")
      return
    }
    output.append(UInt8(ascii: "{"))
    let inner = depth + 1
    object.members.withUnsafeBufferPointer { members in
      withUnsafeTemporaryAllocation(of: Int.self, capacity: memberCount) { order in
        sortedOrder(members, into: order)
        for position in 0..<memberCount {
          if position > 0 { output.append(UInt8(ascii: ",")) }
          if pretty { output.appendNewline(indent: inner * 2) }
          let index = order[position]
          writeString(members[index].key)
          if pretty { output.append(": ") } else { output.append(UInt8(ascii: ":")) }
          writeValue(members[index].value, depth: inner)
        }
      }
    }
    if pretty { output.appendNewline(indent: depth * 2) }
    output.append(UInt8(ascii: "}"))
  }

  /// Appends the UTF-8 of `string` unchanged.
  @inline(__always)
  mutating func writeRaw(_ string: String) {
    if let done = string.utf8.withContiguousStorageIfAvailable({ output.append($0) }) {
      return done
    }
    for byte in string.utf8 { output.append(byte) }
  }

  /// Appends `string` as a quoted JSON string literal.
  mutating func writeString(_ string: String) {
    withUTF8Bytes(string) { bytes in
      if needsEscaping(bytes) {
        writeEscaped(bytes)
      } else {
        output.reserve(bytes.count &+ 2)
        output.appendUnchecked(UInt8(ascii: "\""))
        output.append(bytes)
        output.appendUnchecked(UInt8(ascii: "\""))
      }
    }
  }

  mutating func writeEscaped(_ bytes: UnsafeBufferPointer<UInt8>) {
    // Worst case: every byte becomes a six-byte \u00XX escape.
    output.reserve(bytes.count &* 6 &+ 2)
    output.appendUnchecked(UInt8(ascii: "\""))
    var index = 0
    let count = bytes.count
    while index < count {
      let byte = bytes[index]
      switch byte {
      case UInt8(ascii: "\""):
        output.appendUnchecked(UInt8(ascii: "\\"))
        output.appendUnchecked(UInt8(ascii: "\""))
      case UInt8(ascii: "\\"):
        output.appendUnchecked(UInt8(ascii: "\\"))
        output.appendUnchecked(UInt8(ascii: "\\"))
      case 0x08:
        output.appendUnchecked(UInt8(ascii: "\\"))
        output.appendUnchecked(UInt8(ascii: "b"))
      case 0x0C:
        output.appendUnchecked(UInt8(ascii: "\\"))
        output.appendUnchecked(UInt8(ascii: "f"))
      case 0x0A:
        output.appendUnchecked(UInt8(ascii: "\\"))
        output.appendUnchecked(UInt8(ascii: "n"))
      case 0x0D:
        output.appendUnchecked(UInt8(ascii: "\\"))
        output.appendUnchecked(UInt8(ascii: "r"))
      case 0x09:
        output.appendUnchecked(UInt8(ascii: "\\"))
        output.appendUnchecked(UInt8(ascii: "t"))
      case 0x00..<0x20, 0x7F:
        appendUnicodeEscape(UInt16(byte))
      default:
        if let (unit, length) = hiddenScalar(bytes, at: index) {
          appendUnicodeEscape(unit)
          index += length - 1
        } else {
          output.appendUnchecked(byte)
        }
      }
      index += 1
    }
    output.appendUnchecked(UInt8(ascii: "\""))
  }

  /// Appends `\uXXXX` with lowercase hex digits (capacity already reserved).
  @inline(__always)
  mutating func appendUnicodeEscape(_ unit: UInt16) {
    output.appendUnchecked(UInt8(ascii: "\\"))
    output.appendUnchecked(UInt8(ascii: "u"))
    for shift in stride(from: 12, through: 0, by: -4) {
      output.appendUnchecked(hexDigits[Int((unit >> UInt16(shift)) & 0xF)])
    }
  }
}

private let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

/// The UTF-16 unit and UTF-8 length of a scalar at `index` that is written escaped although it
/// is no C0 control: U+2028/U+2029, a C1 control, a bidirectional control or a zero-width
/// character (see ``JSONWriter``); nil for any other byte.
@inline(__always)
private func hiddenScalar(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> (UInt16, Int)? {
  let count = bytes.count
  switch bytes[index] {
  case 0xC2 where index + 1 < count && (0x80...0x9F).contains(bytes[index + 1]):
    return (UInt16(bytes[index + 1]), 2)
  case 0xD8 where index + 1 < count && bytes[index + 1] == 0x9C:
    return (0x061C, 2)
  case 0xE2 where index + 2 < count && (bytes[index + 1] == 0x80 || bytes[index + 1] == 0x81):
    let unit = 0x2000 | UInt16(bytes[index + 1] & 0x3F) << 6 | UInt16(bytes[index + 2] & 0x3F)
    switch unit {
    case 0x200B...0x200F, 0x2028...0x202E, 0x2060, 0x2066...0x2069: return (unit, 3)
    default: return nil
    }
  case 0xEF where index + 2 < count && bytes[index + 1] == 0xBB && bytes[index + 2] == 0xBF:
    return (0xFEFF, 3)
  default:
    return nil
  }
}

/// Whether any byte needs escaping: a quote, a backslash, a control character or DEL, or one of
/// the lead bytes 0xC2, 0xD8, 0xE2, 0xEF (which start the hidden characters of
/// ``hiddenScalar(_:at:)``; a false positive only costs the slow path).
@inline(__always)
private func needsEscaping(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
  guard let base = bytes.baseAddress else { return false }
  let count = bytes.count
  var index = 0
  let ones: UInt64 = 0x0101_0101_0101_0101
  let highBits: UInt64 = 0x8080_8080_8080_8080
  while index &+ 8 <= count {
    let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
    let quotes = word ^ (ones &* 0x22)
    let backslashes = word ^ (ones &* 0x5C)
    let lineSeparators = word ^ (ones &* 0xE2)
    let deletes = word ^ (ones &* 0x7F)
    let latinLeads = word ^ (ones &* 0xC2)
    let arabicLeads = word ^ (ones &* 0xD8)
    let specialsLeads = word ^ (ones &* 0xEF)
    let hasQuote = (quotes &- ones) & ~quotes
    let hasBackslash = (backslashes &- ones) & ~backslashes
    let hasSeparator = (lineSeparators &- ones) & ~lineSeparators
    let hasControl = (word &- ones &* 0x20) & ~word
    let hasLead =
      ((deletes &- ones) & ~deletes) | ((latinLeads &- ones) & ~latinLeads)
      | ((arabicLeads &- ones) & ~arabicLeads) | ((specialsLeads &- ones) & ~specialsLeads)
    if (hasQuote | hasBackslash | hasSeparator | hasControl | hasLead) & highBits != 0 {
      return true
    }
    index &+= 8
  }
  while index < count {
    let byte = base[index]
    switch byte {
    case 0x00..<0x20, UInt8(ascii: "\""), UInt8(ascii: "\\"), 0x7F, 0xC2, 0xD8, 0xE2, 0xEF:
      return true
    default:
      break
    }
    index &+= 1
  }
  return false
}

/// Fills `order` with the indices of `members` sorted by key in UTF-8 byte order.
@inline(__always)
private func sortedOrder(
  _ members: UnsafeBufferPointer<(key: String, value: JSONValue)>,
  into order: UnsafeMutableBufferPointer<Int>
) {
  let count = members.count
  for index in 0..<count { order[index] = index }
  if count < 2 { return }
  if count <= 16 {
    // Insertion sort: linear on already-sorted input, fast for small objects.
    for index in 1..<count {
      let current = order[index]
      var position = index
      while position > 0 && utf8Less(members[current].key, members[order[position - 1]].key) {
        order[position] = order[position - 1]
        position -= 1
      }
      order[position] = current
    }
  } else {
    var order = order
    order.sort { utf8Less(members[$0].key, members[$1].key) }
  }
}

// MARK: - Measuring

/// The number of bytes the writer produces for `value` at `depth` (without the final newline).
private func measure(_ value: JSONValue, depth: Int, pretty: Bool) -> Int {
  switch value {
  case .null: return 4
  case .bool(let flag): return flag ? 4 : 5
  case .number(let number): return number.literal.utf8.count
  case .string(let string): return quotedLength(string)
  case .array(let elements):
    if elements.isEmpty { return 2 }
    var total = 2 + elements.count - 1
    if pretty { total += elements.count * (1 + 2 * (depth + 1)) + 1 + 2 * depth }
    for element in elements {
      total += measure(element, depth: depth + 1, pretty: pretty)
    }
    return total
  case .object(let object):
    let members = object.members
    if members.isEmpty { return 2 }
    var total = 2 + members.count - 1
    if pretty { total += members.count * (1 + 2 * (depth + 1) + 1) + 1 + 2 * depth }
    total += members.count  // colons
    for member in members {
      total += quotedLength(member.key) + measure(member.value, depth: depth + 1, pretty: pretty)
    }
    return total
  }
}

/// The length of `string` as a quoted, escaped JSON string literal.
private func quotedLength(_ string: String) -> Int {
  withUTF8Bytes(string) { bytes in
    if !needsEscaping(bytes) { return bytes.count + 2 }
    var total = 2
    var index = 0
    let count = bytes.count
    while index < count {
      let byte = bytes[index]
      switch byte {
      case UInt8(ascii: "\""), UInt8(ascii: "\\"), 0x08, 0x0C, 0x0A, 0x0D, 0x09: total += 2
      case 0x00..<0x20, 0x7F: total += 6
      default:
        if let (_, length) = hiddenScalar(bytes, at: index) {
          total += 6
          index += length - 1
        } else {
          total += 1
        }
      }
      index += 1
    }
    return total
  }
}
