import OrgWizJSON

/// Policies of a server, and rules of a policy, are tried in priority order; ties make the
/// order undefined.
struct UniquePrioritiesRule: ValidationRule {
  let id = "unique-priorities"
  let title = "Priorities are unique"
  let rationale =
    "Okta tries policies, and the rules inside a policy, in ascending priority. Two with the "
    + "same priority leave it undefined which one serves a request."
  let severity = Finding.Severity.error

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
    for item in items {
      let (priority, name, pointer) = key(item)
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
