import OrgWizJSON

/// Only native, single-page and web apps list the Interaction Code grant.
struct GrantAppTypeRule: ValidationRule {
  static let descriptor = RuleDescriptor(
    id: "grant-app-type", severity: .error,
    title: "Only native, single-page and web apps list the grant",
    rationale:
      "Okta offers the Interaction Code grant to native, single-page (application_type "
      + "browser) and web apps only (developer.okta.com, Interaction Code grant type). A service "
      + "app signs in no user, so interaction_code in its grant types can never be used, and "
      + "Okta refuses to save an app like that.",
    examples: [
      .passes(
        "Acme Mobile, a native app, lists interaction_code",
        edits: [ExampleOrg.mobileGrants: ["authorization_code", "interaction_code"]]),
      .passes("the service app Acme Reports lists only client_credentials"),
      .fails(
        "the service app Acme Reports lists interaction_code",
        edits: [ExampleOrg.reportsGrants: ["client_credentials", "interaction_code"]],
        at: ExampleOrg.reportsGrants / 1),
    ])

  /// What the check reads (through the typed views); see ``ValidationRule/reads``.
  static let reads: [ModelRead]? = [
    "/apps/*/settings/oauthClient/grant_types", "/apps/*/settings/oauthClient/application_type",
    "/apps/*/signOnMode", "/apps/*/label",
  ]

  func check(_ model: OrgModel) -> [Finding] {
    model.appsListingInteractionCode.compactMap { app in
      guard app.isOIDC, let type = app.applicationType, !app.canUseInteractionCode,
        let index = app.grantTypes.firstIndex(of: Okta.interactionCode)
      else { return nil }
      return finding(
        app.grantTypesPointer / index,
        "app \"\(app.label)\" is of application_type \(type) and lists interaction_code, which "
          + "only native, browser and web apps can use; remove it from the app")
    }
  }
}
