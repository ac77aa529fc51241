import OrgWizJSON

/// The Interaction Code grant's type, in examples.
private let ic = Grants.interactionCode.type

/// Adds the procedure's grant to the chosen app: the app and a rule must both allow it.
struct AppGrantStep: StepHandler {
  static let descriptor = StepDescriptor(
    id: "app-grant", title: "Enable the grant on the app",
    summary:
      "Adds the procedure's grant to the chosen app's grant types, because both the app and a "
      + "rule of the server must allow it. Asked only when an app was chosen.",
    questionKeys: ["app-grant"])

  static let examples: [StepExample] = [
    StepExample(
      "yes adds the grant to the app",
      edits: [OrgSettingStep.settingPointer: true],
      answers: ["server": "aus1api", "app": "0oa1mob", "app-grant": "yes"],
      expect: .changes([
        .root / "apps" / 0 / "settings" / "oauthClient" / "grant_types": [
          "authorization_code", "refresh_token", .string(ic),
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
    guard let app = state.app, !app.lists(state.grant) else { return nil }
    // The prompt names the app it is about.
    let prompt = text.prompt.replacing("{app}", with: "\"\(VisibleText.name(app.label))\"")
    return .yesNo(key: key, prompt: prompt, help: text.help, defaultYes: true)
  }

  func needsExplicitAnswer(_ key: String, in state: RunState) -> Bool {
    state.answers["app"].map { $0.trimmingWhitespace().lowercased() != "none" } ?? true
  }

  func apply(
    _ step: ProcedureStep, to state: inout RunState, environment: StepEnvironment
  )
    throws(StepStop) -> StepReport
  {
    guard let app = state.app else { return StepReport() }
    let grant = state.grant
    let label = VisibleText.name(app.label)
    if app.lists(grant) {
      return StepReport(
        messages: ["\"\(label)\" already allows \(grant.type)."],
        effects: [.grantAlreadyPresent(grant.type, on: state.model.ref(app))])
    }
    guard state.answers["app-grant"] == "yes" else {
      return StepReport(
        messages: [
          "\"\(label)\" was left without \(grant.type), so its \(grant.name) requests "
            + "will fail with unauthorized_client until the grant is added to the app."
        ],
        effects: [.grantDeclined(grant.type, on: state.model.ref(app))])
    }
    let grants = app.grantTypes.adding(grant.type)
    try state.setGrants(
      grants, at: app.grantTypesPointer, owner: app.pointer, now: environment.now)
    return StepReport(
      messages: [
        "Added \(grant.type) to \"\(label)\"; its grant types are now: \(Phrase.list(grants))."
      ],
      effects: [
        .grantAdded(grant.type, to: state.model.ref(app), before: app.grantTypes, after: grants)
      ])
  }

  func isSatisfied(_ step: ProcedureStep, in state: RunState) -> Bool {
    guard let app = state.app else { return state.answers["app"] == SelectPolicyRuleStep.none }
    return app.lists(state.grant)
  }

  func checklistCheck(_ step: ProcedureStep, in state: RunState) -> ChecklistRenderer.Check? {
    if state.answers["app"] == SelectPolicyRuleStep.none {
      return .unknown(reason: "app is none, so there is no app to change")
    }
    guard state.app == nil else { return nil }
    return .unknown(
      reason: "no app is named (give --set app=…"
        + (state.server == nil && !state.usesOrgAuthorizationServer ? " with --set server=…)" : ")")
    )
  }

  func placeholders(_ step: ProcedureStep, in state: RunState) -> [String: String] {
    ["app": state.app?.label ?? "your app"]
  }
}
