import OrgWizJSON
import Testing

@Suite struct JSONObjectTests {
  @Test func subscriptSetReplacesInPlaceAndAppendsNewKeys() {
    var object: JSONObject = ["b": 1, "a": 2]
    object["b"] = 10
    object["c"] = 3
    #expect(object.keys == ["b", "a", "c"])
    #expect(object["b"] == 10)
    #expect(object.count == 3)
  }

  @Test func settingNilRemovesAndKeepsOrder() {
    var object: JSONObject = ["x": 1, "y": 2, "z": 3]
    object["y"] = nil
    #expect(object.keys == ["x", "z"])
    object["missing"] = nil
    #expect(object.keys == ["x", "z"])
    object["w"] = .null
    #expect(object.keys == ["x", "z", "w"])
    #expect(object["w"] == .null)
  }

  @Test func removeValueReturnsTheOldValue() {
    var object: JSONObject = ["a": "one", "b": "two"]
    #expect(object.removeValue(forKey: "a") == "one")
    #expect(object.removeValue(forKey: "a") == nil)
    #expect(object.keys == ["b"])
  }

  @Test func initKeepsFirstPositionWithLastValueForDuplicates() {
    let object = JSONObject([(key: "a", value: 1), (key: "b", value: 2), (key: "a", value: 3)])
    #expect(object.keys == ["a", "b"])
    #expect(object["a"] == 3)
    let large = JSONObject(
      (0..<100).map { (key: "k\($0 % 50)", value: JSONValue.number(JSONNumber($0))) })
    #expect(large.count == 50)
    #expect(large["k7"] == 57)
    #expect(large.keys.first == "k0")
  }

  @Test func equalityAndHashingIgnoreOrder() {
    let first: JSONObject = ["a": 1, "b": [1, 2], "c": ["d": nil]]
    let second: JSONObject = ["c": ["d": nil], "a": 1, "b": [1, 2]]
    #expect(first == second)
    #expect(first.hashValue == second.hashValue)
    #expect(Set([JSONValue.object(first), .object(second)]).count == 1)
  }

  @Test func inequality() {
    let base: JSONObject = ["a": 1, "b": 2]
    #expect(base != ["a": 1])
    #expect(base != ["a": 1, "b": 3])
    #expect(base != ["a": 1, "c": 2])
    #expect(base != ["a": 1, "b": "2"])
    // Arrays stay order-sensitive.
    #expect(JSONValue.array([1, 2]) != [2, 1])
    // Numbers compare by literal.
    #expect(JSONValue.number(JSONNumber(1)) != .number(JSONNumber(literal: "1.0") ?? JSONNumber(0)))
  }

  @Test func largeObjectsCompareOrderInsensitively() {
    let members = (0..<100).map { (key: "key\($0)", value: JSONValue.number(JSONNumber($0))) }
    let forward = JSONObject(members)
    let backward = JSONObject(members.reversed())
    #expect(forward == backward)
    #expect(forward.hashValue == backward.hashValue)
    var changed = backward
    changed["key42"] = 0
    #expect(forward != changed)
  }

  @Test func sortedMembersUseByteOrder() {
    let object: JSONObject = ["b": 1, "B": 2, "é": 3, "a": 4, "😀": 5, "ｱ": 6]
    #expect(object.sortedMembers().map(\.key) == ["B", "a", "b", "é", "ｱ", "😀"])
  }

  @Test func collectionConformance() {
    let object: JSONObject = ["x": 1, "y": 2]
    #expect(object.map(\.key) == ["x", "y"])
    #expect(object[1].key == "y")
    #expect(object.first?.value == 1)
    #expect(object.members.map(\.key) == ["x", "y"])
    #expect(JSONObject().isEmpty)
    #expect(JSONObject().count == 0)
  }

  @Test func keysMatchByBytes() {
    var object = JSONObject()
    object["é"] = 1
    object["e\u{301}"] = 2
    #expect(object.count == 2)
    #expect(object["é"] == 1)
    #expect(object["e\u{301}"] == 2)
  }
}
