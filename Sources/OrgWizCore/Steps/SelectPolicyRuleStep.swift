import OrgWizJSON

/// The Interaction Code grant's type, in examples.
private let ic = Grants.interactionCode.type

/// Selects the access policy and rule that serve the app and adds the procedure's grant to the
/// rule; with the Org Authorization Server only the app is asked for.
struct SelectPolicyRuleStep: StepHandler {
  static let descriptor = StepDescriptor(
    id: "select-policy-rule", title: "Select the access policy and rule",
    summary:
      "Asks for the app that needs the grant, offers the policy and rule that would actually "
      + "serve it (an app-specific policy with a higher priority wins over \"Default Policy\"), "
      + "and adds the procedure's grant to the rule, keeping its other grant types. Only apps "
      + "of a type the grant allows are offered (for Interaction Code: native, single-page and "
      + "web). With the Org Authorization Server only the app is asked for: it has no policy "
      + "or rule.",
    questionKeys: ["app", "policy", "rule"])

  static let none = "none"

  static let examples: [StepExample] = [
    StepExample(
      "the app-specific policy is the default for its app",
      edits: [OrgSettingStep.settingPointer: true],
      answers: ["server": "aus1api", "app": "Acme Mobile"],
      expect: .changes([
        .root / "authorizationServers" / 0 / "policies" / 1 / "rules" / 0 / "conditions"
          / "grantTypes" / "include": ["authorization_code", .string(ic)]
      ])),
    StepExample(
      "with no app the default policy and its first rule are used",
      edits: [OrgSettingStep.settingPointer: true],
      answers: ["server": "aus1api", "app": "none"],
      expect: .changes([
        .root / "authorizationServers" / 0 / "policies" / 0 / "rules" / 0 / "conditions"
          / "grantTypes" / "include": [
            "authorization_code", "client_credentials", .string(ic),
          ]
      ])),
    StepExample(
      "a service app cannot use the grant and is refused",
      edits: [OrgSettingStep.settingPointer: true],
      answers: ["server": "aus1api", "app": "Acme Reports (service)"], expect: .stops(.usage)),
    StepExample(
      "a SAML app takes no part in OAuth and is refused",
      edits: [OrgSettingStep.settingPointer: true],
      answers: ["server": "aus1api", "app": "Workday"], expect: .stops(.usage)),
    StepExample(
      "with the Org Authorization Server no policy or rule is changed",
      edits: [OrgSettingStep.settingPointer: true],
      answers: ["server": "org-authorization-server", "app": "Acme Mobile"],
      expect: .noChange),
    StepExample(
      "an unknown policy name is refused",
      edits: [OrgSettingStep.settingPointer: true],
      answers: ["server": "aus1api", "app": "none", "policy": "Nope"], expect: .stops(.usage)),
  ]

  func question(_ key: String, text: QuestionText, state: RunState) -> Question? {
    if key == "app" && (state.server != nil || state.usesOrgAuthorizationServer) {
      return appQuestion(key, text: text, model: state.model, grant: state.grant)
    }
    // The Org Authorization Server has no policies or rules: neither is asked.
    guard let server = state.server else { return nil }
    switch key {
    case "policy":
      let policies = server.policiesInOrder
      let labels = clientLabels(policies, model: state.model)
      return Question(
        key: key, prompt: text.prompt, help: text.help,
        choices: policies.map { policy in
          Choice(value: policy.id, label: policy.name, detail: describe(policy, labels: labels))
        },
        defaultValue: defaultPolicy(server: server, app: state.app)?.id,
        defaultAppliesWithoutPrompt: true)
    case "rule":
      guard let policy = state.policy else { return nil }
      return Question(
        key: key, prompt: text.prompt, help: text.help,
        choices: policy.rulesInOrder.map { rule in
          Choice(
            value: rule.id, label: rule.name,
            // A status is not a grant: it comes before the grant list, apart from it.
            detail: "\(rule.id), priority \(rule.priority)"
              + (rule.isActive ? "" : ", status \(rule.status)")
              + "; grants: \(Phrase.list(rule.grantTypes))")
        },
        defaultValue: defaultRule(policy: policy, server: server, app: state.app)?.id,
        defaultAppliesWithoutPrompt: true)
    default:
      return nil
    }
  }

  /// The app question: the OpenID Connect apps that can use the grant, or none. Other apps
  /// (a service app, a SAML app) are recognised by name and refused with the reason.
  func appQuestion(
    _ key: String, text: QuestionText, model: OrgModel, grant: GrantFacts
  ) -> Question {
    var choices: [Choice] = []
    var refused: [RefusedChoice] = []
    choices.reserveCapacity(model.apps.count + 1)
    // An org's 20,000 apps are each made into a choice while the user waits for the question,
    // so each is made directly (see `detail(of:)`).
    for app in model.apps {
      if let reason = app.refusal(for: grant) {
        refused.append(RefusedChoice(Self.choice(app), reason: reason))
      } else {
        choices.append(Self.choice(app))
      }
    }
    choices.append(Choice(value: Self.none, label: Self.none, detail: "no particular app"))
    return Question(
      key: key, prompt: text.prompt, help: text.help, choices: choices, refused: refused)
  }

  /// An app as a choice: its label, with its details after it; its client id and catalog
  /// name answer for it too.
  static func choice(_ app: OrgApp) -> Choice {
    Choice(
      value: app.id, label: app.label, detail: detail(of: app),
      aliases: app.isOIDC ? [app.clientID] : [], otherNames: app.name.map { [$0] } ?? [])
  }

  /// An app's id, its client id when that differs, its application type and its status when
  /// not active, joined by ", " (`0oa1, client id 0oa9, web, INACTIVE`); made at its size at
  /// once, since it is made for each of an org's 20,000 apps.
  static func detail(of app: OrgApp) -> String {
    let separator = ", "
    let clientPrefix = ", client id "
    let showsClient = app.clientID != app.id
    var count = app.id.utf8.count
    if showsClient { count += clientPrefix.utf8.count + app.clientID.utf8.count }
    if let type = app.applicationType { count += separator.utf8.count + type.utf8.count }
    if !app.isActive { count += separator.utf8.count + app.status.utf8.count }
    return String(unsafeUninitializedCapacity: count) { buffer in
      var end = 0
      func put(_ text: String) { end = buffer[end...].initialize(fromContentsOf: text.utf8) }
      put(app.id)
      if showsClient {
        put(clientPrefix)
        put(app.clientID)
      }
      if let type = app.applicationType {
        put(separator)
        put(type)
      }
      if !app.isActive {
        put(separator)
        put(app.status)
      }
      return end
    }
  }

  /// The policy offered first: the one that would serve the app, or for no app the first
  /// active policy for all clients.
  func defaultPolicy(server: CustomServer, app: OrgApp?) -> ServerPolicy? {
    guard let app else {
      return server.activePoliciesInOrder.first(where: \.appliesToAllClients)
    }
    return TokenEvaluator.servingPair(app: app, server: server)?.policy
      ?? TokenEvaluator.firstApplicablePolicy(app: app, server: server)
  }

  /// The rule offered first: the one that would serve the app, else the policy's first active
  /// rule (`cli.md`: with `app=none`, the policy's first ACTIVE rule).
  func defaultRule(policy: ServerPolicy, server: CustomServer, app: OrgApp?) -> PolicyRule? {
    if let app, let pair = TokenEvaluator.servingPair(app: app, server: server),
      pair.policy.id == policy.id
    {
      return pair.rule
    }
    return policy.activeRulesInOrder.first ?? policy.rulesInOrder.first
  }

  /// A policy's priority and the clients it applies to, each named by the label of the first
  /// app with that client id (`labels`, from ``clientLabels(_:model:)``) or by the id itself.
  private func describe(_ policy: ServerPolicy, labels: [String: String]) -> String {
    let clients =
      policy.appliesToAllClients
      ? "all clients"
      : "clients: " + Phrase.list(policy.clients.map { labels[$0] ?? $0 })
    return "\(policy.id), priority \(policy.priority), \(clients)"
      + (policy.isActive ? "" : ", \(policy.status)")
  }

  /// The label of the first app with each client id that one of these policies lists (a
  /// policy for all clients lists none): the apps are gone through once, not once a client.
  private func clientLabels(_ policies: [ServerPolicy], model: OrgModel) -> [String: String] {
    var wanted: Set<String> = []
    for policy in policies where !policy.appliesToAllClients { wanted.formUnion(policy.clients) }
    var labels: [String: String] = [:]
    guard !wanted.isEmpty else { return labels }
    model.apps.withUnsafeBufferPointer { apps in
      for index in apps.indices where wanted.contains(apps[index].clientID) {
        guard labels[apps[index].clientID] == nil else { continue }
        labels[apps[index].clientID] = apps[index].label
        if labels.count == wanted.count { break }
      }
    }
    return labels
  }

  func needsExplicitAnswer(_ key: String, in state: RunState) -> Bool { key == "app" }

  func apply(
    _ step: ProcedureStep, to state: inout RunState, environment: StepEnvironment
  )
    throws(StepStop) -> StepReport
  {
    if state.usesOrgAuthorizationServer {
      // Nothing to change on the server: the app's own grant is the next step.
      let app = state.app
      return StepReport(
        messages: [
          "The Org Authorization Server has no access policy or rule to change"
            + (app.map { "; \"\(VisibleText.name($0.label))\" needs only its own grant next." }
              ?? ".")
        ],
        effects: [app.map { .chosen(state.model.ref($0)) } ?? .noAppChosen])
    }
    guard let server = state.server else { return StepReport() }
    guard let policy = state.policy, let rule = state.rule else {
      throw StepStop(
        .usage, "no policy and rule of server \"\(VisibleText.name(server.name))\" could be chosen",
        next: "Give policy=ID and rule=ID with --set.")
    }
    var messages: [String] = []
    if let app = state.app, !policy.applies(toClient: app.clientID) {
      messages.append(
        "Warning: policy \"\(VisibleText.name(policy.name))\" does not apply to \"\(VisibleText.name(app.label))\" (its client "
          + "condition does not include \(app.clientID)); the rule change will not serve it.")
    }
    if !policy.isActive || !rule.isActive {
      messages.append(
        "Warning: the policy or rule is not ACTIVE, so Okta skips it during evaluation.")
    }
    let place =
      "rule \"\(VisibleText.name(rule.name))\" of policy \"\(VisibleText.name(policy.name))\" on server \"\(VisibleText.name(server.name))\""
    let ruleRef = state.model.ref(rule, of: policy, on: server)
    let chosen: [Effect] =
      [state.app.map { .chosen(state.model.ref($0)) } ?? .noAppChosen]
      + [.chosen(state.model.ref(policy, on: server)), .chosen(ruleRef)]
    let grant = state.grant.type
    guard !rule.lists(state.grant) else {
      messages.insert("The \(place) already allows \(grant); nothing to change.", at: 0)
      return StepReport(
        messages: messages, effects: chosen + [.grantAlreadyPresent(grant, on: ruleRef)])
    }
    let grants = rule.grantTypes.adding(grant)
    try state.setGrants(
      grants, at: rule.grantTypesPointer, owner: rule.pointer, now: environment.now)
    messages.insert(
      "Added \(grant) to the \(place); its grant types are now: "
        + "\(Phrase.list(grants)).", at: 0)
    if let app = state.app, let pair = TokenEvaluator.servingPair(app: app, server: server),
      pair.rule.id != rule.id
    {
      messages.append(
        "Note: requests from \"\(VisibleText.name(app.label))\" by users in no particular group are served by rule "
          + "\"\(VisibleText.name(pair.rule.name))\" of policy \"\(VisibleText.name(pair.policy.name))\", not by this one."
      )
    }
    return StepReport(
      messages: messages,
      effects: chosen + [
        .grantAdded(grant, to: ruleRef, before: rule.grantTypes, after: grants)
      ])
  }

  func heading(of step: ProcedureStep, in state: RunState) -> (title: String, prose: String) {
    guard state.usesOrgAuthorizationServer else { return (step.title, step.prose) }
    // The document's prose explains policy order, which the Org Authorization Server lacks.
    return (
      "Select the app",
      "The Org Authorization Server has no access policies or rules, so only the app that needs "
        + "the grant is chosen here; the next step adds the grant to it."
    )
  }

  func isSatisfied(_ step: ProcedureStep, in state: RunState) -> Bool {
    state.usesOrgAuthorizationServer || (state.rule?.lists(state.grant) ?? false)
  }

  func hasConsolePlace(_ step: ProcedureStep, in state: RunState) -> Bool {
    // The Org Authorization Server has no access policies in the Admin Console.
    !state.usesOrgAuthorizationServer
  }

  func checklistCheck(_ step: ProcedureStep, in state: RunState) -> ChecklistRenderer.Check? {
    if state.usesOrgAuthorizationServer {
      return .notNeeded(
        reason: "the Org Authorization Server has no access policies or rules to change")
    }
    if state.server == nil { return .unknown(reason: "no server is chosen (give --set server=…)") }
    if state.rule == nil { return .unknown(reason: "the policy has no rule") }
    return nil
  }

  func placeholders(_ step: ProcedureStep, in state: RunState) -> [String: String] {
    let server = state.server
    let policy = state.policy ?? server.flatMap { defaultPolicy(server: $0, app: state.app) }
    let rule =
      state.rule
      ?? policy.flatMap { policy in
        server.flatMap { defaultRule(policy: policy, server: $0, app: state.app) }
      }
    return [
      "app": state.app?.label ?? "your app",
      // Generic words only where the model names nothing: "Default Policy" beside "your
      // custom authorization server" would read as a real policy of an unknown server.
      "policy": policy?.name ?? "the access policy that serves your app",
      "rule": rule?.name ?? "the rule that serves your app",
    ]
  }
}
