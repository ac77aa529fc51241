import OrgWizJSON
import Testing

/// SplitMix64: a tiny deterministic generator so property tests are reproducible.
struct SplitMix64: RandomNumberGenerator {
  var state: UInt64

  init(seed: UInt64) {
    self.state = seed
  }

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var mixed = state
    mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
    mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
    return mixed ^ (mixed >> 31)
  }
}

/// Builds random JSON values.
struct ValueGenerator {
  var random: SplitMix64

  /// Scalars chosen to stress escaping, sorting and UTF-8 handling.
  static let interestingScalars: [Unicode.Scalar] = [
    "\"", "\\", "/", "\u{0}", "\u{1}", "\u{8}", "\u{9}", "\u{a}", "\u{c}", "\u{d}", "\u{1f}",
    "\u{7f}", "é", "\u{301}", "ü", "中", "文", "한", "😀", "👩", "\u{200d}", "\u{2028}",
    "\u{2029}", "\u{fffd}", "\u{ffff}", "\u{10ffff}", "~", " ", "{", "]", ":", ",",
  ]

  init(seed: UInt64) {
    self.random = SplitMix64(seed: seed)
  }

  mutating func int(_ range: ClosedRange<Int>) -> Int {
    Int.random(in: range, using: &random)
  }

  mutating func string() -> String {
    var scalars = String.UnicodeScalarView()
    for _ in 0..<int(0...12) {
      switch int(0...3) {
      case 0:
        let index = int(0...(Self.interestingScalars.count - 1))
        scalars.append(Self.interestingScalars[index])
      case 1:
        // Any scalar value except surrogates.
        let value = UInt32(int(0...0x10FFFF))
        scalars.append(Unicode.Scalar(value) ?? "x")
      default:
        scalars.append(Unicode.Scalar(UInt8(int(0x20...0x7E))))
      }
    }
    return String(scalars)
  }

  mutating func digits(_ count: Int) -> String {
    String((0..<count).map { _ in Character(Unicode.Scalar(UInt8(int(48...57)))) })
  }

  mutating func numberLiteral() -> String {
    var text = int(0...2) == 0 ? "-" : ""
    if int(0...3) == 0 {
      text += "0"
    } else {
      text += String(int(1...9)) + digits(int(0...25))
    }
    if int(0...2) == 0 { text += "." + digits(int(1...6)) }
    if int(0...3) == 0 {
      text += ["e", "E"][int(0...1)] + ["", "+", "-"][int(0...2)] + digits(int(1...4))
    }
    return text
  }

  mutating func value(depth: Int = 0) -> JSONValue {
    let choice = depth >= 5 ? int(0...4) : int(0...7)
    switch choice {
    case 0: return .null
    case 1: return .bool(int(0...1) == 1)
    case 2, 3:
      let literal = numberLiteral()
      return JSONNumber(literal: literal).map(JSONValue.number) ?? .string("invalid \(literal)")
    case 4: return .string(string())
    case 5: return .array((0..<int(0...6)).map { _ in value(depth: depth + 1) })
    default:
      var object = JSONObject()
      for _ in 0..<int(0...8) {
        object[string()] = value(depth: depth + 1)
      }
      return .object(object)
    }
  }

  /// The same value with every object's members shuffled.
  mutating func shuffled(_ value: JSONValue) -> JSONValue {
    switch value {
    case .array(let elements):
      return .array(elements.map { shuffled($0) })
    case .object(let object):
      var members = object.members.map { (key: $0.key, value: shuffled($0.value)) }
      members.shuffle(using: &random)
      return .object(JSONObject(members))
    default:
      return value
    }
  }
}

@Suite struct PropertyTests {
  static let seeds: [UInt64] = [1, 42, 0xDEAD_BEEF]

  @Test(arguments: seeds)
  func writeThenParseIsIdentity(seed: UInt64) throws {
    var generator = ValueGenerator(seed: seed)
    for _ in 0..<100 {
      let value = generator.value()
      for style in [JSONWriter.Style.pretty, .compact] {
        let written = JSONWriter.write(value, style: style)
        let reparsed = try JSONParser.parse(written)
        #expect(reparsed == value)
        #expect(JSONWriter.write(reparsed, style: style) == written)
      }
    }
  }

  @Test(arguments: seeds)
  func objectEqualityIgnoresMemberOrder(seed: UInt64) {
    var generator = ValueGenerator(seed: seed)
    for _ in 0..<100 {
      let value = generator.value()
      let reordered = generator.shuffled(value)
      #expect(value == reordered)
      #expect(value.hashValue == reordered.hashValue)
      #expect(JSONWriter.write(value) == JSONWriter.write(reordered))
    }
  }

  @Test(arguments: seeds)
  func changedValuesAreNotEqual(seed: UInt64) {
    var generator = ValueGenerator(seed: seed)
    for _ in 0..<100 {
      let value = generator.value()
      let wrapped: JSONValue = ["v": value]
      let changed: JSONValue = ["v": value, "extra": nil]
      #expect(wrapped != changed)
      #expect(JSONValue.array([value]) != JSONValue.array([value, value]))
    }
  }

  @Test func randomBytesNeverCrashTheParser() throws {
    var random = SplitMix64(seed: 7)
    let alphabet = Array(#"{}[],:"\ tfnrue0123456789-+.eE"#.utf8) + [0x0A, 0xC3, 0xA9, 0xFF, 0xED]
    var accepted = 0
    for _ in 0..<2000 {
      let length = Int.random(in: 0...24, using: &random)
      let bytes = (0..<length).map { _ in
        alphabet[Int.random(in: 0..<alphabet.count, using: &random)]
      }
      if let value = try? JSONParser.parse(bytes) {
        accepted += 1
        #expect(try JSONParser.parse(JSONWriter.write(value)) == value)
      }
    }
    #expect(accepted < 2000)
  }
}
