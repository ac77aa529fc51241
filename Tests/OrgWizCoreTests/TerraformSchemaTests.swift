import Foundation
import OrgWizCore
import OrgWizJSON
import OrgWizTestSupport
import Testing

/// The provider's own attribute lists, walked against what `export --terraform` writes: every
/// attribute a configuration can set is either written from the live object or listed in
/// `lifecycle { ignore_changes }`, so adopting an object resets nothing (issue 22, point 1).
///
/// Source: okta/terraform-provider-okta v6.12.0 (commit e59c130b), `okta/services/idaas/`:
/// `resource_okta_app_oauth.go` (`resourceAppOAuth`, built with `BuildAppSchema`, which adds
/// `baseAppSchema` and `baseAppSwaSchema` from `app.go`) and
/// `resource_okta_auth_server_policy_rule.go` (`resourceAuthServerPolicyRule`).
struct TerraformSchemaTests {
  static let providerVersion = "6.12.0"

  /// `okta_app_oauth`: attributes a configuration may set.
  static let appSettable: Set<String> = [
    // baseAppSchema (app.go)
    "label", "status", "logo", "admin_note", "enduser_note", "app_links_json",
    "accessibility_login_redirect_url", "accessibility_self_service",
    "accessibility_error_redirect_url",
    // baseAppSwaSchema (app.go)
    "user_name_template", "user_name_template_suffix", "user_name_template_type",
    "user_name_template_push_status",
    // resourceAppOAuth
    "type", "client_id", "omit_secret", "client_basic_secret", "client_basic_secret_wo_version",
    "token_endpoint_auth_method", "auto_key_rotation", "client_uri", "logo_uri", "login_uri",
    "login_mode", "login_scopes", "pkce_required", "redirect_uris", "wildcard_redirect",
    "post_logout_redirect_uris", "participate_slo", "frontchannel_logout_uri",
    "frontchannel_logout_session_required", "response_types", "grant_types", "tos_uri",
    "policy_uri", "consent_method", "issuer_mode", "refresh_token_rotation",
    "refresh_token_leeway", "auto_submit_toolbar", "hide_ios", "hide_web", "profile", "jwks",
    "implicit_assignment", "groups_claim", "app_settings_json", "authentication_policy",
    "jwks_uri", "backchannel_custom_authenticator_id", "preconfigured_app",
    "skip_authentication_policy", "network",
  ]
  /// `okta_app_oauth`: decided by the provider alone (`Computed` only), so never written nor
  /// ignored (Terraform warns that ignoring one has no effect); and `client_basic_secret_wo`,
  /// `WriteOnly`, which is never in state, so there is nothing it could reset.
  static let appNotSettable: Set<String> = [
    "name", "sign_on_mode", "logo_url", "client_secret", "client_basic_secret_wo",
  ]
  /// `okta_auth_server_policy_rule`: attributes a configuration may set.
  static let ruleSettable: Set<String> = [
    "type", "name", "auth_server_id", "policy_id", "status", "priority", "grant_type_whitelist",
    "scope_whitelist", "access_token_lifetime_minutes", "refresh_token_lifetime_minutes",
    "refresh_token_window_minutes", "inline_hook_id", "user_whitelist", "user_blacklist",
    "group_whitelist", "group_blacklist",
  ]
  static let ruleNotSettable: Set<String> = ["system"]

  /// The parsed resources of an export of `model`: (type, body).
  static func resources(_ model: OrgModel) throws -> [(String, JSONValue)] {
    let export = try #require(ExportPlan.make(model))
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    for file in TerraformExport.files(export, modelName: "org.json", version: "0.1.0") {
      _ = try directory.write(file.name, file.text)
    }
    let parsed = try HCLCheck.parse(directory.path)
    let main = try #require(parsed["files"]?["main.tf"]?["resource"]?.arrayValue)
    return main.compactMap { block in
      guard let (type, named) = block.objectValue?.first,
        let body = named.objectValue?.first?.value
      else { return nil }
      return (type, body)
    }
  }

  /// The names in a resource's `lifecycle { ignore_changes = [...] }`, as python-hcl2 shows
  /// the references (`${groups_claim}` or `groups_claim`).
  static func ignored(_ body: JSONValue) -> Set<String> {
    let lifecycle = body["lifecycle"]?.arrayValue?.first ?? body["lifecycle"]
    let list = lifecycle?["ignore_changes"]?.arrayValue ?? []
    return Set(
      list.compactMap(\.stringValue).map { text in
        var name = Substring(text)
        if name.hasPrefix("${") && name.hasSuffix("}") { name = name.dropFirst(2).dropLast() }
        return String(name)
      })
  }

  static func check(
    _ body: JSONValue, settable: Set<String>, notSettable: Set<String>, what: String
  ) {
    let written = Set((body.objectValue?.keys).map(Array.init) ?? []).subtracting(["lifecycle"])
    let ignored = ignored(body)
    for attribute in settable.sorted() {
      #expect(
        written.contains(attribute) || ignored.contains(attribute),
        "\(what): \(attribute) (provider \(providerVersion)) is neither written nor ignored")
    }
    for attribute in notSettable.sorted() {
      #expect(!written.contains(attribute), "\(what): \(attribute) is the provider's to decide")
      #expect(!ignored.contains(attribute), "\(what): ignoring \(attribute) has no effect")
    }
    for attribute in written.union(ignored) {
      #expect(
        settable.contains(attribute),
        "\(what): \(attribute) is not an attribute of provider \(providerVersion)")
    }
  }

  @Test func everyAttributeTheProviderManagesIsWrittenOrIgnored() throws {
    // The example org as pulled, and the same org with every optional app field Okta may
    // leave out removed: both must leave nothing to the provider's defaults.
    let full = try ExportTests.pulledModel()
    var document = full.document
    let app = try #require(full.app(id: "0oa1mob"))
    for path in [
      ["settings", "oauthClient", "consent_method"], ["settings", "oauthClient", "issuer_mode"],
      ["settings", "oauthClient", "wildcard_redirect"],
      ["settings", "oauthClient", "refresh_token"],
      ["settings", "oauthClient", "idp_initiated_login"], ["settings", "notes"],
      ["credentials", "oauthClient", "autoKeyRotation"], ["accessibility"], ["profile"],
    ] {
      _ = document.removeMember(at: path.reduce(app.pointer) { $0 / $1 })
    }
    let sparse = try OrgModel(document: document, source: "org.json")
    for model in [full, sparse] {
      let resources = try Self.resources(model)
      #expect(resources.map(\.0) == ["okta_auth_server_policy_rule", "okta_app_oauth"])
      for (type, body) in resources {
        if type == "okta_app_oauth" {
          Self.check(
            body, settable: Self.appSettable, notSettable: Self.appNotSettable, what: type)
        } else {
          Self.check(
            body, settable: Self.ruleSettable, notSettable: Self.ruleNotSettable, what: type)
        }
      }
    }
  }

  /// The groups claim is read by the provider from an API the model does not hold: with an
  /// API token, import reads it and a configuration without it posts an empty claim
  /// (`flattenGroupsClaim` / `setAppOauthGroupsClaim`). `network` and
  /// `backchannel_custom_authenticator_id` are sent by `buildAppOAuthV6`: written as pulled.
  @Test func theGroupsClaimIsIgnoredAndNetworkAndBackchannelAreCarriedOver() throws {
    let full = try ExportTests.pulledModel()
    var document = full.document
    let app = try #require(full.app(id: "0oa1mob"))
    let client = app.pointer / "settings" / "oauthClient"
    document.set(
      try JSONParser.parse(
        Array(#"{"connection": "ZONE", "include": ["nzo1office"], "exclude": []}"#.utf8)),
      at: client / "network")
    document.set(.string("aut1ciba"), at: client / "backchannel_custom_authenticator_id")
    let resources = try Self.resources(try OrgModel(document: document, source: "org.json"))
    let body = try #require(resources.first { $0.0 == "okta_app_oauth" }?.1)
    #expect(Self.ignored(body).contains("groups_claim"))
    let network = body["network"]?.arrayValue?.first ?? body["network"]
    #expect(network?["connection"] == "ZONE")
    #expect(network?["include"] == .strings(["nzo1office"]))
    #expect(body["backchannel_custom_authenticator_id"] == "aut1ciba")
  }
}
