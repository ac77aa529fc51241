import OrgWizJSON

/// The rule of the `inventory` server in the example org, and its scope list.
private let inventoryRule =
  JSONPointer.root / "authorizationServers" / 2 / "policies" / 0 / "rules" / 0
private let inventoryScopes = inventoryRule / "conditions" / "scopes" / "include"

/// Adds a scope of the chosen server to the chosen rule's scopes (`conditions.scopes.include`):
/// a grant whose tokens carry custom scopes (Client Credentials, Token Exchange) is served only
/// by a rule that allows the scope the app asks for.
struct RuleScopeStep: StepHandler {
  static let descriptor = StepDescriptor(
    id: "rule-scope", title: "Allow a scope on the rule",
    summary:
      "Offers the scopes of the chosen authorization server and adds the chosen one to the "
      + "rule chosen by an earlier select-policy-rule step (its conditions.scopes.include), "
      + "keeping the scopes it has; a rule that already lists the scope, or * (every scope), "
      + "is left as it is. Not asked with the Org Authorization Server, which has no rules.",
    questionKeys: ["scope"])

  static let examples: [StepExample] = [
    StepExample(
      "a scope the rule lacks is added",
      answers: [
        "server": "aus3inv", "policy": "00p4inv", "rule": "0pr5inv", "scope": "stock:read",
      ],
      expect: .changes([inventoryScopes: ["openid", "stock:read"]])),
    StepExample(
      "a scope the rule lists is left as it is",
      answers: ["server": "aus3inv", "policy": "00p4inv", "rule": "0pr5inv", "scope": "openid"],
      expect: .noChange),
    StepExample(
      "a rule that allows every scope is left as it is",
      edits: [inventoryScopes: ["*"]],
      answers: [
        "server": "aus3inv", "policy": "00p4inv", "rule": "0pr5inv", "scope": "stock:write",
      ],
      expect: .noChange),
    StepExample(
      "a scope the server does not have is refused",
      answers: ["server": "aus3inv", "policy": "00p4inv", "rule": "0pr5inv", "scope": "stock:eat"],
      expect: .stops(.usage)),
  ]

  func question(_ key: String, text: QuestionText, state: RunState) -> Question? {
    guard let server = state.server, let rule = state.rule else { return nil }
    let known = server.scopes ?? Self.fallbackScopes(rule)
    let note = server.scopes == nil ? "; the model does not list this server's scopes" : ""
    return Question(
      key: key, prompt: text.prompt, help: text.help,
      choices: known.filter { $0 != Okta.anyScope }.map { scope in
        Choice(
          value: scope, label: scope,
          detail: (Self.allows(rule, scope) ? "already allowed by the rule" : "not on the rule yet")
            + note)
      })
  }

  /// Without the server's scopes in the model: the scopes the rule names and the OpenID Connect
  /// scopes every server has.
  static func fallbackScopes(_ rule: PolicyRule) -> [String] {
    rule.scopes + Okta.openIDConnectScopes.sorted().filter { !rule.scopes.contains($0) }
  }

  /// Whether the rule already allows the scope (it lists it, or `*`).
  static func allows(_ rule: PolicyRule, _ scope: String) -> Bool {
    rule.scopes.contains(scope) || rule.scopes.contains(Okta.anyScope)
  }

  func needsExplicitAnswer(_ key: String, in state: RunState) -> Bool {
    !state.usesOrgAuthorizationServer
  }

  func apply(
    _ step: ProcedureStep, to state: inout RunState, environment: StepEnvironment
  )
    throws(StepStop) -> StepReport
  {
    if state.usesOrgAuthorizationServer {
      return StepReport(
        messages: ["The Org Authorization Server has no rule to add a scope to."])
    }
    guard let server = state.server, let policy = state.policy, let rule = state.rule else {
      throw StepStop(
        .usage, "no rule was chosen to add a scope to",
        next: "Put a select-policy-rule step before the rule-scope step, or give rule=ID.")
    }
    guard let scope = state.answers["scope"] else {
      throw StepStop(.usage, "no scope was chosen", next: "Give --set scope=NAME.")
    }
    let ref = state.model.ref(rule, of: policy, on: server)
    let place = "rule \"\(VisibleText.name(rule.name))\""
    if Self.allows(rule, scope) {
      let how = rule.scopes.contains(scope) ? "lists \(scope)" : "allows every scope (*)"
      return StepReport(
        messages: ["The \(place) already \(how); nothing to change."],
        effects: [.scopeAlreadyPresent(scope, on: ref)])
    }
    let scopes = rule.scopes.adding(scope)
    try state.editModel { document in
      document.set(.strings(scopes), at: rule.scopesPointer)
      document.stampLastUpdated(of: rule.pointer, environment.now)
    }
    return StepReport(
      messages: [
        "Added scope \(scope) to the \(place); its scopes are now: \(Phrase.list(scopes))."
      ],
      effects: [.scopeAdded(scope, to: ref, before: rule.scopes, after: scopes)])
  }

  func isSatisfied(_ step: ProcedureStep, in state: RunState) -> Bool {
    if state.usesOrgAuthorizationServer { return true }
    guard let rule = state.rule, let scope = state.answers["scope"] else { return false }
    return Self.allows(rule, scope)
  }

  func placeholders(_ step: ProcedureStep, in state: RunState) -> [String: String] {
    [
      "scope": state.answers["scope"] ?? "the scope your app asks for",
      "scopes": state.server?.scopes.map(Phrase.list) ?? "the server's scopes",
    ]
  }
}
