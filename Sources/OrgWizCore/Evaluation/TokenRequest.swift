import OrgWizJSON

/// A token request to an authorization server, as `simulate` and validation evaluate it.
public struct TokenRequest: Sendable, Equatable {
  public var appID: String
  /// The custom server's id, or ``Okta/orgAuthorizationServer`` for the Org Authorization
  /// Server.
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
  /// The grant needs an org-wide setting (Embedded widget sign-in support) that is off.
  case orgSettingOff
  /// The grant exists only on Identity Engine and the org runs Classic Engine.
  case classicEngine
  /// The app's type (a service app, for Interaction Code) cannot use the grant.
  case appTypeCannotUse

  /// The reason in words, for the grant (its facts, when orgwiz knows them).
  func words(_ grant: String) -> String {
    let facts = Grants.facts(for: grant)
    let name = facts?.name ?? grant
    switch self {
    case .appLacksGrant: return "the app does not list the grant"
    case .orgSettingOff:
      return "the org's \(facts?.orgSwitch?.name ?? "grant") setting is off"
    case .classicEngine: return "the org runs Classic Engine, which has no \(name) grant"
    case .appTypeCannotUse:
      return "the \(name) grant is only for \(facts?.appTypesInWords ?? "other apps")"
    }
  }
}

/// An object that serves nothing because it is not `ACTIVE`.
public enum InactiveObject: Sendable, Equatable {
  case app(label: String, status: String)
  case server(name: String, status: String)
}

/// What Okta would answer to a token request.
public enum TokenOutcome: Sendable, Equatable {
  /// The request is served by this policy and rule of a custom server.
  case allowed(policy: ServerPolicy, rule: PolicyRule)
  /// The request is served by the Org Authorization Server (it has no policy or rule to
  /// change: on Identity Engine it offers the grant the app lists).
  case allowedByOrgServer
  /// The app itself may not use the grant, or the org does not offer it.
  case unauthorizedClient(appGrantTypes: [String], reason: UnauthorizedReason, grant: String)
  /// A requested scope is not one of the server's scopes.
  case invalidScope(undefined: [String])
  /// No active policy and rule match.
  case accessDenied
  /// The app or the server is not `ACTIVE`, so nothing is served.
  case notActive(InactiveObject)
  /// `client_credentials` with the `openid` scope: Okta refuses it on any server.
  case openIDWithClientCredentials
  /// `client_credentials` on the Org Authorization Server from an app that is not a service
  /// app (a web app may list the grant, but only a custom server serves it).
  case clientCredentialsNeedsServiceApp(applicationType: String)
  /// The user is in none of the groups assigned the app (the model holds the app's group
  /// assignments, as `pull` reads them from `GET /api/v1/apps/{appId}/groups`).
  case userNotAssigned(assignedGroups: [String])

  public var isAllowed: Bool {
    switch self {
    case .allowed, .allowedByOrgServer: true
    default: false
    }
  }

  /// The OAuth error code, or nil when allowed.
  public var errorCode: String? {
    switch self {
    case .allowed, .allowedByOrgServer: nil
    case .unauthorizedClient: "unauthorized_client"
    case .invalidScope, .openIDWithClientCredentials: "invalid_scope"
    case .accessDenied, .userNotAssigned: "access_denied"
    case .notActive(.app), .clientCredentialsNeedsServiceApp: "invalid_client"
    case .notActive(.server): "invalid_request"
    }
  }

  /// The case's name in Okta's error catalogue (okta-developer-docs,
  /// `data/oauth2-error-codes.json`, release 2026.08.1; `shared/reference/okta-oauth-errors.md`),
  /// or nil when allowed.
  public var oktaInternal: String? {
    switch self {
    case .allowed, .allowedByOrgServer: nil
    case .unauthorizedClient: "unauthorized_client"
    case .invalidScope: "no_matching_scope"
    case .accessDenied: "no_matching_policy"
    case .notActive(.app): "invalid_client_id"
    case .notActive(.server): "invalid_authorization_server"
    case .openIDWithClientCredentials: "openid_not_allowed_client_creds"
    case .clientCredentialsNeedsServiceApp: "invalid_application_type_client_credentials"
    case .userNotAssigned: "user_not_assigned"
    }
  }

  /// Okta's error description, verbatim from its catalogue (the internal code beside each), or
  /// nil when allowed.
  public var errorDescription: String? {
    switch self {
    case .allowed, .allowedByOrgServer: nil
    case .unauthorizedClient(let grants, _, _):
      // unauthorized_client: Okta fills in the app's grant types.
      "The client is not authorized to use the provided grant type. Configured grant types: "
        + "[\(grants.joined(separator: ", "))]."
    case .invalidScope:
      // no_matching_scope
      "One or more scopes are not configured for the authorization server resource."
    case .accessDenied:
      // no_matching_policy
      "Policy evaluation failed for this request, please check the policy configurations."
    case .notActive(.app):
      // invalid_client_id: an inactive app is answered as an unknown client.
      "Invalid value for 'client_id' parameter."
    case .notActive(.server):
      // invalid_authorization_server
      "The authorization server id is invalid."
    case .openIDWithClientCredentials:
      // openid_not_allowed_client_creds
      "Cannot request 'openid' scopes using client credentials."
    case .clientCredentialsNeedsServiceApp:
      // invalid_application_type_client_credentials
      "Only clients with 'application_type' of 'service' may use the client_credentials "
        + "'grant_type' with the Org Authorization Server."
    case .userNotAssigned:
      // user_not_assigned
      "User is not assigned to the client application."
    }
  }

  /// One line for people.
  public var explanation: String {
    switch self {
    case .allowed(let policy, let rule):
      return "allowed by policy \"\(VisibleText.name(policy.name))\" (\(policy.id)), rule "
        + "\"\(VisibleText.name(rule.name))\" "
        + "(\(rule.id))"
    case .allowedByOrgServer:
      return "allowed by the Org Authorization Server (it has no policy or rule to match: the "
        + "app's grant is enough, with the grant's org-wide setting on where it has one)"
    case .unauthorizedClient(_, let reason, let grant):
      return "unauthorized_client: \(errorDescription ?? "") (\(reason.words(grant)))"
    case .invalidScope(let undefined):
      return "invalid_scope: \(errorDescription ?? "") (the server does not offer "
        + "\(Phrase.list(undefined)) for this request)"
    case .accessDenied:
      return "access_denied: \(errorDescription ?? "") (System Log reason: no_matching_policy)"
    case .notActive(.app(let label, let status)):
      return "invalid_client: \(errorDescription ?? "") (app \"\(VisibleText.name(label))\" is "
        + "\(VisibleText.name(status)); an app that is not ACTIVE is served nothing)"
    case .notActive(.server(let name, let status)):
      return "invalid_request: \(errorDescription ?? "") (server \"\(VisibleText.name(name))\" "
        + "is \(VisibleText.name(status)); a server that is not ACTIVE serves nothing)"
    case .openIDWithClientCredentials:
      return "invalid_scope: \(errorDescription ?? "") (client_credentials gets no ID token: "
        + "request the API scopes only)"
    case .clientCredentialsNeedsServiceApp(let type):
      return "invalid_client: \(errorDescription ?? "") (the app is a "
        + "\(VisibleText.name(type)) app; use a custom authorization server or a service app)"
    case .userNotAssigned(let assigned):
      let groups =
        assigned.isEmpty
        ? "no group is assigned the app"
        : "the app's groups are "
          + Phrase.list(assigned)
      return "access_denied: \(errorDescription ?? "") (the user is in none of the groups "
        + "assigned the app: \(groups); assign the user, or a group of theirs, in Applications > "
        + "Applications > the app > Assignments. The model holds group assignments only: a user "
        + "assigned the app directly is let in)"
    }
  }
}

/// One policy or rule that evaluation looked at, and what it made of it.
public struct EvaluationStep: Sendable, Equatable {
  /// Why a policy did not apply or a rule did not match.
  public enum Reason: String, Sendable, Equatable, CaseIterable {
    case notActive = "not-active"
    case clientNotIncluded = "client-not-included"
    case grantNotIncluded = "grant-not-included"
    case userNotIncluded = "user-not-included"
    case userExcluded = "user-excluded"
    case scopeNotIncluded = "scope-not-included"
  }

  public var policyID: String
  public var policyName: String
  public var policyPriority: Int
  /// Nil for the step about the policy itself.
  public var ruleID: String?
  public var ruleName: String?
  public var rulePriority: Int?
  public var status: String
  /// Why it did not apply or match; empty when it did.
  public var reasons: [Reason]
  /// The words for each reason, naming the values concerned.
  public var details: [String]

  public var isRule: Bool { ruleID != nil }
  /// Whether the policy applied, or the rule matched.
  public var passed: Bool { reasons.isEmpty }

  /// `policy "Mobile Apps" (00p2mob, priority 1): applies` or, indented,
  /// `rule "Mobile sign-in" (0pr2mob, priority 1): grant not included (...)`.
  public var line: String {
    let head =
      if let ruleID, let ruleName {
        "  rule \"\(VisibleText.name(ruleName))\" (\(ruleID), priority \(rulePriority ?? 0))"
      } else {
        "policy \"\(VisibleText.name(policyName))\" (\(policyID), priority \(policyPriority))"
      }
    let verdict = passed ? (isRule ? "matches" : "applies") : details.joined(separator: "; ")
    return "\(head): \(verdict)"
  }

  public var json: JSONValue {
    var object = JSONObject()
    object["type"] = .string(isRule ? "rule" : "policy")
    object["policy"] = .object(
      JSONObject([("id", .string(policyID)), ("name", .string(policyName))]))
    if let ruleID, let ruleName {
      object["rule"] = .object(JSONObject([("id", .string(ruleID)), ("name", .string(ruleName))]))
    }
    object["priority"] = .number(JSONNumber(rulePriority ?? policyPriority))
    object["status"] = .string(status)
    object["result"] = .string(passed ? (isRule ? "matched" : "applied") : "skipped")
    object["reasons"] = .strings(reasons.map(\.rawValue))
    object["explanation"] = .string(line.trimmingWhitespace())
    return .object(object)
  }
}

/// What evaluation made of whether the user is assigned the app (Okta refuses a user who is
/// not: `access_denied`, user_not_assigned).
public enum AssignmentCheck: Sendable, Equatable {
  /// The user is assigned the app through these groups.
  case assigned(throughGroups: [String])
  /// The user is in none of the app's assigned groups.
  case notAssigned(assignedGroups: [String])
  /// The model holds no group assignments for the app (an older model, or a pull that did not
  /// read them), so nothing is claimed.
  case notChecked

  /// `assigned`, `not-assigned` or `not-checked`, as `simulate --json` says it.
  public var result: String {
    switch self {
    case .assigned: "assigned"
    case .notAssigned: "not-assigned"
    case .notChecked: "not-checked"
    }
  }

  /// One line for people; nil for a user who is not assigned (the outcome says it).
  public var line: String? {
    switch self {
    case .assigned(let groups):
      "assigned the app through group \(Phrase.list(groups)) (the model's group assignments)"
    case .notAssigned: nil
    case .notChecked:
      "app assignment not checked: the model holds no group assignments for this app (orgwiz "
        + "pull reads them); Okta refuses a user who is not assigned the app (access_denied)"
    }
  }
}

/// An outcome with the policies and rules tried on the way, in order.
public struct TokenEvaluation: Sendable, Equatable {
  public var outcome: TokenOutcome
  /// Every policy and rule tried, in order (empty when the request was decided before
  /// policies: an inactive app or server, unauthorized_client, invalid_scope, a user not
  /// assigned the app, or the Org Authorization Server).
  public var trace: [EvaluationStep]
  /// Whether the user is assigned the app; nil when the request names no user or group, or
  /// was decided before assignment.
  public var assignment: AssignmentCheck? = nil

  /// The outcome, then for a denial each policy and rule tried and why it did not serve, then
  /// what is known of the user's assignment.
  public var lines: [String] {
    let note = assignment?.line.map { [$0] } ?? []
    guard !outcome.isAllowed, !trace.isEmpty else { return [outcome.explanation] + note }
    return [outcome.explanation, "tried, in order:"] + trace.map { "  " + $0.line } + note
  }
}

/// Whose requests a rule's people condition is asked about.
enum PeopleProbe {
  /// The user of the request, with their groups.
  case user(groups: [String], id: String?)
  /// Every user: the rule must include everyone and exclude nobody.
  case everyone
  /// Some user: the rule must include someone it does not exclude.
  case someone
}

/// Evaluates token requests the way Okta documents it.
public enum TokenEvaluator {
  /// Evaluates a request against a server of the model.
  public static func evaluate(
    app: OrgApp, server: CustomServer, request: TokenRequest, in model: OrgModel
  ) -> TokenOutcome {
    explain(app: app, server: server, request: request, in: model).outcome
  }

  /// Evaluates a request against a server of the model, keeping every policy and rule tried.
  ///
  /// An app or server that is not `ACTIVE` serves nothing. The app must allow the grant (and
  /// for a grant with an org-wide switch, the org must run Identity Engine with the setting on); when the
  /// model carries the server's scopes, every requested scope must be one of them. Then the
  /// server's active policies are tried by ascending priority; a policy applies when its
  /// client condition holds the app's client id or `ALL_CLIENTS`. Within it the active rules
  /// are tried by ascending priority; a rule matches on grant, people (exclusions win over
  /// inclusions) and scopes. When a policy applies but none of its rules match, evaluation goes
  /// on to the next policy.
  public static func explain(
    app: OrgApp, server: CustomServer, request: TokenRequest, in model: OrgModel
  ) -> TokenEvaluation {
    explain(
      app: app, server: server, request: request, in: model,
      people: .user(groups: request.groups, id: request.userID))
  }

  static func explain(
    app: OrgApp, server: CustomServer, request: TokenRequest, in model: OrgModel,
    people: PeopleProbe
  ) -> TokenEvaluation {
    if let refusal = clientRefusal(app: app, grant: request.grant, in: model) {
      return TokenEvaluation(outcome: refusal, trace: [])
    }
    if let refusal = requestRefusal(request) {
      return TokenEvaluation(outcome: refusal, trace: [])
    }
    if !server.isActive {
      return TokenEvaluation(
        outcome: .notActive(.server(name: server.name, status: server.status)), trace: [])
    }
    if let defined = server.scopes {
      let undefined = request.scopes.filter { !defined.contains($0) }
      if !undefined.isEmpty {
        return TokenEvaluation(outcome: .invalidScope(undefined: undefined), trace: [])
      }
    }
    let assignment = assignmentCheck(app: app, people: people, in: model)
    if case .notAssigned(let assigned) = assignment {
      return TokenEvaluation(
        outcome: .userNotAssigned(assignedGroups: assigned), trace: [], assignment: assignment)
    }
    let (pair, trace) = walk(
      app: app, server: server, grant: request.grant, scopes: request.scopes, people: people)
    guard let pair else {
      return TokenEvaluation(outcome: .accessDenied, trace: trace, assignment: assignment)
    }
    return TokenEvaluation(
      outcome: .allowed(policy: pair.policy, rule: pair.rule), trace: trace,
      assignment: assignment)
  }

  /// Whether the request's user is assigned the app, by the model's group assignments of the
  /// app; nil when the request names no user and no group (nobody to ask about), or for the
  /// probes `check` uses. A user named only by id is taken to be in the groups given (none).
  static func assignmentCheck(
    app: OrgApp, people: PeopleProbe, in model: OrgModel
  ) -> AssignmentCheck? {
    guard case .user(let groups, let id) = people, id != nil || !groups.isEmpty else {
      return nil
    }
    guard let held = model.appGroupAssignments[app.id] else { return .notChecked }
    if let through = held.assigns(groups: groups) { return .assigned(throughGroups: through) }
    return .notAssigned(assignedGroups: held.groupIDs)
  }

  /// Evaluates a request to the Org Authorization Server: on Identity Engine it offers the
  /// grant the app lists as soon as the org allows it; it has no policy or rule to match.
  ///
  /// It issues only the OpenID Connect scopes and Okta's own API scopes (`okta.*`), and for
  /// `client_credentials` only `okta.*` scopes: any other requested scope (a custom scope, which
  /// only a custom server can define) is `invalid_scope`.
  public static func explainOrgServer(
    app: OrgApp, request: TokenRequest, in model: OrgModel
  ) -> TokenEvaluation {
    if let refusal = clientRefusal(app: app, grant: request.grant, in: model) {
      return TokenEvaluation(outcome: refusal, trace: [])
    }
    if request.grant == "client_credentials", let type = app.applicationType, type != "service" {
      return TokenEvaluation(
        outcome: .clientCredentialsNeedsServiceApp(applicationType: type), trace: [])
    }
    if let refusal = requestRefusal(request) {
      return TokenEvaluation(outcome: refusal, trace: [])
    }
    let offered: (String) -> Bool =
      request.grant == "client_credentials"
      ? { $0.hasPrefix("okta.") }
      : { $0.hasPrefix("okta.") || Okta.openIDConnectScopes.contains($0) }
    let undefined = request.scopes.filter { !offered($0) }
    if !undefined.isEmpty {
      return TokenEvaluation(outcome: .invalidScope(undefined: undefined), trace: [])
    }
    let assignment = assignmentCheck(
      app: app, people: .user(groups: request.groups, id: request.userID), in: model)
    if case .notAssigned(let assigned) = assignment {
      return TokenEvaluation(
        outcome: .userNotAssigned(assignedGroups: assigned), trace: [], assignment: assignment)
    }
    return TokenEvaluation(outcome: .allowedByOrgServer, trace: [], assignment: assignment)
  }

  /// What Okta refuses in the request itself, on any server: `client_credentials` with the
  /// `openid` scope (catalogue: openid_not_allowed_client_creds).
  static func requestRefusal(_ request: TokenRequest) -> TokenOutcome? {
    if request.grant == "client_credentials" && request.scopes.contains("openid") {
      return .openIDWithClientCredentials
    }
    return nil
  }

  /// What refuses the client before any policy is tried: an app that is not active, a grant
  /// the org does not offer, or one the app does not list.
  static func clientRefusal(app: OrgApp, grant: String, in model: OrgModel) -> TokenOutcome? {
    if !app.isActive {
      return .notActive(.app(label: app.label, status: app.status))
    }
    let refuse = { (reason: UnauthorizedReason) in
      TokenOutcome.unauthorizedClient(appGrantTypes: app.grantTypes, reason: reason, grant: grant)
    }
    // What Okta's facts about the grant decide (only for the grants orgwiz knows).
    if let facts = Grants.facts(for: grant) {
      if facts.identityEngineOnly && model.org.engine != .identityEngine {
        return refuse(.classicEngine)
      }
      if !model.switchAllows(facts) { return refuse(.orgSettingOff) }
      if facts.orgSwitch != nil && app.applicationType != nil && !app.canUse(facts) {
        return refuse(.appTypeCannotUse)
      }
    }
    if !app.grantTypes.contains(grant) { return refuse(.appLacksGrant) }
    return nil
  }

  /// The policy and rule that would serve `grant` from `app` to some user of the server, by
  /// the same evaluation as ``explain(app:server:request:in:)``, or nil when none would (for
  /// any user). `check` uses it, so it agrees with `simulate` on every model.
  public static func pairServingSomeone(
    app: OrgApp, server: CustomServer, grant: String, in model: OrgModel
  ) -> (policy: ServerPolicy, rule: PolicyRule)? {
    let request = TokenRequest(appID: app.id, serverID: server.id, grant: grant)
    let evaluation = explain(
      app: app, server: server, request: request, in: model, people: .someone)
    if case .allowed(let policy, let rule) = evaluation.outcome { return (policy, rule) }
    return nil
  }

  /// The policy and rule that would serve `app` once the rule allows the grant: the pair the
  /// wizard offers as the default.
  ///
  /// That is the first active rule, by the same evaluation as a token request with any
  /// grant, that matches every user (group `EVERYONE` or no people condition, and no
  /// exclusion): a policy whose rules are all limited to some people serves the others from a
  /// later policy. When no rule matches everyone, it is the first rule that matches some user.
  public static func servingPair(
    app: OrgApp, server: CustomServer
  ) -> (
    policy: ServerPolicy, rule: PolicyRule
  )? {
    if let pair = walk(app: app, server: server, grant: nil, scopes: [], people: .everyone).pair {
      return pair
    }
    return walk(app: app, server: server, grant: nil, scopes: [], people: .someone).pair
  }

  /// The first active policy applying to this app, by priority.
  public static func firstApplicablePolicy(app: OrgApp, server: CustomServer) -> ServerPolicy? {
    server.activePoliciesInOrder.first { $0.applies(toClient: app.clientID) }
  }

  /// Tries the server's policies and rules in order; `grant` nil matches any grant.
  static func walk(
    app: OrgApp, server: CustomServer, grant: String?, scopes: [String], people: PeopleProbe
  ) -> (pair: (policy: ServerPolicy, rule: PolicyRule)?, trace: [EvaluationStep]) {
    var trace: [EvaluationStep] = []
    for policy in server.policiesInOrder {
      var step = EvaluationStep(
        policyID: policy.id, policyName: policy.name, policyPriority: policy.priority,
        status: policy.status, reasons: [], details: [])
      if !policy.isActive {
        step.reasons.append(.notActive)
        step.details.append("not ACTIVE (\(policy.status))")
      } else if !policy.applies(toClient: app.clientID) {
        step.reasons.append(.clientNotIncluded)
        step.details.append(
          "client not included (its clients: \(Phrase.list(policy.clients)); the app's client "
            + "id is \(app.clientID))")
      }
      trace.append(step)
      guard step.passed else { continue }
      for rule in policy.rulesInOrder {
        let ruleStep = check(rule, of: policy, grant: grant, scopes: scopes, people: people)
        trace.append(ruleStep)
        if ruleStep.passed { return ((policy, rule), trace) }
      }
    }
    return (nil, trace)
  }

  static func check(
    _ rule: PolicyRule, of policy: ServerPolicy, grant: String?, scopes: [String],
    people: PeopleProbe
  ) -> EvaluationStep {
    var step = EvaluationStep(
      policyID: policy.id, policyName: policy.name, policyPriority: policy.priority,
      ruleID: rule.id, ruleName: rule.name, rulePriority: rule.priority, status: rule.status,
      reasons: [], details: [])
    if !rule.isActive {
      step.reasons.append(.notActive)
      step.details.append("not ACTIVE (\(rule.status))")
      return step
    }
    if let grant, !rule.grantTypes.contains(grant) {
      step.reasons.append(.grantNotIncluded)
      step.details.append(
        "grant not included (\(grant) is not in \(rule.grantTypes.isEmpty ? "its empty list" : Phrase.list(rule.grantTypes)))"
      )
    }
    switch personVerdict(rule, people) {
    case .none: break
    case .some((let reason, let words)):
      step.reasons.append(reason)
      step.details.append(words)
    }
    let missing = rule.scopes.contains("*") ? [] : scopes.filter { !rule.scopes.contains($0) }
    if !missing.isEmpty {
      step.reasons.append(.scopeNotIncluded)
      step.details.append(
        "scope not included (\(Phrase.list(missing)) not in "
          + "\(rule.scopes.isEmpty ? "its empty list" : Phrase.list(rule.scopes)))")
    }
    return step
  }

  /// Nil when the people condition holds; otherwise why not.
  static func personVerdict(
    _ rule: PolicyRule, _ people: PeopleProbe
  ) -> (EvaluationStep.Reason, String)? {
    let unconstrained = rule.groupsInclude.isEmpty && rule.usersInclude.isEmpty
    let includesEveryone = unconstrained || rule.groupsInclude.contains(Okta.everyone)
    switch people {
    case .user(let groups, let id):
      let excludedGroups = rule.groupsExclude.filter {
        $0 == Okta.everyone || groups.contains($0)
      }
      if !excludedGroups.isEmpty {
        return (.userExcluded, "user excluded (group \(Phrase.list(excludedGroups)) excluded)")
      }
      if let id, rule.usersExclude.contains(id) {
        return (.userExcluded, "user excluded (user \(id) excluded)")
      }
      let included =
        includesEveryone || rule.groupsInclude.contains(where: groups.contains)
        || (id.map(rule.usersInclude.contains) ?? false)
      if included { return nil }
      let who =
        [
          groups.isEmpty ? "no groups" : "groups \(Phrase.list(groups))",
          id.map { "user \($0)" } ?? "no user id",
        ].joined(separator: ", ")
      return (
        .userNotIncluded, "user not included (\(who); the rule includes \(peopleWords(rule)))"
      )
    case .everyone:
      if !rule.groupsExclude.isEmpty || !rule.usersExclude.isEmpty {
        return (.userExcluded, "user excluded (the rule excludes some people)")
      }
      return includesEveryone
        ? nil : (.userNotIncluded, "user not included (only \(peopleWords(rule)))")
    case .someone:
      if rule.groupsExclude.contains(Okta.everyone) {
        return (.userExcluded, "user excluded (group EVERYONE excluded)")
      }
      let someone =
        includesEveryone || rule.groupsInclude.contains { !rule.groupsExclude.contains($0) }
        || rule.usersInclude.contains { !rule.usersExclude.contains($0) }
      return someone ? nil : (.userExcluded, "user excluded (everyone it includes is excluded)")
    }
  }

  static func peopleWords(_ rule: PolicyRule) -> String {
    var parts: [String] = []
    if !rule.groupsInclude.isEmpty { parts.append("groups \(Phrase.list(rule.groupsInclude))") }
    if !rule.usersInclude.isEmpty { parts.append("users \(Phrase.list(rule.usersInclude))") }
    return parts.isEmpty ? "everyone" : parts.joined(separator: " and ")
  }
}
