import OrgWizJSON

/// Reads typed fields out of JSON objects, collecting every type problem with its pointer.
///
/// The pointers are given as autoclosures: a model's 20,000 apps are read field by field, and
/// a field's pointer is needed only when it is reported, so none is built for a field that
/// reads well.
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
    _ object: JSONObject, _ key: String, at pointer: @autoclosure () -> JSONPointer, required: Bool,
    what: String
  ) -> JSONValue? {
    guard let value = object[key], !value.isNull else {
      if required { fail(pointer() / key, "missing; every \(what) needs \"\(key)\"") }
      return nil
    }
    return value
  }

  /// The member at `key` as one type, or nil (with an issue when it is missing but required,
  /// or present with another type).
  mutating func typed<Value>(
    _ object: JSONObject, _ key: String, at pointer: @autoclosure () -> JSONPointer, required: Bool,
    what: String,
    expected: String, _ extract: (JSONValue) -> Value?
  ) -> Value? {
    guard let value = member(object, key, at: pointer(), required: required, what: what) else {
      return nil
    }
    guard let result = extract(value) else {
      wrongType(pointer() / key, expected: expected, found: value)
      return nil
    }
    return result
  }

  mutating func object(
    _ object: JSONObject, _ key: String, at pointer: @autoclosure () -> JSONPointer,
    required: Bool = false,
    what: String = "object"
  ) -> JSONObject? {
    typed(object, key, at: pointer(), required: required, what: what, expected: "an object") {
      $0.objectValue
    }
  }

  mutating func array(
    _ object: JSONObject, _ key: String, at pointer: @autoclosure () -> JSONPointer,
    required: Bool = false,
    what: String = "object"
  ) -> [JSONValue]? {
    typed(object, key, at: pointer(), required: required, what: what, expected: "an array") {
      $0.arrayValue
    }
  }

  mutating func string(
    _ object: JSONObject, _ key: String, at pointer: @autoclosure () -> JSONPointer,
    required: Bool = false,
    what: String = "object"
  ) -> String? {
    typed(object, key, at: pointer(), required: required, what: what, expected: "a string") {
      $0.stringValue
    }
  }

  mutating func int(
    _ object: JSONObject, _ key: String, at pointer: @autoclosure () -> JSONPointer,
    required: Bool = false,
    what: String = "object"
  ) -> Int? {
    typed(object, key, at: pointer(), required: required, what: what, expected: "an integer") {
      $0.intValue
    }
  }

  mutating func bool(
    _ object: JSONObject, _ key: String, at pointer: @autoclosure () -> JSONPointer,
    required: Bool = false,
    what: String = "object"
  ) -> Bool? {
    typed(
      object, key, at: pointer(), required: required, what: what,
      expected: "a boolean (true or false)"
    ) { $0.boolValue }
  }

  /// An array of strings; a wrong element is reported by its own pointer.
  mutating func strings(
    _ object: JSONObject, _ key: String, at pointer: @autoclosure () -> JSONPointer,
    required: Bool = false,
    what: String = "object"
  ) -> [String]? {
    guard let values = array(object, key, at: pointer(), required: required, what: what) else {
      return nil
    }
    var result: [String] = []
    result.reserveCapacity(values.count)
    for (index, value) in values.enumerated() {
      if let text = value.stringValue {
        result.append(text)
      } else {
        wrongType(pointer() / key / index, expected: "a string", found: value)
      }
    }
    return result
  }

  /// The objects of an array member; a non-object element is reported by its pointer.
  mutating func objects(
    _ object: JSONObject, _ key: String, at pointer: @autoclosure () -> JSONPointer,
    required: Bool = false,
    what: String = "object"
  ) -> [(JSONObject, JSONPointer)] {
    guard let values = array(object, key, at: pointer(), required: required, what: what) else {
      return []
    }
    let base = pointer() / key
    var result: [(JSONObject, JSONPointer)] = []
    result.reserveCapacity(values.count)
    for (index, value) in values.enumerated() {
      if let element = value.objectValue {
        result.append((element, base / index))
      } else {
        wrongType(base / index, expected: "an object", found: value)
      }
    }
    return result
  }
}
