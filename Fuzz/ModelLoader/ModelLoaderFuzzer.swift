// libFuzzer target for the org model loader. Built and run by scripts/fuzz.
//
// Every input goes through `OrgModel.load`. A thrown `ModelLoadError` is a fine outcome (its
// message is rendered too); a crash, a hang or a broken invariant is a finding:
// - a model that loads must validate, encode, and load again from its encoding to an equal
//   model, and encoding that must give the same bytes again;
// - a document that is valid JSON but not a valid model must still round-trip through the
//   writer (pretty and compact) to an equal document;
// - the writer's size prediction must match what it writes;
// - a parse error's line, column and offset must lie inside the input.

import OrgWizCore
import OrgWizJSON

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzModelLoader(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let bytes = Array(UnsafeBufferPointer(start: data, count: size))
  do {
    let model = try OrgModel.load(bytes, source: "fuzz.json")
    checkLoadedModel(model)
  } catch {
    _ = error.message
    _ = error.nextStep
    if case .malformedJSON(let problem) = error.reason {
      // The place of the problem is inside the input.
      guard problem.line >= 1, problem.column >= 1, (0...size).contains(problem.offset) else {
        fatalError("the parse error's place is off: \(problem)")
      }
      return 0
    }
    // The bytes are JSON but not a model: still check the JSON round trip.
    guard let document = try? JSONParser.parse(bytes) else {
      fatalError("OrgModel.load parsed the input, JSONParser.parse did not")
    }
    checkJSONRoundTrip(document)
  }
  return 0
}

/// Validation, encoding and re-loading of a model that loaded.
func checkLoadedModel(_ model: OrgModel) {
  let report = ValidationRegistry.validate(model)
  for finding in report.findings { _ = finding.line(source: "fuzz.json") }
  let encoded = model.encoded()
  let again: OrgModel
  do {
    again = try OrgModel.load(encoded, source: "encoded")
  } catch {
    fatalError("the encoded model does not load again: \(error.message)")
  }
  guard again.document == model.document else {
    fatalError("the re-loaded document differs from the loaded one")
  }
  guard again == model else {
    fatalError("the re-loaded model's typed views differ from the loaded ones")
  }
  guard again.encoded() == encoded else {
    fatalError("encoding the re-loaded model gives different bytes")
  }
  checkWriterSize(model.document, written: encoded, style: .pretty)
}

/// Writing a document and parsing it back gives an equal document, in both styles.
func checkJSONRoundTrip(_ document: JSONValue) {
  for style in [JSONWriter.Style.pretty, .compact] {
    let written = JSONWriter.write(document, style: style)
    checkWriterSize(document, written: written, style: style)
    let reparsed: JSONValue
    do {
      reparsed = try JSONParser.parse(written)
    } catch {
      fatalError("the writer's \(style) output does not parse: \(error)")
    }
    guard reparsed == document else {
      fatalError("the writer's \(style) output parses to a different document")
    }
  }
}

/// The writer's measured size equals the bytes it wrote.
func checkWriterSize(_ document: JSONValue, written: [UInt8], style: JSONWriter.Style) {
  let predicted = JSONWriter.outputSize(of: document, style: style)
  guard predicted == written.count else {
    fatalError("JSONWriter.outputSize predicted \(predicted) bytes, wrote \(written.count)")
  }
}
