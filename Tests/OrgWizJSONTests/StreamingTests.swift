import OrgWizJSON
import Testing

/// Hands `bytes` out in pieces whose sizes cycle through `sizes`, as a file read in pieces would.
func pieces(_ bytes: [UInt8], sizes: [Int] = [1 << 20]) -> (UnsafeMutableRawBufferPointer) -> Int {
  var offset = 0
  var turn = 0
  return { buffer in
    let size = min(sizes[turn % sizes.count], buffer.count, bytes.count - offset)
    turn += 1
    guard size > 0 else { return 0 }
    bytes.withUnsafeBytes { source in
      buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[offset..<offset + size]))
    }
    offset += size
    return size
  }
}

func streamed(
  _ value: JSONValue, style: JSONWriter.Style = .pretty, chunkSize: Int
) -> (
  bytes: [UInt8], pieces: Int
) {
  var bytes: [UInt8] = []
  var count = 0
  JSONWriter.write(value, style: style, chunkSize: chunkSize) { piece in
    bytes.append(contentsOf: piece)
    count += 1
  }
  return (bytes, count)
}

func verifies(_ text: String, _ expected: JSONValue, sizes: [Int] = [1 << 20]) -> Bool {
  (try? JSONVerifier.verify(expected, bufferSize: 64, read: pieces(Array(text.utf8), sizes: sizes)))
    != nil
}

func mismatch(_ text: String, _ expected: JSONValue) -> JSONVerifier.Mismatch? {
  do {
    try JSONVerifier.verify(expected, read: pieces(Array(text.utf8)))
    return nil
  } catch {
    return error
  }
}

@Suite("Streamed writing and verifying")
struct StreamingTests {
  static let seeds: [UInt64] = Array(1...60)

  @Test(arguments: seeds)
  func aStreamedWriteHoldsExactlyTheBytesOfAWholeOne(seed: UInt64) {
    var generator = ValueGenerator(seed: seed)
    let value = generator.value()
    for style in [JSONWriter.Style.pretty, .compact] {
      let whole = JSONWriter.write(value, style: style)
      for chunkSize in [1, 64, 100, 1 << 20] {
        #expect(streamed(value, style: style, chunkSize: chunkSize).bytes == whole)
      }
    }
  }

  @Test func aLargeDocumentIsHandedOverInPiecesOfAboutTheChunkSize() {
    let value = JSONValue.array((0..<5000).map { .string("element \($0) of a long array") })
    let whole = JSONWriter.write(value)
    let result = streamed(value, chunkSize: 4096)
    #expect(result.bytes == whole)
    #expect(result.pieces >= whole.count / 4096)
    #expect(result.pieces <= whole.count / 2048 + 1)
  }

  @Test(arguments: seeds)
  func theWritersOutputVerifiesReadInAnyPieces(seed: UInt64) throws {
    var generator = ValueGenerator(seed: seed)
    let value = generator.value()
    for style in [JSONWriter.Style.pretty, .compact] {
      let bytes = JSONWriter.write(value, style: style)
      for sizes in [[1], [3, 1, 7], [1 << 20]] {
        try JSONVerifier.verify(value, bufferSize: 16, read: pieces(bytes, sizes: sizes))
      }
    }
  }

  @Test(arguments: seeds)
  func aDocumentWithOneValueChangedDoesNotVerify(seed: UInt64) throws {
    var generator = ValueGenerator(seed: seed)
    let value = generator.value()
    let bytes = JSONWriter.write(value)
    let changed = changedLeaf(value, seed: seed)
    guard changed != value else { return }
    #expect(throws: JSONVerifier.Mismatch.self) {
      try JSONVerifier.verify(changed, read: pieces(bytes, sizes: [5, 11]))
    }
  }

  @Test func anyValidTextOfTheSameDocumentVerifies() {
    let expected: JSONValue = .object(
      JSONObject([
        ("a", .string("A\"é😀")), ("b", .array([.number(JSONNumber(1)), .null, .bool(true)])),
        ("c", .object(JSONObject())),
      ]))
    let text = #" { "c" : {} , "b":[ 1 ,null,true],"a":"\u0041\"\u00e9\ud83d\ude00" } "#
    #expect(verifies(text, expected))
    #expect(verifies(text, expected, sizes: [1]))
    #expect(verifies("\t[\r\n]\n", .array([])))
  }

  @Test func everyKindOfDifferenceIsFoundAndPlaced() throws {
    let expected: JSONValue = .object(
      JSONObject([
        (
          "apps",
          .array([
            .object(JSONObject([("label", .string("One")), ("tier", .number(JSONNumber(1)))])),
            .object(JSONObject([("label", .string("Two")), ("tier", .number(JSONNumber(2)))])),
          ])
        ),
        ("name", .string("acme")),
      ]))
    let good = #"{"apps":[{"label":"One","tier":1},{"label":"Two","tier":2}],"name":"acme"}"#
    #expect(mismatch(good, expected) == nil)
    let cases: [(text: String, pointer: String, reason: String)] = [
      (good.replacing("Two", with: "Tw0"), "/apps/1/label", "expected the string \"Two\""),
      (good.replacing(#""tier":2"#, with: #""tier":2.0"#), "/apps/1/tier", "a longer one"),
      (good.replacing(#""tier":2"#, with: #""tier":"2""#), "/apps/1/tier", "found another string"),
      (good.replacing(#","name":"acme""#, with: ""), "/name", "the text does not have"),
      (good.replacing(#""name""#, with: #""x":1,"name""#), "/x", "the document does not have"),
      (good.replacing(#","name""#, with: #","name":"acme","name""#), "/name", "named twice"),
      (good.replacing("}]", with: "},{}]"), "/apps", "found more"),
      (good.replacing(#",{"label":"Two","tier":2}"#, with: ""), "/apps", "found 1"),
      (good + " x", "", "text after the document"),
      (String(good.dropLast(3)), "/name", "ends inside a string"),
      (good.replacing("One", with: "One\u{1}"), "/apps/0/label", "control character"),
      (good.replacing("One", with: #"\ud800"#), "/apps/0/label", "lone surrogate"),
      (good.replacing("One", with: #"\q"#), "/apps/0/label", "invalid escape"),
      (good.replacing(",{", with: ",,{"), "/apps/1", "starts no JSON value"),
    ]
    for item in cases {
      let found = try #require(mismatch(item.text, expected), "\(item.text)")
      #expect(found.pointer == item.pointer, "\(item.text): \(found)")
      #expect(found.reason.contains(item.reason), "\(item.text): \(found)")
    }
  }

  @Test func aTextThatCannotBeReadDoesNotVerify() throws {
    var calls = 0
    let error = try #require(
      throws: JSONVerifier.Mismatch.self,
      performing: {
        try JSONVerifier.verify(.array([.null, .null])) { buffer in
          calls += 1
          guard calls == 1 else { return -1 }
          buffer.copyBytes(from: Array("[null,".utf8))
          return 6
        }
      })
    #expect(error.offset == 6)
    #expect(error.reason.contains("ends") || error.reason.contains("could not be read"))
  }

  @Test func aMemberNameWithEscapesIsMatchedByItsDecodedBytes() {
    let expected: JSONValue = .object(JSONObject([("a/b\"c", .null), ("é", .null)]))
    #expect(verifies(#"{"a\/b\"c":null,"\u00e9":null}"#, expected))
    // "é" as e + combining acute is equal in Swift, but another key in JSON.
    #expect(!verifies(#"{"a\/b\"c":null,"e\u0301":null}"#, expected))
  }
}

/// `value` with one leaf changed (a string gets a character, a number another literal, a
/// Boolean flips, null becomes false), chosen by `seed`; unchanged when it has no leaf.
func changedLeaf(_ value: JSONValue, seed: UInt64) -> JSONValue {
  var leaves = 0
  func count(_ value: JSONValue) {
    switch value {
    case .array(let elements): elements.forEach(count)
    case .object(let object): object.members.forEach { count($0.value) }
    default: leaves += 1
    }
  }
  count(value)
  guard leaves > 0 else { return value }
  var target = Int(seed % UInt64(leaves))
  func change(_ value: JSONValue) -> JSONValue {
    switch value {
    case .array(let elements):
      return .array(elements.map(change))
    case .object(let object):
      return .object(JSONObject(object.members.map { (key: $0.key, value: change($0.value)) }))
    default:
      defer { target -= 1 }
      guard target == 0 else { return value }
      switch value {
      case .string(let string): return .string(string + "x")
      case .number(let number):
        return .number(JSONNumber(literal: number.literal + "1") ?? JSONNumber(7))
      case .bool(let flag): return .bool(!flag)
      default: return .bool(false)
      }
    }
  }
  return change(value)
}
