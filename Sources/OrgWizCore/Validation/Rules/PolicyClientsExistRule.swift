import OrgWizJSON

/// A policy's client condition names apps of the org.
struct PolicyClientsExistRule: ValidationRule {
  let id = "policy-clients-exist"
  let title = "Policy clients are apps of the org"
  let rationale =
    "A client id that matches no app makes a policy look app-specific while it serves nobody."
  let severity = Finding.Severity.warning

  func check(_ model: OrgModel) -> [Finding] {
    let named = model.servers.contains { server in
      server.policies.contains { $0.clients.contains { $0 != Okta.allClients } }
    }
    guard named else { return [] }
    var clients = Set<String>(minimumCapacity: model.apps.count * 2)
    for app in model.apps {
      clients.insert(app.clientID)
      clients.insert(app.id)
    }
    var findings: [Finding] = []
    for server in model.servers {
      for policy in server.policies {
        for (index, client) in policy.clients.enumerated()
        where client != Okta.allClients && !clients.contains(client) {
          findings.append(
            finding(
              policy.pointer / "conditions" / "clients" / "include" / index,
              "policy \"\(policy.name)\" names client \"\(client)\", which is no app's client id"
            ))
        }
      }
    }
    return findings
  }
}
