import OrgWizJSON

/// Reads typed fields out of JSON objects, collecting every type problem with its pointer.
struct ShapeReader {
  var issues: [ModelIssue] = []

  mutating func fail(_ pointer: JSONPointer, _ message: String) {
    issues.append(ModelIssue(pointer, message))
  }

  mutating func wrongType(_ pointer: JSONPointer, expected: String, found: JSONValue) {
    fail(pointer, "expected \(expected), found \(found.briefDescription)")
  }

  /// The object member at `key`, or nil (with an issue when `required`).
  mutating func member(
    _ object: JSONObject, _ key: String, at pointer: JSONPointer, required: Bool, what: String
  ) -> JSONValue? {
    guard let value = object[key], !value.isNull else {
      if required { fail(pointer / key, "missing; every \(what) needs \"\(key)\"") }
      return nil
    }
    return value
  }

  mutating func object(
    _ object: JSONObject, _ key: String, at pointer: JSONPointer, required: Bool = false,
    what: String = "object"
  ) -> JSONObject? {
    guard let value = member(object, key, at: pointer, required: required, what: what) else {
      return nil
    }
    guard let result = value.objectValue else {
      wrongType(pointer / key, expected: "an object", found: value)
      return nil
    }
    return result
  }

  mutating func array(
    _ object: JSONObject, _ key: String, at pointer: JSONPointer, required: Bool = false,
    what: String = "object"
  ) -> [JSONValue]? {
    guard let value = member(object, key, at: pointer, required: required, what: what) else {
      return nil
    }
    guard let result = value.arrayValue else {
      wrongType(pointer / key, expected: "an array", found: value)
      return nil
    }
    return result
  }

  mutating func string(
    _ object: JSONObject, _ key: String, at pointer: JSONPointer, required: Bool = false,
    what: String = "object"
  ) -> String? {
    guard let value = member(object, key, at: pointer, required: required, what: what) else {
      return nil
    }
    guard let result = value.stringValue else {
      wrongType(pointer / key, expected: "a string", found: value)
      return nil
    }
    return result
  }

  mutating func int(
    _ object: JSONObject, _ key: String, at pointer: JSONPointer, required: Bool = false,
    what: String = "object"
  ) -> Int? {
    guard let value = member(object, key, at: pointer, required: required, what: what) else {
      return nil
    }
    guard let result = value.intValue else {
      wrongType(pointer / key, expected: "an integer", found: value)
      return nil
    }
    return result
  }

  mutating func bool(
    _ object: JSONObject, _ key: String, at pointer: JSONPointer, required: Bool = false,
    what: String = "object"
  ) -> Bool? {
    guard let value = member(object, key, at: pointer, required: required, what: what) else {
      return nil
    }
    guard let result = value.boolValue else {
      wrongType(pointer / key, expected: "a boolean (true or false)", found: value)
      return nil
    }
    return result
  }

  /// An array of strings; a wrong element is reported by its own pointer.
  mutating func strings(
    _ object: JSONObject, _ key: String, at pointer: JSONPointer, required: Bool = false,
    what: String = "object"
  ) -> [String]? {
    guard let values = array(object, key, at: pointer, required: required, what: what) else {
      return nil
    }
    var result: [String] = []
    result.reserveCapacity(values.count)
    for (index, value) in values.enumerated() {
      if let text = value.stringValue {
        result.append(text)
      } else {
        wrongType(pointer / key / index, expected: "a string", found: value)
      }
    }
    return result
  }

  /// The objects of an array member; a non-object element is reported by its pointer.
  mutating func objects(
    _ object: JSONObject, _ key: String, at pointer: JSONPointer, required: Bool = false,
    what: String = "object"
  ) -> [(JSONObject, JSONPointer)] {
    guard let values = array(object, key, at: pointer, required: required, what: what) else {
      return []
    }
    var result: [(JSONObject, JSONPointer)] = []
    result.reserveCapacity(values.count)
    for (index, value) in values.enumerated() {
      if let element = value.objectValue {
        result.append((element, pointer / key / index))
      } else {
        wrongType(pointer / key / index, expected: "an object", found: value)
      }
    }
    return result
  }
}
