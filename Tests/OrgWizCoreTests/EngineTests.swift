import OrgWizCore
import OrgWizJSON
import OrgWizTestSupport
import Testing

@Suite struct EngineTests {
  static let setting =
    JSONPointer.root / "settings" / "embeddedWidgetSignInSupport" / "interactionCode"

  func engine(_ prompter: any Prompter, assumeYes: Bool = false) throws -> WizardEngine {
    WizardEngine(
      procedure: try Fixtures.testProcedure(), prompter: prompter,
      options: WizardOptions(assumeYes: assumeYes, now: Fixtures.now))
  }

  @Test func interactiveRunAsksEachQuestionOnceInOrder() throws {
    let prompter = ScriptedPrompter([
      .answer("operator", "1"), .answer("org-setting", ""), .answer("server", "api"),
      .answer("app", "Acme Mobile"), .answer("policy", ""), .answer("rule", ""),
      .answer("app-grant", "y"),
    ])
    let record = try engine(prompter).run(on: Fixtures.exampleModel())
    #expect(prompter.failures.isEmpty, "\(prompter.failures)")
    #expect(prompter.leftOver.isEmpty)
    #expect(
      record.answers.map(\.value) == [
        "00u1ada", "enable", "aus1api", "0oa1mob", "00p2mob", "0pr2mob", "yes",
      ])
    #expect(record.finalState.model.interactionCodeEnabled)
  }

  @Test func defaultPolicyIsTheOneThatServesTheApp() throws {
    let prompter = ScriptedPrompter([
      .answer("operator", "ada@acme.example"), .answer("org-setting", "enable"),
      .answer("server", "api"), .answer("app", "Acme Web"), .answer("policy", ""),
      .answer("rule", ""), .answer("app-grant", "no"),
    ])
    let record = try engine(prompter).run(on: Fixtures.exampleModel())
    let policyQuestion = try #require(prompter.asked.first { $0.key == "policy" })
    #expect(policyQuestion.defaultChoice?.label == "Default Policy")
    #expect(record.finalState.rule?.name == "Default Policy Rule")
    #expect(
      record.finalState.rule?.grantTypes == [
        "authorization_code", "client_credentials", "interaction_code",
      ])
    #expect(record.finalState.app?.lists(Grants.interactionCode) == false)
  }

  @Test func anInvalidAnswerIsAskedAgainWithTheReason() throws {
    let prompter = ScriptedPrompter([
      .answer("operator", "carol@acme.example"), .answer("operator", "x"),
      .answer("operator", "ada@acme.example"), .answer("org-setting", "keep"),
    ])
    _ = try engine(prompter).run(on: Fixtures.exampleModel())
    #expect(prompter.failures.isEmpty, "\(prompter.failures)")
    #expect(prompter.transcript.filter { $0.hasPrefix("! ") }.count == 2)
  }

  @Test func aNonSuperAdminIsToldWhoIsAndAskedAgainAtATerminal() throws {
    // "bob" is the local part of bob@acme.example: taken for it at a prompt.
    let prompter = ScriptedPrompter([
      .answer("operator", "bob"), .answer("operator", "ada"), .answer("org-setting", "keep"),
    ])
    let record = try engine(prompter).run(on: Fixtures.exampleModel())
    #expect(prompter.failures.isEmpty, "\(prompter.failures)")
    #expect(record.answers.map(\.value) == ["00u1ada", "keep"])
    let told = try #require(prompter.transcript.first { $0.contains("does not hold") })
    #expect(told.contains("bob@acme.example"))
    #expect(told.contains("ada@acme.example"), "names who holds the role: \(told)")
    // The step's heading is not shown again for the second try.
    #expect(prompter.transcript.filter { $0.hasPrefix("Step 1 of") }.count == 1)
  }

  @Test func aNonSuperAdminWithoutATerminalIsThePreconditionStop() throws {
    let prompter = AnswersFilePrompter(answers: ["operator": "bob@acme.example"], fallback: nil)
    #expect {
      _ = try engine(prompter).run(on: Fixtures.exampleModel())
    } throws: { error in
      (error as? StepStop)?.kind == .precondition && (error as? StepStop)?.exitStatus == .failure
    }
  }

  @Test func aPrefixMustBeUnambiguousAndOnlyAtAPrompt() throws {
    let question = Question(
      key: "app", prompt: "Which app?", help: "",
      choices: [
        Choice(value: "0oa1", label: "Acme Mobile"), Choice(value: "0oa2", label: "Acme Web"),
      ])
    #expect(try question.resolve("acme w", allowNumbers: true).get() == "0oa2")
    guard case .failure(let problem) = question.resolve("Acme", allowNumbers: true) else {
      Issue.record("an ambiguous prefix was accepted")
      return
    }
    #expect(problem.reason.contains("Acme Mobile") && problem.reason.contains("Acme Web"))
    // An answer given with --set or a file must name the choice in full.
    #expect((try? question.resolve("acme w", allowNumbers: false).get()) == nil)
  }

  @Test func aWrongYesNoAnswerSaysYesOrNoOnce() throws {
    let question = Question.yesNo(key: "app-grant", prompt: "Add it?", help: "", defaultYes: true)
    guard case .failure(let problem) = question.resolve("nope", allowNumbers: true) else {
      Issue.record("nope was accepted")
      return
    }
    #expect(problem.reason == "\"nope\" is not yes or no")
  }

  @Test func backGoesToThePreviousQuestionOfTheSameStepFirst() throws {
    let prompter = ScriptedPrompter([
      .answer("operator", "ada@acme.example"), .answer("org-setting", "enable"),
      .answer("server", "api"), .answer("app", "Acme Mobile"), .back("policy"),
      .answer("app", "Acme Web"), .answer("policy", ""), .answer("rule", ""),
      .answer("app-grant", "no"),
    ])
    let record = try engine(prompter).run(on: Fixtures.exampleModel())
    #expect(prompter.failures.isEmpty, "\(prompter.failures)")
    #expect(prompter.leftOver.isEmpty)
    #expect(record.answers.first { $0.key == "app" }?.value == "0oa2web")
    #expect(prompter.transcript.filter { $0.hasPrefix("Step 4 of") }.count == 1)
  }

  @Test func backAtTheReviewReturnsToTheLastStep() throws {
    let prompter = ScriptedPrompter([
      .answer("operator", "ada@acme.example"), .answer("org-setting", "enable"),
      .answer("server", "api"), .answer("app", "Acme Mobile"), .answer("policy", ""),
      .answer("rule", ""), .answer("app-grant", "yes"), .backAtReview,
      .answer("app-grant", "no"), .confirm(true),
    ])
    var wizard = try engine(prompter)
    var stepsAtReview: [Int] = []
    wizard.progress = { _, index in stepsAtReview.append(index) }
    wizard.review = { _ in
      try prompter.review(Confirmation(prompt: "Write?", isDestructive: false, defaultYes: true))
        == .back ? .back : .accept
    }
    let record = try wizard.run(on: Fixtures.exampleModel())
    #expect(prompter.failures.isEmpty, "\(prompter.failures)")
    #expect(prompter.leftOver.isEmpty)
    #expect(record.answers.last?.value == "no")
    #expect(record.steps.count == 5)
    // The journal hook hears of the review as the step after the last.
    #expect(stepsAtReview.contains(5))
  }

  @Test func aResumedRunDoesNotShowTheStepsItHadFinished() throws {
    let person = ScriptedPrompter([.answer("server", "api"), .interrupt("app")])
    let prompter = AnswersFilePrompter(
      answers: ["operator": "ada@acme.example", "org-setting": "enable"], fallback: person)
    var wizard = try engine(prompter)
    wizard.resumeAt = 2
    #expect(throws: StepStop.self) { _ = try wizard.run(on: Fixtures.exampleModel()) }
    #expect(!person.transcript.contains { $0.hasPrefix("Step 1 of") || $0.hasPrefix("Step 2 of") })
    #expect(!person.transcript.contains { $0.contains("holds SUPER_ADMIN") })
    #expect(person.transcript.contains { $0.hasPrefix("Step 3 of") })
  }

  @Test func keepingTheSettingOffEndsTheProcedure() throws {
    let prompter = ScriptedPrompter([
      .answer("operator", "ada@acme.example"), .answer("org-setting", "keep"),
    ])
    let record = try engine(prompter).run(on: Fixtures.exampleModel())
    #expect(!record.changed)
    #expect(record.steps.count == 2)
    #expect(prompter.leftOver.isEmpty)
  }

  @Test func backReturnsToThePreviousStepAndUndoesIt() throws {
    let prompter = ScriptedPrompter([
      .answer("operator", "ada@acme.example"), .answer("org-setting", "enable"),
      .back("server"), .answer("org-setting", "keep"),
    ])
    let record = try engine(prompter).run(on: Fixtures.exampleModel())
    #expect(prompter.failures.isEmpty, "\(prompter.failures)")
    #expect(!record.finalState.model.interactionCodeEnabled)
    #expect(!record.changed)
  }

  @Test func missingAnswersWithoutATerminalNameEveryKey() throws {
    let prompter = AnswersFilePrompter(answers: ["operator": "ada@acme.example"], fallback: nil)
    #expect {
      _ = try engine(prompter).run(on: Fixtures.exampleModel())
    } throws: { error in
      (error as? MissingAnswers)?.keys == ["org-setting", "server", "app", "app-grant"]
    }
  }

  @Test func appNoneNeedsNoAppGrantAnswer() throws {
    let prompter = AnswersFilePrompter(
      answers: ["operator": "ada@acme.example", "org-setting": "enable", "app": "none"],
      fallback: nil)
    #expect {
      _ = try engine(prompter).run(on: Fixtures.exampleModel())
    } throws: { error in
      (error as? MissingAnswers)?.keys == ["server"]
    }
  }

  @Test func backReachesAStepWhoseAnswerWasGivenAhead() throws {
    // server=api came with --set (or a resumed run); going back from the app question must
    // let the user choose the server again instead of replaying the given answer.
    let person = ScriptedPrompter([
      .back("app"), .answer("server", "partners"), .answer("app", "none"),
      .answer("policy", ""), .answer("rule", ""),
    ])
    let prompter = AnswersFilePrompter(
      answers: ["operator": "ada@acme.example", "org-setting": "enable", "server": "api"],
      fallback: person)
    let record = try engine(prompter).run(on: Fixtures.exampleModel())
    #expect(person.failures.isEmpty, "\(person.failures)")
    #expect(person.leftOver.isEmpty)
    #expect(record.answers.first { $0.key == "server" }?.value == "aus2prt")
  }

  @Test func anInvalidPresetIsAskedAgainAtATerminal() throws {
    let person = ScriptedPrompter([.answer("server", "partners"), .answer("app", "none")])
    let prompter = AnswersFilePrompter(
      answers: [
        "operator": "ada@acme.example", "org-setting": "enable", "server": "apii",
        "policy": "Default Policy", "rule": "Default Policy Rule",
      ],
      fallback: person)
    let record = try engine(prompter).run(on: Fixtures.exampleModel())
    #expect(person.failures.isEmpty, "\(person.failures)")
    #expect(person.leftOver.isEmpty)
    #expect(
      person.transcript.contains(
        "! \"apii\" is not one of the choices (given with --set or --answers)"))
    #expect(record.answers.first { $0.key == "server" }?.value == "aus2prt")
  }

  @Test func anInvalidPresetIsAUsageErrorListingTheChoices() throws {
    let prompter = AnswersFilePrompter(
      answers: ["operator": "ada@acme.example", "org-setting": "enable", "server": "apii"],
      fallback: nil)
    #expect {
      _ = try engine(prompter).run(on: Fixtures.exampleModel())
    } throws: { error in
      guard let stop = error as? StepStop else { return false }
      return stop.exitStatus == .usage && stop.message.contains("api (aus1api)")
        && stop.message.contains("partners (aus2prt)")
    }
  }

  @Test func aDisplayNameTwoAdminsShareIsAmbiguousNotTheFirstOne() throws {
    // Bob, who is no Super Admin, is also displayed as "Ada Admin": naming that must not pass
    // the permission check as Ada.
    let model = try Fixtures.exampleModel(edits: [
      JSONPointer.root / "admins" / 1 / "displayName": "Ada Admin"
    ])
    let prompter = AnswersFilePrompter(answers: ["operator": "Ada Admin"], fallback: nil)
    #expect {
      _ = try engine(prompter).run(on: model)
    } throws: { error in
      guard let stop = error as? StepStop else { return false }
      return stop.exitStatus == .usage && stop.message.contains("names 2 choices")
        && stop.message.contains("00u1ada") && stop.message.contains("00u2bob")
    }
    // A display name only one admin has is found, also in other letter case.
    let unique = AnswersFilePrompter(
      answers: [
        "operator": "ada admin", "org-setting": "enable", "server": "api", "app": "none",
      ], fallback: nil)
    let record = try engine(unique).run(on: Fixtures.exampleModel())
    #expect(record.answers.first?.value == "00u1ada")
  }

  @Test func anAppsCatalogNameSharedByOthersIsAmbiguous() throws {
    // Every OIDC app of the example has the catalog name "oidc_client".
    let prompter = AnswersFilePrompter(
      answers: [
        "operator": "ada@acme.example", "org-setting": "enable", "server": "api",
        "app": "oidc_client",
      ], fallback: nil)
    #expect {
      _ = try engine(prompter).run(on: Fixtures.exampleModel())
    } throws: { error in
      guard let stop = error as? StepStop else { return false }
      return stop.exitStatus == .usage && stop.message.contains("\"oidc_client\" names 5 choices")
    }
  }

  @Test func aMisplacedCopyOfTheOrgServerIsNotOffered() throws {
    let model = try Fixtures.exampleModel(edits: [
      JSONPointer.root / "authorizationServers" / 1 / "issuer": "https://acme.okta.com"
    ])
    let prompter = ScriptedPrompter([
      .answer("operator", "1"), .answer("org-setting", ""), .answer("server", "partners"),
      .answer("server", "api"), .answer("app", "none"), .answer("policy", ""),
      .answer("rule", ""),
    ])
    let record = try engine(prompter).run(on: model)
    #expect(prompter.failures.isEmpty, "\(prompter.failures)")
    let question = try #require(prompter.asked.first { $0.key == "server" })
    // The custom servers offered leave the misplaced copy out; the real Org Authorization
    // Server is offered as itself.
    #expect(question.choices.map(\.value) == ["aus1api", "aus3inv", "org-authorization-server"])
    #expect(prompter.transcript.contains("! \"partners\" is not one of the choices"))
    #expect(record.answers.first { $0.key == "server" }?.value == "aus1api")
  }

  @Test func theDefaultRuleServesEveryoneEvenWhenTheAppsOwnPolicyOnlyServesAGroup() throws {
    // Mobile Apps keeps only its testers rule active; everyone else using Acme Mobile is
    // served by the Default Policy, so that is the pair offered.
    let rules = JSONPointer.root / "authorizationServers" / 0 / "policies" / 1 / "rules"
    let model = try Fixtures.exampleModel(edits: [
      rules / 0 / "status": "INACTIVE", rules / 1 / "status": "ACTIVE",
    ])
    let prompter = ScriptedPrompter([
      .answer("operator", "1"), .answer("org-setting", ""), .answer("server", "api"),
      .answer("app", "Acme Mobile"), .answer("policy", ""), .answer("rule", ""),
      .answer("app-grant", "y"),
    ])
    let record = try engine(prompter).run(on: model)
    #expect(prompter.failures.isEmpty, "\(prompter.failures)")
    #expect(record.answers.first { $0.key == "policy" }?.value == "00p1def")
    #expect(record.answers.first { $0.key == "rule" }?.value == "0pr1def")
  }

  @Test func aNonSuperAdminIsStoppedNamingTheSuperAdmins() throws {
    // Without a terminal (at one, the operator is asked again).
    let prompter = AnswersFilePrompter(answers: ["operator": "bob@acme.example"], fallback: nil)
    #expect {
      _ = try engine(prompter).run(on: Fixtures.exampleModel())
    } throws: { error in
      guard let stop = error as? StepStop else { return false }
      return stop.exitStatus == .failure && stop.nextStep.contains("Ada Admin <ada@acme.example>")
    }
  }

  @Test func aClassicOrgStopsBeforeAnyQuestion() throws {
    let prompter = ScriptedPrompter([])
    #expect {
      _ = try engine(prompter).run(
        on: Fixtures.exampleModel(edits: [JSONPointer.root / "org" / "engine": "classic"]))
    } throws: { error in
      (error as? StepStop)?.message.contains("Classic Engine") ?? false
    }
    #expect(prompter.asked.isEmpty)
  }

  @Test func disablingListsWhatLosesTheGrantAndAsks() throws {
    let grants = JSONPointer.root / "apps" / 0 / "settings" / "oauthClient" / "grant_types"
    let model = try Fixtures.exampleModel(edits: [
      Self.setting: true, grants: ["authorization_code", "interaction_code"],
    ])
    let declined = ScriptedPrompter([
      .answer("operator", "ada@acme.example"), .answer("org-setting", "disable"), .confirm(false),
    ])
    #expect {
      _ = try engine(declined).run(on: model)
    } throws: { error in
      (error as? StepStop)?.exitStatus == .declined
    }
    #expect(
      declined.transcript.contains { $0.contains("interaction_code will be removed from 1 object") }
    )

    let accepted = ScriptedPrompter([
      .answer("operator", "ada@acme.example"), .answer("org-setting", "disable"), .confirm(true),
    ])
    let record = try engine(accepted).run(on: model)
    #expect(!record.finalState.model.interactionCodeEnabled)
    #expect(record.finalState.model.apps[0].grantTypes == ["authorization_code"])
    #expect(record.steps.count == 2)
  }

  @Test func reEnablingRestoresNothing() throws {
    let grants = JSONPointer.root / "apps" / 0 / "settings" / "oauthClient" / "grant_types"
    let model = try Fixtures.exampleModel(edits: [
      Self.setting: true, grants: ["authorization_code", "interaction_code"],
    ])
    let off = try engine(
      AnswersFilePrompter(
        answers: ["operator": "ada@acme.example", "org-setting": "disable"], fallback: nil),
      assumeYes: true
    ).run(on: model)
    let on = try engine(
      AnswersFilePrompter(
        answers: [
          "operator": "ada@acme.example", "org-setting": "enable", "server": "api", "app": "none",
        ], fallback: nil),
      assumeYes: true
    ).run(on: off.finalState.model)
    #expect(on.finalState.model.interactionCodeEnabled)
    #expect(!on.finalState.model.apps[0].lists(Grants.interactionCode))
  }

  @Test func interruptionAtAPromptStopsWith130() throws {
    let prompter = ScriptedPrompter([
      .answer("operator", "ada@acme.example"), .interrupt("org-setting"),
    ])
    #expect {
      _ = try engine(prompter).run(on: Fixtures.exampleModel())
    } throws: { error in
      (error as? StepStop)?.exitStatus == .interrupted
    }
  }

  @Test func aStepThatWouldBreakTheModelIsStoppedNamingRuleAndStep() throws {
    // A procedure without the org-setting step adds the grant to a rule while the setting is
    // off: the grant-needs-org-setting rule stops it, naming step and rule.
    var procedure = try Fixtures.testProcedure()
    procedure.steps.removeAll { $0.kind == "org-setting" || $0.kind == "choose-server" }
    let engine = WizardEngine(
      procedure: procedure,
      prompter: AnswersFilePrompter(
        answers: ["operator": "ada@acme.example", "app": "none"], fallback: nil),
      options: WizardOptions(assumeYes: true, now: Fixtures.now))
    #expect {
      _ = try engine.run(on: Fixtures.exampleModel(), knownAnswers: ["server": "aus1api"])
    } throws: { error in
      guard let stop = error as? StepStop, case .brokenState(let findings) = stop.kind else {
        return false
      }
      return findings.allSatisfy { $0.ruleID == "grant-needs-org-setting" }
        && stop.message.contains("Policy and rule")
    }
  }
}
