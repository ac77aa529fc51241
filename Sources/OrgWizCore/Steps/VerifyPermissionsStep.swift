import OrgWizJSON

/// Checks that the org runs Identity Engine (for a grant that exists only there) and that the
/// operator holds one of the step's roles (Super Admin unless the document names others).
struct VerifyPermissionsStep: StepHandler {
  static let descriptor = StepDescriptor(
    id: "verify-permissions", title: "Verify your permissions",
    summary:
      "Stops before any change unless the operator holds one of the step's roles (roles:, "
      + "SUPER_ADMIN by default) and, for a grant that exists only on Identity Engine, the org "
      + "runs it; names the admins to contact otherwise.",
    questionKeys: ["operator"])

  static let examples: [StepExample] = [
    StepExample(
      "a Super Admin may go on", answers: ["operator": "ada@acme.example"], expect: .noChange),
    StepExample(
      "an App Admin is stopped", answers: ["operator": "bob@acme.example"],
      expect: .stops(.failure)),
    StepExample(
      "a classic org is stopped before any question",
      edits: [.root / "org" / "engine": "classic"], answers: [:], expect: .stops(.failure)),
  ]

  func preflight(_ step: ProcedureStep, in state: RunState) -> StepStop? {
    let model = state.model
    guard model.org.engine == .classic, state.grant.identityEngineOnly else { return nil }
    return StepStop(
      .precondition,
      "\(model.org.name) (\(model.org.domain)) runs Classic Engine, and \(state.grant.phrase) "
        + "exists only on Identity Engine orgs. Nothing was changed.",
      next: "Upgrade the org to Identity Engine, set org.engine to \"identity-engine\" in the "
        + "model, and run orgwiz again.")
  }

  func question(_ key: String, text: QuestionText, state: RunState) -> Question? {
    Question(
      key: key, prompt: text.prompt, help: text.help,
      choices: state.model.admins.map { admin in
        Choice(
          value: admin.id, label: admin.login,
          detail: ([admin.id] + [admin.displayName].compactMap { $0 } + [Phrase.list(admin.roles)])
            .joined(separator: ", "),
          aliases: [admin.login], otherNames: admin.displayName.map { [$0] } ?? [])
      },
      // A pulled model: the admin whose token read the org (pull records whose it was).
      defaultValue: PullRecord(model: state.model.document)?.readBy.flatMap { login in
        state.model.admins.first { $0.login == login }?.id
      })
  }

  func apply(
    _ step: ProcedureStep, to state: inout RunState, environment: StepEnvironment
  )
    throws(StepStop) -> StepReport
  {
    guard let admin = state.operatorAdmin else {
      throw StepStop(.usage, "no operator was chosen", next: "Give --operator LOGIN.")
    }
    guard let role = admin.roles.first(where: step.roles.contains) else {
      throw refusal(admin, step: step, state: state)
    }
    return StepReport(
      messages: ["\(admin.login) holds \(role) on \(state.model.org.domain)."],
      effects: [.operatorVerified(state.model.ref(admin), role: role)])
  }

  /// Why the operator may not make the change, and whom to ask.
  private func refusal(_ admin: Admin, step: ProcedureStep, state: RunState) -> StepStop {
    let superAdminOnly = step.roles == [Okta.superAdmin]
    // Names from the model (pulled from Okta) are shown, never obeyed: one line each.
    let contacts = state.model.admins.filter { !Set($0.roles).isDisjoint(with: step.roles) }.map {
      VisibleText.visibleOnOneLine(VisibleText.name($0.displayLabel))
    }
    let rolesText = superAdminOnly ? "SUPER_ADMIN" : "any of \(Phrase.list(step.roles))"
    // A scoped pull read one admin: the others are not known, not absent.
    let partial = state.model.pullScope != nil
    let next =
      contacts.isEmpty
      ? (partial
        ? "The model holds only the admins a scoped pull read; ask an admin who holds "
          + "\(rolesText) to make this change (orgwiz pull without --server or --app reads them "
          + "all)."
        : "No admin in the model holds \(rolesText); ask your Okta org's owner to assign it.")
      : "Ask \(superAdminOnly ? "a Super Admin" : "an admin who holds one of them") to make this "
        + "change: \(contacts.joined(separator: "; "))"
        + (partial ? " (among the admins pulled; a scoped pull read only some)." : ".")
    let need =
      superAdminOnly ? "the Super Admin role" : "any of the roles \(Phrase.list(step.roles))"
    let why =
      state.grant.orgSwitch.map { "only a Super Admin may change \($0.name)" }
      ?? "this procedure needs one of them"
    // At a terminal the engine says so and asks again; without one this is a precondition
    // stop (exit 1).
    return StepStop(
      .goBack(toKind: Self.descriptor.id),
      "\(admin.login) does not hold \(need) (roles: \(Phrase.list(admin.roles))), and \(why). "
        + "Nothing was changed.",
      next: next)
  }

  func isSatisfied(_ step: ProcedureStep, in state: RunState) -> Bool {
    (state.model.org.engine == .identityEngine || !state.grant.identityEngineOnly)
      && (state.operatorAdmin?.roles.contains(where: step.roles.contains) ?? false)
  }

  func checklistCheck(_ step: ProcedureStep, in state: RunState) -> ChecklistRenderer.Check? {
    state.operatorAdmin == nil
      ? .unknown(reason: "no operator is named (give --operator LOGIN)") : nil
  }

  func placeholders(_ step: ProcedureStep, in state: RunState) -> [String: String] {
    [
      "operator": state.operatorAdmin?.login ?? "your admin account",
      "super-admins": Phrase.list(state.model.superAdmins.map(\.displayLabel)),
      "role-holders": Phrase.list(
        state.model.admins.filter { !Set($0.roles).isDisjoint(with: step.roles) }.map(
          \.displayLabel)),
      "roles": Phrase.list(step.roles),
    ]
  }
}
