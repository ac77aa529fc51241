import OrgWizJSON

/// A policy's client condition names apps of the org by their client ids.
struct PolicyClientsExistRule: ValidationRule {
  static let descriptor = RuleDescriptor(
    id: "policy-clients-exist", severity: .warning, title: "Policy clients are apps of the org",
    rationale:
      "Okta applies a policy when its conditions.clients.include holds the requesting app's "
      + "client id (credentials.oauthClient.client_id) or ALL_CLIENTS. A client id that matches "
      + "no app makes a policy look app-specific while it serves nobody; an app's id works only "
      + "where it is also its client id.",
    examples: [
      .passes(
        "\"Mobile Apps\" names Acme Web by its client id 0oa2webclient",
        edits: [ExampleOrg.mobilePolicyClients: ["0oa1mob", "0oa2webclient"]]),
      .fails(
        "\"Mobile Apps\" names a client no app has",
        edits: [ExampleOrg.mobilePolicyClients: ["0oaGone"]], at: ExampleOrg.mobilePolicyClients / 0
      ),
      .fails(
        "\"Mobile Apps\" names Acme Web by its app id 0oa2web instead of its client id",
        edits: [ExampleOrg.mobilePolicyClients: ["0oa1mob", "0oa2web"]],
        at: ExampleOrg.mobilePolicyClients / 1),
    ])

  /// What the check reads (through the typed views); see ``ValidationRule/reads``.
  static let reads: [ModelRead]? = [
    "/authorizationServers/*/policies/*/conditions/clients/include",
    "/authorizationServers/*/policies/*/name",
    "/apps/*/id",
    "/apps/*/label",
    "/apps/*/credentials/oauthClient/client_id",
    "/pull/scope",
  ]

  func check(_ model: OrgModel) -> [Finding] {
    let named = model.servers.contains { server in
      server.policies.contains { $0.clients.contains { $0 != Okta.allClients } }
    }
    guard named else { return [] }
    // A scoped pull holds only some apps: a client no pulled app has may be one not pulled.
    let allApps = model.pullScope == nil
    // The apps are read in place and named by position, not copied one by one (see
    // OrgModel.listings).
    let apps = model.apps
    var clients = Set<String>(minimumCapacity: apps.count)
    var byAppID: [String: Int] = [:]
    for index in apps.indices {
      clients.insert(apps[index].clientID)
      if apps[index].id != apps[index].clientID { byAppID[apps[index].id] = index }
    }
    var findings: [Finding] = []
    for server in model.servers {
      for policy in server.policies {
        for (index, client) in policy.clients.enumerated()
        where client != Okta.allClients && !clients.contains(client) {
          let pointer = policy.pointer / "conditions" / "clients" / "include" / index
          if let app = byAppID[client].map({ apps[$0] }) {
            findings.append(
              finding(
                pointer,
                "policy \"\(policy.name)\" names \"\(client)\", the app id of \"\(app.label)\"; "
                  + "Okta matches client ids, so the policy never applies to it: use its client "
                  + "id \"\(app.clientID)\""))
          } else if allApps {
            findings.append(
              finding(
                pointer,
                "policy \"\(policy.name)\" names client \"\(client)\", which is no app's client id"
              ))
          }
        }
      }
    }
    return findings
  }
}
