import OrgWizJSON

/// The Interaction Code grant's type, in examples.
private let ic = Grants.interactionCode.type

/// A single-page app with the grant has its origins trusted for CORS.
struct SPATrustedOriginRule: ValidationRule {
  static let spaType = ExampleOrg.mobileApp / "settings" / "oauthClient" / "application_type"
  static let spaRedirects = ExampleOrg.mobileApp / "settings" / "oauthClient" / "redirect_uris"
  static let origins = JSONPointer.root / "trustedOrigins"
  /// Acme Mobile made a single-page app with the grant, redirecting to https://spa.acme.example.
  static let spa: [JSONPointer: JSONValue] = [
    ExampleOrg.mobileGrants: ["authorization_code", .string(ic)],
    spaType: "browser",
    ExampleOrg.mobileApp / "credentials" / "oauthClient" / "token_endpoint_auth_method": "none",
    spaRedirects: ["https://spa.acme.example/login/callback"],
  ]

  static let descriptor = RuleDescriptor(
    id: "spa-trusted-origin", severity: .warning,
    title: "Single-page apps with the grant have a CORS Trusted Origin",
    rationale:
      "A single-page (browser) app that embeds the Sign-In Widget calls Okta from the browser, "
      + "which Okta allows only from a Trusted Origin with CORS: okta-developer-docs, "
      + "packages/@okta/vuepress-site/docs/guides/oie-embedded-common-org-setup/main/index.md "
      + "(Security > API > Trusted Origins tab, Add Origin, tick CORS and Redirect). The rule "
      + "looks at the origin (scheme, host and port) of each redirect URI of a browser app that "
      + "lists \(ic), and warns when no ACTIVE trusted origin with the CORS scope is "
      + "that origin. A model without trustedOrigins (an older pull) is not judged.",
    examples: [
      .passes(
        "the single-page app's origin is trusted for CORS",
        edits: spa.merging([
          origins: [
            [
              "id": "tos1spa", "origin": "https://spa.acme.example", "status": "ACTIVE",
              "scopes": [["type": "CORS"], ["type": "REDIRECT"]],
            ]
          ]
        ]) { $1 }),
      .passes("the model holds no trusted origins, so nothing is judged", edits: spa),
      .fails(
        "the single-page app's origin is trusted for redirects only",
        edits: spa.merging([
          origins: [
            [
              "id": "tos1spa", "origin": "https://spa.acme.example",
              "scopes": [["type": "REDIRECT"]],
            ]
          ]
        ]) { $1 },
        at: spaRedirects / 0),
      .fails(
        "no trusted origin is the single-page app's origin",
        edits: spa.merging([origins: []]) { $1 }, at: spaRedirects / 0),
    ])

  /// What the check reads (through the typed views); see ``ValidationRule/reads``.
  static let reads: [ModelRead]? = [
    "/apps/*/settings/oauthClient/grant_types", "/apps/*/settings/oauthClient/application_type",
    "/apps/*/settings/oauthClient/redirect_uris", "/apps/*/signOnMode", "/apps/*/label",
    "/trustedOrigins",
  ]

  func check(_ model: OrgModel) -> [Finding] {
    guard let trusted = model.trustedOrigins else { return [] }
    let cors = Set(
      trusted.filter { $0.isActive && $0.allowsCORS }.compactMap {
        TrustedOrigin.origin(of: $0.origin)
      })
    var findings: [Finding] = []
    let apps = Grants.all.filter(\.embedsSignIn).flatMap { grant in
      model.appsUsing(grant).map { (grant, $0) }
    }
    var judged: Set<String> = []
    for (grant, app) in apps where app.applicationType == "browser" {
      guard judged.insert(app.id).inserted else { continue }
      var seen: Set<String> = []
      for (index, uri) in app.redirectURIs.enumerated() {
        guard let origin = TrustedOrigin.origin(of: uri), !cors.contains(origin),
          seen.insert(origin).inserted
        else { continue }
        findings.append(
          finding(
            app.pointer / "settings" / "oauthClient" / "redirect_uris" / index,
            "single-page app \"\(app.label)\" lists \(grant.type) but its origin \(origin) "
              + "is not an active Trusted Origin with CORS, so the embedded Sign-In Widget "
              + "cannot call Okta from it; add it in Security > API > Trusted Origins (Add "
              + "Origin, tick CORS and Redirect)"))
      }
    }
    return findings
  }
}
