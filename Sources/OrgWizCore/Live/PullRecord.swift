import OrgWizJSON

/// What the model remembers of the live org it was pulled from (the model's `pull` member):
/// where and when, how the org setting was learned, and for every object `apply` may change
/// (rules and apps) its API path, `lastUpdated` and grant types as Okta had them. `apply`
/// plans from the difference between the model and this record, refuses drift by comparing
/// `lastUpdated`, and updates the record for what it sent, so a second apply finds nothing.
public struct PullRecord: Sendable, Equatable {
  /// How the org setting came into the model.
  public enum SettingSource: String, Sendable {
    /// Stated with `--embedded-widget`.
    case flag
    /// Inferred: an app or rule already listed the grant the setting governs.
    case inferred
    /// Answered at a terminal.
    case asked
    /// Learned by asking Okta itself whether a public app that lists that grant may
    /// start the flow on the Org Authorization Server (`orgwiz verify`'s probe).
    case probe
    /// Learned by `apply`: Okta took that grant, which it allows only while it is on.
    case applied
  }

  /// One object as Okta had it when it was pulled (or last applied).
  public struct Object: Sendable, Equatable {
    public enum Kind: String, Sendable {
      case app, rule
    }
    public var kind: Kind
    public var id: String
    /// For a rule: its server and policy.
    public var serverID: String?
    public var policyID: String?
    public var lastUpdated: String?
    public var grantTypes: [String]
    /// For a rule: its scopes (`conditions.scopes.include`) as Okta had them; nil for an app,
    /// and for a rule of a record made before pull kept scopes (no scope change is planned).
    public var scopes: [String]?

    public init(
      kind: Kind, id: String, serverID: String? = nil, policyID: String? = nil,
      lastUpdated: String?, grantTypes: [String], scopes: [String]? = nil
    ) {
      self.scopes = scopes
      self.kind = kind
      self.id = id
      self.serverID = serverID
      self.policyID = policyID
      self.lastUpdated = lastUpdated
      self.grantTypes = grantTypes
    }

    /// The object's Management API path, built from its checked ids; nil when one of them is
    /// not an Okta id (see ``invalidIDs(at:)``).
    public var path: String? {
      Self.path(kind: kind, id: id, serverID: serverID, policyID: policyID)
    }

    /// The Management API path of an app or rule, from its checked ids; nil when one is not an
    /// Okta id.
    public static func path(
      kind: Kind, id: String, serverID: String?, policyID: String?
    ) -> String? {
      switch kind {
      case .app: OktaID.path([.literal("/api/v1/apps"), .id(id)])
      case .rule:
        OktaID.path([
          .literal("/api/v1/authorizationServers"), .id(serverID ?? ""), .literal("/policies"),
          .id(policyID ?? ""), .literal("/rules"), .id(id),
        ])
      }
    }

    /// The ids of this object (the `index`th of the record) that are not Okta ids, each with
    /// its JSON pointer in the model.
    public func invalidIDs(at index: Int) -> [InvalidOktaID] {
      let base = PullRecord.pointer / "objects" / String(index)
      var ids: [(member: String, what: String, id: String)] = [
        (
          "id", kind == .app ? "app" : "rule", id
        )
      ]
      if kind == .rule {
        ids.append(("authServerId", "authorization server", serverID ?? ""))
        ids.append(("policyId", "policy", policyID ?? ""))
      }
      return ids.filter { !OktaID.isValid($0.id) }.map { entry in
        InvalidOktaID(
          place: (base / entry.member).description, what: entry.what, id: entry.id)
      }
    }

    var json: JSONValue {
      var object = JSONObject([("type", .string(kind.rawValue)), ("id", .string(id))])
      if let serverID { object["authServerId"] = .string(serverID) }
      if let policyID { object["policyId"] = .string(policyID) }
      object["lastUpdated"] = lastUpdated.map { .string($0) } ?? .null
      object["grantTypes"] = .strings(grantTypes)
      if let scopes { object["scopes"] = .strings(scopes) }
      return .object(object)
    }

    init?(_ value: JSONValue) {
      guard let kind = value["type"]?.stringValue.flatMap(Kind.init(rawValue:)),
        let id = value["id"]?.stringValue
      else { return nil }
      self.kind = kind
      self.id = id
      serverID = value["authServerId"]?.stringValue
      policyID = value["policyId"]?.stringValue
      lastUpdated = value["lastUpdated"]?.stringValue
      grantTypes = value["grantTypes"]?.arrayValue?.compactMap(\.stringValue) ?? []
      scopes = value["scopes"]?.arrayValue.map { $0.compactMap(\.stringValue) }
    }
  }

  public var orgURL: String
  public var pulledAt: String
  public var toolVersion: String
  public var setting: Bool
  public var settingSource: SettingSource
  public var objects: [Object]
  /// Whose credentials read the org (the API token's owner's login, or `service app <id>`):
  /// the wizard's operator question defaults to that admin.
  public var readBy: String?
  /// What a scoped pull (`--server`, `--app`) read; nil for a whole org.
  public var scope: PullScope?

  public init(
    orgURL: String, pulledAt: String, toolVersion: String, setting: Bool,
    settingSource: SettingSource, objects: [Object], readBy: String? = nil,
    scope: PullScope? = nil
  ) {
    self.readBy = readBy
    self.scope = scope
    self.orgURL = orgURL
    self.pulledAt = pulledAt
    self.toolVersion = toolVersion
    self.setting = setting
    self.settingSource = settingSource
    self.objects = objects
  }

  /// Whether a model with this record has the org setting off while Okta, as orgwiz last
  /// learned it, has it on: after a backout, turning it off by hand is the last step.
  public func settingToTurnOff(in model: OrgModel) -> Bool {
    setting && !model.interactionCodeEnabled
  }

  /// The member of the model that holds the record.
  public static let pointer = JSONPointer.root / "pull"

  public var json: JSONValue {
    var object = JSONObject([
      ("orgUrl", .string(orgURL)), ("pulledAt", .string(pulledAt)),
      ("toolVersion", .string(toolVersion)),
      (
        "embeddedWidgetSignInSupport",
        .object(
          JSONObject([("value", .bool(setting)), ("source", .string(settingSource.rawValue))]))
      ),
      ("objects", .array(objects.map(\.json))),
      ("readBy", readBy.map { .string($0) } ?? .null),
    ])
    if let scope { object["scope"] = scope.json }
    return .object(object)
  }

  /// The record of a model, or nil when it was not pulled from an org.
  public init?(model document: JSONValue) {
    guard let value = document[Self.pointer], let orgURL = value["orgUrl"]?.stringValue else {
      return nil
    }
    self.orgURL = orgURL
    pulledAt = value["pulledAt"]?.stringValue ?? ""
    toolVersion = value["toolVersion"]?.stringValue ?? ""
    setting = value["embeddedWidgetSignInSupport"]?["value"]?.boolValue ?? false
    settingSource =
      value["embeddedWidgetSignInSupport"]?["source"]?.stringValue.flatMap(
        SettingSource.init(rawValue:)) ?? .flag
    objects = value["objects"]?.arrayValue?.compactMap(Object.init) ?? []
    readBy = value["readBy"]?.stringValue
    scope = PullScope(model: document)
  }
}
