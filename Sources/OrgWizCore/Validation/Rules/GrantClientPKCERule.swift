import OrgWizJSON

/// The Interaction Code grant's type, in examples.
private let ic = Grants.interactionCode.type

/// A public client with the grant requires PKCE.
struct GrantClientPKCERule: ValidationRule {
  static let descriptor = RuleDescriptor(
    id: "grant-client-pkce", severity: .warning,
    title: "Public clients with the grant require PKCE",
    rationale:
      "Some grants' flows always send a PKCE code challenge when they start and the code verifier "
      + "when they redeem the code (from the facts table: "
      + Grants.all.filter(\.alwaysPKCE).map(\.type).joined(separator: ", ")
      + "; developer.okta.com, Interaction Code grant type). A "
      + "public client (token_endpoint_auth_method none: a native or single-page app) has no "
      + "secret, so PKCE is all that ties the code to it. Okta's Management API says so too: "
      + "when token_endpoint_auth_method is none, pkce_required must be true, so Okta refuses to "
      + "save such an app. A single-page (browser) app is always a public client, whether or "
      + "not the model records its method.",
    examples: [
      .passes(
        "Acme Mobile lists \(ic) and does not turn PKCE off",
        edits: [ExampleOrg.mobileGrants: ["authorization_code", .string(ic)]]),
      .passes(
        "Acme Mobile has pkce_required false but does not list \(ic)",
        edits: [ExampleOrg.mobileApp / "credentials" / "oauthClient" / "pkce_required": false]),
      .fails(
        "Acme Mobile lists \(ic) with pkce_required false",
        edits: [
          ExampleOrg.mobileGrants: ["authorization_code", .string(ic)],
          ExampleOrg.mobileApp / "credentials" / "oauthClient" / "pkce_required": false,
        ],
        at: ExampleOrg.mobileApp / "credentials" / "oauthClient" / "pkce_required"),
    ])

  /// What the check reads (through the typed views); see ``ValidationRule/reads``.
  static let reads: [ModelRead]? = [
    "/apps/*/settings/oauthClient/grant_types", "/apps/*/settings/oauthClient/application_type",
    "/apps/*/credentials/oauthClient/token_endpoint_auth_method",
    "/apps/*/credentials/oauthClient/pkce_required", "/apps/*/signOnMode", "/apps/*/label",
  ]

  func check(_ model: OrgModel) -> [Finding] {
    Grants.all.filter(\.alwaysPKCE).flatMap { grant in
      model.appIndices(listing: grant, oidcOnly: true).compactMap { index -> Finding? in
        let app = model.apps[index]
        guard app.isPublicClient, app.pkceRequired == false else { return nil }
        return finding(
          app.clientCredentialsPointer / "pkce_required",
          "app \"\(app.label)\" is a public client that lists \(grant.type) but has "
            + "pkce_required false, which Okta does not accept for a client with no secret; the "
            + "flow always uses PKCE, so set pkce_required to true")
      }
    }
  }
}
