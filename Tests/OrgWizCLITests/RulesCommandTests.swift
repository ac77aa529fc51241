import OrgWizCore
import OrgWizJSON
import OrgWizTestSupport
import Testing

/// `orgwiz rules` and `orgwiz check --explain`: the registries describing themselves.
@Suite struct RulesCommandTests {
  @Test func rulesListsEveryRegisteredRule() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let listed = CLIRunner.run(["rules"], in: directory.path)
    #expect(listed.status == 0)
    #expect(listed.stderr.isEmpty)
    let lines = listed.stdout.split(separator: "\n").map(String.init)
    for rule in ValidationRegistry.all {
      let line = lines.first { $0.hasPrefix("  \(rule.id) ") }
      #expect(line?.contains(" \(rule.severity.rawValue) ") == true, "\(rule.id): \(lines)")
      #expect(line?.hasSuffix(rule.title) == true, "\(rule.id): \(lines)")
    }
  }

  @Test func aRuleIsExplainedWithItsRationaleAndExamples() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let explained = CLIRunner.run(["rules", "policy-clients-exist"], in: directory.path)
    #expect(explained.status == 0)
    let text = explained.stdout
    #expect(text.hasPrefix("policy-clients-exist (warning): Policy clients are apps of the org\n"))
    // Wrapped to the terminal width, so compare words.
    let words = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    #expect(words.contains("Okta applies a policy when its conditions.clients.include holds"))
    #expect(
      words.contains("Passes (no finding): - \"Mobile Apps\" names Acme Web by its client id"))
    #expect(
      words.contains(
        "Finding at: /authorizationServers/0/policies/1/conditions/clients/include/1"))
    #expect(words.contains("with /authorizationServers/0/policies/1/conditions/clients/include"))
    // check --explain prints the same, without needing a model (there is none here).
    let viaCheck = CLIRunner.run(
      ["check", "--explain", "policy-clients-exist"], in: directory.path)
    #expect(viaCheck.status == 0)
    #expect(viaCheck.stdout == text)
  }

  @Test func theJSONCarriesEveryRuleWithItsExamples() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let listed = CLIRunner.run(["rules", "--json"], in: directory.path)
    #expect(listed.status == 0)
    let rules = try #require(JSONParser.parse(listed.stdout)["rules"]?.arrayValue)
    #expect(rules.compactMap { $0["id"]?.stringValue } == ValidationRegistry.all.map(\.id))
    #expect(
      rules.compactMap { $0["severity"]?.stringValue }
        == ValidationRegistry.all.map(\.severity.rawValue))
    let one = CLIRunner.run(["check", "--explain", "unique-ids", "--json"], in: directory.path)
    #expect(one.status == 0)
    let rule = try JSONParser.parse(one.stdout)
    #expect(rule["title"]?.stringValue == "Object ids are unique")
    let examples = try #require(rule["examples"]?.arrayValue)
    let failing = try #require(examples.first { $0["expect"]?.stringValue == "fail" })
    #expect(failing["pointer"]?.stringValue == "/apps/1/id")
    #expect(failing["edits"]?[0]?["pointer"]?.stringValue == "/apps/1/id")
    #expect(failing["edits"]?[0]?["value"]?.stringValue == "0oa1mob")
    #expect(examples.contains { $0["expect"]?.stringValue == "pass" && $0["pointer"] == nil })
  }

  @Test func anUnknownRuleIsAUsageErrorWithASuggestion() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    for arguments in [["rules", "unique-id"], ["check", "--explain", "unique-id"]] {
      let unknown = CLIRunner.run(arguments, in: directory.path)
      #expect(unknown.status == 64, "\(arguments)")
      #expect(unknown.stdout.isEmpty)
      #expect(
        unknown.stderr.contains("there is no rule \"unique-id\"; did you mean \"unique-ids\"?"))
      for rule in ValidationRegistry.all { #expect(unknown.stderr.contains(rule.id)) }
    }
    let far = CLIRunner.run(["rules", "zzz"], in: directory.path)
    #expect(far.status == 64)
    #expect(far.stderr.contains("there is no rule \"zzz\"."))
    #expect(!far.stderr.contains("did you mean"))
  }

  @Test func stepKindsAreListedAndExplained() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let listed = CLIRunner.run(["rules", "--step-kinds"], in: directory.path)
    #expect(listed.status == 0)
    for handler in StepRegistry.all {
      let kind = type(of: handler).descriptor
      #expect(listed.stdout.contains("  \(kind.id): \(kind.title)\n"), "\(kind.id)")
      #expect(listed.stdout.contains("    asks: \(kind.questionKeys.joined(separator: ", "))\n"))
    }
    let one = CLIRunner.run(["rules", "--step-kinds", "app-grant", "--json"], in: directory.path)
    #expect(one.status == 0)
    let kind = try JSONParser.parse(one.stdout)
    #expect(kind["questionKeys"]?[0]?.stringValue == "app-grant")
    #expect(kind["examples"]?.arrayValue?.isEmpty == false)
    let unknown = CLIRunner.run(["rules", "--step-kinds", "app-grants"], in: directory.path)
    #expect(unknown.status == 64)
    #expect(unknown.stderr.contains("did you mean \"app-grant\"?"))
    #expect(unknown.stderr.contains("select-policy-rule"))
  }
}
