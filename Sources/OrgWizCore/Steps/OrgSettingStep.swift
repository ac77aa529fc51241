import OrgWizJSON

/// The Interaction Code grant's type, in examples.
private let ic = Grants.interactionCode.type

/// Turns the org-wide switch of the procedure's grant (Embedded widget sign-in support, for the
/// Interaction Code grant) on or off, or keeps it.
struct OrgSettingStep: StepHandler {
  static let descriptor = StepDescriptor(
    id: "org-setting", title: "Enable the grant's org-wide setting",
    summary:
      "Turns the grant's org-wide setting on (reporting how many apps and servers use the "
      + "grant), turns it off after confirmation (removing the grant from every app and rule), "
      + "or keeps it. Only for a grant that has such a setting.",
    questionKeys: ["org-setting"])

  static let settingPointer = Grants.embeddedWidgetSwitch.pointer

  static func refusal(of grant: GrantFacts) -> String? {
    guard grant.orgSwitch == nil else { return nil }
    return "it has no org-wide setting to change (only "
      + Grants.switched.map { "\($0.name) has one: \($0.orgSwitch?.name ?? "")" }.joined(
        separator: "; ")
      + "); leave the step out"
  }

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
          "authorization_code", .string(ic),
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
    let on = state.model.switchAllows(state.grant)
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

  func endsProcedure(in state: RunState) -> Bool {
    switch state.answers["org-setting"]?.trimmingWhitespace().lowercased() {
    case "disable": true
    case "keep": !state.model.switchAllows(state.grant)
    default: false
    }
  }

  func apply(
    _ step: ProcedureStep, to state: inout RunState, environment: StepEnvironment
  )
    throws(StepStop) -> StepReport
  {
    guard let setting = state.grant.orgSwitch else { return StepReport() }
    let ref = state.model.ref(setting)
    let wasOn = state.model.isOn(setting)
    switch state.answers["org-setting"] {
    case "enable":
      if wasOn {
        return StepReport(
          messages: ["\(setting.name) is already on; nothing to change."],
          effects: [.settingUnchanged(ref, value: true)])
      }
      try state.editModel { $0.set(true, at: setting.pointer) }
      let apps = state.model.appsUsing(state.grant).count
      let servers = state.model.serversUsing(state.grant).count
      return StepReport(
        messages: [
          "\(setting.name) is now on. The Admin Console would show: "
            + "\(Phrase.count(apps, "app")) and \(Phrase.count(servers, "authorization server")) "
            + "use \(state.grant.phrase)."
        ],
        effects: [.settingChanged(ref, from: false, to: true)])
    case "disable":
      guard wasOn else {
        return StepReport(
          messages: ["\(setting.name) is already off; nothing to change."],
          effects: [.settingUnchanged(ref, value: false)], endsProcedure: true)
      }
      return try disable(setting, &state, environment: environment)
    default:
      return StepReport(
        messages: wasOn
          ? ["\(setting.name) stays on."]
          : [
            "\(setting.name) stays off, so \(state.grant.phrase) is not "
              + "available anywhere in the org; the procedure ends here."
          ],
        effects: [.settingUnchanged(ref, value: wasOn)], endsProcedure: !wasOn)
    }
  }

  private func disable(
    _ setting: OrgSwitch, _ state: inout RunState, environment: StepEnvironment
  ) throws(StepStop)
    -> StepReport
  {
    let grant = state.grant
    let apps = state.model.appsListing(grant)
    let rules = state.model.allRules.filter { $0.rule.lists(grant) }
    let items =
      apps.map { "app \"\(VisibleText.name($0.label))\" (\($0.id))" }
      + rules.map {
        "rule \"\(VisibleText.name($0.rule.name))\" of policy \"\(VisibleText.name($0.policy.name))\", server \"\(VisibleText.name($0.server.name))\""
      }
    let confirmation = Confirmation(
      prompt:
        "Turn \(setting.name) off? \(grant.type) will be removed from "
        + "\(Phrase.count(items.count, "object")), and turning the setting on again restores "
        + "none of them.",
      items: items, isDestructive: true, defaultYes: false)
    guard try environment.confirm(confirmation) else {
      throw StepStop(
        .declined, "Turning \(setting.name) off was declined. Nothing was written.",
        next: "Run orgwiz again and choose keep to leave the setting on.")
    }
    let model = state.model
    var effects: [Effect] = [.settingChanged(model.ref(setting), from: true, to: false)]
    try state.editModel { document in
      document.set(false, at: setting.pointer)
      for app in apps {
        let grants = app.grantTypes.removing(grant.type)
        document.set(.strings(grants), at: app.grantTypesPointer)
        document.stampLastUpdated(of: app.pointer, environment.now)
        effects.append(
          .grantRemoved(
            grant.type, from: model.ref(app), before: app.grantTypes, after: grants))
      }
      for (server, policy, rule) in rules {
        let grants = rule.grantTypes.removing(grant.type)
        document.set(.strings(grants), at: rule.grantTypesPointer)
        document.stampLastUpdated(of: rule.pointer, environment.now)
        effects.append(
          .grantRemoved(
            grant.type, from: model.ref(rule, of: policy, on: server),
            before: rule.grantTypes, after: grants))
      }
    }
    // Each stripped object is named, also when nobody was asked (the confirmation listed them).
    let stripped = effects.dropFirst().compactMap(\.object?.phrase)
    return StepReport(
      messages: [
        "\(setting.name) is now off in the model; \(grant.type) was removed "
          + "from \(Phrase.count(items.count, "object"))"
          + (stripped.isEmpty ? "" : ": " + stripped.joined(separator: "; ")) + ". Turning it on "
          + "again later restores none of them."
      ],
      effects: effects, endsProcedure: true)
  }

  func isSatisfied(_ step: ProcedureStep, in state: RunState) -> Bool {
    state.model.switchAllows(state.grant)
  }

  func placeholders(_ step: ProcedureStep, in state: RunState) -> [String: String] {
    [
      "setting": state.model.switchAllows(state.grant) ? "on" : "off",
      "apps-using-grant": String(state.model.appsUsing(state.grant).count),
      "servers-using-grant": String(state.model.serversUsing(state.grant).count),
    ]
  }
}
