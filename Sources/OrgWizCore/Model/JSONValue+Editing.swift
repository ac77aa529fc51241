import OrgWizJSON

extension JSONValue {
  /// Sets the value at `pointer`, creating missing intermediate objects.
  ///
  /// Containers on the path are taken out of `self` before they are changed, so a large array
  /// (20,000 apps) is edited in place instead of being copied.
  /// - Returns: false when the path runs through a value that is not a container, or through an
  ///   array index that does not exist; nothing is changed then.
  @discardableResult
  public mutating func set(_ newValue: JSONValue, at pointer: JSONPointer) -> Bool {
    set(newValue, tokens: pointer.tokens[...])
  }

  private mutating func set(_ newValue: JSONValue, tokens: ArraySlice<String>) -> Bool {
    guard let token = tokens.first else {
      self = newValue
      return true
    }
    let rest = tokens.dropFirst()
    switch self {
    case .object(var object):
      self = .null
      // Take the child out while keeping the member's place: replacing it with null in place
      // leaves the copy here as the only reference, so the child is edited without a copy.
      var child = object[token] ?? .object(JSONObject())
      if object[token] != nil { object[token] = .null }
      if case .null = child, !rest.isEmpty { child = .object(JSONObject()) }
      let done = child.set(newValue, tokens: rest)
      object[token] = child
      self = .object(object)
      return done
    case .array(var array):
      guard let index = Int(token), array.indices.contains(index) else { return false }
      self = .null
      var child = array[index]
      array[index] = .null
      let done = child.set(newValue, tokens: rest)
      array[index] = child
      self = .array(array)
      return done
    default:
      return false
    }
  }

  /// Removes the object member at `pointer`; returns the removed value.
  @discardableResult
  public mutating func removeMember(at pointer: JSONPointer) -> JSONValue? {
    guard let last = pointer.tokens.last, let parent = pointer.parent,
      var object = self[parent]?.objectValue
    else { return nil }
    let removed = object.removeValue(forKey: last)
    if removed != nil { set(.object(object), at: parent) }
    return removed
  }

  /// An array of strings as a JSON value.
  public static func strings(_ values: [String]) -> JSONValue {
    .array(values.map { .string($0) })
  }
}
