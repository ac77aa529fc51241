import OrgWizJSON

/// Turns the org-wide Embedded widget sign-in support setting on or off, or keeps it.
struct OrgSettingStep: StepHandler {
  static let descriptor = StepDescriptor(
    id: "org-setting", title: "Enable Embedded widget sign-in support",
    summary:
      "Turns the org-wide setting on (reporting how many apps and servers use the grant), turns "
      + "it off after confirmation (removing the grant from every app and rule), or keeps it.",
    questionKeys: ["org-setting"])

  static let settingPointer =
    JSONPointer.root / "settings" / "embeddedWidgetSignInSupport" / "interactionCode"

  static let examples: [StepExample] = [
    StepExample(
      "enable turns the setting on", answers: ["org-setting": "enable"],
      expect: .changes([settingPointer: true])),
    StepExample(
      "keep leaves it off", answers: ["org-setting": "keep"], expect: .noChange),
    StepExample(
      "enable when already on changes nothing", edits: [settingPointer: true],
      answers: ["org-setting": "enable"], expect: .noChange),
    StepExample(
      "disable strips the grant from apps and rules",
      edits: [
        settingPointer: true,
        .root / "apps" / 0 / "settings" / "oauthClient" / "grant_types": [
          "authorization_code", "interaction_code",
        ],
      ],
      answers: ["org-setting": "disable"],
      expect: .changes([
        settingPointer: false,
        .root / "apps" / 0 / "settings" / "oauthClient" / "grant_types": ["authorization_code"],
      ])),
    StepExample(
      "disable without --yes and without a terminal is refused",
      edits: [settingPointer: true], answers: ["org-setting": "disable"],
      expect: .stops(.usage), assumeYes: false),
  ]

  func question(_ key: String, text: QuestionText, state: RunState) -> Question? {
    let on = state.model.interactionCodeEnabled
    return Question(
      key: key, prompt: text.prompt, help: text.help,
      choices: [
        Choice(value: "enable", label: "enable", detail: on ? "already on" : "turn it on"),
        Choice(
          value: "disable", label: "disable",
          detail: "turn it off and remove the grant from every app and rule"),
        Choice(value: "keep", label: "keep", detail: "leave it \(on ? "on" : "off")"),
      ],
      defaultValue: on ? "keep" : "enable")
  }

  func endsProcedure(knownAnswers: [String: String], model: OrgModel) -> Bool {
    switch knownAnswers["org-setting"]?.trimmingWhitespace().lowercased() {
    case "disable": true
    case "keep": !model.interactionCodeEnabled
    default: false
    }
  }

  func apply(
    _ step: ProcedureStep, to state: inout RunState, environment: StepEnvironment
  )
    throws(StepStop) -> StepReport
  {
    let wasOn = state.model.interactionCodeEnabled
    switch state.answers["org-setting"] {
    case "enable":
      if wasOn {
        return StepReport(
          messages: ["Embedded widget sign-in support is already on; nothing to change."],
          effects: [.settingUnchanged(state.model.settingRef, value: true)])
      }
      try state.editModel { $0.set(true, at: Self.settingPointer) }
      let apps = state.model.appsUsingInteractionCode.count
      let servers = state.model.serversUsingInteractionCode.count
      return StepReport(
        messages: [
          "Embedded widget sign-in support is now on. The Admin Console would show: "
            + "\(Phrase.count(apps, "app")) and \(Phrase.count(servers, "authorization server")) "
            + "use the Interaction Code grant."
        ],
        effects: [.settingChanged(state.model.settingRef, from: false, to: true)])
    case "disable":
      guard wasOn else {
        return StepReport(
          messages: ["Embedded widget sign-in support is already off; nothing to change."],
          effects: [.settingUnchanged(state.model.settingRef, value: false)], endsProcedure: true)
      }
      return try disable(&state, environment: environment)
    default:
      return StepReport(
        messages: wasOn
          ? ["Embedded widget sign-in support stays on."]
          : [
            "Embedded widget sign-in support stays off, so the Interaction Code grant is not "
              + "available anywhere in the org; the procedure ends here."
          ],
        effects: [.settingUnchanged(state.model.settingRef, value: wasOn)], endsProcedure: !wasOn)
    }
  }

  private func disable(
    _ state: inout RunState, environment: StepEnvironment
  ) throws(StepStop)
    -> StepReport
  {
    let apps = state.model.appsListingInteractionCode
    let rules = state.model.allRules.filter { $0.rule.allowsInteractionCode }
    let items =
      apps.map { "app \"\(VisibleText.name($0.label))\" (\($0.id))" }
      + rules.map {
        "rule \"\(VisibleText.name($0.rule.name))\" of policy \"\(VisibleText.name($0.policy.name))\", server \"\(VisibleText.name($0.server.name))\""
      }
    let confirmation = Confirmation(
      prompt:
        "Turn Embedded widget sign-in support off? interaction_code will be removed from "
        + "\(Phrase.count(items.count, "object")), and turning the setting on again restores "
        + "none of them.",
      items: items, isDestructive: true, defaultYes: false)
    guard try environment.confirm(confirmation) else {
      throw StepStop(
        .declined, "Turning Embedded widget sign-in support off was declined. Nothing was written.",
        next: "Run orgwiz again and choose keep to leave the setting on.")
    }
    let model = state.model
    var effects: [Effect] = [.settingChanged(model.settingRef, from: true, to: false)]
    try state.editModel { document in
      document.set(false, at: Self.settingPointer)
      for app in apps {
        let grants = app.grantTypes.removing(Okta.interactionCode)
        document.set(.strings(grants), at: app.grantTypesPointer)
        document.stampLastUpdated(of: app.pointer, environment.now)
        effects.append(
          .grantRemoved(
            Okta.interactionCode, from: model.ref(app), before: app.grantTypes, after: grants))
      }
      for (server, policy, rule) in rules {
        let grants = rule.grantTypes.removing(Okta.interactionCode)
        document.set(.strings(grants), at: rule.grantTypesPointer)
        document.stampLastUpdated(of: rule.pointer, environment.now)
        effects.append(
          .grantRemoved(
            Okta.interactionCode, from: model.ref(rule, of: policy, on: server),
            before: rule.grantTypes, after: grants))
      }
    }
    // Each stripped object is named, also when nobody was asked (the confirmation listed them).
    let stripped = effects.dropFirst().compactMap(\.object?.phrase)
    return StepReport(
      messages: [
        "Embedded widget sign-in support is now off in the model; interaction_code was removed "
          + "from \(Phrase.count(items.count, "object"))"
          + (stripped.isEmpty ? "" : ": " + stripped.joined(separator: "; ")) + ". Turning it on "
          + "again later restores none of them."
      ],
      effects: effects, endsProcedure: true)
  }

  func isSatisfied(in state: RunState) -> Bool { state.model.interactionCodeEnabled }

  func placeholders(in state: RunState) -> [String: String] {
    [
      "setting": state.model.interactionCodeEnabled ? "on" : "off",
      "apps-using-grant": String(state.model.appsUsingInteractionCode.count),
      "servers-using-grant": String(state.model.serversUsingInteractionCode.count),
    ]
  }
}
