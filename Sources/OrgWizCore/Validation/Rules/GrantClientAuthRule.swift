import OrgWizJSON

/// The Interaction Code grant's type, in examples.
private let ic = Grants.interactionCode.type

/// A web app with the grant authenticates as a confidential client.
struct GrantClientAuthRule: ValidationRule {
  static let descriptor = RuleDescriptor(
    id: "grant-client-auth", severity: .warning,
    title: "Confidential clients of the grant authenticate with a secret or a key",
    rationale:
      "Some app types are confidential clients of a grant: in Okta's flow for it they send their "
      + "client secret (or a signed key assertion) with their requests to the token endpoint "
      + "(and, for Interaction Code, the interact endpoint; developer.okta.com, each grant's "
      + "guide). Such an app whose token_endpoint_auth_method is none has no secret to send, so "
      + "its settings contradict the flow it is being given. From the facts table: "
      + Grants.all.filter { !$0.confidentialAppTypes.isEmpty }.map {
        "\($0.type): \(Phrase.list($0.confidentialAppTypes)) apps"
      }.joined(separator: "; ") + ".",
    examples: [
      .passes(
        "Acme Web lists \(ic) and authenticates with client_secret_basic",
        edits: [ExampleOrg.webGrants: ["authorization_code", .string(ic)]]),
      .passes(
        "Acme Mobile, a native public client, lists \(ic) with no secret",
        edits: [ExampleOrg.mobileGrants: ["authorization_code", .string(ic)]]),
      .fails(
        "Acme Web lists \(ic) with token_endpoint_auth_method none",
        edits: [
          ExampleOrg.webGrants: ["authorization_code", .string(ic)],
          ExampleOrg.webApp / "credentials" / "oauthClient" / "token_endpoint_auth_method":
            "none",
        ],
        at: ExampleOrg.webApp / "credentials" / "oauthClient" / "token_endpoint_auth_method"),
    ])

  /// What the check reads (through the typed views); see ``ValidationRule/reads``.
  static let reads: [ModelRead]? = [
    "/apps/*/settings/oauthClient/grant_types", "/apps/*/settings/oauthClient/application_type",
    "/apps/*/credentials/oauthClient/token_endpoint_auth_method", "/apps/*/signOnMode",
    "/apps/*/label",
  ]

  func check(_ model: OrgModel) -> [Finding] {
    Grants.all.filter { !$0.confidentialAppTypes.isEmpty }.flatMap { grant in
      model.appIndices(listing: grant, oidcOnly: true).compactMap { index -> Finding? in
        let app = model.apps[index]
        guard let type = app.applicationType, grant.confidentialAppTypes.contains(type),
          app.isPublicClient
        else { return nil }
        return finding(
          app.clientCredentialsPointer / "token_endpoint_auth_method",
          "\(type) app \"\(app.label)\" lists \(grant.type) but its token_endpoint_auth_method "
            + "is none; a \(type) app sends its client secret in the \(grant.name) flow, so set "
            + "it to client_secret_basic, client_secret_post, client_secret_jwt or private_key_jwt")
      }
    }
  }
}
