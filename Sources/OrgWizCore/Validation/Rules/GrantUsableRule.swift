import OrgWizJSON

/// An app that lists the grant should be able to use it on a custom server.
struct GrantUsableRule: ValidationRule {
  let id = "grant-usable"
  let title = "Apps with the grant can use it"
  let rationale =
    "For a custom server, both the app and a rule of the server must allow interaction_code. "
    + "An app that lists the grant while no rule of any active custom server would serve it can "
    + "only use it against the Org Authorization Server."
  let severity = Finding.Severity.warning

  func check(_ model: OrgModel) -> [Finding] {
    guard model.interactionCodeEnabled, !model.servers.isEmpty else { return [] }
    let activeServers = model.servers.filter { $0.isActive && $0.usesInteractionCode }
    return model.appsUsingInteractionCode.compactMap { app in
      let served = activeServers.contains { server in
        let request = TokenRequest(appID: app.id, serverID: server.id, grant: Okta.interactionCode)
        return TokenEvaluator.evaluate(app: app, server: server, request: request, in: model)
          .isAllowed
      }
      return served
        ? nil
        : finding(
          app.grantTypesPointer,
          "app \"\(app.label)\" lists interaction_code but no rule of an active custom server "
            + "serves it; it works only with the Org Authorization Server")
    }
  }
}
