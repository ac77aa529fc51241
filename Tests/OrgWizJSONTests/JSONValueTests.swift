import OrgWizJSON
import Testing

@Suite struct JSONValueTests {
  @Test func accessors() throws {
    let value = try JSONParser.parse(#"{"o":{},"a":[1],"s":"x","b":false,"n":1.5,"i":-7,"z":null}"#)
    #expect(value["o"]?.objectValue == JSONObject())
    #expect(value["a"]?.arrayValue == [1])
    #expect(value["s"]?.stringValue == "x")
    #expect(value["b"]?.boolValue == false)
    #expect(value["n"]?.numberValue?.literal == "1.5")
    #expect(value["n"]?.intValue == nil)
    #expect(value["i"]?.intValue == -7)
    #expect(value["z"]?.isNull == true)
    #expect(value["s"]?.isNull == false)
    #expect(value["s"]?.objectValue == nil)
    #expect(value["missing"] == nil)
    #expect(value["a"]?[0] == 1)
    #expect(value["a"]?[1] == nil)
    #expect(value["a"]?[-1] == nil)
    #expect(value["s"]?[0] == nil)
    #expect(value["s"]?["k"] == nil)
  }

  @Test func typeNames() throws {
    let cases: [(String, String)] = [
      ("{}", "an object"), ("[]", "an array"), (#""1""#, "a string"), ("1", "an integer"),
      ("-0", "an integer"), ("1.0", "a number"), ("1e2", "a number"), ("true", "a boolean"),
      ("null", "null"),
    ]
    for (text, name) in cases {
      #expect(try JSONParser.parse(text).typeName == name, "\(text)")
    }
  }

  @Test func briefDescriptions() {
    #expect(JSONValue.string("1").briefDescription == #""1""#)
    #expect(JSONValue.string("a\"b\n").briefDescription == #""a\"b\n""#)
    let long = JSONValue.string(String(repeating: "x", count: 100)).briefDescription
    #expect(long == "\"" + String(repeating: "x", count: 39) + "…\"")
    #expect(JSONValue.string(String(repeating: "é", count: 40)).briefDescription.count == 42)
    #expect(JSONValue.number(JSONNumber(42)).briefDescription == "42")
    #expect(JSONValue.bool(true).briefDescription == "true")
    #expect(JSONValue.bool(false).briefDescription == "false")
    #expect(JSONValue.null.briefDescription == "null")
    #expect(JSONValue.object([:]).briefDescription == "an object")
    #expect(JSONValue.array([1]).briefDescription == "an array")
    #expect(
      "expected an integer, found \(JSONValue.string("1").briefDescription)"
        == #"expected an integer, found "1""#)
  }

  @Test func literals() {
    let value: JSONValue = [
      "n": nil, "b": true, "i": 3, "f": 1.5, "s": "x", "a": [1, "2"], "o": ["k": "v"],
    ]
    #expect(value["n"] == .null)
    #expect(value["b"] == .bool(true))
    #expect(value["i"] == .number(JSONNumber(3)))
    #expect(value["f"]?.numberValue?.literal == "1.5")
    #expect(value["s"] == .string("x"))
    #expect(value["a"] == .array([.number(JSONNumber(1)), .string("2")]))
    #expect(value.objectValue?.keys == ["n", "b", "i", "f", "s", "a", "o"])
    let duplicate: JSONValue = ["a": 1, "a": 2]
    #expect(duplicate.objectValue?.count == 1)
    #expect(duplicate["a"] == 2)
  }
}

@Suite struct JSONNumberTests {
  @Test func literalValidation() {
    for valid in [
      "0", "-0", "1", "-1", "10", "1.5", "0.001", "1e5", "1E+5", "1e-05", "-12.5e+3",
      "12345678901234567890",
    ] {
      #expect(JSONNumber(literal: valid)?.literal == valid, "\(valid)")
    }
    for invalid in [
      "", "-", "+1", "01", "-01", "1.", ".1", "1e", "1e+", "0x1", " 1", "1 ", "NaN", "Infinity",
      "1.0.0", "١",
    ] {
      #expect(JSONNumber(literal: invalid) == nil, "\(invalid)")
    }
  }

  @Test func integerAndDoubleViews() {
    #expect(JSONNumber(literal: "42")?.isInteger == true)
    #expect(JSONNumber(literal: "42")?.intValue == 42)
    #expect(JSONNumber(literal: "-0")?.intValue == 0)
    #expect(JSONNumber(literal: "4.0")?.isInteger == false)
    #expect(JSONNumber(literal: "4.0")?.intValue == nil)
    #expect(JSONNumber(literal: "4E0")?.isInteger == false)
    #expect(JSONNumber(literal: "12345678901234567890")?.intValue == nil)
    #expect(JSONNumber(literal: "9223372036854775807")?.intValue == Int.max)
    #expect(JSONNumber(literal: "-9223372036854775808")?.intValue == Int.min)
    #expect(JSONNumber(literal: "1.5")?.doubleValue == 1.5)
    #expect(JSONNumber(literal: "2e10")?.doubleValue == 2e10)
    #expect(JSONNumber(literal: "1e400")?.doubleValue == nil)
    #expect(JSONNumber(Int.min).literal == "-9223372036854775808")
  }

  @Test func doubleInitialiser() {
    #expect(JSONNumber(double: 1.5)?.literal == "1.5")
    #expect(JSONNumber(double: 1.0)?.literal == "1.0")
    #expect(JSONNumber(double: .nan) == nil)
    #expect(JSONNumber(double: .infinity) == nil)
    #expect(JSONNumber(double: -.infinity) == nil)
    for double in [
      0.1, -0.0, 1e20, 1e-7, 123456.789, Double.leastNonzeroMagnitude,
      Double.greatestFiniteMagnitude,
    ] {
      let number = JSONNumber(double: double)
      #expect(number.flatMap { JSONNumber(literal: $0.literal) } != nil, "\(double)")
      #expect(number?.doubleValue == double)
    }
  }

  @Test func equalityIsByLiteral() {
    #expect(JSONNumber(literal: "1") == JSONNumber(1))
    #expect(JSONNumber(literal: "1") != JSONNumber(literal: "1.0"))
    #expect(JSONNumber(literal: "1e2") != JSONNumber(literal: "1E2"))
    #expect(JSONNumber(7).description == "7")
  }
}
