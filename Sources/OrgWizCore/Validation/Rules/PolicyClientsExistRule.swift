import OrgWizJSON

/// A policy's client condition names apps of the org by their client ids.
struct PolicyClientsExistRule: ValidationRule {
  let id = "policy-clients-exist"
  let title = "Policy clients are apps of the org"
  let rationale =
    "A client id that matches no app makes a policy look app-specific while it serves nobody; "
    + "Okta matches client ids, so an app's id only works when it is also its client id."
  let severity = Finding.Severity.warning

  func check(_ model: OrgModel) -> [Finding] {
    let named = model.servers.contains { server in
      server.policies.contains { $0.clients.contains { $0 != Okta.allClients } }
    }
    guard named else { return [] }
    var clients = Set<String>(minimumCapacity: model.apps.count)
    var byAppID: [String: OrgApp] = [:]
    for app in model.apps {
      clients.insert(app.clientID)
      if app.id != app.clientID { byAppID[app.id] = app }
    }
    var findings: [Finding] = []
    for server in model.servers {
      for policy in server.policies {
        for (index, client) in policy.clients.enumerated()
        where client != Okta.allClients && !clients.contains(client) {
          let pointer = policy.pointer / "conditions" / "clients" / "include" / index
          if let app = byAppID[client] {
            findings.append(
              finding(
                pointer,
                "policy \"\(policy.name)\" names \"\(client)\", the app id of \"\(app.label)\"; "
                  + "Okta matches client ids, so the policy never applies to it: use its client "
                  + "id \"\(app.clientID)\""))
          } else {
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
