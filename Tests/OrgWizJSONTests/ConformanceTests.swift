import OrgWizJSON
import Testing

/// A named input document, given as text or raw bytes.
struct Sample: CustomTestStringConvertible, Sendable {
  let name: String
  let bytes: [UInt8]

  init(_ name: String, _ text: String) {
    self.name = name
    self.bytes = Array(text.utf8)
  }

  init(_ name: String, bytes: [UInt8]) {
    self.name = name
    self.bytes = bytes
  }

  var testDescription: String { name }
}

/// Documents that must be rejected, in the spirit of JSONTestSuite's `n_` cases.
let invalidSamples: [Sample] = [
  Sample("n_array_trailing_comma", "[1,]"),
  Sample("n_array_trailing_comma_two", "[1,2,]"),
  Sample("n_array_string_trailing_comma", #"["a",]"#),
  Sample("n_object_trailing_comma", #"{"a":1,}"#),
  Sample("n_line_comment", "// comment\n1"),
  Sample("n_block_comment", "/* c */ 1"),
  Sample("n_trailing_comment", "[1] // c"),
  Sample("n_single_quoted_string", "['a']"),
  Sample("n_single_quoted_key", "{'a':1}"),
  Sample("n_leading_zero", "01"),
  Sample("n_leading_zero_in_array", "[01]"),
  Sample("n_negative_leading_zero", "-01"),
  Sample("n_trailing_dot", "1."),
  Sample("n_leading_dot", ".1"),
  Sample("n_minus_only", "-"),
  Sample("n_minus_dot", "-.1"),
  Sample("n_plus_sign", "+1"),
  Sample("n_nan", "NaN"),
  Sample("n_infinity", "[Infinity]"),
  Sample("n_minus_infinity", "[-Infinity]"),
  Sample("n_hex_number", "0x10"),
  Sample("n_exponent_without_digits", "1e"),
  Sample("n_exponent_sign_without_digits", "1e+"),
  Sample("n_dot_before_exponent", "1.e1"),
  Sample("n_unterminated_string", #""abc"#),
  Sample("n_unterminated_string_in_array", #"["abc]"#),
  Sample("n_backslash_at_end", #""\"#),
  Sample("n_raw_newline_in_string", "[\"a\nb\"]"),
  Sample("n_raw_tab_in_string", "[\"a\tb\"]"),
  Sample("n_raw_nul_in_string", bytes: [0x22, 0x00, 0x22]),
  Sample("n_bad_escape", #"["\q"]"#),
  Sample("n_escaped_apostrophe", #"["\'"]"#),
  Sample("n_short_unicode_escape", #"["\u12"]"#),
  Sample("n_non_hex_unicode_escape", #"["\u12G4"]"#),
  Sample("n_lone_high_surrogate", #"["\ud800"]"#),
  Sample("n_lone_low_surrogate", #"["\udc00"]"#),
  Sample("n_high_surrogate_then_bmp", #"["\ud800\u0041"]"#),
  Sample("n_two_high_surrogates", #"["\ud800\ud800"]"#),
  Sample("n_invalid_utf8_ff", bytes: [0x22, 0xFF, 0x22]),
  Sample("n_invalid_utf8_overlong", bytes: [0x22, 0xC0, 0xAF, 0x22]),
  Sample("n_invalid_utf8_surrogate", bytes: [0x22, 0xED, 0xA0, 0x80, 0x22]),
  Sample("n_invalid_utf8_truncated", bytes: [0x22, 0xE2, 0x82, 0x22]),
  Sample("n_invalid_utf8_lone_continuation", bytes: [0x22, 0x80, 0x22]),
  Sample("n_invalid_utf8_above_10ffff", bytes: [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22]),
  Sample("n_invalid_utf8_overlong_3byte", bytes: [0x22, 0xE0, 0x80, 0xAF, 0x22]),
  Sample("n_invalid_utf8_overlong_4byte", bytes: [0x22, 0xF0, 0x80, 0x80, 0xAF, 0x22]),
  Sample("n_invalid_utf8_c1_lead", bytes: [0x22, 0xC1, 0xBF, 0x22]),
  Sample("n_invalid_utf8_f5_lead", bytes: [0x22, 0xF5, 0x80, 0x80, 0x80, 0x22]),
  Sample("n_invalid_utf8_outside_string", bytes: [0x5B, 0xFF, 0x5D]),
  Sample("n_utf16_bom", bytes: [0xFE, 0xFF, 0x00, 0x31]),
  Sample("n_object_key_without_value", #"{"a"}"#),
  Sample("n_object_missing_colon", #"{"a" 1}"#),
  Sample("n_object_missing_comma", #"{"a":1 "b":2}"#),
  Sample("n_object_missing_value", #"{"a":}"#),
  Sample("n_object_numeric_key", "{1:2}"),
  Sample("n_object_unquoted_key", "{a:1}"),
  Sample("n_object_only_comma", "{,}"),
  Sample("n_array_missing_comma", "[1 2]"),
  Sample("n_array_leading_comma", "[,1]"),
  Sample("n_array_double_comma", "[1,,2]"),
  Sample("n_array_extra_close", "[1]]"),
  Sample("n_duplicate_key", #"{"a":1,"a":2}"#),
  Sample("n_duplicate_key_nested", #"{"x":{"id":1,"name":"n","id":2}}"#),
  Sample("n_deep_nesting_10000", String(repeating: "[", count: 10_000)),
  Sample(
    "n_deep_nesting_closed_10000",
    String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)),
  Sample("n_nesting_513", String(repeating: "[", count: 513) + String(repeating: "]", count: 513)),
  Sample(
    "n_object_nesting_600",
    String(repeating: #"{"a":"#, count: 600) + "1" + String(repeating: "}", count: 600)),
  Sample("n_empty", ""),
  Sample("n_bom_only", bytes: [0xEF, 0xBB, 0xBF]),
  Sample("n_only_whitespace", " \n\t\r "),
  Sample("n_truex", "truex"),
  Sample("n_tru", "tru"),
  Sample("n_nul", "[nul]"),
  Sample("n_capitalised_true", "True"),
  Sample("n_uppercase_null", "NULL"),
  Sample("n_trailing_garbage", "[1] x"),
  Sample("n_two_objects", "{} {}"),
  Sample("n_two_numbers", "1 2"),
  Sample("n_unclosed_array", "["),
  Sample("n_unclosed_object", "{"),
  Sample("n_unclosed_object_after_value", #"{"a":1"#),
  Sample("n_nul_byte_outside_string", bytes: [0x5B, 0x00, 0x5D]),
  Sample("n_form_feed_whitespace", "[\u{c}1]"),
  Sample("n_non_breaking_space_whitespace", "[\u{a0}1]"),
  Sample("n_escaped_character_outside_string", #"\u00e9"#),
  Sample("n_underscore_in_number", "1_000"),
]

/// Documents that must parse, in the spirit of JSONTestSuite's `y_` cases.
let validSamples: [Sample] = [
  Sample("y_empty_array", "[]"),
  Sample("y_empty_object", "{}"),
  Sample("y_zero", "0"),
  Sample("y_negative_zero", "-0"),
  Sample("y_fraction_exponent", "1.5e-10"),
  Sample("y_capital_exponent_plus", "1E+2"),
  Sample("y_zero_exponents", "[0.0, -0.0, 0e0, 0E-0]"),
  Sample("y_huge_exponent", "[1e400]"),
  Sample("y_huge_integer", "[-1234567890123456789012345678901234567890]"),
  Sample("y_string", #""str""#),
  Sample("y_true", "true"),
  Sample("y_false", "false"),
  Sample("y_null", "null"),
  Sample("y_nested_arrays", "[[[]]]"),
  Sample("y_nested_mixed", #"{"a":{"b":[1,{"c":null}]}}"#),
  Sample("y_unicode_escapes", #""\u00e9\ud83d\ude00\uFFFF""#),
  Sample("y_all_short_escapes", #""\/\b\f\n\r\t\"\\""#),
  Sample("y_escaped_nul", #""\u0000""#),
  Sample("y_line_separators", #"["\u2028\u2029", " "]"#),
  Sample("y_surrounding_whitespace", " \t\r\n[1] \n"),
  Sample("y_bom_object", bytes: [0xEF, 0xBB, 0xBF, 0x7B, 0x7D]),
  Sample("y_empty_key", #"{"":0}"#),
  Sample("y_case_distinct_keys", #"{"a":1,"A":2}"#),
  Sample("y_canonically_equivalent_keys", "{\"é\":1,\"e\u{301}\":2}"),
  Sample("y_raw_delete", "\"DEL\u{7f}\""),
  Sample("y_raw_astral", "\"😀 𝄞\""),
  Sample(
    "y_utf8_boundaries", "\"\u{80}\u{7ff}\u{800}\u{d7ff}\u{e000}\u{fffd}\u{10000}\u{10ffff}\""),
  Sample("y_raw_noncharacter", "\"\u{ffff}\u{10ffff}\""),
  Sample("y_nesting_512", String(repeating: "[", count: 512) + String(repeating: "]", count: 512)),
  Sample("y_crlf_lines", "{\r\n  \"a\": [\r\n    1\r\n  ]\r\n}\r\n"),
  Sample("y_big_object", "{" + (0..<200).map { "\"k\($0)\":\($0)" }.joined(separator: ",") + "}"),
  Sample("y_long_string", "\"" + String(repeating: "abcdefghij", count: 1000) + "\""),
]

@Suite struct ConformanceTests {
  @Test(arguments: invalidSamples)
  func invalidDocumentIsRejected(_ sample: Sample) {
    let error = parseError(sample.bytes)
    #expect(error != nil, "\(sample.name) should not parse")
    if let error {
      #expect(error.line >= 1 && error.column >= 1)
      #expect(error.offset >= 0 && error.offset <= sample.bytes.count)
      #expect(!error.message.isEmpty)
    }
  }

  @Test(arguments: validSamples)
  func validDocumentParsesAndRoundTrips(_ sample: Sample) throws {
    let value = try JSONParser.parse(sample.bytes)
    for style in [JSONWriter.Style.pretty, .compact] {
      let written = JSONWriter.write(value, style: style)
      #expect(try JSONParser.parse(written) == value)
    }
  }

  @Test func thereAreEnoughCases() {
    #expect(invalidSamples.count >= 40)
    #expect(validSamples.count >= 20)
  }

  @Test func parsedValuesOfSelectedValidCases() throws {
    #expect(try JSONParser.parse(#""\u00e9\ud83d\ude00\uFFFF""#) == "é😀\u{ffff}")
    #expect(try JSONParser.parse(#""\/\b\f\n\r\t\"\\""#) == "/\u{8}\u{c}\n\r\t\"\\")
    #expect(try JSONParser.parse(#""\u0000""#) == "\u{0}")
    #expect(
      try JSONParser.parse("[0.0, -0.0]") == [
        .number(JSONNumber(literal: "0.0") ?? JSONNumber(1)),
        .number(JSONNumber(literal: "-0.0") ?? JSONNumber(1)),
      ])
    #expect(try JSONParser.parse(" true ") == true)
    #expect(try JSONParser.parse("null") == nil)
  }
}

/// Exact messages and positions for selected errors.
@Suite struct ParseErrorPositionTests {
  struct Expectation: Sendable, CustomTestStringConvertible {
    let text: String
    let message: String
    let line: Int
    let column: Int
    var testDescription: String { message }
  }

  static let expectations: [Expectation] = [
    Expectation(
      text: "{\n  \"a\": 1,\n  \"b\": 2,\n}", message: "trailing comma is not allowed", line: 3,
      column: 9),
    Expectation(
      text: "{\n  \"名前\": \"値\" x\n}", message: "expected ',' or '}' after an object member",
      line: 2, column: 13),
    Expectation(
      text: "{\n  \"id\": 1,\n  \"id\": 2\n}", message: #"duplicate key "id" in object"#, line: 3,
      column: 3),
    Expectation(
      text: "[\"ab\ncd\"]", message: "control character U+000A must be escaped in a string",
      line: 1, column: 5),
    Expectation(text: "[\r\n1,\r\n]", message: "trailing comma is not allowed", line: 2, column: 2),
    Expectation(text: "[\n\"abc", message: "unterminated string", line: 2, column: 1),
    Expectation(
      text: "[\"😀\", x]", message: "unexpected character 'x', expected a value", line: 1, column: 7
    ),
    Expectation(
      text: "[\n  1,\n  \"\\q\"\n]", message: #"invalid escape \q"#, line: 3, column: 4),
    Expectation(
      text: "{\"k\":\n  [\"\\ud800x\"]}", message: #"lone surrogate \ud800 in string"#, line: 2,
      column: 5),
    Expectation(
      text: "[\n  01\n]", message: "leading zeros are not allowed in numbers", line: 2, column: 3),
    Expectation(
      text: "[1]\n\n  x", message: "trailing characters after the top-level value", line: 3,
      column: 3),
    Expectation(text: "", message: "the file is empty", line: 1, column: 1),
    Expectation(text: "[\n", message: "unexpected end of input", line: 2, column: 1),
    Expectation(text: "{\"a\":1,}", message: "trailing comma is not allowed", line: 1, column: 7),
    Expectation(text: "{\"a\"}", message: "expected ':' after an object key", line: 1, column: 5),
    Expectation(
      text: "[1 2]", message: "expected ',' or ']' after an array element", line: 1, column: 4),
    Expectation(
      text: "1.", message: "expected a digit after the decimal point", line: 1, column: 3),
    Expectation(text: "[-]", message: "expected a digit after '-'", line: 1, column: 3),
    Expectation(text: "[NaN]", message: "NaN is not allowed", line: 1, column: 2),
    Expectation(text: "[+1]", message: "a number cannot start with '+'", line: 1, column: 2),
    Expectation(text: "// x\n1", message: "comments are not allowed", line: 1, column: 1),
    Expectation(
      text: "['a']", message: "single quotes are not allowed, strings need double quotes", line: 1,
      column: 2),
    Expectation(text: "[tru]", message: "invalid literal, expected true", line: 1, column: 5),
  ]

  @Test(arguments: expectations)
  func messageAndPosition(_ expectation: Expectation) throws {
    let error = try #require(parseError(expectation.text))
    #expect(error.message == expectation.message)
    #expect(error.line == expectation.line)
    #expect(error.column == expectation.column)
    #expect(
      error.description
        == "line \(expectation.line), column \(expectation.column): \(expectation.message)")
  }

  @Test func invalidUTF8IsReportedAtTheOffendingByte() throws {
    let error = try #require(parseError([0x5B, 0x0A, 0x22, 0x61, 0xC3, 0xA9, 0xFF, 0x22, 0x5D]))
    #expect(error.message == "invalid UTF-8")
    #expect(error.offset == 6)
    #expect(error.line == 2)
    #expect(error.column == 4)
  }

  @Test func deepNestingStopsAtTheLimit() throws {
    let error = try #require(parseError(String(repeating: "[", count: 10_000)))
    #expect(error.message == "nesting deeper than 512 levels")
    #expect(error.offset == 512)
    let ok = String(repeating: "[", count: 512) + String(repeating: "]", count: 512)
    #expect(parseError(ok) == nil)
  }

  @Test func selectedMessages() {
    #expect(parseError([0xFE, 0xFF, 0x00, 0x31])?.message == "invalid UTF-8")
    #expect(parseError("[-Infinity]")?.message == "-Infinity is not allowed")
    #expect(
      parseError("[\u{a0}1]")?.message == "unexpected character '\u{a0}' (U+00A0), expected a value"
    )
    #expect(parseError("{1:2}")?.message == "expected a string key in double quotes")
    #expect(parseError("[1,,2]")?.message == "expected a value, found ','")
    #expect(parseError("[\"\\u12\"]")?.message == "invalid \\u escape, expected four hex digits")
  }

  /// Special bytes must be found wherever they fall relative to the parser's 8-byte scan.
  @Test func specialBytesAreFoundAtEveryOffset() throws {
    for offset in 0..<40 {
      let head = String(repeating: "a", count: offset)
      let tail = String(repeating: "b", count: 20)
      let control = try #require(parseError("[\"" + head + "\u{1}" + tail + "\"]"))
      #expect(control.message == "control character U+0001 must be escaped in a string")
      #expect(control.column == offset + 3)
      let invalid = try #require(
        parseError(Array(("[\"" + head).utf8) + [0xC3, 0x28] + Array((tail + "\"]").utf8)))
      #expect(invalid.message == "invalid UTF-8")
      #expect(invalid.offset == offset + 2)
      #expect(
        try JSONParser.parse("[\"" + head + "\\n" + tail + "\"]") == [.string(head + "\n" + tail)])
      #expect(
        try JSONParser.parse("[\"" + head + "é" + tail + "\"]") == [.string(head + "é" + tail)])
      #expect(try JSONParser.parse("[\"" + head + "\"]") == [.string(head)])
      #expect(parseError("[\"" + head)?.message == "unterminated string")
    }
  }

  /// The parser's UTF-8 validation agrees with the standard library's on random byte strings.
  @Test func utf8ValidationAgreesWithTheStandardLibrary() throws {
    var random = SplitMix64(seed: 99)
    let interesting: [UInt8] = [
      0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1, 0xEC,
      0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xFF,
    ]
    for _ in 0..<5000 {
      let length = Int.random(in: 1...6, using: &random)
      let body = (0..<length).map { _ in
        interesting[Int.random(in: 0..<interesting.count, using: &random)]
      }
      let expected = String(validating: body, as: UTF8.self)
      let parsed = try? JSONParser.parse([0x22] + body + [0x22])
      #expect(parsed?.stringValue == expected, "\(body)")
    }
  }

  @Test func emptyAndWhitespaceOnlyInputs() throws {
    #expect(parseError([UInt8]())?.message == "the file is empty")
    #expect(parseError([0xEF, 0xBB, 0xBF])?.message == "the file is empty")
    #expect(parseError("  \n ")?.message == "the file contains only whitespace")
  }

  @Test func errorsAreEquatable() throws {
    let first = try #require(parseError("[1,]"))
    let second = try #require(parseError("[1,]"))
    #expect(first == second)
    #expect(first.offset == 2)
  }
}
