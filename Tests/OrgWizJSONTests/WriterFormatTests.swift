import OrgWizJSON
import Testing

@Suite struct WriterFormatTests {
  static let document: JSONValue = [
    "b": 1,
    "a": [],
    "B": [:],
    "é": "x",
    "😀": "astral",
    "ｱ": "halfwidth katakana",
    "Z": [1, ["y": nil, "x": true], [false, 2.5]],
    "esc": .string("q\"b\\s/\n\t\r\u{8}\u{c}\u{1}\u{1f}\u{2028}\u{2029}é"),
  ]

  @Test func prettyOutputIsExact() {
    let expected = #"""
      {
        "B": {},
        "Z": [
          1,
          {
            "x": true,
            "y": null
          },
          [
            false,
            2.5
          ]
        ],
        "a": [],
        "b": 1,
        "esc": "q\"b\\s/\n\t\r\b\f\u0001\u001f\u2028\u2029é",
        "é": "x",
        "ｱ": "halfwidth katakana",
        "😀": "astral"
      }

      """#
    #expect(pretty(Self.document) == expected)
  }

  @Test func compactOutputIsExact() {
    let expected =
      #"{"B":{},"Z":[1,{"x":true,"y":null},[false,2.5]],"a":[],"b":1,"#
      + #""esc":"q\"b\\s/\n\t\r\b\f\u0001\u001f\u2028\u2029é","é":"x","#
      + #""ｱ":"halfwidth katakana","😀":"astral"}"#
    #expect(compact(Self.document) == expected)
  }

  @Test func scalarsAtTopLevel() {
    #expect(pretty(nil) == "null\n")
    #expect(pretty(true) == "true\n")
    #expect(pretty("a/b") == "\"a/b\"\n")
    #expect(compact(.number(JSONNumber(-42))) == "-42")
    #expect(pretty([]) == "[]\n")
    #expect(pretty([:]) == "{}\n")
    #expect(compact([[], [:], [[]]]) == "[[],{},[[]]]")
  }

  @Test func sortingUsesCodePointOrderNotCaseOrUTF16() {
    // UTF-16 order would put the astral emoji (D83D) before U+FF71; code point order does not.
    let value: JSONValue = ["😀": 1, "ｱ": 2, "a": 3, "A": 4, "_": 5, "aa": 6, "": 7]
    #expect(compact(value) == #"{"":7,"A":4,"_":5,"a":3,"aa":6,"ｱ":2,"😀":1}"#)
  }

  @Test func writingDoesNotChangeTheValue() throws {
    let value: JSONValue = ["z": 1, "a": ["c": 2, "b": 3]]
    _ = JSONWriter.write(value)
    #expect(value.objectValue?.keys == ["z", "a"])
  }

  @Test func outputIsDeterministicForEqualObjectsInAnyOrder() {
    let first: JSONValue = ["a": 1, "b": ["d": 4, "c": 3]]
    let second: JSONValue = ["b": ["c": 3, "d": 4], "a": 1]
    #expect(first == second)
    #expect(JSONWriter.write(first) == JSONWriter.write(second))
  }

  @Test func largeObjectsAreSorted() {
    let keys = (0..<100).map { "key\(($0 * 37) % 100)" }
    let object = JSONObject(keys.map { (key: $0, value: JSONValue.number(JSONNumber(1))) })
    let written = compact(.object(object))
    let expectedKeys = keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
    let expected = "{" + expectedKeys.map { "\"\($0)\":1" }.joined(separator: ",") + "}"
    #expect(written == expected)
  }

  @Test func longStringsWithLateEscapes() throws {
    let text =
      String(repeating: "abcdefgh", count: 20) + "\"" + String(repeating: "é", count: 9)
      + "\u{2028}"
    #expect(
      compact(.string(text)) == "\"" + String(repeating: "abcdefgh", count: 20) + "\\\""
        + String(repeating: "é", count: 9) + "\\u2028\"")
    #expect(try JSONParser.parse(JSONWriter.write(.string(text))) == .string(text))
  }

  @Test func nonCharactersAreWrittenRaw() {
    #expect(compact(.string("a\u{ffff}\u{10ffff}")) == "\"a\u{ffff}\u{10ffff}\"")
  }

  /// JSON output passes the terminal sinks unchanged, so nothing in it may be a character that
  /// they would show differently: DEL, C1 controls, bidirectional and zero-width characters.
  @Test func characterThatWouldShowAsSomethingElseAreEscaped() throws {
    let hidden = "\u{7f}\u{80}\u{9f}\u{61c}\u{200b}\u{200f}\u{202e}\u{2060}\u{2066}\u{2069}\u{feff}"
    let text = "é" + hidden + "\u{a9}\u{2030}\u{ff21}x"
    #expect(
      compact(.string(text))
        == "\"é\\u007f\\u0080\\u009f\\u061c\\u200b\\u200f\\u202e\\u2060\\u2066\\u2069\\ufeff"
        + "\u{a9}\u{2030}\u{ff21}x\"")
    #expect(try JSONParser.parse(JSONWriter.write(.string(text))) == .string(text))
    #expect(JSONWriter.write(.string(text)).count == JSONWriter.outputSize(of: .string(text)))
  }

  @Test func writeAndStringAgree() {
    #expect(JSONWriter.write(Self.document, style: .compact) == Array(compact(Self.document).utf8))
    #expect(JSONWriter.write(Self.document) == Array(pretty(Self.document).utf8))
  }
}
