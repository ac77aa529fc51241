import OrgWizJSON

/// Chooses the custom authorization server the app uses; never the Org Authorization Server.
struct ChooseServerStep: StepHandler {
  static let descriptor = StepDescriptor(
    id: "choose-server", title: "Choose the custom authorization server",
    summary:
      "Chooses one of the org's custom authorization servers. The Org Authorization Server is "
      + "never a choice: on Identity Engine it offers interaction_code as soon as the setting "
      + "is on.",
    questionKeys: ["server"])

  static let examples: [StepExample] = [
    StepExample(
      "a custom server is chosen by name",
      edits: [OrgSettingStep.settingPointer: true], answers: ["server": "api"],
      expect: .noChange),
    StepExample(
      "with the setting off the grant is not available", answers: ["server": "api"],
      expect: .stops(.failure), assumeYes: false),
  ]

  func question(_ key: String, text: QuestionText, state: RunState) -> Question? {
    let servers = state.model.choosableServers
    let active = servers.filter(\.isActive)
    return Question(
      key: key, prompt: text.prompt, help: text.help,
      choices: servers.map { server in
        Choice(
          value: server.id, label: server.name,
          detail: [server.id, server.isActive ? nil : server.status].compactMap { $0 }.joined(
            separator: ", "))
      },
      defaultValue: active.count == 1 ? active[0].id : nil)
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
    guard let server = state.server else {
      return StepReport(
        messages: [
          "The model has no custom authorization server. On Identity Engine the Org "
            + "Authorization Server offers interaction_code as soon as the setting is on; to use "
            + "a custom server, create one in Security > API first."
        ],
        endsProcedure: true)
    }
    var messages = ["Using custom authorization server \"\(server.name)\" (\(server.id))."]
    if !server.isActive {
      messages.append(
        "Warning: the server's status is \(server.status); Okta serves no tokens from it until "
          + "it is ACTIVE.")
    }
    return StepReport(
      messages: messages, effects: [.chosen(state.model.ref(server))])
  }

  func isSatisfied(in state: RunState) -> Bool {
    state.model.interactionCodeEnabled && state.server != nil
  }

  func placeholders(in state: RunState) -> [String: String] {
    ["server": state.server.map { "\($0.name) (\($0.id))" } ?? "your custom authorization server"]
  }
}
