/// Object members in document order. Lookup by key. Duplicate keys are impossible (the parser
/// rejects them and every mutation replaces an existing member in place).
///
/// Keys are matched by their exact UTF-8 bytes. Lookup is a linear scan, which is the fastest
/// choice for the small objects (≤ ~30 keys) of an org model and needs no per-object dictionary.
///
/// Equality and hashing are order-insensitive: two objects are equal when they hold the same set
/// of key/value pairs, whatever the order.
public struct JSONObject: Sendable, Hashable, RandomAccessCollection, ExpressibleByDictionaryLiteral
{
  public typealias Element = (key: String, value: JSONValue)
  public typealias Index = Int
  public typealias Indices = Range<Int>

  /// The members in document order.
  public internal(set) var members: [(key: String, value: JSONValue)]

  /// Objects above this size use a hash set for duplicate detection and comparisons.
  static let linearScanLimit = 32

  /// An empty object.
  public init() {
    self.members = []
  }

  /// An object with `members` in the given order; a later duplicate key replaces the value of
  /// the earlier one (which keeps its position).
  public init(_ members: [(key: String, value: JSONValue)]) {
    self.members = []
    self.members.reserveCapacity(members.count)
    if members.count <= JSONObject.linearScanLimit {
      for member in members {
        self[member.key] = member.value
      }
    } else {
      var positions: [ByteKey: Int] = [:]
      for member in members {
        if let position = positions[ByteKey(member.key)] {
          self.members[position].value = member.value
        } else {
          positions[ByteKey(member.key)] = self.members.count
          self.members.append(member)
        }
      }
    }
  }

  /// Wraps members that are known to have distinct keys (used by the parser).
  init(uniqueMembers members: [(key: String, value: JSONValue)]) {
    self.members = members
  }

  public init(dictionaryLiteral elements: (String, JSONValue)...) {
    self.init(elements.map { (key: $0.0, value: $0.1) })
  }

  /// The keys in document order.
  public var keys: [String] {
    members.map(\.key)
  }

  /// The number of members.
  public var count: Int {
    members.count
  }

  public var isEmpty: Bool {
    members.isEmpty
  }

  public var startIndex: Int { 0 }

  public var endIndex: Int { members.count }

  public subscript(position: Int) -> (key: String, value: JSONValue) {
    members[position]
  }

  /// The position of the member named `key`, if any.
  public func index(forKey key: String) -> Int? {
    let keyCount = key.utf8.count
    return withUTF8Bytes(key) { keyBytes in
      for index in members.indices where members[index].key.utf8.count == keyCount {
        let matches = withUTF8Bytes(members[index].key) { bytesEqual($0, keyBytes) }
        if matches { return index }
      }
      return nil
    }
  }

  /// The value of the member named `key`.
  ///
  /// Setting a value replaces an existing member in place or appends a new member at the end;
  /// setting nil removes the member (the others keep their order).
  public subscript(key: String) -> JSONValue? {
    get {
      guard let index = index(forKey: key) else { return nil }
      return members[index].value
    }
    set {
      if let index = index(forKey: key) {
        if let newValue {
          members[index].value = newValue
        } else {
          members.remove(at: index)
        }
      } else if let newValue {
        members.append((key: key, value: newValue))
      }
    }
  }

  /// Removes the member named `key` and returns its value, or returns nil if there is none.
  @discardableResult
  public mutating func removeValue(forKey key: String) -> JSONValue? {
    guard let index = index(forKey: key) else { return nil }
    return members.remove(at: index).value
  }

  /// The members sorted by key in Unicode code point order (= UTF-8 byte order).
  public func sortedMembers() -> [(key: String, value: JSONValue)] {
    members.sorted { utf8Less($0.key, $1.key) }
  }

  public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
    let count = lhs.members.count
    guard count == rhs.members.count else { return false }
    // Fast path: same keys in the same order.
    var index = 0
    while index < count {
      let left = lhs.members[index]
      let right = rhs.members[index]
      guard utf8Equal(left.key, right.key) else { break }
      guard left.value == right.value else { return false }
      index += 1
    }
    if index == count { return true }
    if count <= JSONObject.linearScanLimit {
      for member in lhs.members[index...] {
        guard let other = rhs[member.key], other == member.value else { return false }
      }
      return true
    }
    var positions: [ByteKey: Int] = [:]
    for position in index..<count {
      positions[ByteKey(rhs.members[position].key)] = position
    }
    for member in lhs.members[index...] {
      guard let position = positions[ByteKey(member.key)],
        rhs.members[position].value == member.value
      else { return false }
    }
    return true
  }

  public func hash(into hasher: inout Hasher) {
    // Order-insensitive: combine per-member hashes with a commutative operation.
    var sum: UInt64 = 0
    for member in members {
      var memberHasher = Hasher()
      hashUTF8(member.key, into: &memberHasher)
      memberHasher.combine(member.value)
      sum &+= UInt64(UInt(bitPattern: memberHasher.finalize()))
    }
    hasher.combine(members.count)
    hasher.combine(sum)
  }
}
