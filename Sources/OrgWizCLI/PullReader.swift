import Foundation
import OrgWizCore
import OrgWizJSON
import OrgWizOkta

/// The reads of a pull: the whole org (every call of the contract, every page, each piece kept
/// in the journal as it is complete and taken from it when an earlier pull read it), or a
/// scoped pull's few objects. Every id Okta sends is checked before it enters a path or the
/// model, whether it came from Okta now or from the journal.
struct PullReader {
  let client: OktaClient
  let journal: PullJournalFile?
  let progress: PullProgress?
  let note: @Sendable (String) -> Void

  /// A piece of the org: from the journal when an earlier pull read it, else read now and
  /// appended. Either way without secrets, so a resumed pull makes the same model.
  func piece(
    _ key: String, estimate: Int = 1, _ read: () throws -> JSONValue
  ) throws -> JSONValue {
    if let earlier = journal?.piece(key) {
      progress?.read(Self.objects(in: earlier.value))
      return earlier.value
    }
    progress?.expect(estimate)
    let before = OktaClient.requestsOnThisThread
    let value = PullAssembler.withoutSecrets(try read())
    let cost = OktaClient.requestsOnThisThread - before
    journal?.append(key, value, requests: cost)
    progress?.done(estimate)
    progress?.read(Self.objects(in: value))
    return value
  }

  static func objects(in value: JSONValue) -> Int {
    switch value {
    case .array(let items): items.count
    case .object(let object):
      object["policies"] != nil || object["user"] != nil
        ? 1
          + (object["policies"]?.arrayValue?.reduce(0) { $0 + 1 + objects(in: $1["rules"] ?? []) }
            ?? 0) : 1
    default: 0
    }
  }

  // MARK: - The whole org

  func readAll(orgURL: OrgURL, context: CommandContext) throws -> PulledOrg {
    let wellKnown = try piece("wellKnown") {
      try client.getUnauthenticated("/.well-known/okta-organization").json
    }
    let org = try piece("org") { try client.get("/api/v1/org").json }
    let serverList =
      try piece("servers") {
        .array(try client.getAll("/api/v1/authorizationServers", query: [("limit", "200")]))
      }.arrayValue ?? []
    progress?.expect(serverList.count * 12)
    let servers = try PullCommand.concurrentMap(serverList) { server -> PulledOrg.Server in
      let id = try PullCommand.checkedID(
        server, what: "authorization server", request: "GET /api/v1/authorizationServers")
      let read = try piece("server:\(id)") { try readServer(id) }
      progress?.done(12)
      return try Self.server(server, from: read, id: id)
    }
    let apps =
      try piece("apps", estimate: 2) {
        .array(try client.getAll("/api/v1/apps", query: [("limit", "200")]))
      }.arrayValue ?? []
    for app in apps { _ = try PullCommand.checkedID(app, what: "app", request: "GET /api/v1/apps") }
    var seen: Set<String> = []
    let assignees =
      try piece("assignees") {
        .array(try client.getAll("/api/v1/iam/assignees/users"))
      }.arrayValue?.filter { assignee in
        assignee["id"]?.stringValue.map { seen.insert($0).inserted } ?? false
      } ?? []
    let admins = try PullCommand.concurrentMap(assignees) { assignee in
      let id = try PullCommand.checkedID(
        assignee, what: "admin", request: "GET /api/v1/iam/assignees/users")
      return try admin(id)
    }
    let groupIDs = PullAssembler.groupIDs(in: servers)
    let groups =
      try piece("groups", estimate: max(1, (groupIDs.count + 49) / 50)) {
        .array(try groupsNamed(groupIDs))
      }.arrayValue ?? []
    var pulled = PulledOrg(
      orgURL: orgURL.description, domain: orgURL.host, wellKnown: wellKnown, org: org,
      servers: servers, apps: apps, admins: admins, groups: groups)
    try readAssignmentsAndOrigins(&pulled, context: context)
    return pulled
  }

  /// A server's policies with their rules, and its scopes, as one piece.
  func readServer(_ id: String) throws -> JSONValue {
    let base = "/api/v1/authorizationServers/\(id)"
    var policies: [JSONValue] = []
    for policy in try client.getAll("\(base)/policies") {
      let policyID = try PullCommand.checkedID(
        policy, what: "policy", request: "GET \(base)/policies")
      let rules = try client.getAll("\(base)/policies/\(policyID)/rules")
      policies.append(.object(JSONObject([("policy", policy), ("rules", .array(rules))])))
    }
    let scopes = try client.getAll("\(base)/scopes")
    return .object(JSONObject([("policies", .array(policies)), ("scopes", .array(scopes))]))
  }

  /// The server read as a piece, its ids checked.
  static func server(
    _ server: JSONValue, from read: JSONValue, id: String
  ) throws
    -> PulledOrg.Server
  {
    let base = "/api/v1/authorizationServers/\(id)"
    var policies: [(policy: JSONValue, rules: [JSONValue])] = []
    for entry in read["policies"]?.arrayValue ?? [] {
      let policy = entry["policy"] ?? .null
      let policyID = try PullCommand.checkedID(
        policy, what: "policy", request: "GET \(base)/policies")
      let rules = entry["rules"]?.arrayValue ?? []
      for rule in rules {
        _ = try PullCommand.checkedID(
          rule, what: "rule", request: "GET \(base)/policies/\(policyID)/rules")
      }
      policies.append((policy, rules))
    }
    return PulledOrg.Server(server: server, policies: policies, scopes: read["scopes"]?.arrayValue)
  }

  /// One admin: the user and its roles, as one piece.
  private func admin(_ id: String) throws -> (user: JSONValue, roles: [JSONValue]) {
    let read = try piece("admin:\(id)", estimate: 2) {
      let user = try client.get("/api/v1/users/\(id)").json
      return .object(
        JSONObject([
          ("user", user), ("roles", .array(try client.getAll("/api/v1/users/\(id)/roles"))),
        ]))
    }
    let user = try PullCommand.theObject(read["user"] ?? .null, id: id, what: "user")
    return (user, read["roles"]?.arrayValue ?? [])
  }

  /// The group assignments of the apps a run can touch, and the Trusted Origins.
  func readAssignmentsAndOrigins(_ pulled: inout PulledOrg, context: CommandContext) throws {
    // Who may sign in: the groups assigned each app a run can touch (bounded; see
    // PullAssembler.appsForAssignments). Each assignment's id is checked before the model.
    let (assignable, skipped) = PullAssembler.appsForAssignments(pulled.apps)
    pulled.appGroupAssignments = try PullCommand.concurrentMap(assignable) {
      id -> (appID: String, assignments: [JSONValue]) in
      guard OktaID.isValid(id) else {
        throw OktaError.malformed(
          "GET /api/v1/apps answered an app whose id \(OktaID.shown(id)) is not an Okta id")
      }
      let path = "/api/v1/apps/\(id)/groups"
      // expand=group embeds each group, so the Everyone group (type BUILT_IN) is known as such.
      let listed =
        try piece("assignments:\(id)") {
          .array(try client.getAll(path, query: [("limit", "200"), ("expand", "group")]))
        }.arrayValue ?? []
      for assignment in listed {
        _ = try PullCommand.checkedID(assignment, what: "group assignment", request: "GET \(path)")
      }
      return (id, listed)
    }
    pulled.assignmentAppsSkipped = skipped
    // The Trusted Origins: optional; credentials without okta.trustedOrigins.read still pull.
    let origins = try piece("trustedOrigins") {
      do throws(OktaError) {
        return .array(try client.getAll("/api/v1/trustedOrigins", query: [("limit", "200")]))
      } catch {
        guard case .forbidden = error else { throw error }
        return .null
      }
    }.arrayValue
    if origins == nil {
      note(
        "the Trusted Origins were not read (403: the credentials lack okta.trustedOrigins.read "
          + "or an admin role that reads them), so check cannot say whether a single-page app's "
          + "origin is trusted for CORS.")
    }
    for origin in origins ?? [] {
      _ = try PullCommand.checkedID(
        origin, what: "trusted origin", request: "GET /api/v1/trustedOrigins")
    }
    pulled.trustedOrigins = origins
  }
}
