/// A token request to a custom authorization server, as `simulate` and validation evaluate it.
public struct TokenRequest: Sendable, Equatable {
  public var appID: String
  public var serverID: String
  public var grant: String
  public var scopes: [String]
  public var groups: [String]
  public var userID: String?

  public init(
    appID: String, serverID: String, grant: String, scopes: [String] = [], groups: [String] = [],
    userID: String? = nil
  ) {
    self.appID = appID
    self.serverID = serverID
    self.grant = grant
    self.scopes = scopes
    self.groups = groups
    self.userID = userID
  }
}

/// Why a client may not use a grant.
public enum UnauthorizedReason: String, Sendable, Equatable {
  /// The app's grant types do not include it.
  case appLacksGrant
  /// The grant is `interaction_code` and Embedded widget sign-in support is off.
  case orgSettingOff
  /// The grant is `interaction_code` and the org runs Classic Engine, which has no such grant.
  case classicEngine

  var words: String {
    switch self {
    case .appLacksGrant: "the app does not list the grant"
    case .orgSettingOff: "the org's Embedded widget sign-in support setting is off"
    case .classicEngine: "the org runs Classic Engine, which has no Interaction Code grant"
    }
  }
}

/// What Okta would answer to a token request.
public enum TokenOutcome: Sendable, Equatable {
  /// The request is served by this policy and rule.
  case allowed(policy: ServerPolicy, rule: PolicyRule)
  /// The app itself may not use the grant, or the org does not offer it.
  case unauthorizedClient(appGrantTypes: [String], reason: UnauthorizedReason)
  /// No active policy and rule match.
  case accessDenied

  public var isAllowed: Bool {
    if case .allowed = self { return true }
    return false
  }

  /// The OAuth error code, or nil when allowed.
  public var errorCode: String? {
    switch self {
    case .allowed: nil
    case .unauthorizedClient: "unauthorized_client"
    case .accessDenied: "access_denied"
    }
  }

  /// Okta's error description, or nil when allowed.
  public var errorDescription: String? {
    switch self {
    case .allowed: nil
    case .unauthorizedClient: "The client is not authorized to use the provided grant type."
    case .accessDenied:
      "Policy evaluation failed for this request, please check the policy configurations."
    }
  }

  /// One line for people.
  public var explanation: String {
    switch self {
    case .allowed(let policy, let rule):
      return "allowed by policy \"\(policy.name)\" (\(policy.id)), rule \"\(rule.name)\" "
        + "(\(rule.id))"
    case .unauthorizedClient(let grants, let reason):
      let configured = grants.isEmpty ? "none" : grants.joined(separator: ", ")
      return "unauthorized_client: \(errorDescription ?? "") (\(reason.words); the app's grant "
        + "types: "
        + "\(configured))"
    case .accessDenied:
      return "access_denied: \(errorDescription ?? "") (System Log reason: no_matching_policy)"
    }
  }
}

/// Evaluates token requests the way Okta documents it.
public enum TokenEvaluator {
  /// Evaluates a request against a server of the model.
  ///
  /// The app must allow the grant (and for `interaction_code`, the org must run Identity Engine
  /// with the setting on).
  /// Then the server's active policies are tried by ascending priority; a policy applies when
  /// its client condition holds the app's client id or `ALL_CLIENTS`. Within it the active
  /// rules are tried by ascending priority; a rule matches on grant, people and scopes. When a
  /// policy applies but none of its rules match, evaluation goes on to the next policy.
  public static func evaluate(
    app: OrgApp, server: CustomServer, request: TokenRequest, in model: OrgModel
  ) -> TokenOutcome {
    let interactionCode = request.grant == Okta.interactionCode
    if interactionCode && model.org.engine != .identityEngine {
      return .unauthorizedClient(appGrantTypes: app.grantTypes, reason: .classicEngine)
    }
    if interactionCode && !model.interactionCodeEnabled {
      return .unauthorizedClient(appGrantTypes: app.grantTypes, reason: .orgSettingOff)
    }
    if !app.grantTypes.contains(request.grant) {
      return .unauthorizedClient(appGrantTypes: app.grantTypes, reason: .appLacksGrant)
    }
    for policy in server.activePoliciesInOrder where policy.applies(toClient: app.clientID) {
      for rule in policy.activeRulesInOrder where matches(rule, request) {
        return .allowed(policy: policy, rule: rule)
      }
    }
    return .accessDenied
  }

  /// The policy and rule that would serve `app` once the rule allows the grant: the pair the
  /// wizard offers as the default.
  ///
  /// That is the first active rule that matches every user (group `EVERYONE`, or no people
  /// condition) in the active policies whose client condition holds the app, tried by
  /// priority: a policy whose rules are all limited to some people serves the others from a
  /// later policy. When no rule matches everyone, it is the first active rule of the first
  /// such policy that has one.
  public static func servingPair(
    app: OrgApp, server: CustomServer
  ) -> (
    policy: ServerPolicy, rule: PolicyRule
  )? {
    let applying = server.activePoliciesInOrder.filter { $0.applies(toClient: app.clientID) }
    for policy in applying {
      if let rule = policy.activeRulesInOrder.first(where: matchesEveryone) {
        return (policy, rule)
      }
    }
    for policy in applying {
      if let rule = policy.activeRulesInOrder.first { return (policy, rule) }
    }
    return nil
  }

  static func matchesEveryone(_ rule: PolicyRule) -> Bool {
    (rule.groupsInclude.isEmpty && rule.usersInclude.isEmpty)
      || rule.groupsInclude.contains(Okta.everyone)
  }

  /// The first active policy applying to this app, by priority.
  public static func firstApplicablePolicy(app: OrgApp, server: CustomServer) -> ServerPolicy? {
    server.activePoliciesInOrder.first { $0.applies(toClient: app.clientID) }
  }

  static func matches(_ rule: PolicyRule, _ request: TokenRequest) -> Bool {
    rule.grantTypes.contains(request.grant) && matchesIgnoringGrant(rule, request)
  }

  static func matchesIgnoringGrant(_ rule: PolicyRule, _ request: TokenRequest) -> Bool {
    let unconstrained = rule.groupsInclude.isEmpty && rule.usersInclude.isEmpty
    let person =
      unconstrained || rule.groupsInclude.contains(Okta.everyone)
      || rule.groupsInclude.contains(where: request.groups.contains)
      || (request.userID.map(rule.usersInclude.contains) ?? false)
    let scopes =
      rule.scopes.contains("*") || request.scopes.allSatisfy(rule.scopes.contains)
    return person && scopes
  }
}
