import OrgWizJSON

/// Ids name objects in answers and on the command line, so they must be unique.
struct UniqueIDsRule: ValidationRule {
  static let descriptor = RuleDescriptor(
    id: "unique-ids", severity: .error, title: "Object ids are unique",
    rationale:
      "Okta gives every admin, authorization server, policy, rule and app an id of its own. "
      + "Answers, --set values and the change record name objects by id; two objects with one id "
      + "make every reference ambiguous, and usually mean an API response was pasted twice.",
    examples: [
      .passes(
        "every id differs while names repeat (both servers have a \"Default Policy\"): only ids "
          + "must be unique"),
      .fails(
        "Acme Web is given Acme Mobile's id 0oa1mob",
        edits: [ExampleOrg.webApp / "id": "0oa1mob"], at: ExampleOrg.webApp / "id"),
      .fails(
        "a rule is given the id of a policy (00p1def)",
        edits: [ExampleOrg.defaultPolicy / "rules" / 0 / "id": "00p1def"],
        at: ExampleOrg.defaultPolicy / "rules" / 0 / "id"),
    ])

  /// What the check reads (through the typed views); see ``ValidationRule/reads``.
  static let reads: [ModelRead]? = [
    "/admins/*/id",
    "/authorizationServers/*/id",
    "/authorizationServers/*/policies/*/id",
    "/authorizationServers/*/policies/*/rules/*/id",
    "/apps/*/id",
  ]

  func check(_ model: OrgModel) -> [Finding] {
    var seen: [String: JSONPointer] = [:]
    seen.reserveCapacity(
      model.admins.count + model.apps.count
        + model.servers.reduce(0) { total, server in
          total + 1 + server.policies.reduce(0) { $0 + 1 + $1.rules.count }
        })
    var findings: [Finding] = []
    func note(_ id: String, _ pointer: JSONPointer) {
      if let first = seen[id] {
        findings.append(finding(pointer / "id", "id \"\(id)\" is already used at \(first)"))
      } else {
        seen[id] = pointer
      }
    }
    // Rules and apps are read in place, not copied one by one (see OrgModel.listings).
    for admin in model.admins { note(admin.id, admin.pointer) }
    for server in model.servers {
      note(server.id, server.pointer)
      for policy in server.policies {
        note(policy.id, policy.pointer)
        let rules = policy.rules
        for index in rules.indices { note(rules[index].id, rules[index].pointer) }
      }
    }
    let apps = model.apps
    for index in apps.indices { note(apps[index].id, apps[index].pointer) }
    return findings
  }
}
