import OrgWizJSON
import Testing

@Suite struct JSONPointerTests {
  /// The example document of RFC 6901 section 5.
  static let rfcDocument: JSONValue = [
    "foo": ["bar", "baz"], "": 0, "a/b": 1, "c%d": 2, "e^f": 3, "g|h": 4, "i\\j": 5, "k\"l": 6,
    " ": 7, "m~n": 8,
  ]

  @Test func rfc6901Examples() throws {
    let document = Self.rfcDocument
    let cases: [(String, JSONValue)] = [
      ("", document), ("/foo", ["bar", "baz"]), ("/foo/0", "bar"), ("/", 0), ("/a~1b", 1),
      ("/c%d", 2), ("/e^f", 3), ("/g|h", 4), ("/i\\j", 5), ("/k\"l", 6), ("/ ", 7), ("/m~0n", 8),
    ]
    for (text, expected) in cases {
      let pointer = try #require(JSONPointer(parsing: text))
      #expect(document[pointer] == expected, "\(text)")
      #expect(pointer.description == text)
    }
  }

  @Test func escapingAndParsing() throws {
    let pointer = JSONPointer(["a/b", "m~n", "~1", ""])
    #expect(pointer.description == "/a~1b/m~0n/~01/")
    #expect(JSONPointer(parsing: pointer.description) == pointer)
    #expect(JSONPointer(parsing: "/~01")?.tokens == ["~1"])
    #expect(JSONPointer(parsing: "/")?.tokens == [""])
    #expect(JSONPointer(parsing: "//")?.tokens == ["", ""])
    #expect(JSONPointer(parsing: "")?.tokens == [])
    #expect(JSONPointer(parsing: "a/b") == nil)
    #expect(JSONPointer(parsing: "/~2") == nil)
    #expect(JSONPointer(parsing: "/a~") == nil)
    #expect(JSONPointer.root.description == "")
    #expect(JSONPointer(parsing: "/é/😀")?.tokens == ["é", "😀"])
  }

  @Test func literalsAndBuilding() {
    let literal: JSONPointer = "/authorizationServers/2/policies/0/priority"
    let built = JSONPointer.root / "authorizationServers" / 2 / "policies" / 0 / "priority"
    #expect(literal == built)
    #expect(built.description == "/authorizationServers/2/policies/0/priority")
    #expect(JSONPointer.root.appending("a").appending(3).tokens == ["a", "3"])
    let lenient: JSONPointer = "apps/0"
    #expect(lenient.tokens == ["apps", "0"])
  }

  @Test func parent() {
    let pointer: JSONPointer = "/a/b/0"
    #expect(pointer.parent == "/a/b")
    #expect(pointer.parent?.parent?.parent == .root)
    #expect(JSONPointer.root.parent == nil)
  }

  @Test func ordering() {
    let pointers: [JSONPointer] = [
      "/apps/10", "/apps/2", "/b", "/apps", "", "/apps/2/x", "/a", "/apps/x",
    ]
    let sorted = pointers.sorted().map(\.description)
    #expect(sorted == ["", "/a", "/apps", "/apps/2", "/apps/2/x", "/apps/10", "/apps/x", "/b"])
    #expect(JSONPointer("/apps/9") < JSONPointer("/apps/10"))
    #expect(!(JSONPointer("/apps/10") < JSONPointer("/apps/10")))
    #expect(JSONPointer("/x/99999999999999999999999") > JSONPointer("/x/100"))
    #expect(JSONPointer("/x/01") != JSONPointer("/x/1"))
    #expect(
      (JSONPointer("/x/01") < JSONPointer("/x/1")) != (JSONPointer("/x/1") < JSONPointer("/x/01")))
  }

  @Test func getReturnsNilForMissingPaths() {
    let document: JSONValue = ["a": [1, ["b": true]]]
    #expect(document["/a/1/b" as JSONPointer] == true)
    #expect(document["/a/2" as JSONPointer] == nil)
    #expect(document["/a/01" as JSONPointer] == nil)
    #expect(document["/a/-1" as JSONPointer] == nil)
    #expect(document["/a/-" as JSONPointer] == nil)
    #expect(document["/a/0/x" as JSONPointer] == nil)
    #expect(document["/missing" as JSONPointer] == nil)
    #expect(document["/a/1/b/c" as JSONPointer] == nil)
  }

  @Test func setReplacesAddsAndRemoves() {
    var document: JSONValue = [
      "servers": [["name": "one", "policies": [["priority": 1]]]], "z": 0,
    ]
    document["/servers/0/policies/0/priority" as JSONPointer] = 5
    #expect(document["/servers/0/policies/0/priority" as JSONPointer] == 5)

    document["/servers/0/description" as JSONPointer] = "new"
    #expect(document["servers"]?[0]?.objectValue?.keys == ["name", "policies", "description"])

    document["/servers/0/name" as JSONPointer] = nil
    #expect(document["servers"]?[0]?.objectValue?.keys == ["policies", "description"])

    document["/servers/0" as JSONPointer] = ["replaced": true]
    #expect(document["servers"] == [["replaced": true]])

    document["/z" as JSONPointer] = nil
    #expect(document.objectValue?.keys == ["servers"])

    document[JSONPointer.root] = [1, 2]
    #expect(document == [1, 2])
  }

  @Test func invalidSetsAreNoOps() {
    let original: JSONValue = ["list": [1, 2], "text": "x", "obj": [:]]
    var document = original
    document["/list/2" as JSONPointer] = 3
    document["/list/-" as JSONPointer] = 3
    document["/list/0" as JSONPointer] = nil
    document["/text/a" as JSONPointer] = 1
    document["/missing/a" as JSONPointer] = 1
    document["/obj/missing" as JSONPointer] = nil
    document["/list/x" as JSONPointer] = 1
    document[JSONPointer.root] = nil
    #expect(document == original)
    #expect(document.objectValue?.keys == ["list", "text", "obj"])
  }

  @Test func setDoesNotAffectCopies() {
    let original: JSONValue = ["a": ["b": [1, 2]]]
    var copy = original
    copy["/a/b/1" as JSONPointer] = 3
    #expect(original["/a/b/1" as JSONPointer] == 2)
    #expect(copy["/a/b/1" as JSONPointer] == 3)
  }
}
