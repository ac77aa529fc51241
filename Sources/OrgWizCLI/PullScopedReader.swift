import Foundation
import OrgWizCore
import OrgWizJSON
import OrgWizOkta

/// A scoped pull (`--server`, `--app`): the named servers with their policies, rules and
/// scopes, the named apps (looked up directly: by id, else by Okta's search on the label),
/// the groups their rules name (one search for all of them), the apps' group assignments,
/// the Trusted Origins, and one admin (the `--operator`, else the credentials' owner).
extension PullReader {
  func readScoped(
    servers serverNames: [String], apps appNames: [String], operator login: String?,
    credential: Credential, orgURL: OrgURL, context: CommandContext
  ) throws -> PulledOrg {
    let wellKnown = try client.getUnauthenticated("/.well-known/okta-organization").json
    let org = try client.get("/api/v1/org").json
    var servers: [PulledOrg.Server] = []
    for name in serverNames {
      let server = try findServer(name)
      let id = try PullCommand.checkedID(
        server, what: "authorization server", request: "GET /api/v1/authorizationServers")
      guard !servers.contains(where: { $0.server["id"]?.stringValue == id }) else { continue }
      servers.append(try Self.server(server, from: try readServer(id), id: id))
    }
    var apps: [JSONValue] = []
    for name in appNames {
      let app = try findApp(name)
      let id = try PullCommand.checkedID(app, what: "app", request: "GET /api/v1/apps")
      if !apps.contains(where: { $0["id"]?.stringValue == id }) { apps.append(app) }
    }
    let admins = try operatorAdmin(login, credential: credential)
    let groups = try groupsNamed(PullAssembler.groupIDs(in: servers))
    var pulled = PulledOrg(
      orgURL: orgURL.description, domain: orgURL.host, wellKnown: wellKnown, org: org,
      servers: servers, apps: apps, admins: admins, groups: groups)
    try readAssignmentsAndOrigins(&pulled, context: context)
    pulled.scope = PullScope(
      servers: servers.compactMap { $0.server["id"]?.stringValue },
      apps: apps.compactMap { $0["id"]?.stringValue },
      admins: admins.compactMap { $0.user["id"]?.stringValue })
    return pulled
  }

  /// A custom server by id (one read), else by Okta's search on its name (`q`), exact name
  /// first, then case-insensitive; none or several is a usage error naming what was found.
  private func findServer(_ name: String) throws -> JSONValue {
    if OktaID.isValid(name) || name == "default" {
      if let found = try readIfFound("/api/v1/authorizationServers/\(name)") {
        return try PullCommand.theObject(found, id: name, what: "authorization server")
      }
    }
    let found = try client.getAll(
      "/api/v1/authorizationServers", query: [("q", name), ("limit", "200")])
    return try Self.one(
      found, named: name, keys: [["name"]], what: "custom authorization server", flag: "--server")
  }

  /// An app by id (one read), else by Okta's search on its label (`q`): an exact label, then a
  /// case-insensitive one, then a client id. Only OpenID Connect apps are taken.
  private func findApp(_ name: String) throws -> JSONValue {
    var app: JSONValue?
    if OktaID.isValid(name) {
      app = try readIfFound("/api/v1/apps/\(name)").map { found throws(OktaError) in
        try PullCommand.theObject(found, id: name, what: "app")
      }
    }
    if app == nil {
      let found = try client.getAll("/api/v1/apps", query: [("q", name), ("limit", "200")])
      app = try Self.one(
        found.filter { $0["signOnMode"]?.stringValue == Okta.openIDConnect }, named: name,
        keys: [["label"], ["credentials", "oauthClient", "client_id"]], what: "OpenID Connect app",
        flag: "--app")
    }
    guard let app, app["signOnMode"]?.stringValue == Okta.openIDConnect else {
      throw OrgWizFailure(
        .usage, "The app \(OktaID.shown(name)) is not an OpenID Connect app.",
        next: "Name an OpenID Connect app (its label, id or client id) with --app.")
    }
    return app
  }

  /// One object, or nil when Okta answers 404 (a name that looked like an id).
  private func readIfFound(_ path: String) throws(OktaError) -> JSONValue? {
    do {
      return try client.get(path).json
    } catch {
      if case .rejected(let status, _, _) = error, status == 404 { return nil }
      throw error
    }
  }

  /// The one object whose value at one of `keys` is `name`: exactly, else ignoring case.
  static func one(
    _ found: [JSONValue], named name: String, keys: [[String]], what: String, flag: String
  ) throws -> JSONValue {
    func value(_ object: JSONValue, _ key: [String]) -> String? {
      key.reduce(Optional(object)) { $0?[$1] }?.stringValue
    }
    var matches = found.filter { object in keys.contains { value(object, $0) == name } }
    if matches.isEmpty {
      matches = found.filter { object in
        keys.contains { value(object, $0)?.lowercased() == name.lowercased() }
      }
    }
    guard matches.count == 1 else {
      let ids = matches.compactMap { $0["id"]?.stringValue }.map(OktaID.shown)
      throw OrgWizFailure(
        .usage,
        matches.isEmpty
          ? "No \(what) is named \(OktaID.shown(name)) in the org (Okta's search found "
            + "\(Phrase.count(found.count, "candidate")))."
          : "\(OktaID.shown(name)) names \(matches.count) \(what)s: \(ids.joined(separator: ", ")).",
        next: "Name it by its id with \(flag) (Admin Console: its page shows the id).")
    }
    return matches[0]
  }

  /// The one admin a scoped pull reads: `--operator` (a login, by search; or an id), else the
  /// API token's owner (`users/me`). A service app has no user: no admin is read.
  private func operatorAdmin(
    _ login: String?, credential: Credential
  ) throws -> [(user: JSONValue, roles: [JSONValue])] {
    let user: JSONValue
    if let login {
      if OktaID.isValid(login) {
        user = try PullCommand.theObject(
          client.get("/api/v1/users/\(login)").json, id: login, what: "user")
      } else {
        let quoted = login.replacingOccurrences(of: "\\", with: "\\\\")
          .replacingOccurrences(of: "\"", with: "\\\"")
        let found = try client.getAll(
          "/api/v1/users", query: [("search", "profile.login eq \"\(quoted)\""), ("limit", "2")])
        user = try Self.one(
          found, named: login, keys: [["profile", "login"]], what: "user", flag: "--operator")
      }
    } else if case .apiToken = credential {
      user = try client.get("/api/v1/users/me").json
    } else {
      note(
        "a service app has no user of its own, so no admin was read: pass --operator LOGIN to "
          + "read the admin who will make the change.")
      return []
    }
    let id = try PullCommand.checkedID(user, what: "user", request: "GET /api/v1/users")
    return [(user, try client.getAll("/api/v1/users/\(id)/roles"))]
  }

  /// The groups the pulled rules name, by one search for each 50 of them (a whole pull and a
  /// scoped one alike: one request a group cost a large org hundreds).
  func groupsNamed(_ ids: [String]) throws -> [JSONValue] {
    for id in ids { try PullCommand.checkedGroupID(id) }
    var groups: [JSONValue] = []
    for start in stride(from: 0, to: ids.count, by: 50) {
      let batch = ids[start..<min(ids.count, start + 50)]
      let search = batch.map { "id eq \"\($0)\"" }.joined(separator: " or ")
      groups += try client.getAll("/api/v1/groups", query: [("search", search), ("limit", "200")])
    }
    var byID: [String: JSONValue] = [:]
    for group in groups {
      byID[try PullCommand.checkedID(group, what: "group", request: "GET /api/v1/groups")] = group
    }
    // In the order the rules name them, as a whole pull has them.
    return ids.compactMap { byID[$0] }
  }
}
