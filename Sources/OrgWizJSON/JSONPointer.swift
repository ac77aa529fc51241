/// An RFC 6901 JSON Pointer such as `/authorizationServers/2/policies/0/priority`.
///
/// Tokens are stored unescaped; ``description`` gives the escaped form (`~` → `~0`,
/// `/` → `~1`). Equality, hashing and ordering use the tokens' UTF-8 bytes. Ordering compares
/// token lists lexicographically, comparing two all-digit tokens numerically, so `/apps/2` sorts
/// before `/apps/10`.
public struct JSONPointer: Sendable, Hashable, CustomStringConvertible, ExpressibleByStringLiteral,
  Comparable
{
  /// The unescaped reference tokens.
  public var tokens: [String]

  /// A pointer with the given unescaped tokens (empty = the whole document).
  public init(_ tokens: [String] = []) {
    self.tokens = tokens
  }

  /// Parses the escaped form: `""` is the root, otherwise the text must start with `/`. Returns
  /// nil if it does not, or if a `~` is not followed by `0` or `1`.
  public init?(parsing text: String) {
    if text.isEmpty {
      self.tokens = []
      return
    }
    guard text.utf8.first == UInt8(ascii: "/") else { return nil }
    var tokens: [String] = []
    for part in text.utf8.dropFirst().split(
      separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
    {
      guard let token = JSONPointer.unescape(part, strict: true) else { return nil }
      tokens.append(token)
    }
    self.tokens = tokens
  }

  /// Parses `value` like ``init(parsing:)``. A literal that is not a valid pointer is read
  /// leniently instead of failing: a missing leading `/` is assumed and a `~` that does not
  /// start `~0`/`~1` is kept as is (so `"apps/0"` means `/apps/0`).
  public init(stringLiteral value: String) {
    if let pointer = JSONPointer(parsing: value) {
      self = pointer
      return
    }
    let body =
      value.utf8.first == UInt8(ascii: "/")
      ? Substring(value).utf8.dropFirst() : Substring(value).utf8[...]
    self.tokens = body.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false).map {
      JSONPointer.unescape($0, strict: false) ?? String(decoding: $0, as: UTF8.self)
    }
  }

  /// The pointer to the whole document.
  public static let root = JSONPointer()

  /// This pointer with `token` (unescaped) appended.
  public func appending(_ token: String) -> JSONPointer {
    // One allocation of the exact size (`tokens + [token]` makes two): a model's every app,
    // policy and rule is given its pointer when it is read.
    var appended: [String] = []
    appended.reserveCapacity(tokens.count + 1)
    appended.append(contentsOf: tokens)
    appended.append(token)
    return JSONPointer(appended)
  }

  /// This pointer with the array index `index` appended.
  public func appending(_ index: Int) -> JSONPointer {
    appending(String(index))
  }

  /// `lhs.appending(rhs)`.
  public static func / (lhs: JSONPointer, rhs: String) -> JSONPointer {
    lhs.appending(rhs)
  }

  /// `lhs.appending(rhs)`.
  public static func / (lhs: JSONPointer, rhs: Int) -> JSONPointer {
    lhs.appending(rhs)
  }

  /// The pointer without its last token; nil for the root.
  public var parent: JSONPointer? {
    if tokens.isEmpty { return nil }
    return JSONPointer(Array(tokens.dropLast()))
  }

  /// The escaped form, e.g. `/a~1b/0`; the root is the empty string.
  public var description: String {
    var result = ""
    for token in tokens {
      result += "/"
      for character in token.unicodeScalars {
        switch character {
        case "~": result += "~0"
        case "/": result += "~1"
        default: result.unicodeScalars.append(character)
        }
      }
    }
    return result
  }

  public static func == (lhs: JSONPointer, rhs: JSONPointer) -> Bool {
    guard lhs.tokens.count == rhs.tokens.count else { return false }
    for (left, right) in zip(lhs.tokens, rhs.tokens) where !utf8Equal(left, right) {
      return false
    }
    return true
  }

  public func hash(into hasher: inout Hasher) {
    hasher.combine(tokens.count)
    for token in tokens { hashUTF8(token, into: &hasher) }
  }

  public static func < (lhs: JSONPointer, rhs: JSONPointer) -> Bool {
    for (left, right) in zip(lhs.tokens, rhs.tokens) {
      let order = compareTokens(left, right)
      if order != 0 { return order < 0 }
    }
    return lhs.tokens.count < rhs.tokens.count
  }

  /// The array index a token denotes (RFC 6901: `0` or digits without a leading zero), if any.
  static func arrayIndex(_ token: String) -> Int? {
    let utf8 = token.utf8
    guard let first = utf8.first, isDigit(first), first != UInt8(ascii: "0") || utf8.count == 1
    else { return nil }
    guard utf8.allSatisfy(isDigit) else { return nil }
    return Int(token)
  }

  private static func unescape(_ bytes: Substring.UTF8View.SubSequence, strict: Bool) -> String? {
    guard bytes.contains(UInt8(ascii: "~")) else { return String(decoding: bytes, as: UTF8.self) }
    var result: [UInt8] = []
    result.reserveCapacity(bytes.count)
    var iterator = bytes.makeIterator()
    var pending: UInt8?
    while let byte = pending ?? iterator.next() {
      pending = nil
      guard byte == UInt8(ascii: "~") else {
        result.append(byte)
        continue
      }
      let next = iterator.next()
      switch next {
      case UInt8(ascii: "0"): result.append(UInt8(ascii: "~"))
      case UInt8(ascii: "1"): result.append(UInt8(ascii: "/"))
      default:
        if strict { return nil }
        result.append(byte)
        pending = next
      }
    }
    return String(decoding: result, as: UTF8.self)
  }

  /// Three-way comparison of two tokens: numerically if both are all digits, else by UTF-8.
  private static func compareTokens(_ lhs: String, _ rhs: String) -> Int {
    let leftDigits = !lhs.isEmpty && lhs.utf8.allSatisfy(isDigit)
    let rightDigits = !rhs.isEmpty && rhs.utf8.allSatisfy(isDigit)
    if leftDigits && rightDigits {
      let left = lhs.utf8.drop { $0 == UInt8(ascii: "0") }
      let right = rhs.utf8.drop { $0 == UInt8(ascii: "0") }
      if left.count != right.count { return left.count < right.count ? -1 : 1 }
      if !left.elementsEqual(right) {
        return left.lexicographicallyPrecedes(right) ? -1 : 1
      }
      // Numerically equal ("1" and "01"): fall back to the text for a total order.
    }
    return utf8Compare(lhs, rhs)
  }
}

extension JSONValue {
  /// The value `pointer` refers to, or nil if there is none.
  ///
  /// Getting walks object members by key and array elements by index (`0` or digits without a
  /// leading zero, in range); anything else yields nil.
  ///
  /// Setting:
  /// - a non-nil value replaces the existing object member or array element, or adds a new
  ///   member at the end of an existing object (the pointer's parent must exist);
  /// - nil removes an existing object member (the other members keep their order);
  /// - the root pointer replaces the whole value; setting nil at the root does nothing;
  /// - everything else is a no-op: a missing intermediate, a type mismatch, an array index that
  ///   is out of range or not an index (`-` does not append), and nil for an array element
  ///   (elements are never removed, so indices of siblings stay stable).
  public subscript(pointer: JSONPointer) -> JSONValue? {
    get {
      var current = self
      for token in pointer.tokens {
        switch current {
        case .object(let object):
          guard let next = object[token] else { return nil }
          current = next
        case .array(let elements):
          guard let index = JSONPointer.arrayIndex(token), index < elements.count else {
            return nil
          }
          current = elements[index]
        default:
          return nil
        }
      }
      return current
    }
    set {
      set(newValue, at: pointer.tokens[...])
    }
  }

  private mutating func set(_ newValue: JSONValue?, at tokens: ArraySlice<String>) {
    guard let token = tokens.first else {
      if let newValue { self = newValue }
      return
    }
    let rest = tokens.dropFirst()
    switch self {
    case .object(var object):
      if rest.isEmpty {
        if newValue == nil && object.index(forKey: token) == nil { return }
        self = .null  // drop the second reference so `object` is uniquely referenced
        object[token] = newValue
        self = .object(object)
      } else {
        guard let index = object.index(forKey: token) else { return }
        self = .null
        object.members[index].value.set(newValue, at: rest)
        self = .object(object)
      }
    case .array(var elements):
      guard let index = JSONPointer.arrayIndex(token), index < elements.count else { return }
      if rest.isEmpty {
        guard let newValue else { return }
        self = .null
        elements[index] = newValue
        self = .array(elements)
      } else {
        self = .null
        elements[index].set(newValue, at: rest)
        self = .array(elements)
      }
    default:
      return
    }
  }
}
