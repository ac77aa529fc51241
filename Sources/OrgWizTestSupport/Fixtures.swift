import Foundation
import OrgWizCLI
import OrgWizCore
import OrgWizJSON

/// Paths and loaded fixtures shared by the tests.
public enum Fixtures {
  /// The repository root, found from this file's place in it.
  public static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  /// The bundled Content directory.
  public static var contentDirectory: String {
    repositoryRoot.appendingPathComponent("Content").path
  }

  /// The bundled example org file.
  public static var exampleOrgPath: String {
    repositoryRoot.appendingPathComponent("Content/examples/acme.org.json").path
  }

  /// The bytes of the bundled example org.
  public static func exampleBytes() throws -> [UInt8] {
    guard let data = FileManager.default.contents(atPath: exampleOrgPath) else {
      throw FixtureError("cannot read \(exampleOrgPath)")
    }
    return [UInt8](data)
  }

  /// The bundled example org, with optional edits.
  public static func exampleModel(edits: [JSONPointer: JSONValue] = [:]) throws -> OrgModel {
    var document = try JSONParser.parse(exampleBytes())
    for (pointer, value) in edits.sorted(by: { $0.key < $1.key }) {
      document.set(value, at: pointer)
    }
    return try OrgModel(document: document, source: "example")
  }

  /// The bundled `interaction-code` procedure.
  public static func procedure() throws -> Procedure {
    try procedure(at: contentDirectory + "/interaction-code.md")
  }

  /// A procedure document from a file.
  public static func procedure(at path: String) throws -> Procedure {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw FixtureError("cannot read \(path)")
    }
    return try ProcedureDocument.parse(String(decoding: data, as: UTF8.self), file: path)
  }

  /// The test-only procedure documents (Tests/OrgWizCoreTests/Fixtures/procedures). Tests of
  /// generic machinery use these, never the real procedures in Content/, so that editing a real
  /// procedure, adding a step to it or adding a second one breaks none of them.
  public static var testProceduresDirectory: String {
    repositoryRoot.appendingPathComponent("Tests/OrgWizCoreTests/Fixtures/procedures").path
  }

  /// The text of a test-only procedure document: `five-steps` (one step of each of the five
  /// step kinds, in registry order) or `permissions-only`.
  public static func testProcedureText(_ id: String = "five-steps") throws -> String {
    try testFixture("OrgWizCoreTests", "procedures/\(id).md")
  }

  /// A test-only procedure document, parsed (see `testProcedureText`).
  public static func testProcedure(_ id: String = "five-steps") throws -> Procedure {
    try procedure(at: testProceduresDirectory + "/\(id).md")
  }

  /// A file under Tests/<target>/Fixtures.
  public static func testFixture(_ target: String, _ name: String) throws -> String {
    let path = repositoryRoot.appendingPathComponent("Tests/\(target)/Fixtures/\(name)").path
    guard let data = FileManager.default.contents(atPath: path) else {
      throw FixtureError("cannot read \(path)")
    }
    return String(decoding: data, as: UTF8.self)
  }

  /// The fixed time the tests run at.
  public static let now = "2026-11-25T01:45:00.000Z"
}

/// A fixture that could not be read.
public struct FixtureError: Error, CustomStringConvertible {
  public var description: String
  public init(_ description: String) { self.description = description }
}

/// A fresh temporary directory, removed when the value is released by `remove()`.
public struct TemporaryDirectory: Sendable {
  public let path: String

  public init() throws {
    let base = FileManager.default.temporaryDirectory.appendingPathComponent(
      "orgwiz-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
    path = base.path
  }

  /// A path inside the directory.
  public func file(_ name: String) -> String { path + "/" + name }

  /// Writes a file inside the directory.
  @discardableResult
  public func write(_ name: String, _ text: String) throws -> String {
    let target = file(name)
    try Data(text.utf8).write(to: URL(fileURLWithPath: target))
    return target
  }

  /// Reads a file inside the directory, or nil.
  public func read(_ name: String) -> String? {
    FileManager.default.contents(atPath: file(name)).map { String(decoding: $0, as: UTF8.self) }
  }

  /// The names in the directory, sorted, leaving out bookkeeping files (a lock, a journal),
  /// which the contract allows beside the model, unless `all` is set.
  public func listing(all: Bool = false) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted().filter { name in
      all || !(name.contains("lock") || name.contains("journal"))
    }
  }

  public func remove() { try? FileManager.default.removeItem(atPath: path) }
}
