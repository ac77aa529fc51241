import OrgWizJSON

/// The Interaction Code grant's type, in examples.
private let ic = Grants.interactionCode.type

/// Only native, single-page and web apps list the Interaction Code grant.
struct GrantAppTypeRule: ValidationRule {
  static let descriptor = RuleDescriptor(
    id: "grant-app-type", severity: .error,
    title: "Only native, single-page and web apps list the grant",
    rationale:
      "Okta offers the Interaction Code grant to native, single-page (application_type "
      + "browser) and web apps only (developer.okta.com, Interaction Code grant type). A service "
      + "app signs in no user, so \(ic) in its grant types can never be used, and "
      + "Okta refuses to save an app like that.",
    examples: [
      .passes(
        "Acme Mobile, a native app, lists \(ic)",
        edits: [ExampleOrg.mobileGrants: ["authorization_code", .string(ic)]]),
      .passes("the service app Acme Reports lists only client_credentials"),
      .fails(
        "the service app Acme Reports lists \(ic)",
        edits: [ExampleOrg.reportsGrants: ["client_credentials", .string(ic)]],
        at: ExampleOrg.reportsGrants / 1),
    ])

  /// What the check reads (through the typed views); see ``ValidationRule/reads``.
  static let reads: [ModelRead]? = [
    "/apps/*/settings/oauthClient/grant_types", "/apps/*/settings/oauthClient/application_type",
    "/apps/*/signOnMode", "/apps/*/label",
  ]

  func check(_ model: OrgModel) -> [Finding] {
    Grants.all.flatMap { grant in
      model.appsListing(grant).compactMap { app -> Finding? in
        guard app.isOIDC, let type = app.applicationType, !app.canUse(grant),
          let index = app.grantTypes.firstIndex(of: grant.type)
        else { return nil }
        return finding(
          app.grantTypesPointer / index,
          "app \"\(app.label)\" is of application_type \(type) and lists \(grant.type), which "
            + "only \(Phrase.list(grant.appTypes)) apps can use; remove it from the app")
      }
    }
  }
}
