import OrgWizJSON

/// Policies of a server, and rules of a policy, are tried in priority order; ties make the
/// order undefined.
struct UniquePrioritiesRule: ValidationRule {
  static let descriptor = RuleDescriptor(
    id: "unique-priorities", severity: .error, title: "Priorities are unique",
    rationale:
      "Okta tries a custom authorization server's active policies in ascending priority, and a "
      + "policy's active rules in ascending priority; the first match serves the request. Two "
      + "policies of one server, or two rules of one policy, with the same priority leave it "
      + "undefined which one serves a request.",
    examples: [
      .passes(
        "policies of different servers share a priority (\"Mobile Apps\" of api and \"Default "
          + "Policy\" of partners are both 1): each server is evaluated on its own"),
      .fails(
        "\"Mobile Apps\" gets priority 2, like \"Default Policy\" of the same server",
        edits: [ExampleOrg.mobilePolicy / "priority": 2], at: ExampleOrg.mobilePolicy / "priority"),
      .fails(
        "the rule \"Testers, long sessions\" gets priority 1, like \"Mobile sign-in\" of the same "
          + "policy",
        edits: [ExampleOrg.mobilePolicy / "rules" / 1 / "priority": 1],
        at: ExampleOrg.mobilePolicy / "rules" / 1 / "priority"),
    ])

  /// What the check reads (through the typed views); see ``ValidationRule/reads``.
  static let reads: [ModelRead]? = [
    "/authorizationServers/*/policies/*/priority",
    "/authorizationServers/*/policies/*/name",
    "/authorizationServers/*/policies/*/rules/*/priority",
    "/authorizationServers/*/policies/*/rules/*/name",
  ]

  func check(_ model: OrgModel) -> [Finding] {
    var findings: [Finding] = []
    for server in model.servers {
      findings += ties(
        server.policies, kind: "policy", within: "server",
        key: { ($0.priority, $0.name, $0.pointer) })
      for policy in server.policies {
        findings += ties(
          policy.rules, kind: "rule", within: "policy", key: { ($0.priority, $0.name, $0.pointer) })
      }
    }
    return findings
  }

  /// A finding for every item whose priority an earlier item of the list already has.
  private func ties<Item>(
    _ items: [Item], kind: String, within: String,
    key: (Item) -> (priority: Int, name: String, pointer: JSONPointer)
  ) -> [Finding] {
    var seen: [Int: String] = [:]
    var findings: [Finding] = []
    // Read in place, not copied one by one (see OrgModel.listings).
    for index in items.indices {
      let (priority, name, pointer) = key(items[index])
      if let other = seen[priority] {
        findings.append(
          finding(
            pointer / "priority",
            "\(kind) \"\(name)\" has priority \(priority), like \(kind) \"\(other)\" of the same "
              + within))
      } else {
        seen[priority] = name
      }
    }
    return findings
  }
}
