import OrgWizCore

/// The app and the server a command names on its command line (`simulate`, `verify`), found in
/// the model the one way every command finds them: an app by id, client id or label; a custom
/// server by id or name, or the Org Authorization Server by its name.
enum ModelChoice {
  static func app(_ name: String, in model: OrgModel) throws(OrgWizFailure) -> OrgApp {
    try Lookup.find(
      name, kind: "app", in: model.apps, ids: { [$0.id, $0.clientID] }, name: \.label
    )
    .picked(flag: "--app")
  }

  /// The custom server named, or nil for the Org Authorization Server.
  static func server(_ name: String, in model: OrgModel) throws(OrgWizFailure) -> CustomServer? {
    if model.namesOrgAuthorizationServer(name) { return nil }
    return try Lookup.find(
      name, kind: "custom authorization server", in: model.choosableServers, ids: { [$0.id] },
      name: \.name
    ).picked(flag: "--server", orName: Okta.orgAuthorizationServer)
  }
}

extension Result where Failure == LookupFailure {
  /// The one object found, or a usage error that says which flag named what, and what to name.
  func picked(flag: String, orName other: String? = nil) throws(OrgWizFailure) -> Success {
    switch self {
    case .success(let item): return item
    case .failure(let failure):
      throw OrgWizFailure(
        .usage, "\(flag): \(failure.message).",
        next: "Name one of those in \(flag)" + (other.map { ", or \($0)." } ?? "."))
    }
  }
}
