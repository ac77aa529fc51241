import OrgWizJSON

/// Chooses the authorization server the app gets its tokens from: one of the org's custom
/// servers, or the Org Authorization Server (which has no policies or rules to change).
struct ChooseServerStep: StepHandler {
  static let descriptor = StepDescriptor(
    id: "choose-server", title: "Choose the authorization server",
    summary:
      "Chooses one of the org's custom authorization servers, or the Org Authorization Server "
      + "(org-authorization-server, or its issuer URL): on Identity Engine that one offers "
      + "interaction_code as soon as the setting is on, so no policy or rule is asked for. An "
      + "org with no custom server is offered only the Org Authorization Server.",
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
    let active = servers.filter(\.isActive)
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
      choices: servers.map { server in
        Choice(
          value: server.id, label: server.name,
          detail: [server.id, server.isActive ? nil : server.status].compactMap { $0 }.joined(
            separator: ", "))
      } + [orgChoice],
      defaultValue: servers.isEmpty ? Self.orgServer : active.count == 1 ? active[0].id : nil,
      defaultAppliesWithoutPrompt: servers.isEmpty)
  }

  func needsExplicitAnswer(
    _ key: String, knownAnswers: [String: String], model: OrgModel
  )
    -> Bool
  { !model.choosableServers.isEmpty }

  func apply(
    _ step: ProcedureStep, to state: inout RunState, environment: StepEnvironment
  )
    throws(StepStop) -> StepReport
  {
    guard state.model.interactionCodeEnabled else {
      let back = Confirmation(
        prompt:
          "Embedded widget sign-in support is off, so no server can offer the Interaction Code "
          + "grant until it is turned on. Go back and turn it on?",
        isDestructive: false, defaultYes: false)
      if try environment.confirm(back) {
        throw StepStop(.goBack(toKind: OrgSettingStep.descriptor.id), "", next: "")
      }
      throw StepStop(
        .precondition,
        "The Interaction Code grant is not available while Embedded widget sign-in support is "
          + "off. Nothing was changed.",
        next: "Run again with org-setting=enable.")
    }
    if state.usesOrgAuthorizationServer {
      var messages = [
        "Using the Org Authorization Server (issuer "
          + "\(state.model.orgAuthorizationServerIssuerOrOrgURL)). On Identity Engine it offers "
          + "interaction_code as soon as the setting is on; it has no access policy or rule to "
          + "change, so only the app is asked for next."
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

  func isSatisfied(in state: RunState) -> Bool {
    state.model.interactionCodeEnabled
      && (state.server != nil || state.usesOrgAuthorizationServer)
  }

  func placeholders(in state: RunState) -> [String: String] {
    if state.usesOrgAuthorizationServer { return ["server": "the Org Authorization Server"] }
    return [
      "server": state.server.map { "\(VisibleText.name($0.name)) (\($0.id))" }
        ?? "your custom authorization server"
    ]
  }
}
