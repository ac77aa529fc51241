import Foundation
import OrgWizCore
import OrgWizJSON
import OrgWizTestSupport
import Testing

/// `orgwiz export`'s renderers: the HCL escaper, resource names, the Terraform files (parsed
/// back by python-hcl2 through tools/hcl-check, and checked by `terraform fmt` where Terraform
/// is installed), the request bodies (exactly `apply`'s) and `send.sh`.
struct ExportTests {
  static let hostile = "Mobile ${var.x} %{ if true } \"quoted\" back\\slash\nnew line\ttab $${y}"

  /// The example org as if pulled, then changed by `run`: interaction_code added to the
  /// mobile rule and the mobile app, whose name and label are `name` and `label`.
  static func pulledModel(
    ruleName: String = "Mobile sign-in", appLabel: String = "Acme Mobile", change: Bool = true
  ) throws -> OrgModel {
    let example = try Fixtures.exampleModel()
    var document = example.document
    let entry = try #require(example.allRules.first { $0.rule.id == "0pr2mob" })
    let app = try #require(example.app(id: "0oa1mob"))
    let record = PullRecord(
      orgURL: "https://acme.okta.com", pulledAt: "2026-11-25T01:00:00.000Z",
      toolVersion: "0.1.0", setting: false, settingSource: .flag,
      objects: [
        PullRecord.Object(
          kind: .rule, id: entry.rule.id, serverID: entry.server.id, policyID: entry.policy.id,
          lastUpdated: "2025-03-04T10:00:00.000Z", grantTypes: entry.rule.grantTypes),
        PullRecord.Object(
          kind: .app, id: app.id, lastUpdated: "2025-06-10T08:00:00.000Z",
          grantTypes: app.grantTypes),
      ])
    document.set(record.json, at: PullRecord.pointer)
    document.set(.string(ruleName), at: entry.rule.pointer / "name")
    document.set(.string(appLabel), at: app.pointer / "label")
    document.set(
      .string("https://acme.okta.com/api/v1/policies/rst1mobile"),
      at: app.pointer / "_links" / "accessPolicy" / "href")
    document.set(.null, at: app.pointer / "settings" / "oauthClient" / "logo_uri")
    if change {
      document.set(
        .strings(entry.rule.grantTypes + [Grants.interactionCode.type]),
        at: entry.rule.grantTypesPointer)
      document.set(
        .strings(app.grantTypes + [Grants.interactionCode.type]), at: app.grantTypesPointer)
    }
    return try OrgModel(document: document, source: "org.json")
  }

  @Test func hclStringsAreEscaped() {
    #expect(HCL.quoted("plain") == "\"plain\"")
    #expect(HCL.quoted("a\\b") == "\"a\\\\b\"")
    #expect(HCL.quoted("say \"hi\"") == "\"say \\\"hi\\\"\"")
    #expect(HCL.quoted("one\ntwo\r\tthree") == "\"one\\ntwo\\r\\tthree\"")
    #expect(HCL.quoted("${source.login}") == "\"$${source.login}\"")
    #expect(HCL.quoted("%{ if x }") == "\"%%{ if x }\"")
    #expect(HCL.quoted("$${already}") == "\"$$${already}\"")
    #expect(HCL.quoted("$ alone, % alone, {braces}") == "\"$ alone, % alone, {braces}\"")
    #expect(HCL.quoted("bell\u{07}del\u{7F}") == "\"bell\\u0007del\\u007F\"")
    #expect(HCL.quoted("é ✓") == "\"é ✓\"")
  }

  @Test func resourceNamesAreSlugsWithTheirIdsStableAndUnique() {
    let names = ExportNames.resourceNames([
      (name: "Acme Mobile", id: "0oa1mob"), (name: "${evil} \"x\"\n", id: "0oa2web"),
      (name: "", id: "0pr1def"), (name: "Acme Mobile", id: "0oa1mob"),
    ])
    #expect(
      names == ["acme_mobile_0oa1mob", "evil_x_0oa2web", "r_0pr1def", "acme_mobile_0oa1mob_2"])
    #expect(ExportNames.resourceNames([(name: "Acme Mobile", id: "0oa1mob")]) == [names[0]])
  }

  @Test func aModelNotPulledHasNoExportAndAnUnchangedOneHasNothingToExport() throws {
    #expect(ExportPlan.make(try Fixtures.exampleModel()) == nil)
    let unchanged = try #require(ExportPlan.make(try Self.pulledModel(change: false)))
    #expect(unchanged.entries.isEmpty)
  }

  @Test func theBodiesAreApplysBodiesOfThePulledObjectsInApplysOrder() throws {
    let model = try Self.pulledModel()
    let export = try #require(ExportPlan.make(model))
    let plan = try #require(ApplyPlan.make(model))
    #expect(export.entries.map(\.item) == plan.items)
    let requests = RequestExport.requests(export)
    #expect(requests.map(\.file) == ["01-rule-0pr2mob.json", "02-app-0oa1mob.json"])
    #expect(
      requests.map(\.path) == [
        "/api/v1/authorizationServers/aus1api/policies/00p2mob/rules/0pr2mob",
        "/api/v1/apps/0oa1mob",
      ])
    for entry in export.entries {
      var live = try #require(model.document[entry.item.ref.pointer])
      let pointer =
        entry.item.object.kind == .app
        ? JSONPointer.root / "settings" / "oauthClient" / "grant_types"
        : JSONPointer.root / "conditions" / "grantTypes" / "include"
      live.set(.strings(entry.item.object.grantTypes), at: pointer)
      #expect(entry.body == ApplyPlan.body(for: entry.item, live: live).body)
      #expect(entry.grants.last == Grants.interactionCode.type)
      let text = JSONWriter.string(entry.body)
      for readOnly in ["\"id\"", "\"_links\"", "\"lastUpdated\"", "\"created\"", "null"] {
        #expect(!text.contains(readOnly), "\(entry.item.path) carries \(readOnly)")
      }
    }
    let files = RequestExport.files(export, modelName: "org.json", version: "0.1.0")
    #expect(
      files.map(\.name) == ["01-rule-0pr2mob.json", "02-app-0oa1mob.json", "send.sh", "README.md"])
    #expect(files.filter(\.executable).map(\.name) == ["send.sh"])
    for (file, entry) in zip(files, export.entries) {
      #expect(try JSONParser.parse(Array(file.text.utf8)) == entry.body)
    }
  }

  @Test func sendShReadsTheTokenFromTheEnvironmentAndStopsAtTheFirstFailure() throws {
    let export = try #require(ExportPlan.make(try Self.pulledModel(ruleName: Self.hostile)))
    let script = try #require(
      RequestExport.files(export, modelName: "org.json", version: "0.1.0").first {
        $0.name == "send.sh"
      }
    ).text
    #expect(script.hasPrefix("#!/bin/sh\n"))
    #expect(script.contains("set -eu"))
    #expect(script.contains("--fail-with-body"))
    #expect(script.contains("$OKTA_API_TOKEN"))
    #expect(script.contains("${OKTA_ORG_URL:-}"))
    #expect(script.contains("X-Okta-Request-Id"))
    #expect(script.contains("--config -"), "the token goes to curl on stdin, not argv")
    #expect(
      script.contains(
        "send PUT '/api/v1/authorizationServers/aus1api/policies/00p2mob/rules/0pr2mob' "
          + "'01-rule-0pr2mob.json'"))
    // A hostile name only ever reaches a comment line, on one line.
    for line in script.split(separator: "\n") where line.contains("${var.x}") {
      #expect(line.hasPrefix("# "))
    }
  }

  @Test func theReadmesPutTheOrgSettingFirst() throws {
    let export = try #require(ExportPlan.make(try Self.pulledModel()))
    let readmes = [
      TerraformExport.files(export, modelName: "org.json", version: "0.1.0"),
      RequestExport.files(export, modelName: "org.json", version: "0.1.0"),
    ].compactMap { $0.first { $0.name == "README.md" }?.text }
    #expect(readmes.count == 2)
    for (readme, command) in zip(readmes, ["terraform init", "./send.sh"]) {
      let setting = try #require(
        readme.range(of: "Settings > Account > Embedded widget sign-in support"))
      let first = try #require(readme.range(of: command))
      #expect(setting.lowerBound < first.lowerBound)
    }
    #expect(readmes[0].contains("terraform plan"))
    #expect(readmes[0].contains("terraform apply"))
    #expect(readmes[0].contains("Read the plan"))
    #expect(readmes[0].contains("destroys"))
  }

  @Test func theTerraformCarriesEveryManagedAttributeAndParsesBackToTheExactStrings() throws {
    let model = try Self.pulledModel(ruleName: Self.hostile, appLabel: "App " + Self.hostile)
    let export = try #require(ExportPlan.make(model))
    let files = TerraformExport.files(export, modelName: "org.json", version: "0.1.0")
    #expect(files.map(\.name) == ["versions.tf", "imports.tf", "main.tf", "README.md"])
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    for file in files { _ = try directory.write(file.name, file.text) }
    let versions = files[0].text
    #expect(versions.contains("source  = \"okta/okta\""))
    #expect(versions.contains("version = \"~> 6.12\""))
    #expect(versions.contains("required_version = \">= 1.5\""))

    let parsed = try HCLCheck.parse(directory.path)
    let resources = parsed["resources"]?.arrayValue?.compactMap { pair in
      pair.arrayValue?.compactMap(\.stringValue)
    }
    #expect(
      resources == [
        ["okta_auth_server_policy_rule", "mobile_var_x_if_true_quoted_back_slash_n_0pr2mob"],
        ["okta_app_oauth", "app_mobile_var_x_if_true_quoted_back_sla_0oa1mob"],
      ])
    let imports = parsed["imports"]?.arrayValue?.compactMap {
      $0.arrayValue?.compactMap(\.stringValue)
    }
    #expect(imports?.map { $0.last } == ["aus1api/00p2mob/0pr2mob", "0oa1mob"])
    #expect(imports?.map { $0.first } == resources?.map { $0.joined(separator: ".") })

    let main = try #require(parsed["files"]?["main.tf"]?["resource"]?.arrayValue)
    let rule = try #require(main.first?["okta_auth_server_policy_rule"]?.objectValue?.first?.value)
    #expect(rule["name"]?.stringValue == Self.hostile)
    #expect(rule["auth_server_id"] == "aus1api")
    #expect(rule["policy_id"] == "00p2mob")
    #expect(rule["status"] == "ACTIVE")
    #expect(rule["priority"] == 1)
    #expect(rule["grant_type_whitelist"] == .strings(["authorization_code", "interaction_code"]))
    #expect(rule["group_whitelist"] == .strings(["EVERYONE"]))
    #expect(rule["scope_whitelist"] == .strings(["openid", "profile", "offline_access"]))
    #expect(rule["access_token_lifetime_minutes"] == 30)
    #expect(rule["refresh_token_lifetime_minutes"] == 43200)
    #expect(rule["refresh_token_window_minutes"] == 10080)

    let app = try #require(main.last?["okta_app_oauth"]?.objectValue?.first?.value)
    #expect(app["label"]?.stringValue == "App " + Self.hostile)
    #expect(app["type"] == "native")
    #expect(app["status"] == "ACTIVE")
    #expect(
      app["grant_types"] == .strings(["authorization_code", "refresh_token", "interaction_code"]))
    #expect(app["response_types"] == .strings(["code"]))
    #expect(app["redirect_uris"] == .strings(["com.acme.mobile:/callback"]))
    #expect(app["post_logout_redirect_uris"] == .strings(["com.acme.mobile:/logout"]))
    #expect(app["token_endpoint_auth_method"] == "none")
    #expect(app["authentication_policy"] == "rst1mobile")
    #expect(app["omit_secret"] == true)
    #expect(app["hide_ios"] == true)
    #expect(app["user_name_template"] == "${source.login}", "an Okta expression, not interpolated")
    #expect(app["logo_uri"] == nil, "a null is left out")

    // terraform fmt, where Terraform is installed, checks syntax and layout offline.
    if let terraform = HCLCheck.which("terraform") {
      let fmt = try HCLCheck.run(
        terraform, ["fmt", "-no-color", "-check", "-diff", directory.path])
      #expect(fmt.status == 0, "terraform fmt -check: \(fmt.output)")
    }
  }
}

/// Runs tools/hcl-check/hcl_check.py (python-hcl2) on a directory.
enum HCLCheck {
  static let hint = "run python3 -m pip install -r tools/hcl-check/requirements.txt"

  static func which(_ name: String) -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    return path.split(separator: ":").map { "\($0)/\(name)" }.first {
      FileManager.default.isExecutableFile(atPath: $0)
    }
  }

  static func run(
    _ executable: String, _ arguments: [String]
  ) throws -> (
    status: Int32, output: String, errors: String
  ) {
    let run = try ProcessRunner.run(executable, arguments)
    return (run.status, run.stdout, run.stderr)
  }

  /// The script's JSON for a directory; fails loudly when python-hcl2 is missing.
  static func parse(_ directory: String) throws -> JSONValue {
    let environment = ProcessInfo.processInfo.environment
    let python =
      environment["FAKE_OKTA_PYTHON"].flatMap { $0.isEmpty ? nil : $0 } ?? which("python3")
    guard let python else {
      throw FixtureError("python3 is needed to parse the exported HCL; \(hint)")
    }
    let script = Fixtures.repositoryRoot.appendingPathComponent("tools/hcl-check/hcl_check.py").path
    let result = try run(python, [script, directory])
    if result.status == 3 { throw FixtureError("python-hcl2 is missing: \(hint)") }
    guard result.status == 0 else {
      throw FixtureError("the exported HCL does not parse: \(result.errors)")
    }
    return try JSONParser.parse(Array(result.output.utf8))
  }
}
