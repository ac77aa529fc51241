import OrgWizJSON

/// Adds `interaction_code` to the chosen app: the app and a rule must both allow it.
struct AppGrantStep: StepHandler {
  static let descriptor = StepDescriptor(
    id: "app-grant", title: "Enable the grant on the app",
    summary:
      "Adds interaction_code to the chosen app's grant types, because both the app and a rule "
      + "of the server must allow it. Asked only when an app was chosen.",
    questionKeys: ["app-grant"])

  static let examples: [StepExample] = [
    StepExample(
      "yes adds the grant to the app",
      edits: [OrgSettingStep.settingPointer: true],
      answers: ["server": "aus1api", "app": "0oa1mob", "app-grant": "yes"],
      expect: .changes([
        .root / "apps" / 0 / "settings" / "oauthClient" / "grant_types": [
          "authorization_code", "refresh_token", "interaction_code",
        ]
      ])),
    StepExample(
      "no leaves the app as it is",
      edits: [OrgSettingStep.settingPointer: true],
      answers: ["server": "aus1api", "app": "0oa1mob", "app-grant": "no"], expect: .noChange),
    StepExample(
      "a value other than yes or no is refused",
      edits: [OrgSettingStep.settingPointer: true],
      answers: ["server": "aus1api", "app": "0oa1mob", "app-grant": "maybe"],
      expect: .stops(.usage)),
  ]

  func question(_ key: String, text: QuestionText, state: RunState) -> Question? {
    guard let app = state.app, !app.allowsInteractionCode else { return nil }
    // The prompt names the app it is about.
    let prompt = text.prompt.replacing("{app}", with: "\"\(VisibleText.name(app.label))\"")
    return .yesNo(key: key, prompt: prompt, help: text.help, defaultYes: true)
  }

  func needsExplicitAnswer(
    _ key: String, knownAnswers: [String: String], model: OrgModel
  )
    -> Bool
  {
    knownAnswers["app"].map { $0.trimmingWhitespace().lowercased() != "none" } ?? true
  }

  func apply(
    _ step: ProcedureStep, to state: inout RunState, environment: StepEnvironment
  )
    throws(StepStop) -> StepReport
  {
    guard let app = state.app else { return StepReport() }
    if app.allowsInteractionCode {
      return StepReport(
        messages: ["\"\(VisibleText.name(app.label))\" already allows interaction_code."],
        effects: [.grantAlreadyPresent(Okta.interactionCode, on: state.model.ref(app))])
    }
    guard state.answers["app-grant"] == "yes" else {
      return StepReport(
        messages: [
          "\"\(VisibleText.name(app.label))\" was left without interaction_code, so its Interaction Code requests "
            + "will fail with unauthorized_client until the grant is added to the app."
        ],
        effects: [.grantDeclined(Okta.interactionCode, on: state.model.ref(app))])
    }
    let grants = app.grantTypes.adding(Okta.interactionCode)
    try state.setGrants(
      grants, at: app.grantTypesPointer, owner: app.pointer, now: environment.now)
    return StepReport(
      messages: [
        "Added interaction_code to \"\(VisibleText.name(app.label))\"; its grant types are now: "
          + "\(Phrase.list(grants))."
      ],
      effects: [
        .grantAdded(
          Okta.interactionCode, to: state.model.ref(app), before: app.grantTypes, after: grants)
      ])
  }

  func isSatisfied(in state: RunState) -> Bool {
    guard let app = state.app else { return state.answers["app"] == SelectPolicyRuleStep.none }
    return app.allowsInteractionCode
  }

  func placeholders(in state: RunState) -> [String: String] {
    ["app": state.app?.label ?? "your app"]
  }
}
