import OrgWizCore
import OrgWizJSON
import OrgWizTestSupport
import Testing

/// Where the procedure used to diverge from what Okta does: the Org Authorization Server as a
/// real choice, and app types that cannot use the grant (org-model.md semantic 10; cli.md
/// `server` and `app`). Each test failed before the change it covers.
@Suite struct ProcedureFidelityTests {
  static let setting =
    JSONPointer.root / "settings" / "embeddedWidgetSignInSupport" / "interactionCode"
  static let mobileGrants =
    JSONPointer.root / "apps" / 0 / "settings" / "oauthClient" / "grant_types"
  static let reportsGrants =
    JSONPointer.root / "apps" / 2 / "settings" / "oauthClient" / "grant_types"

  func engine(_ prompter: any Prompter) throws -> WizardEngine {
    WizardEngine(
      procedure: try Fixtures.procedure(), prompter: prompter,
      options: WizardOptions(assumeYes: true, now: Fixtures.now))
  }

  func given(_ answers: [String: String]) -> AnswersFilePrompter {
    AnswersFilePrompter(answers: answers, fallback: nil)
  }

  // developer.okta.com "Interaction Code grant type": native, SPA and web apps only.
  @Test func oktaServiceAppIsRefusedWithTheReasonAndAskedAgainAtATerminal() throws {
    let prompter = ScriptedPrompter([
      .answer("operator", "ada"), .answer("org-setting", "enable"), .answer("server", "api"),
      .answer("app", "Acme Reports (service)"), .answer("app", "Acme Mobile"),
      .answer("policy", ""), .answer("rule", ""), .answer("app-grant", "y"),
    ])
    let record = try engine(prompter).run(on: Fixtures.exampleModel())
    #expect(prompter.failures.isEmpty, "\(prompter.failures)")
    let refusal = try #require(prompter.transcript.first { $0.hasPrefix("! ") })
    #expect(refusal.contains("\"Acme Reports (service)\" cannot be chosen"))
    #expect(refusal.contains("service app"))
    #expect(record.answers.first { $0.key == "app" }?.value == "0oa1mob")
    // The service app and the SAML app are not offered, numbered or completed.
    let question = try #require(prompter.asked.first { $0.key == "app" })
    #expect(question.choices.map(\.value) == ["0oa1mob", "0oa2web", "0oa5tv", "none"])
    #expect(question.refused.map(\.choice.value) == ["0oa3rpt", "0oa4hr", "0oa6ord"])
  }

  @Test func theBeginningOfAServiceAppsNameAtThePromptIsRefusedWithItsReason() throws {
    let prompter = ScriptedPrompter([
      .answer("operator", "ada"), .answer("org-setting", "enable"), .answer("server", "api"),
      .answer("app", "acme rep"), .answer("app", "Acme Mobile"),
      .answer("policy", ""), .answer("rule", ""), .answer("app-grant", "y"),
    ])
    _ = try engine(prompter).run(on: Fixtures.exampleModel())
    let refusal = try #require(prompter.transcript.first { $0.hasPrefix("! ") })
    #expect(refusal.contains("\"acme rep\" begins \"Acme Reports (service)\""), "\(refusal)")
    #expect(refusal.contains("service app"), "\(refusal)")
  }

  @Test func oktaServiceAppGivenAheadIsAUsageErrorListingTheAppsThatCanUseTheGrant() throws {
    let prompter = given([
      "operator": "ada@acme.example", "org-setting": "enable", "server": "api",
      "app": "0oa3rpt",
    ])
    do {
      _ = try engine(prompter).run(on: Fixtures.exampleModel())
      Issue.record("a service app was accepted as the app")
    } catch let stop as StepStop {
      #expect(stop.exitStatus == .usage)
      #expect(stop.message.contains("cannot be chosen: it is a service app"))
      #expect(stop.message.contains("Acme Mobile (0oa1mob, native)"))
      #expect(!stop.message.contains("Acme Reports (service) ("), "\(stop.message)")
    }
  }

  @Test func aNameAServiceAppSharesWithAWebAppIsAmbiguousNotTheWebApp() throws {
    let model = try Fixtures.exampleModel(edits: [
      JSONPointer.root / "apps" / 2 / "label": "Acme Web"
    ])
    let prompter = ScriptedPrompter([
      .answer("operator", "ada"), .answer("org-setting", "enable"), .answer("server", "api"),
      .answer("app", "Acme Web"), .answer("app", "0oa2webclient"), .answer("policy", ""),
      .answer("rule", ""), .answer("app-grant", "n"),
    ])
    let record = try engine(prompter).run(on: model)
    #expect(prompter.failures.isEmpty, "\(prompter.failures)")
    let refusal = try #require(prompter.transcript.first { $0.hasPrefix("! ") })
    #expect(refusal.contains("names 2 choices"), "\(refusal)")
    #expect(record.answers.first { $0.key == "app" }?.value == "0oa2web")
  }

  // A label that ends in a tab is another app than the one without it: given in full, it names
  // its own app, never the other one.
  @Test func aNameEndingInATabIsNotTakenForTheNameWithoutIt() throws {
    let model = try Fixtures.exampleModel(edits: [
      JSONPointer.root / "apps" / 0 / "label": "Acme Mobile\t",
      JSONPointer.root / "apps" / 1 / "label": "Acme Mobile",
    ])
    func chosenApp(_ given: String) throws -> String? {
      let record = try engine(
        self.given([
          "operator": "ada@acme.example", "org-setting": "enable", "server": "api",
          "app": given, "app-grant": "no",
        ])
      ).run(on: model)
      return record.answers.first { $0.key == "app" }?.value
    }
    #expect(try chosenApp("Acme Mobile\t") == "0oa1mob")
    #expect(try chosenApp("Acme Mobile") == "0oa2web")
  }

  // developer.okta.com "Interaction Code grant type": on Identity Engine the Org Authorization
  // Server offers the grant once the org setting is on; it has no access policies.
  @Test func oktaOrgAuthorizationServerSkipsPolicyAndRule() throws {
    let prompter = ScriptedPrompter([
      .answer("operator", "ada"), .answer("org-setting", "enable"),
      .answer("server", "org-authorization-server"), .answer("app", "Acme Mobile"),
      .answer("app-grant", "y"),
    ])
    let model = try Fixtures.exampleModel()
    let record = try engine(prompter).run(on: model)
    #expect(prompter.failures.isEmpty, "\(prompter.failures)")
    #expect(prompter.leftOver.isEmpty)
    #expect(!prompter.asked.contains { $0.key == "policy" || $0.key == "rule" })
    let final = record.finalState.model
    #expect(final.interactionCodeEnabled)
    #expect(final.app(id: "0oa1mob")?.lists(Grants.interactionCode) == true)
    // No rule of any custom server changed.
    #expect(final.servers.map(\.policies) == model.servers.map(\.policies))
    #expect(record.effects.contains(.chosen(model.orgServerRef)))
    let summary = RunSummary(record: record, metadata: SummaryTests.metadata)
    #expect(summary.simulation?.allowed == true)
    #expect(summary.simulation?.serverID == "org-authorization-server")
    let markdown = SummaryRenderer.markdown(summary)
    #expect(markdown.contains("The Org Authorization Server was chosen in this run."))
    #expect(markdown.contains("by the Org Authorization Server (it has no policy or rule"))
    #expect(markdown.hasPrefix("# Enable the Interaction Code grant for Acme Mobile on the Org"))
    // The Org Authorization Server has no place under Security > API: no step sends the admin
    // there.
    #expect(!markdown.contains("Security > API > Authorization Servers"), "\(markdown)")
  }

  // A policy or rule given for a run that does not use one is said to be unused.
  @Test func aPolicyGivenForTheOrgServerIsSaidToBeUnused() throws {
    let output = ScriptedPrompter([])
    let prompter = AnswersFilePrompter(
      answers: [
        "operator": "ada@acme.example", "org-setting": "enable",
        "server": "org-authorization-server", "app": "none", "policy": "Default Policy",
      ], fallback: output)
    _ = try engine(prompter).run(on: Fixtures.exampleModel())
    #expect(
      output.transcript.contains {
        $0.contains("Note: policy=Default Policy is not used") && $0.contains("does not ask")
      }, "\(output.transcript)")
  }

  @Test func theOrgAuthorizationServerIsNamedByItsIssuerURL() throws {
    for text in ["https://acme.okta.com", "https://acme.okta.com/", "HTTPS://ACME.OKTA.COM"] {
      let record = try engine(
        given([
          "operator": "ada@acme.example", "org-setting": "enable", "server": text,
          "app": "none",
        ])
      ).run(on: Fixtures.exampleModel())
      #expect(record.answers.first { $0.key == "server" }?.value == "org-authorization-server")
    }
  }

  // cli.md: "An org with no custom server offers only this choice" (it used to end the
  // procedure at the server step, so the app never got the grant).
  @Test func anOrgWithNoCustomServerDoesNotDeadEndAtTheServerQuestion() throws {
    let model = try Fixtures.exampleModel(edits: [JSONPointer.root / "authorizationServers": []])
    let record = try engine(
      given([
        "operator": "ada@acme.example", "org-setting": "enable", "app": "Acme Mobile",
        "app-grant": "yes",
      ])
    ).run(on: model)
    #expect(record.answers.first { $0.key == "server" }?.value == "org-authorization-server")
    #expect(record.finalState.model.app(id: "0oa1mob")?.lists(Grants.interactionCode) == true)
    // At a terminal it is the only choice, and the default.
    let prompter = ScriptedPrompter([
      .answer("operator", "ada"), .answer("org-setting", "enable"), .answer("server", ""),
      .answer("app", "none"),
    ])
    _ = try engine(prompter).run(on: model)
    #expect(prompter.failures.isEmpty, "\(prompter.failures)")
    let question = try #require(prompter.asked.first { $0.key == "server" })
    #expect(question.choices.map(\.value) == ["org-authorization-server"])
    #expect(question.defaultValue == "org-authorization-server")
  }

  @Test func theChecklistMarksServerAndPolicyStepsNotNeededForTheOrgServer() throws {
    // The setting is still off: a checklist is usually printed before anything is done.
    let model = try Fixtures.exampleModel()
    let state = try PreviewState.resolve(
      procedure: Fixtures.procedure(), model: model,
      answers: ["server": "org-authorization-server", "app": "Acme Mobile"])
    let entries = ChecklistRenderer.entries(procedure: try Fixtures.procedure(), state: state)
    let byKind = Dictionary(uniqueKeysWithValues: entries.map { ($0.step.kind, $0) })
    #expect(byKind["choose-server"]?.notNeeded != nil)
    #expect(byKind["select-policy-rule"]?.notNeeded?.contains("no access policies") == true)
    #expect(byKind["select-policy-rule"]?.ticked.contains(true) == false)
    // The app still needs its grant.
    #expect(byKind["app-grant"]?.done == false)
    #expect(byKind["app-grant"]?.notNeeded == nil)
    let text = ChecklistRenderer.markdown(
      procedure: try Fixtures.procedure(), state: state, source: "org.json")
    #expect(text.contains("Not needed: the Org Authorization Server has no access policies"))
    // No path or box sends the admin to a server page that does not exist.
    #expect(!text.contains("Access Policies"), "\(text)")
    #expect(!text.contains("pencil icon next to the Org"), "\(text)")
    #expect(byKind["select-policy-rule"]?.console == "")
  }

  @Test func theWizardTitlesTheAppStepForWhatItDoesWithTheOrgServer() throws {
    let prompter = ScriptedPrompter([
      .answer("operator", "ada"), .answer("org-setting", "enable"),
      .answer("server", "org-authorization-server"), .answer("app", "none"),
    ])
    let record = try engine(prompter).run(on: Fixtures.exampleModel())
    #expect(prompter.transcript.contains("Step 4 of 5: Select the app"), "\(prompter.transcript)")
    let summary = RunSummary(record: record, metadata: SummaryTests.metadata)
    #expect(summary.performed.map(\.heading).contains("Select the app"))
  }

  // The Org Authorization Server issues OpenID Connect and okta.* scopes only, and only okta.*
  // scopes with client_credentials (developer.okta.com, "Authorization servers").
  @Test func oktaOrgServerRefusesCustomScopes() throws {
    let model = try Fixtures.exampleModel(edits: [
      Self.setting: true, Self.mobileGrants: ["authorization_code", "interaction_code"],
    ])
    let mobile = try #require(model.app(id: "0oa1mob"))
    func outcome(_ app: OrgApp, _ grant: String, _ scopes: [String]) -> TokenOutcome {
      TokenEvaluator.explainOrgServer(
        app: app,
        request: TokenRequest(
          appID: app.id, serverID: "org-authorization-server", grant: grant, scopes: scopes),
        in: model
      ).outcome
    }
    #expect(outcome(mobile, "interaction_code", ["openid", "profile"]).isAllowed)
    #expect(
      outcome(mobile, "interaction_code", ["openid", "api:read"]).errorCode == "invalid_scope")
    let reports = try #require(model.app(id: "0oa3rpt"))
    #expect(outcome(reports, "client_credentials", ["okta.users.read"]).isAllowed)
    #expect(outcome(reports, "client_credentials", ["api:read"]).errorCode == "invalid_scope")
  }

  @Test func aRefusedAppNamedByItsClientIDSaysWhichAppThatIs() throws {
    let model = try Fixtures.exampleModel(edits: [
      JSONPointer.root / "apps" / 2 / "credentials" / "oauthClient" / "client_id": "Acme Mobile"
    ])
    do {
      _ = try engine(
        given([
          "operator": "ada@acme.example", "org-setting": "enable", "server": "api",
          "app": "Acme Mobile",
        ])
      ).run(on: model)
      Issue.record("the service app's client id was taken")
    } catch let stop as StepStop {
      #expect(
        stop.message.contains(
          "\"Acme Mobile\" names \"Acme Reports (service)\" (0oa3rpt), which cannot be chosen"),
        "\(stop.message)")
    }
  }

  // A service app asking for interaction_code is refused before any policy is tried.
  @Test func oktaServiceAppIsUnauthorizedForTheInteractionCodeGrant() throws {
    let model = try Fixtures.exampleModel(edits: [
      Self.setting: true, Self.reportsGrants: ["client_credentials", "interaction_code"],
    ])
    let app = try #require(model.app(id: "0oa3rpt"))
    let evaluation = TokenEvaluator.explainOrgServer(
      app: app,
      request: TokenRequest(
        appID: app.id, serverID: "org-authorization-server", grant: "interaction_code"),
      in: model)
    #expect(evaluation.outcome.errorCode == "unauthorized_client")
    #expect(evaluation.outcome.explanation.contains("only for native, single-page"))
    // And check reports the app as an error.
    let report = ValidationRegistry.validate(model)
    let findings = report.errors.filter { $0.ruleID == "grant-app-type" }
    #expect(findings.map(\.pointer) == [Self.reportsGrants / 1])
    // Not also "works only with the Org Authorization Server": it works nowhere.
    #expect(!report.warnings.contains { $0.ruleID == "grant-usable" }, "\(report.warnings)")
  }
}
