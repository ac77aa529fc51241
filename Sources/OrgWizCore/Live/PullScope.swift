import OrgWizJSON

/// What a scoped pull (`orgwiz pull --server S --app A`) read, kept in the model as
/// `pull.scope`: the ids of the custom authorization servers, apps and admins it holds. A model
/// without it was pulled whole (or written by hand). On a scoped model the absence of an app,
/// a server or an admin is not a fact about the org: every reader that would conclude from it
/// (the shared-rule line, the apps a change affects, the rules that look for a client or a
/// Super Admin) says that it is not known instead, and ``omissions(in:)`` says what was left out.
public struct PullScope: Sendable, Equatable {
  /// The custom authorization servers pulled (ids); empty when `--server` was not given.
  public var servers: [String]
  /// The apps pulled (ids); empty when `--app` was not given.
  public var apps: [String]
  /// The admins pulled (ids): the operator, or the credentials' owner; empty when unknown.
  public var admins: [String]

  public init(servers: [String], apps: [String], admins: [String]) {
    self.servers = servers
    self.apps = apps
    self.admins = admins
  }

  /// The member of the model that holds the scope.
  public static let pointer = PullRecord.pointer / "scope"

  public var json: JSONValue {
    .object(
      JSONObject([
        ("servers", .strings(servers)), ("apps", .strings(apps)), ("admins", .strings(admins)),
      ]))
  }

  /// The scope of a model, or nil when the model was not pulled with `--server` or `--app`.
  public init?(model document: JSONValue) {
    guard let value = document[Self.pointer], case .object = value else { return nil }
    func ids(_ key: String) -> [String] {
      value[key]?.arrayValue?.compactMap(\.stringValue) ?? []
    }
    self.init(servers: ids("servers"), apps: ids("apps"), admins: ids("admins"))
  }

  /// What the model leaves out, one sentence each, for `run`, `check`, `simulate` and every
  /// record: "apps other than Acme Mobile (0oa1mob) were not pulled: the list of other apps a
  /// rule serves is not known".
  public func omissions(in model: OrgModel) -> [String] {
    let serverNames = model.servers.map { "\(VisibleText.short($0.name)) (\($0.id))" }
    let appNames = model.apps.map { "\(VisibleText.short($0.label)) (\($0.id))" }
    let adminNames = model.admins.map { VisibleText.short($0.login) }
    return [
      serverNames.isEmpty
        ? "no custom authorization server was pulled: only the Org Authorization Server can be "
          + "chosen"
        : "authorization servers other than \(Self.list(serverNames)) were not pulled",
      appNames.isEmpty
        ? "no app was pulled: which apps a rule serves is not known"
        : "apps other than \(Self.list(appNames)) were not pulled: the list of other apps a "
          + "rule serves is not known",
      adminNames.isEmpty
        ? "no admin was pulled: who holds SUPER_ADMIN is not known"
        : "admins other than \(Self.list(adminNames)) were not pulled: who else holds "
          + "SUPER_ADMIN is not known",
    ]
  }

  /// One paragraph: "The model is partial (a scoped pull): …; …."
  public func sentence(in model: OrgModel) -> String {
    "The model is partial (pulled with --server/--app): "
      + omissions(in: model).joined(separator: "; ") + "."
  }

  /// The line a review shows for a changed rule on a model that does not hold every app.
  public func sharedRuleLine(in model: OrgModel) -> String {
    let held = model.apps.map { VisibleText.short($0.label) }
    return "    this rule may also serve apps that were not pulled: the list of other apps "
      + "this rule serves is not known"
      + (held.isEmpty ? "" : " (the model holds only \(Self.list(held)))")
      + "; pull the whole org (orgwiz pull) to see them"
  }

  static func list(_ names: [String]) -> String {
    let shown = Array(names.prefix(5))
    let more = names.count > 5 ? " and \(names.count - 5) more" : ""
    guard let last = shown.last else { return "none" }
    guard shown.count > 1 else { return last + more }
    return shown.dropLast().joined(separator: ", ") + (more.isEmpty ? " and " : ", ") + last
      + more
  }
}

extension OrgModel {
  /// The scope of a scoped pull, or nil for a whole model.
  public var pullScope: PullScope? { PullScope(model: document) }
}
