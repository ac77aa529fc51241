import OrgWizJSON

/// Chooses the authorization server the app gets its tokens from: one of the org's custom
/// servers, or the Org Authorization Server (which has no policies or rules to change).
struct ChooseServerStep: StepHandler {
  static let descriptor = StepDescriptor(
    id: "choose-server", title: "Choose the authorization server",
    summary:
      "Chooses one of the org's custom authorization servers, or, for a grant it serves, the "
      + "Org Authorization Server (org-authorization-server, or its issuer URL), which offers "
      + "the grant to every app that lists it (once the grant's org setting is on), so no "
      + "policy or rule is asked for. An org with no custom server is offered only the Org "
      + "Authorization Server; for a grant it does not serve, that stops the run.",
    questionKeys: ["server"])

  static let examples: [StepExample] = [
    StepExample(
      "a custom server is chosen by name",
      edits: [OrgSettingStep.settingPointer: true], answers: ["server": "api"],
      expect: .noChange),
    StepExample(
      "the Org Authorization Server is chosen by its issuer URL",
      edits: [OrgSettingStep.settingPointer: true],
      answers: ["server": "https://acme.okta.com/"], expect: .noChange),
    StepExample(
      "with the setting off the grant is not available", answers: ["server": "api"],
      expect: .stops(.failure), assumeYes: false),
    StepExample(
      "a server the org does not have is refused",
      edits: [OrgSettingStep.settingPointer: true], answers: ["server": "apii"],
      expect: .stops(.usage)),
  ]

  /// The `server` answer for the Org Authorization Server.
  static let orgServer = Okta.orgAuthorizationServer

  func question(_ key: String, text: QuestionText, state: RunState) -> Question? {
    let model = state.model
    let servers = model.choosableServers
    guard state.grant.orgServer else {
      return Question(
        key: key, prompt: text.prompt, help: text.help,
        choices: servers.map(Self.choice), refused: [orgServerRefused(state)],
        defaultValue: Self.onlyActive(servers)?.id)
    }
    let issuer = model.orgAuthorizationServerIssuerOrOrgURL
    let bareIssuer = issuer.hasSuffix("/") ? String(issuer.dropLast()) : issuer
    let orgChoice = Choice(
      value: Self.orgServer, label: "Org Authorization Server",
      detail: "issuer \(issuer)",
      // Names match exactly, then ignoring case: the issuer URL is typed in any case.
      otherNames: [Self.orgServer, bareIssuer, bareIssuer + "/"])
    // With no custom server the Org Authorization Server is the only choice, and it is taken
    // without asking when nobody can be asked.
    return Question(
      key: key, prompt: text.prompt, help: text.help,
      choices: servers.map(Self.choice) + [orgChoice],
      defaultValue: servers.isEmpty ? Self.orgServer : Self.onlyActive(servers)?.id,
      defaultAppliesWithoutPrompt: servers.isEmpty)
  }

  static func choice(_ server: CustomServer) -> Choice {
    Choice(
      value: server.id, label: server.name,
      detail: [server.id, server.isActive ? nil : server.status].compactMap { $0 }.joined(
        separator: ", "))
  }

  /// The one active server, when there is exactly one.
  static func onlyActive(_ servers: [CustomServer]) -> CustomServer? {
    let active = servers.filter(\.isActive)
    return active.count == 1 ? active[0] : nil
  }

  /// The Org Authorization Server, named and refused with the reason, for a grant it does not
  /// serve.
  private func orgServerRefused(_ state: RunState) -> RefusedChoice {
    let issuer = state.model.orgAuthorizationServerIssuerOrOrgURL
    let bare = issuer.hasSuffix("/") ? String(issuer.dropLast()) : issuer
    return RefusedChoice(
      Choice(
        value: Self.orgServer, label: "Org Authorization Server", detail: "issuer \(issuer)",
        otherNames: [Self.orgServer, bare, bare + "/"]),
      reason: "the Org Authorization Server does not serve \(state.grant.phrase); choose a "
        + "custom authorization server")
  }

  func preflight(_ step: ProcedureStep, in state: RunState) -> StepStop? {
    guard !state.grant.orgServer, state.model.choosableServers.isEmpty else { return nil }
    return StepStop(
      .precondition,
      "\(state.grant.phraseStart) needs a custom authorization server (the Org "
        + "Authorization Server does not serve it), and the model has none. Nothing was changed.",
      next: "Create a custom authorization server (Security > API > Authorization Servers), pull "
        + "the org again, and run orgwiz again.")
  }

  func needsExplicitAnswer(_ key: String, in state: RunState) -> Bool {
    !state.model.choosableServers.isEmpty
  }

  func apply(
    _ step: ProcedureStep, to state: inout RunState, environment: StepEnvironment
  )
    throws(StepStop) -> StepReport
  {
    if let setting = state.grant.orgSwitch, !state.model.isOn(setting) {
      let back = Confirmation(
        prompt:
          "\(setting.name) is off, so no server can offer \(state.grant.phrase) "
          + "until it is turned on. Go back and turn it on?",
        isDestructive: false, defaultYes: false)
      if try environment.confirm(back) {
        throw StepStop(.goBack(toKind: OrgSettingStep.descriptor.id), "", next: "")
      }
      throw StepStop(
        .precondition,
        "\(state.grant.phraseStart) is not available while \(setting.name) is "
          + "off. Nothing was changed.",
        next: "Run again with org-setting=enable.")
    }
    if state.usesOrgAuthorizationServer {
      var messages = [
        "Using the Org Authorization Server (issuer "
          + "\(state.model.orgAuthorizationServerIssuerOrOrgURL)). "
          + Self.orgServerOffers(state.grant)
          + "; it has no access policy or rule to change, so only the app is asked for next."
      ]
      // A custom server that goes by the same name is never chosen by it: say how to.
      for server in state.model.choosableServers
      where [Self.orgServer, "org authorization server"].contains(server.name.lowercased()) {
        messages.append(
          "Note: custom server \"\(VisibleText.name(server.name))\" (\(server.id)) has the same name; to use it "
            + "instead, give its id, server=\(server.id).")
      }
      return StepReport(messages: messages, effects: [.chosen(state.model.orgServerRef)])
    }
    guard let server = state.server else {
      throw StepStop(
        .usage, "no authorization server was chosen",
        next: "Give --set server=NAME, or server=org-authorization-server.")
    }
    var messages = [
      "Using custom authorization server \"\(VisibleText.name(server.name))\" (\(server.id))."
    ]
    if !server.isActive {
      messages.append(
        "Warning: the server's status is \(server.status); Okta serves no tokens from it until "
          + "it is ACTIVE.")
    }
    return StepReport(
      messages: messages, effects: [.chosen(state.model.ref(server))])
  }

  /// What the Org Authorization Server offers of the grant, in words (it has no rules).
  static func orgServerOffers(_ grant: GrantFacts) -> String {
    let engine = grant.identityEngineOnly ? "On Identity Engine it" : "It"
    let when =
      grant.orgSwitch.map { " as soon as \($0.name) is on" } ?? " to every app that lists it"
    return "\(engine) offers \(grant.type)\(when)"
  }

  func isSatisfied(_ step: ProcedureStep, in state: RunState) -> Bool {
    state.model.switchAllows(state.grant)
      && (state.server != nil || (state.usesOrgAuthorizationServer && state.grant.orgServer))
  }

  func hasConsolePlace(_ step: ProcedureStep, in state: RunState) -> Bool {
    // The Org Authorization Server is not listed among the authorization servers.
    !state.usesOrgAuthorizationServer
  }

  func checklistCheck(_ step: ProcedureStep, in state: RunState) -> ChecklistRenderer.Check? {
    // (Whether the setting is on yet does not matter: a checklist is usually printed before.)
    guard state.usesOrgAuthorizationServer else { return nil }
    return .notNeeded(
      reason: "the Org Authorization Server is chosen; it is not among the servers listed "
        + "under Security > API > Authorization Servers. " + Self.orgServerOffers(state.grant))
  }

  func placeholders(_ step: ProcedureStep, in state: RunState) -> [String: String] {
    if state.usesOrgAuthorizationServer { return ["server": "the Org Authorization Server"] }
    return [
      "server": state.server.map { "\(VisibleText.name($0.name)) (\($0.id))" }
        ?? "your custom authorization server"
    ]
  }
}
