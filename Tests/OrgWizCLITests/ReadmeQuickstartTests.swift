import Foundation
import OrgWizTestSupport
import Testing

/// The README's quickstart on the example org runs as written, so it cannot drift from the tool.
@Suite struct ReadmeQuickstartTests {
  /// The lines of the first `sh` block after the heading `heading` in README.md.
  static func block(after heading: String) throws -> [String] {
    let path = Fixtures.repositoryRoot.appendingPathComponent("README.md").path
    let data = try #require(FileManager.default.contents(atPath: path), "cannot read \(path)")
    let lines = String(decoding: data, as: UTF8.self).split(
      separator: "\n", omittingEmptySubsequences: false
    ).map(String.init)
    let start = try #require(lines.firstIndex(of: heading), "README.md has no \(heading)")
    let open = try #require(lines[start...].firstIndex(of: "```sh"), "no sh block")
    return Array(lines[(open + 1)...].prefix { $0 != "```" })
  }

  /// A command line as the shell splits it: words, double-quoted words, and a `#` comment.
  static func words(_ line: String) -> [String] {
    var words: [String] = []
    var word = ""
    var inWord = false
    var quoted = false
    for character in line {
      if quoted {
        if character == "\"" { quoted = false } else { word.append(character) }
      } else if character == "\"" {
        quoted = true
        inWord = true
      } else if character == "#" && !inWord {
        break
      } else if character == " " {
        if inWord { words.append(word) }
        word = ""
        inWord = false
      } else {
        word.append(character)
        inWord = true
      }
    }
    if inWord { words.append(word) }
    return words
  }

  @Test func theExampleOrgQuickstartRunsAsWritten() throws {
    let lines = try Self.block(after: "## Quickstart on the example org")
    #expect(lines.count == 5, "the quickstart is five lines: \(lines)")
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    for line in lines {
      let words = Self.words(line)
      switch words.first {
      case "orgwiz":
        let result = CLIRunner.run(Array(words.dropFirst()), in: directory.path)
        #expect(result.status == 0, "\(line)\n\(result.stderr)")
      case "cat":
        // `cat org.*.summary.md`: exactly one change record, and it is the run's.
        let pattern = try #require(words.dropFirst().first)
        let parts = pattern.split(separator: "*", maxSplits: 1).map(String.init)
        let matches = directory.listing().filter {
          parts.count == 2 && $0.hasPrefix(parts[0]) && $0.hasSuffix(parts[1])
        }
        #expect(matches.count == 1, "\(line): \(directory.listing())")
        let record = try #require(matches.first.flatMap { directory.read($0) })
        #expect(record.contains("Acme Mobile"), "\(record)")
      default:
        Issue.record("The quickstart line \(line) is neither an orgwiz command nor cat")
      }
    }
    // After `undo`, the model the run created is set aside: no ./org.json is left.
    #expect(!directory.listing().contains("org.json"), "\(directory.listing())")
  }

  @Test func theLiveOrgQuickstartNamesPullRunApplyVerifyInOrder() throws {
    let commands = try Self.block(after: "## Quickstart on a live org").map(Self.words)
      .filter { $0.first == "orgwiz" }.map { $0.dropFirst().first ?? "run" }
    #expect(commands == ["pull", "run", "apply", "verify"])
  }
}
