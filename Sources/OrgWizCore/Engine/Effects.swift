import OrgWizJSON

/// An object of the model that a step chose or changed, named the way every rendering names
/// it: `{type, id, name, pointer}`, plus where it sits (a rule's policy and server).
public struct ObjectRef: Sendable, Equatable, Hashable {
  public enum Kind: String, Sendable {
    case orgSetting = "org-setting"
    case orgAuthorizationServer = "org-authorization-server"
    case server, policy, rule, app, admin
  }

  public var kind: Kind
  public var id: String
  public var name: String
  public var pointer: JSONPointer
  /// For a rule: its policy's and server's names and ids; for a policy: its server's.
  public var policyID: String?
  public var policyName: String?
  public var serverID: String?
  public var serverName: String?

  public init(
    kind: Kind, id: String, name: String, pointer: JSONPointer, policyID: String? = nil,
    policyName: String? = nil, serverID: String? = nil, serverName: String? = nil
  ) {
    self.kind = kind
    self.id = id
    self.name = name
    self.pointer = pointer
    self.policyID = policyID
    self.policyName = policyName
    self.serverID = serverID
    self.serverName = serverName
  }

  /// The object in words: `app "Acme Mobile" (0oa1mob)`, on one line (a line break or a
  /// control character in a name is shown, never obeyed).
  public var phrase: String { VisibleText.visibleOnOneLine(rawPhrase) }

  private var rawPhrase: String {
    switch kind {
    case .orgSetting: "org setting \(name)"
    case .orgAuthorizationServer: "the Org Authorization Server"
    case .server: "custom authorization server \"\(name)\" (\(id))"
    case .policy: "policy \"\(name)\" (\(id)) on server \"\(serverName ?? "?")\""
    case .rule:
      "rule \"\(name)\" (\(id)) of policy \"\(policyName ?? "?")\" on server "
        + "\"\(serverName ?? "?")\""
    case .app: "app \"\(name)\" (\(id))"
    case .admin: "admin \(name) (\(id))"
    }
  }

  /// Where the Admin Console edits the object for a change of the grant, or "" when it has no
  /// place there.
  public func consolePath(for grant: GrantFacts) -> String {
    switch kind {
    case .orgSetting:
      Grants.switched.compactMap(\.orgSwitch).first { $0.id == id }?.consolePath ?? ""
    case .app:
      "Applications > Applications > \(name) > General > General Settings > Edit > Grant type"
    case .rule:
      "Security > API > Authorization Servers > \(serverName ?? "?") > Access Policies > "
        + "\(policyName ?? "?") > \(name) > Edit > \(grant.ruleConsoleSection)"
    case .server: "Security > API > Authorization Servers > \(name)"
    case .policy:
      "Security > API > Authorization Servers > \(serverName ?? "?") > Access Policies > \(name)"
    case .orgAuthorizationServer, .admin: ""
    }
  }

  /// Where the Admin Console edits a rule's scopes (AND Scopes requested), or "" for anything
  /// else.
  public var scopesConsolePath: String {
    guard kind == .rule else { return "" }
    return "Security > API > Authorization Servers > \(serverName ?? "?") > Access Policies > "
      + "\(policyName ?? "?") > \(name) > Edit > AND Scopes requested"
  }

  /// `{type, id, name, pointer}` (and the rule's policy and server).
  public var json: JSONValue {
    var object = JSONObject([
      ("type", .string(kind.rawValue)), ("id", .string(id)), ("name", .string(name)),
      ("pointer", .string(pointer.description)),
    ])
    if let policyID { object["policyID"] = .string(policyID) }
    if let policyName { object["policyName"] = .string(policyName) }
    if let serverID { object["serverID"] = .string(serverID) }
    if let serverName { object["serverName"] = .string(serverName) }
    return .object(object)
  }

  /// The reference ``json`` wrote, or nil for anything else.
  public init?(json: JSONValue) {
    guard let kind = json["type"]?.stringValue.flatMap(Kind.init(rawValue:)),
      let id = json["id"]?.stringValue, let name = json["name"]?.stringValue,
      let pointer = json["pointer"]?.stringValue.flatMap(JSONPointer.init(parsing:))
    else { return nil }
    self.init(
      kind: kind, id: id, name: name, pointer: pointer,
      policyID: json["policyID"]?.stringValue, policyName: json["policyName"]?.stringValue,
      serverID: json["serverID"]?.stringValue, serverName: json["serverName"]?.stringValue)
  }
}

/// What one step did, as a value: every rendering of a run (the wizard's lines, the review,
/// the change record in Markdown and text, `--json`, and later apply and export) is made from
/// these, never by looking at the model or the answers again.
public enum Effect: Sendable, Equatable {
  /// The operator was checked to hold the role the change needs.
  case operatorVerified(ObjectRef, role: String)
  /// The org-wide setting was changed in the model.
  case settingChanged(ObjectRef, from: Bool, to: Bool)
  /// The setting was left as it was (kept, or already so).
  case settingUnchanged(ObjectRef, value: Bool)
  /// An object was chosen for the later steps (a server, app, policy or rule).
  case chosen(ObjectRef)
  /// No particular app was chosen.
  case noAppChosen
  /// A grant type was added to an object's list.
  case grantAdded(String, to: ObjectRef, before: [String], after: [String])
  /// A grant type was removed from an object's list.
  case grantRemoved(String, from: ObjectRef, before: [String], after: [String])
  /// The object already listed the grant type.
  case grantAlreadyPresent(String, on: ObjectRef)
  /// The operator chose not to add the grant type to the object.
  case grantDeclined(String, on: ObjectRef)
  /// A scope was added to a rule's scopes (`conditions.scopes.include`).
  case scopeAdded(String, to: ObjectRef, before: [String], after: [String])
  /// The rule already allowed the scope (it listed it, or `*`).
  case scopeAlreadyPresent(String, on: ObjectRef)

  /// The object the effect is about, if one.
  public var object: ObjectRef? {
    switch self {
    case .operatorVerified(let ref, _), .settingChanged(let ref, _, _),
      .settingUnchanged(let ref, _), .chosen(let ref), .grantAdded(_, let ref, _, _),
      .grantRemoved(_, let ref, _, _), .grantAlreadyPresent(_, let ref), .grantDeclined(_, let ref),
      .scopeAdded(_, let ref, _, _), .scopeAlreadyPresent(_, let ref):
      ref
    case .noAppChosen: nil
    }
  }

  /// Whether the effect changed the model.
  public var changesModel: Bool {
    switch self {
    case .settingChanged, .grantAdded, .grantRemoved, .scopeAdded: true
    default: false
    }
  }

  /// Whether the effect takes something away (a grant, or the setting turned off).
  public var removes: Bool {
    switch self {
    case .grantRemoved: true
    case .settingChanged(_, _, let to): !to
    default: false
    }
  }

  /// One sentence saying what happened, in the model (never "in Okta").
  public var sentence: String {
    switch self {
    case .operatorVerified(let admin, let role):
      "Checked that \(admin.name) holds \(role)."
    case .settingChanged(let ref, _, let to):
      "Turned \(ref.name) \(to ? "on" : "off") in the model."
    case .settingUnchanged(let ref, let value):
      "Left \(ref.name) \(value ? "on" : "off") (no change)."
    case .chosen(let ref): "Chose \(ref.phrase)."
    case .noAppChosen: "Chose no particular app."
    case .grantAdded(let grant, let ref, _, let after):
      "Added \(grant) to \(ref.phrase) in the model (grant types now: \(Phrase.list(after)))."
    case .grantRemoved(let grant, let ref, _, let after):
      "Removed \(grant) from \(ref.phrase) in the model (grant types now: "
        + "\(after.isEmpty ? "none" : Phrase.list(after)))."
    case .grantAlreadyPresent(let grant, let ref):
      "Checked that \(ref.phrase) already allows \(grant)."
    case .grantDeclined(let grant, let ref): "Left \(ref.phrase) without \(grant), as chosen."
    case .scopeAdded(let scope, let ref, _, let after):
      "Added scope \(scope) to \(ref.phrase) in the model (scopes now: \(Phrase.list(after)))."
    case .scopeAlreadyPresent(let scope, let ref):
      "Checked that \(ref.phrase) already allows scope \(scope)."
    }
  }

  /// The effect as data for `--json`.
  public var json: JSONValue {
    var object = JSONObject()
    /// An effect on one grant or scope (`key`) of an object, with its list before and after
    /// when the effect changed it.
    func onList(
      _ effect: String, _ key: String, _ name: String, _ ref: ObjectRef,
      changed lists: (before: [String], after: [String])? = nil
    ) {
      object["effect"] = .string(effect)
      object[key] = .string(name)
      object["object"] = ref.json
      if let lists {
        object["before"] = .strings(lists.before)
        object["after"] = .strings(lists.after)
      }
    }
    switch self {
    case .operatorVerified(let ref, let role):
      object["effect"] = "operator-verified"
      object["object"] = ref.json
      object["role"] = .string(role)
    case .settingChanged(let ref, let from, let to):
      object["effect"] = "setting-changed"
      object["object"] = ref.json
      object["from"] = .bool(from)
      object["to"] = .bool(to)
    case .settingUnchanged(let ref, let value):
      object["effect"] = "setting-unchanged"
      object["object"] = ref.json
      object["value"] = .bool(value)
    case .chosen(let ref):
      object["effect"] = "chosen"
      object["object"] = ref.json
    case .noAppChosen:
      object["effect"] = "no-app-chosen"
    case .grantAdded(let grant, let ref, let before, let after):
      onList("grant-added", "grant", grant, ref, changed: (before, after))
    case .grantRemoved(let grant, let ref, let before, let after):
      onList("grant-removed", "grant", grant, ref, changed: (before, after))
    case .grantAlreadyPresent(let grant, let ref):
      onList("grant-already-present", "grant", grant, ref)
    case .grantDeclined(let grant, let ref): onList("grant-declined", "grant", grant, ref)
    case .scopeAdded(let scope, let ref, let before, let after):
      onList("scope-added", "scope", scope, ref, changed: (before, after))
    case .scopeAlreadyPresent(let scope, let ref):
      onList("scope-already-present", "scope", scope, ref)
    }
    object["sentence"] = .string(sentence)
    return .object(object)
  }
}

extension OrgModel {
  /// The Embedded widget sign-in support setting as an object of the record.
  public var settingRef: ObjectRef { ref(Grants.embeddedWidgetSwitch) }

  /// An org-wide switch as an object of the record.
  public func ref(_ setting: OrgSwitch) -> ObjectRef {
    ObjectRef(
      kind: .orgSetting, id: setting.id, name: setting.name,
      pointer: JSONPointer.root / "settings" / setting.id)
  }

  /// The Org Authorization Server as an object of the record.
  public var orgServerRef: ObjectRef {
    ObjectRef(
      kind: .orgAuthorizationServer, id: Okta.orgAuthorizationServer,
      name: "Org Authorization Server", pointer: JSONPointer.root / "orgAuthorizationServer")
  }

  public func ref(_ app: OrgApp) -> ObjectRef {
    ObjectRef(kind: .app, id: app.id, name: VisibleText.name(app.label), pointer: app.pointer)
  }

  public func ref(_ server: CustomServer) -> ObjectRef {
    ObjectRef(
      kind: .server, id: server.id, name: VisibleText.name(server.name), pointer: server.pointer)
  }

  public func ref(_ policy: ServerPolicy, on server: CustomServer) -> ObjectRef {
    ObjectRef(
      kind: .policy, id: policy.id, name: VisibleText.name(policy.name), pointer: policy.pointer,
      serverID: server.id, serverName: VisibleText.name(server.name))
  }

  public func ref(
    _ rule: PolicyRule, of policy: ServerPolicy, on server: CustomServer
  )
    -> ObjectRef
  {
    ObjectRef(
      kind: .rule, id: rule.id, name: VisibleText.name(rule.name), pointer: rule.pointer,
      policyID: policy.id, policyName: VisibleText.name(policy.name), serverID: server.id,
      serverName: VisibleText.name(server.name))
  }

  public func ref(_ admin: Admin) -> ObjectRef {
    ObjectRef(
      kind: .admin, id: admin.id, name: VisibleText.name(admin.login), pointer: admin.pointer)
  }
}
