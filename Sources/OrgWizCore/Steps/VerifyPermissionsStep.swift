import OrgWizJSON

/// Checks that the org runs Identity Engine and that the operator is a Super Admin.
struct VerifyPermissionsStep: StepHandler {
  static let descriptor = StepDescriptor(
    id: "verify-permissions", title: "Verify your permissions",
    summary:
      "Stops before any change unless the org runs Identity Engine and the operator holds "
      + "SUPER_ADMIN; names the Super Admins to contact otherwise.",
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

  func preflight(_ model: OrgModel) -> StepStop? {
    guard model.org.engine == .classic else { return nil }
    return StepStop(
      .precondition,
      "\(model.org.name) (\(model.org.domain)) runs Classic Engine, and the Interaction Code "
        + "grant exists only on Identity Engine orgs. Nothing was changed.",
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
    guard admin.isSuperAdmin else {
      // Names from the model (pulled from Okta) are shown, never obeyed: one line each.
      let contacts = state.model.superAdmins.map {
        VisibleText.visibleOnOneLine(VisibleText.name($0.displayLabel))
      }
      let next =
        contacts.isEmpty
        ? "No admin in the model holds SUPER_ADMIN; ask your Okta org's owner to assign it."
        : "Ask a Super Admin to make this change: \(contacts.joined(separator: "; "))."
      // At a terminal the engine says so and asks again; without one this is a precondition
      // stop (exit 1).
      throw StepStop(
        .goBack(toKind: Self.descriptor.id),
        "\(admin.login) does not hold the Super Admin role (roles: \(Phrase.list(admin.roles))), "
          + "and only a Super Admin may change Embedded widget sign-in support. Nothing was "
          + "changed.",
        next: next)
    }
    return StepReport(
      messages: ["\(admin.login) holds SUPER_ADMIN on \(state.model.org.domain)."],
      effects: [.operatorVerified(state.model.ref(admin), role: Okta.superAdmin)])
  }

  func isSatisfied(in state: RunState) -> Bool {
    state.model.org.engine == .identityEngine && (state.operatorAdmin?.isSuperAdmin ?? false)
  }

  func placeholders(in state: RunState) -> [String: String] {
    [
      "operator": state.operatorAdmin?.login ?? "your admin account",
      "super-admins": Phrase.list(state.model.superAdmins.map(\.displayLabel)),
    ]
  }
}
