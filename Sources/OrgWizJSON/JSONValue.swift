/// A JSON value, kept losslessly: numbers keep their literal text and objects keep their
/// member order (see ``JSONObject``).
///
/// Equality and hashing compare strings by their UTF-8 bytes (JSON semantics), not by Swift's
/// Unicode canonical equivalence; objects compare order-insensitively.
public enum JSONValue: Sendable, Hashable {
  case null
  case bool(Bool)
  case number(JSONNumber)
  case string(String)
  case array([JSONValue])
  case object(JSONObject)

  public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
    switch (lhs, rhs) {
    case (.null, .null): return true
    case (.bool(let left), .bool(let right)): return left == right
    case (.number(let left), .number(let right)): return left == right
    case (.string(let left), .string(let right)): return utf8Equal(left, right)
    case (.array(let left), .array(let right)): return left == right
    case (.object(let left), .object(let right)): return left == right
    default: return false
    }
  }

  public func hash(into hasher: inout Hasher) {
    switch self {
    case .null:
      hasher.combine(0 as UInt8)
    case .bool(let value):
      hasher.combine(1 as UInt8)
      hasher.combine(value)
    case .number(let value):
      hasher.combine(2 as UInt8)
      hasher.combine(value)
    case .string(let value):
      hasher.combine(3 as UInt8)
      hashUTF8(value, into: &hasher)
    case .array(let value):
      hasher.combine(4 as UInt8)
      hasher.combine(value)
    case .object(let value):
      hasher.combine(5 as UInt8)
      hasher.combine(value)
    }
  }
}

// MARK: - Convenience accessors

extension JSONValue {
  /// The object, if this is an object.
  public var objectValue: JSONObject? {
    if case .object(let value) = self { return value }
    return nil
  }

  /// The elements, if this is an array.
  public var arrayValue: [JSONValue]? {
    if case .array(let value) = self { return value }
    return nil
  }

  /// The string, if this is a string.
  public var stringValue: String? {
    if case .string(let value) = self { return value }
    return nil
  }

  /// The Boolean, if this is `true` or `false`.
  public var boolValue: Bool? {
    if case .bool(let value) = self { return value }
    return nil
  }

  /// The number, if this is a number.
  public var numberValue: JSONNumber? {
    if case .number(let value) = self { return value }
    return nil
  }

  /// The value, if this is an integer literal (no `.`, `e`, `E`) that fits in `Int`.
  public var intValue: Int? {
    if case .number(let value) = self { return value.intValue }
    return nil
  }

  /// Whether this is `null`.
  public var isNull: Bool {
    if case .null = self { return true }
    return false
  }

  /// The kind of value with an article, for messages such as `expected an integer, found "1"`:
  /// "an object", "an array", "a string", "an integer" (integer literals), "a number",
  /// "a boolean" or "null".
  public var typeName: String {
    switch self {
    case .null: return "null"
    case .bool: return "a boolean"
    case .number(let value): return value.isInteger ? "an integer" : "a number"
    case .string: return "a string"
    case .array: return "an array"
    case .object: return "an object"
    }
  }

  /// A short rendering for error messages: strings JSON-quoted and cut to about 40 characters
  /// (with `…`), numbers as their literal, `true`/`false`/`null`, `an object`, `an array`.
  public var briefDescription: String {
    switch self {
    case .null: return "null"
    case .bool(let value): return value ? "true" : "false"
    case .number(let value): return truncated(value.literal, limit: 40)
    case .string(let value): return JSONWriter.quoted(truncated(value, limit: 40))
    case .array: return "an array"
    case .object: return "an object"
    }
  }

  /// The member named `key` if this is an object that has it; nil otherwise.
  public subscript(key: String) -> JSONValue? {
    if case .object(let object) = self { return object[key] }
    return nil
  }

  /// The element at `index` if this is an array and `index` is in range; nil otherwise.
  public subscript(index: Int) -> JSONValue? {
    if case .array(let elements) = self, index >= 0, index < elements.count {
      return elements[index]
    }
    return nil
  }
}

/// `text` cut to at most `limit` characters, ending in `…` when something was cut off.
private func truncated(_ text: String, limit: Int) -> String {
  // Cheap check first: a string with at most `limit` UTF-8 bytes has at most `limit` characters.
  if text.utf8.count <= limit { return text }
  let head = text.prefix(limit + 1)
  if head.count <= limit { return text }
  return String(text.prefix(limit - 1)) + "…"
}

// MARK: - Literals

extension JSONValue: ExpressibleByNilLiteral {
  /// `nil` is JSON `null`.
  public init(nilLiteral: ()) {
    self = .null
  }
}

extension JSONValue: ExpressibleByBooleanLiteral {
  public init(booleanLiteral value: Bool) {
    self = .bool(value)
  }
}

extension JSONValue: ExpressibleByIntegerLiteral {
  public init(integerLiteral value: Int) {
    self = .number(JSONNumber(value))
  }
}

extension JSONValue: ExpressibleByFloatLiteral {
  /// A float literal becomes a number with the `Double`'s shortest round-trip text
  /// (`1.5` → `1.5`, `1.0` → `1.0`); a non-finite value becomes `null`.
  public init(floatLiteral value: Double) {
    if let number = JSONNumber(double: value) {
      self = .number(number)
    } else {
      self = .null
    }
  }
}

extension JSONValue: ExpressibleByStringLiteral {
  public init(stringLiteral value: String) {
    self = .string(value)
  }
}

extension JSONValue: ExpressibleByArrayLiteral {
  public init(arrayLiteral elements: JSONValue...) {
    self = .array(elements)
  }
}

extension JSONValue: ExpressibleByDictionaryLiteral {
  /// Members keep the order written; a later duplicate key replaces the earlier value.
  public init(dictionaryLiteral elements: (String, JSONValue)...) {
    self = .object(JSONObject(elements.map { (key: $0.0, value: $0.1) }))
  }
}

// MARK: - Identity

extension JSONValue {
  /// Whether this value is known to be the very same value as `other` without looking inside:
  /// two arrays or two objects that share their storage (a copy that was never changed since),
  /// or two equal scalars. False means "not known", never "different": equal containers that
  /// were built apart are not identical. Costs the same for a whole document as for a number,
  /// so that code comparing a model with an edited copy of it can skip every part the edit
  /// left alone.
  public func isKnownIdentical(to other: JSONValue) -> Bool {
    switch (self, other) {
    case (.object(let left), .object(let right)):
      return sameStorage(left.members, right.members)
    case (.array(let left), .array(let right)):
      return sameStorage(left, right)
    case (.null, .null): return true
    case (.bool(let left), .bool(let right)): return left == right
    case (.number(let left), .number(let right)): return left == right
    case (.string(let left), .string(let right)): return utf8Equal(left, right)
    default: return false
    }
  }
}

/// Whether two arrays share one buffer (or are both empty).
private func sameStorage<Element>(_ left: [Element], _ right: [Element]) -> Bool {
  guard left.count == right.count else { return false }
  if left.isEmpty { return true }
  return left.withUnsafeBufferPointer { one in
    right.withUnsafeBufferPointer { other in one.baseAddress == other.baseAddress }
  }
}
