import OrgWizJSON
import OrgWizTestSupport
import Testing

@testable import OrgWizCore

/// A scope the `rule-scope` step adds reaches `apply`'s plan and body and `export`'s Terraform,
/// when the pull record holds the rule's scopes; a record from before pull kept them plans no
/// scope change and says so.
@Suite struct RuleScopePlanTests {
  /// The example org as if pulled: a record of every rule (with its scopes, or without) and app.
  static func pulled(withScopes: Bool) throws -> OrgModel {
    let model = try Fixtures.exampleModel()
    let rules = model.allRules.map { entry in
      PullRecord.Object(
        kind: .rule, id: entry.rule.id, serverID: entry.server.id, policyID: entry.policy.id,
        lastUpdated: "2026-02-01T08:10:00.000Z", grantTypes: entry.rule.grantTypes,
        scopes: withScopes ? entry.rule.scopes : nil)
    }
    let apps = model.apps.filter(\.isOIDC).map { app in
      PullRecord.Object(
        kind: .app, id: app.id, lastUpdated: "2026-02-01T08:10:00.000Z",
        grantTypes: app.grantTypes)
    }
    var document = model.document
    document.set(
      PullRecord(
        orgURL: "https://acme.okta.com", pulledAt: "2026-11-24T00:00:00.000Z",
        toolVersion: "test", setting: false, settingSource: .flag, objects: rules + apps
      ).json, at: PullRecord.pointer)
    return try OrgModel(document: document)
  }

  /// The model after the client-credentials procedure's example run.
  static func afterRun(_ model: OrgModel) throws -> OrgModel {
    let procedure = try Fixtures.procedure(at: Fixtures.contentDirectory + "/client-credentials.md")
    let engine = WizardEngine(
      procedure: procedure,
      prompter: AnswersFilePrompter(answers: procedure.exampleAnswers, fallback: nil),
      options: WizardOptions(assumeYes: true, now: Fixtures.now))
    return try engine.run(on: model).finalState.model
  }

  @Test func theScopeIsPlannedSentAndExported() throws {
    let before = try Self.pulled(withScopes: true)
    let model = try Self.afterRun(before)
    let plan = try #require(ApplyPlan.make(model))
    #expect(plan.items.count == 1)
    let item = try #require(plan.items.first)
    #expect(item.added == ["client_credentials"])
    #expect(item.scopesAdded == ["stock:read"] && item.scopesRemoved.isEmpty)
    #expect(plan.scopesUnrecorded.isEmpty)
    #expect(
      item.sentence == "Add client_credentials to \(item.ref.phrase) and add scope stock:read to it"
    )
    // The body is built from the rule as Okta has it: its scopes with the one added.
    let live = try #require(before.document[item.ref.pointer])
    let body = ApplyPlan.body(for: item, live: live).body
    #expect(
      body[JSONPointer.root / "conditions" / "scopes" / "include"] == ["openid", "stock:read"])
    #expect(
      body[JSONPointer.root / "conditions" / "grantTypes" / "include"] == [
        "authorization_code", "client_credentials",
      ])
    // export: the same body, and Terraform's scope_whitelist with the scope.
    let export = try #require(ExportPlan.make(model))
    #expect(export.entries.map(\.body) == [body])
    let main = try #require(
      TerraformExport.files(export, modelName: "org.json", version: "test").first {
        $0.name == "main.tf"
      })
    #expect(main.text.contains("scope_whitelist"))
    #expect(main.text.contains("\"stock:read\""))
    // After apply the record holds the new scopes: a second plan is empty.
    let record = ApplyPlan.record(plan.record, applied: [(item, body)])
    var applied = model.document
    applied.set(record.json, at: PullRecord.pointer)
    #expect(try ApplyPlan.make(OrgModel(document: applied))?.items.isEmpty == true)
  }

  @Test func aRecordWithoutScopesPlansOnlyTheGrantAndSaysSo() throws {
    let before = try Self.pulled(withScopes: false)
    let model = try Self.afterRun(before)
    let plan = try #require(ApplyPlan.make(model))
    let item = try #require(plan.items.first)
    #expect(item.added == ["client_credentials"])
    #expect(item.scopesAdded.isEmpty && !item.changesScopes)
    #expect(plan.scopesUnrecorded.map(\.ref) == [item.ref])
    let live = try #require(before.document[item.ref.pointer])
    let body = ApplyPlan.body(for: item, live: live).body
    // The body keeps the live rule's scopes as they are: no scope change is sent.
    #expect(body[JSONPointer.root / "conditions" / "scopes" / "include"] == ["openid"])
  }
  /// A scope name Okta holds (or a planted model) with Markdown, shell and terminal syntax in it
  /// stays inert in every file export writes: no raw control character (a reviewer's `cat`
  /// would act on it), no code span it closes or link it starts in a README.
  @Test func aHostileScopeNameStaysInertInEveryExportedFile() throws {
    let evil = "st`ock](http://evil.example) \"; $(touch /tmp/pwn)\n# x\u{1B}[2A\u{1B}[2K}|"
    var document = try Self.afterRun(Self.pulled(withScopes: true)).document
    let scopes =
      JSONPointer.root / "authorizationServers" / 2 / "policies" / 0 / "rules" / 0
      / "conditions" / "scopes" / "include"
    document.set(.strings(["openid", evil]), at: scopes)
    let export = try #require(ExportPlan.make(OrgModel(document: document)))
    #expect(export.entries.first?.item.scopesAdded == [evil])
    // apply's review and record say the plan in one line per object.
    #expect(export.entries.first?.item.sentence.contains("\n") == false)
    let requests = RequestExport.files(export, modelName: "org.json", version: "test")
    let terraform = TerraformExport.files(export, modelName: "org.json", version: "test")
    for file in requests + terraform {
      #expect(!file.text.unicodeScalars.contains("\u{1B}"), "\(file.name) holds a raw ESC")
    }
    let readmes = [requests, terraform].compactMap { $0.first { $0.name == "README.md" }?.text }
    #expect(readmes.count == 2)
    for readme in readmes {
      // The sentence is escaped Markdown; each scope a code span fenced longer than its backtick.
      #expect(readme.contains("st\\`ock\\](http://evil.example)"))
      #expect(readme.contains("``st`ock](http://evil.example)"))
      #expect(!readme.contains(", `st`ock"), "a scope closes its code span")
      #expect(!readme.contains(" `[\"openid\""), "a scope closes its code span")
    }
    // send.sh keeps the scope in one comment line, its controls visible.
    let send = try #require(requests.first { $0.name == "send.sh" }?.text)
    #expect(send.contains("^[[2A^[[2K"))
  }
}
