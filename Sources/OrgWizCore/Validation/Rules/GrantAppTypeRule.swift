import OrgWizJSON

/// The Interaction Code grant's type, in examples.
private let ic = Grants.interactionCode.type

/// Only native, single-page and web apps list the Interaction Code grant.
struct GrantAppTypeRule: ValidationRule {
  static let descriptor = RuleDescriptor(
    id: "grant-app-type", severity: .error,
    title: "Apps list only grants their type may use",
    rationale:
      "Okta offers each grant to some application types only, and refuses to save an app that "
      + "lists a grant its type may not use (developer.okta.com, the client registration API's "
      + "table of valid grant types per app type, and each grant's guide). The rule checks every "
      + "grant of orgwiz's facts table: "
      + Grants.all.map { "\($0.type) for \($0.appTypesInWords)" }.joined(separator: "; ")
      + ". For example a service app signs in no user, so \(ic) in its grant types can never "
      + "be used.",
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
      model.appIndices(listing: grant).compactMap { index -> Finding? in
        let app = model.apps[index]
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
