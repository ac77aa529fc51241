import OrgWizJSON

/// The Interaction Code grant's type, in examples.
private let ic = Grants.interactionCode.type

/// The Org Authorization Server is not a custom server.
struct OrgServerNotCustomRule: ValidationRule {
  static let descriptor = RuleDescriptor(
    id: "org-server-not-custom", severity: .error,
    title: "The Org Authorization Server is kept apart",
    rationale:
      "Okta's Org Authorization Server (its issuer is the org URL itself) is not a custom "
      + "authorization server: it has no policies or rules to edit, and on Identity Engine it "
      + "offers \(ic) as soon as the org setting is on. It belongs under "
      + "orgAuthorizationServer; an entry of authorizationServers with its issuer would be "
      + "offered as a custom server to change.",
    examples: [
      .passes(
        "custom servers with issuers under the org URL (https://acme.okta.com/oauth2/aus1api)"),
      .fails(
        "the server \"partners\" has the id org-authorization-server",
        edits: [ExampleOrg.partnersServer / "id": "org-authorization-server"],
        at: ExampleOrg.partnersServer / "id"),
      .fails(
        "the server \"partners\" carries the Org Authorization Server's issuer",
        edits: [ExampleOrg.partnersServer / "issuer": "https://acme.okta.com"],
        at: ExampleOrg.partnersServer / "issuer"),
    ])

  /// What the check reads (through the typed views); see ``ValidationRule/reads``.
  static let reads: [ModelRead]? = [
    "/orgAuthorizationServer/issuer",
    "/authorizationServers/*/issuer",
    "/authorizationServers/*/name",
    "/authorizationServers/*/id",
  ]

  func check(_ model: OrgModel) -> [Finding] {
    // The answer `org-authorization-server` names the Org Authorization Server; a custom server
    // with that id (no Okta id looks like it) could never be chosen.
    let byID = model.servers.filter { $0.id == Okta.orgAuthorizationServer }.map { server in
      finding(
        server.pointer / "id",
        "custom server \"\(server.name)\" has the id \(Okta.orgAuthorizationServer), which names "
          + "the Org Authorization Server; give it its Okta id (aus…)")
    }
    guard let issuer = model.orgAuthorizationServerIssuer else { return byID }
    return byID
      + model.servers.filter { $0.issuer == issuer }.map { server in
        finding(
          server.pointer / "issuer",
          "custom server \"\(server.name)\" has the Org Authorization Server's issuer \(issuer)")
      }
  }
}
