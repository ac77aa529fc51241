import OrgWizJSON

/// The Management API's answers that make up a pulled org, as Okta sent them.
public struct PulledOrg: Sendable {
  /// One custom authorization server with its policies, their rules, and its scopes.
  public struct Server: Sendable {
    public var server: JSONValue
    public var policies: [(policy: JSONValue, rules: [JSONValue])]
    public var scopes: [JSONValue]?

    public init(
      server: JSONValue, policies: [(policy: JSONValue, rules: [JSONValue])],
      scopes: [JSONValue]?
    ) {
      self.server = server
      self.policies = policies
      self.scopes = scopes
    }
  }

  public var orgURL: String
  public var domain: String
  /// `GET /.well-known/okta-organization`.
  public var wellKnown: JSONValue
  /// `GET /api/v1/org`.
  public var org: JSONValue
  public var servers: [Server]
  /// `GET /api/v1/apps`: every app; only OpenID Connect apps are kept.
  public var apps: [JSONValue]
  /// Each admin: `GET /api/v1/users/{id}` and `GET /api/v1/users/{id}/roles`.
  public var admins: [(user: JSONValue, roles: [JSONValue])]
  /// `GET /api/v1/groups/{id}` for each group a rule names.
  public var groups: [JSONValue]
  /// Whose credentials read the org: the API token's owner (login), or `service app <id>`.
  public var readBy: String? = nil
  /// `GET /api/v1/apps/{appId}/groups` for each app whose assignments were read (see
  /// ``PullAssembler/appsForAssignments(_:)``), in the apps' order; nil when none were read.
  public var appGroupAssignments: [(appID: String, assignments: [JSONValue])]? = nil
  /// `GET /api/v1/trustedOrigins`; nil when they were not read.
  public var trustedOrigins: [JSONValue]? = nil
  /// How many apps' assignments were left unread (beyond ``PullAssembler/assignmentAppLimit``).
  public var assignmentAppsSkipped = 0
  /// What a scoped pull read; nil for the whole org.
  public var scope: PullScope? = nil

  public init(
    orgURL: String, domain: String, wellKnown: JSONValue, org: JSONValue, servers: [Server],
    apps: [JSONValue], admins: [(user: JSONValue, roles: [JSONValue])], groups: [JSONValue]
  ) {
    self.orgURL = orgURL
    self.domain = domain
    self.wellKnown = wellKnown
    self.org = org
    self.servers = servers
    self.apps = apps
    self.admins = admins
    self.groups = groups
  }
}

/// A pull that cannot be made into a model.
public struct PullError: UserFacingError, Equatable {
  public var message: String
  public var nextStep: String
  public var exitStatus: ExitStatus { .unavailable }

  public init(_ message: String, next: String) {
    self.message = message
    nextStep = next
  }
}

/// Turns a pulled org into an org model (`org-model.md`): objects kept as Okta sent them,
/// secrets left out, only OpenID Connect apps, roles as their types, and a pull record.
public enum PullAssembler {
  /// The ids of the groups the rules name (their people conditions), to be read one by one.
  public static func groupIDs(in servers: [PulledOrg.Server]) -> [String] {
    var seen: Set<String> = []
    var ids: [String] = []
    for server in servers {
      for (_, rules) in server.policies {
        for rule in rules {
          let groups = rule["conditions"]?["people"]?["groups"]
          for key in ["include", "exclude"] {
            for id in groups?[key]?.arrayValue?.compactMap(\.stringValue) ?? []
            where id != Okta.everyone && seen.insert(id).inserted {
              ids.append(id)
            }
          }
        }
      }
    }
    return ids
  }

  /// The ids of the apps whose group assignments pull reads (`GET /api/v1/apps/{appId}/groups`,
  /// one paged list each): the OpenID Connect apps whose users a run's grant can sign in, that
  /// is those that list a grant that acts for a user or whose `application_type` can use one
  /// (native, browser, web: ``userAppTypes``). Service apps and apps of other sign-on modes
  /// sign in nobody, so their assignments are not read. At most ``assignmentAppLimit`` apps, in
  /// the org's order: see there.
  public static func appsForAssignments(_ apps: [JSONValue]) -> (ids: [String], skipped: Int) {
    let userGrants = Set(Grants.all.filter(\.signsInUser).map(\.type))
    let eligible = apps.filter(isOIDC).filter { app in
      grants(ofApp: app).contains(where: userGrants.contains)
        || app["settings"]?["oauthClient"]?["application_type"]?.stringValue.map(
          userAppTypes.contains) == true
    }.compactMap { $0["id"]?.stringValue }
    return (Array(eligible.prefix(assignmentAppLimit)), max(0, eligible.count - assignmentAppLimit))
  }

  /// How many apps' assignments one pull reads. Each app costs at least one request in Okta's
  /// apps rate-limit bucket, which `pull` shares with the app list and `apply`; a large org with
  /// thousands of web apps would otherwise spend minutes (and its admins' rate limit) on apps a
  /// run never touches. Apps beyond it have no entry, and simulate says it did not check them.
  public static let assignmentAppLimit = 200

  /// The app types whose users a grant signs in (of the grants that act for a user).
  static let userAppTypes = Set(
    Grants.all.filter { $0.signsInUser && $0.type != Grants.tokenExchange.type }.flatMap(
      \.appTypes))

  /// Whether the pulled org shows the Embedded widget sign-in support setting is on: an app or a
  /// rule already lists a grant it governs, which Okta allows only while the setting is on.
  public static func inferredSetting(_ pulled: PulledOrg) -> Bool {
    let governed = Set(
      Grants.switched.filter { $0.orgSwitch == Grants.embeddedWidgetSwitch }.map(\.type))
    let apps = pulled.apps.filter(isOIDC).contains { app in
      grants(ofApp: app).contains(where: governed.contains)
    }
    let rules = pulled.servers.contains { server in
      server.policies.contains {
        $0.rules.contains { grants(ofRule: $0).contains(where: governed.contains) }
      }
    }
    return apps || rules
  }

  /// The model for a pulled org.
  public static func model(
    _ pulled: PulledOrg, setting: Bool, source: PullRecord.SettingSource, pulledAt: String,
    toolVersion: String
  ) throws(PullError) -> JSONValue {
    let engine: String
    switch pulled.wellKnown["pipeline"]?.stringValue {
    case "idx": engine = "identity-engine"
    case "v1": engine = "classic"
    case let other:
      throw PullError(
        "Okta's /.well-known/okta-organization did not say which engine the org runs "
          + "(pipeline: \(other ?? "missing")).",
        next: "Check the org URL; it must be the org's own Okta domain.")
    }
    var record: [PullRecord.Object] = []
    var servers: [JSONValue] = []
    for server in pulled.servers {
      guard var document = server.server.objectValue, let serverID = document["id"]?.stringValue
      else { continue }
      var policies: [JSONValue] = []
      for (policy, rules) in server.policies {
        guard var policyObject = policy.objectValue,
          let policyID = policyObject["id"]?.stringValue
        else { continue }
        policyObject["rules"] = .array(rules)
        for rule in rules {
          guard let id = rule["id"]?.stringValue else { continue }
          record.append(
            PullRecord.Object(
              kind: .rule, id: id, serverID: serverID, policyID: policyID,
              lastUpdated: rule["lastUpdated"]?.stringValue, grantTypes: grants(ofRule: rule),
              scopes: scopes(ofRule: rule)))
        }
        policies.append(.object(policyObject))
      }
      document["policies"] = .array(policies)
      if let scopes = server.scopes { document["scopes"] = .array(scopes) }
      servers.append(.object(document))
    }
    var apps: [JSONValue] = []
    for app in pulled.apps where isOIDC(app) {
      let kept = withoutSecrets(app)
      apps.append(kept)
      if let id = app["id"]?.stringValue {
        record.append(
          PullRecord.Object(
            kind: .app, id: id, lastUpdated: app["lastUpdated"]?.stringValue,
            grantTypes: grants(ofApp: app)))
      }
    }
    let admins: [JSONValue] = pulled.admins.compactMap { admin in
      guard let id = admin.user["id"]?.stringValue else { return nil }
      let profile = admin.user["profile"]
      let login = profile?["login"]?.stringValue ?? id
      var object = JSONObject([("id", .string(id)), ("login", .string(login))])
      let display =
        profile?["displayName"]?.stringValue
        ?? [profile?["firstName"]?.stringValue, profile?["lastName"]?.stringValue]
        .compactMap { $0 }.joined(separator: " ")
      if !display.isEmpty { object["displayName"] = .string(display) }
      var types: [String] = []
      for role in admin.roles {
        if let type = role["type"]?.stringValue, !types.contains(type) { types.append(type) }
      }
      object["roles"] = .strings(types)
      return .object(object)
    }
    let org = pulled.org
    let name =
      org["companyName"]?.stringValue ?? org["subdomain"]?.stringValue ?? pulled.domain
    var orgObject = JSONObject([
      ("name", .string(name)), ("domain", .string(pulled.domain)), ("engine", .string(engine)),
    ])
    if let id = org["id"]?.stringValue ?? pulled.wellKnown["id"]?.stringValue {
      orgObject["id"] = .string(id)
    }
    let pull = PullRecord(
      orgURL: pulled.orgURL, pulledAt: pulledAt, toolVersion: toolVersion, setting: setting,
      settingSource: source, objects: record, readBy: pulled.readBy, scope: pulled.scope)
    return .object(
      JSONObject(
        [
          ("formatVersion", 1),
          ("org", .object(orgObject)),
          (
            "settings",
            .object(
              JSONObject([
                (
                  "embeddedWidgetSignInSupport",
                  .object(JSONObject([("interactionCode", .bool(setting))]))
                )
              ]))
          ),
          ("admins", .array(admins)),
          ("groups", .array(pulled.groups)),
          ("orgAuthorizationServer", .object(JSONObject([("issuer", .string(pulled.orgURL))]))),
          ("authorizationServers", .array(servers)),
          ("apps", .array(apps)),
        ] + optionalMembers(pulled) + [("pull", pull.json)]))
  }

  /// `appGroupAssignments` (by app id) and `trustedOrigins`, when they were read: optional
  /// members of the model, kept in Okta's shapes without secrets (a group assignment's
  /// `profile` may hold app attributes).
  static func optionalMembers(_ pulled: PulledOrg) -> [(key: String, value: JSONValue)] {
    var members: [(key: String, value: JSONValue)] = []
    if let read = pulled.appGroupAssignments {
      members.append(
        (
          "appGroupAssignments",
          .object(JSONObject(read.map { ($0.appID, withoutSecrets(.array($0.assignments))) }))
        ))
    }
    if let origins = pulled.trustedOrigins {
      members.append(("trustedOrigins", withoutSecrets(.array(origins))))
    }
    return members
  }

  static func isOIDC(_ app: JSONValue) -> Bool {
    app["signOnMode"]?.stringValue == Okta.openIDConnect
  }

  static func grants(ofApp app: JSONValue) -> [String] {
    app["settings"]?["oauthClient"]?["grant_types"]?.arrayValue?.compactMap(\.stringValue) ?? []
  }

  static func grants(ofRule rule: JSONValue) -> [String] {
    rule["conditions"]?["grantTypes"]?["include"]?.arrayValue?.compactMap(\.stringValue) ?? []
  }

  static func scopes(ofRule rule: JSONValue) -> [String] {
    rule["conditions"]?["scopes"]?["include"]?.arrayValue?.compactMap(\.stringValue) ?? []
  }

  /// The value without any member named like a secret (a client secret, a private key's
  /// parts, a token), at any depth: such values are never written to a model.
  public static func withoutSecrets(_ value: JSONValue) -> JSONValue {
    switch value {
    case .object(let object):
      var copy = JSONObject()
      for (key, member) in object.members where !Okta.secretFieldNames.contains(key) {
        copy[key] = withoutSecrets(member)
      }
      return .object(copy)
    case .array(let items): return .array(items.map(withoutSecrets))
    default: return value
    }
  }
}
