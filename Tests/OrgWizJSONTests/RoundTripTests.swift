import OrgWizJSON
import Testing

@Suite struct RoundTripTests {
  /// An org-model-like document with vendor fields, `_links`, nested arrays, unicode, escapes
  /// and numbers whose literal text must survive exactly.
  static let fixture = #"""
    {
      "formatVersion": 1,
      "org": {"subdomain": "acme", "companyName": "ACME – Zürich", "x-vendor-flag": true},
      "apps": [
        {
          "id": "0oa1",
          "label": "🚀 Launchpad 東京 e\u0301tude é",
          "_links": {"self": {"href": "https:\/\/acme.okta.com\/api\/v1\/apps\/0oa1"}},
          "x-unknown": {"deep": [[1, 2], [], [[[]]], {"k": null}], "ratio": 1.50},
          "settings": {"oauthClient": {"grant_types": ["authorization_code"], "redirect_uris": []}},
          "numbers": [12345678901234567890, -0, 1.0, 1e400, 2E-10, -12.5e+3, 0, 0.0],
          "escapes": "tab\tnewline\nquote\"backslash\\slash\/nul\u0000bell\u0007 \u2028 \ud83d\ude00",
          "raw": "combining: a\u0301 hangul: 한국어 cjk: 中文 emoji: 👩‍👩‍👧"
        }
      ],
      "empty": {},
      "emptyArray": [],
      "": "empty key"
    }
    """#

  /// The parser shares object keys it has seen (a small cache by hash): many distinct keys,
  /// keys that share a slot, long, escaped and non-ASCII keys, repeated across objects, must
  /// all come back exactly, and a duplicate is still refused whichever way its key was read.
  @Test func sharedObjectKeysComeBackExactly() throws {
    var keys = (0..<3000).map { "key-\($0)-" + String(repeating: "x", count: $0 % 70) }
    keys += ["", "é-non-ascii", "tab\there", String(repeating: "long", count: 40), "quote\"d"]
    let objects = (0..<3).map { round in
      JSONValue.object(
        JSONObject(
          keys.enumerated().map { (key: $0.element, value: .number(JSONNumber($0.offset + round))) }
        ))
    }
    let document = JSONValue.array(objects)
    let parsed = try JSONParser.parse(JSONWriter.write(document, style: .compact))
    #expect(parsed == document)
    for (object, expected) in zip(parsed.arrayValue ?? [], objects) {
      #expect(object.objectValue?.count == keys.count)
      for key in keys { #expect(object[key] == expected[key], "\(key)") }
    }
    #expect(throws: JSONParseError.self) { try JSONParser.parse(#"[{"key-7-":1},{"a":1,"a":2}]"#) }
    #expect(throws: JSONParseError.self) {
      try JSONParser.parse(#"[{"key-7-":1},{"key-7-":1,"key-\u0037-":2}]"#)
    }
  }

  @Test func fixtureSurvivesParseWriteParse() throws {
    let value = try JSONParser.parse(Self.fixture)
    for style in [JSONWriter.Style.pretty, .compact] {
      let written = JSONWriter.write(value, style: style)
      let reparsed = try JSONParser.parse(written)
      #expect(reparsed == value)
      #expect(JSONWriter.write(reparsed, style: style) == written)
    }
  }

  @Test func numbersKeepTheirLiteralText() throws {
    let value = try JSONParser.parse(Self.fixture)
    let numbers = try #require(value["/apps/0/numbers" as JSONPointer]?.arrayValue)
    let literals = numbers.compactMap { $0.numberValue?.literal }
    #expect(
      literals == ["12345678901234567890", "-0", "1.0", "1e400", "2E-10", "-12.5e+3", "0", "0.0"])
    let written = JSONWriter.string(value, style: .compact)
    #expect(written.contains("[12345678901234567890,-0,1.0,1e400,2E-10,-12.5e+3,0,0.0]"))
    #expect(written.contains(#""ratio":1.50"#))
  }

  @Test func stringsAreDecodedExactly() throws {
    let value = try JSONParser.parse(Self.fixture)
    let app = try #require(value["apps"]?[0])
    #expect(app["label"]?.stringValue == "🚀 Launchpad 東京 e\u{301}tude é")
    #expect(
      app["escapes"]?.stringValue
        == "tab\tnewline\nquote\"backslash\\slash/nul\u{0}bell\u{7} \u{2028} 😀")
    #expect(app["raw"]?.stringValue == "combining: a\u{301} hangul: 한국어 cjk: 中文 emoji: 👩‍👩‍👧")
    #expect(
      app["_links"]?["self"]?["href"]?.stringValue == "https://acme.okta.com/api/v1/apps/0oa1")
    #expect(value[""]?.stringValue == "empty key")
  }

  @Test func writtenFixtureIsAFixedPoint() throws {
    let first = JSONWriter.write(try JSONParser.parse(Self.fixture))
    let second = JSONWriter.write(try JSONParser.parse(first))
    #expect(first == second)
    #expect(first.last == UInt8(ascii: "\n"))
  }

  @Test func canonicallyEquivalentStringsStayDistinct() throws {
    // "é" precomposed and decomposed are different JSON strings (code unit comparison).
    let value = try JSONParser.parse(#"{"é": 1, "e\u0301": 2}"#)
    let object = try #require(value.objectValue)
    #expect(object.count == 2)
    #expect(object["é"] == 1)
    #expect(object["e\u{301}"] == 2)
    #expect(JSONValue.string("é") != JSONValue.string("e\u{301}"))
    #expect(try JSONParser.parse(JSONWriter.write(value)) == value)
  }

  @Test func byteOrderMarkIsSkipped() throws {
    let value = try JSONParser.parse([0xEF, 0xBB, 0xBF] + Array(#"{"a": [1]}"#.utf8))
    #expect(value == ["a": [1]])
  }

  @Test func stringAndByteEntryPointsAgree() throws {
    let fromString = try JSONParser.parse(Self.fixture)
    let fromBytes = try JSONParser.parse(Array(Self.fixture.utf8))
    #expect(fromString == fromBytes)
  }
}
