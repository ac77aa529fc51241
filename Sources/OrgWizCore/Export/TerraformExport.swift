import OrgWizJSON

/// `orgwiz export --terraform`: the plan as configuration for the `okta/okta` provider, to be
/// adopted with `import {}` blocks. Every resource carries the attributes of the object as it
/// was pulled that the provider manages, so that `terraform plan` shows only the grant change.
public enum TerraformExport {
  /// The provider version constraint: the release whose schema the attribute lists below were
  /// read from (terraform-provider-okta v6.12.0); `ignore_changes` may only name attributes the
  /// provider has, and `network` and the others came late in 6.x.
  public static let providerConstraint = "~> 6.12"
  /// The oldest Terraform with `import {}` blocks.
  public static let terraformConstraint = ">= 1.5"

  /// One changed object as Terraform sees it.
  public struct Resource: Sendable, Equatable {
    /// `okta_auth_server_policy_rule` or `okta_app_oauth`.
    public var type: String
    public var name: String
    /// The provider's import id.
    public var importID: String
    public var attributes: [HCL.Item]
    /// Said above the resource (what could not be carried over).
    public var notes: [String]

    public var address: String { type + "." + name }
  }

  /// The resources of a plan, in its order.
  public static func resources(_ plan: ExportPlan) -> [Resource] {
    let names = ExportNames.resourceNames(
      plan.entries.map { entry in
        let name =
          entry.item.object.kind == .app
          ? entry.live["label"]?.stringValue : entry.live["name"]?.stringValue
        return (name ?? entry.item.ref.name, entry.item.object.id)
      })
    return zip(plan.entries, names).map { entry, name in
      switch entry.item.object.kind {
      case .rule: rule(entry, name: name)
      case .app: app(entry, name: name)
      }
    }
  }

  /// The files: `versions.tf`, `imports.tf`, `main.tf` and `README.md`.
  public static func files(_ plan: ExportPlan, modelName: String, version: String) -> [ExportFile] {
    let resources = resources(plan)
    var imports: [HCL.Item] = [
      .comment(
        "Adopt the objects the change touches into Terraform's state (Terraform >= 1.5)."),
      .blank,
    ]
    var main: [HCL.Item] = [
      .comment(
        "The objects as they were pulled from \(plan.record.orgURL) at \(plan.record.pulledAt),\n"
          + "with only the grant change orgwiz planned. Exported by orgwiz \(version)."),
      .blank,
    ]
    for (index, resource) in resources.enumerated() {
      if index > 0 {
        imports.append(.blank)
        main.append(.blank)
      }
      imports.append(
        .block(
          "import", [],
          [
            .attribute("to", .expression(resource.address)),
            .attribute("id", .string(resource.importID)),
          ]
        ))
      for note in resource.notes { main.append(.comment(note)) }
      main.append(.block("resource", [resource.type, resource.name], resource.attributes))
    }
    return [
      ExportFile(name: "versions.tf", text: versions(orgURL: plan.record.orgURL)),
      ExportFile(name: "imports.tf", text: HCL.render(imports)),
      ExportFile(name: "main.tf", text: HCL.render(main)),
      ExportFile(
        name: "README.md",
        text: ExportReadme.terraform(
          plan, resources: resources, modelName: modelName, version: version)),
    ]
  }

  /// `versions.tf`: Terraform and the provider pinned, and the provider told which org.
  static func versions(orgURL: String) -> String {
    var text = """
      terraform {
        required_version = "\(terraformConstraint)"
        required_providers {
          okta = {
            source  = "okta/okta"
            version = "\(providerConstraint)"
          }
        }
      }


      """
    let host = orgURL.split(separator: "/").dropFirst().first.map(String.init) ?? ""
    let labels = host.split(separator: ".").map(String.init)
    text += "# The credentials come from the environment (OKTA_API_TOKEN), never from a file.\n"
    if labels.count >= 3, !host.contains(":") {
      text += HCL.render([
        .block(
          "provider", ["okta"],
          [
            .attribute("org_name", .string(labels[0])),
            .attribute("base_url", .string(labels.dropFirst().joined(separator: "."))),
          ])
      ])
    } else {
      text += "# Set OKTA_ORG_NAME and OKTA_BASE_URL for the org \(HCL.quoted(orgURL)).\n"
      text += "provider \"okta\" {}\n"
    }
    return text
  }

  // MARK: - Attributes

  static func rule(_ entry: ExportPlan.Entry, name: String) -> Resource {
    let live = entry.live
    let object = entry.item.object
    var items: [HCL.Item] = [
      .attribute("auth_server_id", .string(object.serverID ?? "")),
      .attribute("policy_id", .string(object.policyID ?? "")),
    ]
    items += string("name", live, "name")
    items += string("type", live, "type")
    items += string("status", live, "status")
    items += number("priority", live, "priority")
    items.append(.attribute("grant_type_whitelist", .list(entry.grants.map(HCL.Value.string))))
    // The scopes after the change, as apply would send them.
    items += strings("scope_whitelist", entry.body, "conditions", "scopes", "include")
    items += strings("group_whitelist", live, "conditions", "people", "groups", "include")
    items += strings("group_blacklist", live, "conditions", "people", "groups", "exclude")
    items += strings("user_whitelist", live, "conditions", "people", "users", "include")
    items += strings("user_blacklist", live, "conditions", "people", "users", "exclude")
    items += number(
      "access_token_lifetime_minutes", live, "actions", "token", "accessTokenLifetimeMinutes")
    items += number(
      "refresh_token_lifetime_minutes", live, "actions", "token", "refreshTokenLifetimeMinutes")
    items += number(
      "refresh_token_window_minutes", live, "actions", "token", "refreshTokenWindowMinutes")
    items += string("inline_hook_id", live, "actions", "token", "inlineHook", "id")
    items += lifecycle(items, settable: ruleSettable)
    return Resource(
      type: "okta_auth_server_policy_rule", name: name,
      importID: "\(object.serverID ?? "")/\(object.policyID ?? "")/\(object.id)",
      attributes: items, notes: ["\(entry.item.sentence)."])
  }

  static func app(_ entry: ExportPlan.Entry, name: String) -> Resource {
    let live = entry.live
    var items: [HCL.Item] = []
    var notes = ["\(entry.item.sentence)."]
    items += string("label", live, "label")
    items += string("type", live, "settings", "oauthClient", "application_type")
    items += string("status", live, "status")
    items.append(.attribute("grant_types", .list(entry.grants.map(HCL.Value.string))))
    items += strings("response_types", live, "settings", "oauthClient", "response_types")
    items += strings("redirect_uris", live, "settings", "oauthClient", "redirect_uris")
    items += strings(
      "post_logout_redirect_uris", live, "settings", "oauthClient", "post_logout_redirect_uris")
    items += string(
      "token_endpoint_auth_method", live, "credentials", "oauthClient", "token_endpoint_auth_method"
    )
    items += bool("pkce_required", live, "credentials", "oauthClient", "pkce_required")
    items += bool("auto_key_rotation", live, "credentials", "oauthClient", "autoKeyRotation")
    if let policy = accessPolicy(live) {
      items.append(.attribute("authentication_policy", .string(policy)))
    } else {
      notes.append(
        "The pulled app has no _links.accessPolicy: authentication_policy is left to the "
          + "provider, which reads it from Okta; check the plan does not change it.")
    }
    items.append(.attribute("omit_secret", .bool(true)))
    items += string("consent_method", live, "settings", "oauthClient", "consent_method")
    items += string("issuer_mode", live, "settings", "oauthClient", "issuer_mode")
    items += string("wildcard_redirect", live, "settings", "oauthClient", "wildcard_redirect")
    items += string("client_uri", live, "settings", "oauthClient", "client_uri")
    items += string("logo_uri", live, "settings", "oauthClient", "logo_uri")
    items += string("tos_uri", live, "settings", "oauthClient", "tos_uri")
    items += string("policy_uri", live, "settings", "oauthClient", "policy_uri")
    items += string("login_uri", live, "settings", "oauthClient", "initiate_login_uri")
    items += string("jwks_uri", live, "settings", "oauthClient", "jwks_uri")
    items += string("login_mode", live, "settings", "oauthClient", "idp_initiated_login", "mode")
    items += strings(
      "login_scopes", live, "settings", "oauthClient", "idp_initiated_login", "default_scope")
    items += string(
      "refresh_token_rotation", live, "settings", "oauthClient", "refresh_token", "rotation_type")
    items += number(
      "refresh_token_leeway", live, "settings", "oauthClient", "refresh_token", "leeway")
    items += bool("participate_slo", live, "settings", "oauthClient", "participate_slo")
    items += string(
      "frontchannel_logout_uri", live, "settings", "oauthClient", "frontchannel_logout_uri")
    items += bool(
      "frontchannel_logout_session_required", live, "settings", "oauthClient",
      "frontchannel_logout_session_required")
    items += bool("implicit_assignment", live, "settings", "implicitAssignment")
    items += string("admin_note", live, "settings", "notes", "admin")
    items += string("enduser_note", live, "settings", "notes", "enduser")
    // The provider reads these three on every refresh (false when Okta leaves them out).
    items.append(
      .attribute(
        "auto_submit_toolbar",
        .bool(value(live, "visibility", "autoSubmitToolbar")?.boolValue ?? false)))
    items.append(
      .attribute("hide_ios", .bool(value(live, "visibility", "hide", "iOS")?.boolValue ?? false)))
    items.append(
      .attribute("hide_web", .bool(value(live, "visibility", "hide", "web")?.boolValue ?? false)))
    items += bool("accessibility_self_service", live, "accessibility", "selfService")
    items += string("accessibility_error_redirect_url", live, "accessibility", "errorRedirectUrl")
    items += string("accessibility_login_redirect_url", live, "accessibility", "loginRedirectUrl")
    items += string("client_id", live, "credentials", "oauthClient", "client_id")
    items += string(
      "backchannel_custom_authenticator_id", live, "settings", "oauthClient",
      "backchannel_custom_authenticator_id")
    if let links = value(live, "visibility", "appLinks"), links.objectValue != nil {
      items.append(
        .attribute("app_links_json", .string(JSONWriter.string(links, style: .compact))))
    }
    items += string("user_name_template", live, "credentials", "userNameTemplate", "template")
    items += string("user_name_template_type", live, "credentials", "userNameTemplate", "type")
    items += string(
      "user_name_template_suffix", live, "credentials", "userNameTemplate", "userSuffix")
    items += string(
      "user_name_template_push_status", live, "credentials", "userNameTemplate", "pushStatus")
    if let profile = value(live, "profile"), profile.objectValue != nil {
      items.append(.attribute("profile", .string(JSONWriter.string(profile, style: .compact))))
    }
    let keys = value(live, "settings", "oauthClient", "jwks", "keys")?.arrayValue ?? []
    for key in keys {
      var block: [HCL.Item] = []
      for member in ["kid", "kty", "e", "n", "x", "y"] {
        if let text = key[member]?.stringValue { block.append(.attribute(member, .string(text))) }
      }
      items.append(.block("jwks", [], block))
    }
    if let network = value(live, "settings", "oauthClient", "network"),
      let connection = network["connection"]?.stringValue
    {
      var block: [HCL.Item] = [.attribute("connection", .string(connection))]
      block += strings("include", network, "include")
      block += strings("exclude", network, "exclude")
      items.append(.block("network", [], block))
    }
    items += lifecycle(items, settable: appSettable)
    return Resource(
      type: "okta_app_oauth", name: name, importID: entry.item.object.id, attributes: items,
      notes: notes)
  }

  // MARK: - What is not written

  /// The attributes of `okta_auth_server_policy_rule` a configuration may set, as
  /// terraform-provider-okta v6.12.0 declares them (`resource_okta_auth_server_policy_rule.go`,
  /// `resourceAuthServerPolicyRule`; `system` is the provider's alone).
  static let ruleSettable = [
    "type", "name", "auth_server_id", "policy_id", "status", "priority", "grant_type_whitelist",
    "scope_whitelist", "access_token_lifetime_minutes", "refresh_token_lifetime_minutes",
    "refresh_token_window_minutes", "inline_hook_id", "user_whitelist", "user_blacklist",
    "group_whitelist", "group_blacklist",
  ]

  /// The attributes of `okta_app_oauth` a configuration may set, as terraform-provider-okta
  /// v6.12.0 declares them (`resource_okta_app_oauth.go`, `resourceAppOAuth` with `app.go`'s
  /// `baseAppSchema` and `baseAppSwaSchema`). Left out: what the provider alone decides
  /// (`name`, `sign_on_mode`, `logo_url`, `client_secret`) and the write-only
  /// `client_basic_secret_wo`, which is never in state.
  static let appSettable = [
    "label", "status", "logo", "admin_note", "enduser_note", "app_links_json",
    "accessibility_login_redirect_url", "accessibility_self_service",
    "accessibility_error_redirect_url", "user_name_template", "user_name_template_suffix",
    "user_name_template_type", "user_name_template_push_status", "type", "client_id",
    "omit_secret", "client_basic_secret", "client_basic_secret_wo_version",
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

  /// `lifecycle { ignore_changes }` for every settable attribute not written: what Okta has
  /// for it stays as it is. That covers what the model cannot hold (`groups_claim`, read by
  /// the provider from an API outside the published one, which a configuration without it
  /// would post empty: `flattenGroupsClaim` / `setAppOauthGroupsClaim`; `app_settings_json`;
  /// `logo`, a local file), secrets orgwiz never writes, `skip_authentication_policy` (import
  /// never sets it), and any field the pulled object leaves out, whose provider default
  /// would otherwise be sent (`consent_method`, `issuer_mode`, `wildcard_redirect`,
  /// `refresh_token_rotation`, ...).
  static func lifecycle(_ items: [HCL.Item], settable: [String]) -> [HCL.Item] {
    var written: Set<String> = []
    for item in items {
      switch item {
      case .attribute(let name, _), .block(let name, _, _): written.insert(name)
      case .comment, .blank: break
      }
    }
    let ignored = settable.filter { !written.contains($0) }
    guard !ignored.isEmpty else { return [] }
    return [
      .block(
        "lifecycle", [],
        [.attribute("ignore_changes", .list(ignored.map(HCL.Value.expression)))])
    ]
  }

  /// The app's authentication policy: the last segment of `_links.accessPolicy.href`.
  static func accessPolicy(_ app: JSONValue) -> String? {
    guard let href = value(app, "_links", "accessPolicy", "href")?.stringValue,
      let last = href.split(separator: "/").last, !last.isEmpty
    else { return nil }
    return String(last)
  }

  static func value(_ object: JSONValue, _ path: String...) -> JSONValue? {
    var current: JSONValue? = object
    for key in path { current = current?[key] }
    if current?.isNull == true { return nil }
    return current
  }

  static func value(_ object: JSONValue, path: [String]) -> JSONValue? {
    var current: JSONValue? = object
    for key in path { current = current?[key] }
    if current?.isNull == true { return nil }
    return current
  }

  static func string(_ name: String, _ object: JSONValue, _ path: String...) -> [HCL.Item] {
    guard let text = value(object, path: path)?.stringValue else { return [] }
    return [.attribute(name, .string(text))]
  }

  static func number(_ name: String, _ object: JSONValue, _ path: String...) -> [HCL.Item] {
    guard let number = value(object, path: path)?.numberValue else { return [] }
    return [.attribute(name, .number(number.literal))]
  }

  static func bool(_ name: String, _ object: JSONValue, _ path: String...) -> [HCL.Item] {
    guard let flag = value(object, path: path)?.boolValue else { return [] }
    return [.attribute(name, .bool(flag))]
  }

  /// A list of strings; an empty list is left out (the provider reads it as no set).
  static func strings(_ name: String, _ object: JSONValue, _ path: String...) -> [HCL.Item] {
    guard let items = value(object, path: path)?.arrayValue else { return [] }
    let texts = items.compactMap(\.stringValue)
    guard !texts.isEmpty else { return [] }
    return [.attribute(name, .list(texts.map(HCL.Value.string)))]
  }
}
