import OrgWizJSON

/// The Org Authorization Server is not a custom server.
struct OrgServerNotCustomRule: ValidationRule {
  let id = "org-server-not-custom"
  let title = "The Org Authorization Server is kept apart"
  let rationale =
    "The Org Authorization Server has no editable policies; it belongs under "
    + "orgAuthorizationServer, never in authorizationServers."
  let severity = Finding.Severity.error

  func check(_ model: OrgModel) -> [Finding] {
    guard let issuer = model.orgAuthorizationServerIssuer else { return [] }
    return model.servers.filter { $0.issuer == issuer }.map { server in
      finding(
        server.pointer / "issuer",
        "custom server \"\(server.name)\" has the Org Authorization Server's issuer \(issuer)")
    }
  }
}
