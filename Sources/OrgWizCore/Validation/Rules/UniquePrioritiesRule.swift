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
      var policyPriorities: [Int: String] = [:]
      for policy in server.policies {
        if let other = policyPriorities[policy.priority] {
          findings.append(
            finding(
              policy.pointer / "priority",
              "policy \"\(policy.name)\" has priority \(policy.priority), like policy "
                + "\"\(other)\" of the same server"))
        } else {
          policyPriorities[policy.priority] = policy.name
        }
        var rulePriorities: [Int: String] = [:]
        for rule in policy.rules {
          if let other = rulePriorities[rule.priority] {
            findings.append(
              finding(
                rule.pointer / "priority",
                "rule \"\(rule.name)\" has priority \(rule.priority), like rule \"\(other)\" of "
                  + "the same policy"))
          } else {
            rulePriorities[rule.priority] = rule.name
          }
        }
      }
    }
    return findings
  }
}
