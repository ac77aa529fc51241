import Foundation
import OrgWizCore
import OrgWizTestSupport
import Testing

/// Inputs that crashed, hung or broke an invariant under the fuzzers (scripts/fuzz), plus
/// hand-written hostile inputs, run through the same entry points as the fuzz targets.
///
/// Every file in Fixtures/fuzz-regressions is picked up by its name: `model-*.json` goes
/// through `OrgModel.load`, `procedure-*.md` through `ProcedureParser.parse`. A thrown
/// user-facing error is a fine outcome; a model that loads must survive validation and the
/// encode/re-load round trip. To add a regression, drop the fuzzer's minimized input there.
@Suite struct FuzzRegressionTests {
  static let directory = Fixtures.repositoryRoot.appendingPathComponent(
    "Tests/OrgWizCoreTests/Fixtures/fuzz-regressions")

  static func files(prefix: String, suffix: String) -> [String] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
    return names.filter { $0.hasPrefix(prefix) && $0.hasSuffix(suffix) }.sorted()
  }

  static let modelFiles = files(prefix: "model-", suffix: ".json")
  static let procedureFiles = files(prefix: "procedure-", suffix: ".md")

  /// Generous enough for a debug build on a slow machine; the fuzzers run each of these inputs
  /// in well under a second.
  static let timeBudget = Duration.seconds(10)

  static func read(_ name: String) throws -> [UInt8] {
    let path = directory.appendingPathComponent(name).path
    guard let data = FileManager.default.contents(atPath: path) else {
      throw FixtureError("cannot read \(path)")
    }
    return [UInt8](data)
  }

  @Test func bothKindsOfInputArePresent() {
    #expect(!Self.modelFiles.isEmpty)
    #expect(!Self.procedureFiles.isEmpty)
    // The alias bombs that got past the alias scan stay here as regressions.
    #expect(Self.procedureFiles.filter { $0.contains("alias") }.count >= 4)
  }

  @Test(arguments: modelFiles)
  func modelInput(_ name: String) throws {
    let bytes = try Self.read(name)
    let start = ContinuousClock.now
    defer { #expect(ContinuousClock.now - start < Self.timeBudget, "\(name) is slow") }
    let model: OrgModel
    do {
      model = try OrgModel.load(bytes, source: name)
    } catch {
      #expect(!error.message.isEmpty)
      return
    }
    let report = ValidationRegistry.validate(model)
    #expect(report.results.count == ValidationRegistry.all.count)
    let encoded = model.encoded()
    let again = try OrgModel.load(encoded, source: "\(name) (encoded)")
    #expect(again.document == model.document, "\(name): the round trip changed the document")
    #expect(again == model, "\(name): the round trip changed the typed views")
    #expect(again.encoded() == encoded, "\(name): encoding is not stable")
  }

  @Test(arguments: procedureFiles)
  func procedureInput(_ name: String) throws {
    let text = String(decoding: try Self.read(name), as: UTF8.self)
    let start = ContinuousClock.now
    defer { #expect(ContinuousClock.now - start < Self.timeBudget, "\(name) is slow") }
    do {
      let procedure = try ProcedureParser.parse(text, file: name)
      #expect(!procedure.steps.isEmpty)
      #expect(Set(procedure.questionKeys).count == procedure.questionKeys.count)
    } catch {
      #expect(!error.message.isEmpty)
    }
  }

  /// A YAML error is reported on the document's line, also when the YAML holds characters that
  /// libyaml takes for line ends (a lone CR, NEL, LS, PS) and the parser does not.
  @Test func yamlErrorLinesAreDocumentLines() throws {
    let text = String(decoding: try Self.read("procedure-yaml-line-breaks.md"), as: UTF8.self)
    var plain = text
    for lineEnd in ["\r", "\u{85}", "\u{2028}", "\u{2029}"] {
      plain = plain.replacingOccurrences(of: lineEnd, with: " ")
    }
    let expected = #expect(throws: ProcedureError.self) {
      try ProcedureParser.parse(plain, file: "doc.md")
    }
    let error = #expect(throws: ProcedureError.self) {
      try ProcedureParser.parse(text, file: "doc.md")
    }
    #expect(expected?.line == 4)
    // libyaml counts three line ends in the quoted title that the document does not; the
    // parser maps its line back.
    #expect(error?.line == expected?.line)
  }
}
