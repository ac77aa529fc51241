import Foundation
import OrgWizCore
import OrgWizTestSupport
import Testing

/// The documented tables of validation rules (docs/model.md) and step kinds (Content/README.md)
/// say what the registries hold, so the documentation cannot drift from the code.
@Suite struct RegistryDocumentationTests {
  /// The rows of the first Markdown table after the line containing `marker`, as trimmed cells
  /// with backticks removed (header and separator rows dropped).
  static func table(in file: String, after marker: String) throws -> [[String]] {
    let path = Fixtures.repositoryRoot.appendingPathComponent(file).path
    let data = try #require(FileManager.default.contents(atPath: path), "cannot read \(path)")
    let lines = String(decoding: data, as: UTF8.self).split(
      separator: "\n", omittingEmptySubsequences: false)
    let start = try #require(
      lines.firstIndex { $0.contains(marker) }, "\(file) has no line with \(marker)")
    let rows = lines[start...].drop { !$0.hasPrefix("|") }.prefix { $0.hasPrefix("|") }
    return rows.dropFirst(2).map { row in
      row.dropFirst().dropLast().split(separator: "|", omittingEmptySubsequences: false).map {
        $0.replacingOccurrences(of: "`", with: "").trimmingCharacters(in: .whitespaces)
      }
    }
  }

  @Test func theModelDocRuleTableIsTheRegistry() throws {
    let rows = try Self.table(in: "docs/model.md", after: "`orgwiz check` runs these rules")
    let documented = rows.map { $0.prefix(3).joined(separator: " | ") }
    let registered = ValidationRegistry.all.map {
      "\($0.id) | \($0.severity.rawValue) | \($0.title)"
    }
    #expect(documented == registered)
  }

  @Test func theContentReadmeStepKindTableIsTheRegistry() throws {
    let rows = try Self.table(in: "Content/README.md", after: "## Step kinds")
    let documented = rows.map { row in
      "\(row[0]): "
        + row[1].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        .joined(separator: ", ")
    }
    let registered = StepRegistry.all.map { handler in
      let kind = type(of: handler).descriptor
      return "\(kind.id): " + kind.questionKeys.joined(separator: ", ")
    }
    #expect(documented == registered)
  }
}
