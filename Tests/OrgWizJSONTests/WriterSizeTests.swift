import OrgWizJSON
import Testing

/// The writer measures its output before writing into an exactly sized buffer; a wrong
/// measurement is not visible in the output (the writer falls back to a growable buffer), so it
/// is checked here directly.
@Suite struct WriterSizeTests {
  @Test(arguments: [UInt64(3), 17, 2024])
  func outputSizeIsExact(seed: UInt64) {
    var generator = ValueGenerator(seed: seed)
    for _ in 0..<100 {
      let value = generator.value()
      for style in [JSONWriter.Style.pretty, .compact] {
        #expect(
          JSONWriter.outputSize(of: value, style: style)
            == JSONWriter.write(value, style: style).count)
      }
    }
  }

  @Test func outputSizeOfFixtures() throws {
    let values = [
      try JSONParser.parse(RoundTripTests.fixture), WriterFormatTests.document, [], [:], nil,
    ]
    for value in values {
      for style in [JSONWriter.Style.pretty, .compact] {
        #expect(
          JSONWriter.outputSize(of: value, style: style)
            == JSONWriter.write(value, style: style).count)
        #expect(
          JSONWriter.outputSize(of: value, style: style)
            == JSONWriter.string(value, style: style).utf8.count)
      }
    }
  }
}
