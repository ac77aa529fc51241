import OrgWizJSON

/// The org itself: identity and engine.
public struct OrgInfo: Sendable, Equatable {
  /// The engine an Okta org runs on.
  public enum Engine: String, Sendable, Equatable, CaseIterable {
    case identityEngine = "identity-engine"
    case classic
  }
  public var id: String?
  public var name: String
  public var domain: String
  public var engine: Engine
}

/// An administrator and the `RoleType` values they hold.
public struct Admin: Sendable, Equatable {
  public var id: String
  public var login: String
  public var displayName: String?
  public var roles: [String]
  public var pointer: JSONPointer

  /// Whether the admin holds the Super Admin role.
  public var isSuperAdmin: Bool { roles.contains(Okta.superAdmin) }
  /// The login, with the display name when there is one.
  public var displayLabel: String {
    if let displayName, !displayName.isEmpty { return "\(displayName) <\(login)>" }
    return login
  }
}

/// A group, used only to resolve names in people conditions.
public struct OrgGroup: Sendable, Equatable {
  public var id: String
  public var name: String?
  public var pointer: JSONPointer
}

/// A rule of an authorization server policy (`AuthorizationServerPolicyRule`).
public struct PolicyRule: Sendable, Equatable {
  public var id: String
  public var name: String
  public var status: String
  public var priority: Int
  public var grantTypes: [String]
  public var groupsInclude: [String]
  public var usersInclude: [String]
  public var scopes: [String]
  public var pointer: JSONPointer
  /// `conditions.people.groups.exclude`: these groups' members are never matched.
  public var groupsExclude: [String] = []
  /// `conditions.people.users.exclude`: these users are never matched.
  public var usersExclude: [String] = []

  public var isActive: Bool { status == Okta.active }
  /// Whether the rule lists the grant.
  public func lists(_ grant: GrantFacts) -> Bool { grantTypes.contains(grant.type) }
  /// The pointer of the rule's grant type list.
  public var grantTypesPointer: JSONPointer { pointer / "conditions" / "grantTypes" / "include" }
  /// The pointer of the rule's scope list.
  public var scopesPointer: JSONPointer { pointer / "conditions" / "scopes" / "include" }
}

/// A policy of a custom authorization server (`AuthorizationServerPolicy`).
public struct ServerPolicy: Sendable, Equatable {
  public var id: String
  public var name: String
  public var status: String
  public var priority: Int
  public var clients: [String]
  public var rules: [PolicyRule]
  public var pointer: JSONPointer

  public var isActive: Bool { status == Okta.active }
  public var appliesToAllClients: Bool { clients.contains(Okta.allClients) }
  /// Whether the policy's client condition includes the client id.
  public func applies(toClient clientID: String) -> Bool {
    clients.contains(Okta.allClients) || clients.contains(clientID)
  }
  /// The active rules in the order Okta tries them.
  public var activeRulesInOrder: [PolicyRule] {
    rules.filter(\.isActive).sorted { ($0.priority, $0.id) < ($1.priority, $1.id) }
  }
  /// All rules in priority order.
  public var rulesInOrder: [PolicyRule] {
    rules.sorted { ($0.priority, $0.id) < ($1.priority, $1.id) }
  }
}

/// A custom authorization server (`AuthorizationServer`) with its policies inline.
public struct CustomServer: Sendable, Equatable {
  public var id: String
  public var name: String
  public var status: String
  public var issuer: String?
  public var audiences: [String]
  public var policies: [ServerPolicy]
  public var pointer: JSONPointer
  /// The names of the server's scopes (`scopes[].name`, as `GET .../scopes` returns them), or
  /// nil when the model does not carry them.
  public var scopes: [String]? = nil

  public var isActive: Bool { status == Okta.active }
  /// The active policies in the order Okta tries them.
  public var activePoliciesInOrder: [ServerPolicy] {
    policies.filter(\.isActive).sorted { ($0.priority, $0.id) < ($1.priority, $1.id) }
  }
  /// All policies in priority order.
  public var policiesInOrder: [ServerPolicy] {
    policies.sorted { ($0.priority, $0.id) < ($1.priority, $1.id) }
  }
  /// Whether any rule of any policy lists the grant.
  public func uses(_ grant: GrantFacts) -> Bool {
    policies.contains { $0.rules.contains { $0.lists(grant) } }
  }
}

/// An app integration (`Application`; OAuth only for `OPENID_CONNECT`).
public struct OrgApp: Sendable, Equatable {
  public var id: String
  public var name: String?
  public var label: String
  public var status: String
  public var signOnMode: String?
  public var clientID: String
  public var grantTypes: [String]
  public var applicationType: String?
  public var pointer: JSONPointer
  /// `credentials.oauthClient.token_endpoint_auth_method`, when given.
  public var tokenEndpointAuthMethod: String? = nil
  /// `credentials.oauthClient.pkce_required`, when given.
  public var pkceRequired: Bool? = nil
  /// `settings.oauthClient.redirect_uris`.
  public var redirectURIs: [String] = []

  /// Whether the app is a public client: it authenticates with no secret or key
  /// (`token_endpoint_auth_method` `none`), as a single-page (`browser`) app always does even
  /// when the model records no method.
  public var isPublicClient: Bool {
    tokenEndpointAuthMethod == "none"
      || (applicationType == "browser" && tokenEndpointAuthMethod == nil)
  }
  /// Whether the app's `application_type` is one that may use the grant.
  public func canUse(_ grant: GrantFacts) -> Bool {
    applicationType.map(grant.allows(appType:)) ?? false
  }

  /// Why the app cannot take part in the grant, or nil when it can: it must be an OpenID
  /// Connect app of a type the grant allows (org-model.md semantic 10). An OIDC app whose type
  /// the model does not record is given the benefit of the doubt.
  public func refusal(for grant: GrantFacts) -> String? {
    guard isOIDC else {
      return "it is a \(signOnMode ?? "non-OAuth") app, and only OpenID Connect apps take part in "
        + "OAuth"
    }
    guard let applicationType, !canUse(grant) else { return nil }
    let only = ", and \(grant.phrase) is only for \(grant.appTypesInWords)"
    if let known = Self.appTypeNames[applicationType] {
      return "it is a \(known) app (application_type \(applicationType))" + only
    }
    return "its application_type is \"\(VisibleText.short(applicationType, limit: 30))\" (Okta's "
      + "values are lowercase: native, browser, web, service)" + only
  }

  private static let appTypeNames = [
    "service": "service", "native": "native", "browser": "single-page", "web": "web",
  ]

  /// The pointer of the app's client credentials (`credentials.oauthClient`).
  public var clientCredentialsPointer: JSONPointer {
    pointer / "credentials" / "oauthClient"
  }

  public var isActive: Bool { status == Okta.active }
  public var isOIDC: Bool { signOnMode == Okta.openIDConnect }
  /// Whether the app lists the grant.
  public func lists(_ grant: GrantFacts) -> Bool { grantTypes.contains(grant.type) }
  /// The pointer of the app's grant type list.
  public var grantTypesPointer: JSONPointer {
    pointer / "settings" / "oauthClient" / "grant_types"
  }
}

/// The groups assigned to one app, as `GET /api/v1/apps/{appId}/groups` lists them
/// (`ApplicationGroupAssignment` objects kept under the model's `appGroupAssignments`, by app
/// id). Okta lets a user sign in to the app only when they are assigned it, directly or through
/// one of these groups.
public struct AppGroupAssignments: Sendable, Equatable {
  public var appID: String
  /// The assigned groups' ids, in Okta's order.
  public var groupIDs: [String]
  /// The assigned groups Okta built in for every user (`_embedded.group.type` `BUILT_IN`: the
  /// Everyone group), when the listing embedded the group (`expand=group`, as `pull` asks).
  public var everyoneGroupIDs: [String]
  public var pointer: JSONPointer

  /// Whether a user in `groups` is assigned the app through a group: the Everyone group holds
  /// every user.
  public func assigns(groups: [String]) -> [String]? {
    if let everyone = everyoneGroupIDs.first { return [everyone] }
    let through = groupIDs.filter(groups.contains)
    return through.isEmpty ? nil : through
  }
}

/// A Trusted Origin (`GET /api/v1/trustedOrigins`): a web origin Okta lets call its APIs from a
/// browser (`CORS`), redirect to after sign-in (`REDIRECT`), or embed Okta (`IFRAME_EMBED`).
public struct TrustedOrigin: Sendable, Equatable {
  /// The origin of a URL as a browser sends it (`scheme://host[:port]`, lowercased), or nil
  /// for a URL without `://` (a native app's custom scheme).
  public static func origin(of url: String) -> String? {
    guard let range = url.range(of: "://") else { return nil }
    let rest = url[range.upperBound...]
    let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
    guard !authority.isEmpty else { return nil }
    return (url[..<range.upperBound] + authority).lowercased()
  }

  public var id: String
  public var name: String?
  public var origin: String
  public var status: String
  /// The `scopes[].type` values.
  public var scopeTypes: [String]
  public var pointer: JSONPointer

  public var isActive: Bool { status == Okta.active }
  /// Whether a browser on this origin may call Okta's APIs (the scope `CORS`), as an embedded
  /// Sign-In Widget does.
  public var allowsCORS: Bool { scopeTypes.contains("CORS") }
}
