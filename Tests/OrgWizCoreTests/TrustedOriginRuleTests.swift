import OrgWizCore
import OrgWizJSON
import OrgWizTestSupport
import Testing

/// The Trusted Origin a single-page app needs (issue 22, point 6): okta-developer-docs,
/// `packages/@okta/vuepress-site/docs/guides/oie-embedded-common-org-setup/main/index.md`
/// (Security > API > Trusted Origins tab, Add Origin, tick CORS and Redirect).
@Suite struct TrustedOriginRuleTests {
  static let mobile = JSONPointer.root / "apps" / 0
  static let spa: [JSONPointer: JSONValue] = [
    mobile / "settings" / "oauthClient" / "grant_types": [
      "authorization_code", "interaction_code",
    ],
    mobile / "settings" / "oauthClient" / "application_type": "browser",
    mobile / "settings" / "oauthClient" / "redirect_uris": [
      "https://spa.acme.example:8443/callback", "https://spa.acme.example:8443/other",
    ],
  ]

  func findings(_ origins: JSONValue?) throws -> [String] {
    var edits = Self.spa
    if let origins { edits[JSONPointer.root / "trustedOrigins"] = origins }
    let model = try Fixtures.exampleModel(edits: edits)
    let report = ValidationRegistry.validate(model)
    return report.results.filter { $0.id == "spa-trusted-origin" }.flatMap(\.findings).map {
      "\($0.pointer)"
    }
  }

  @Test func aSinglePageAppWhoseOriginIsNotTrustedForCORSIsWarnedOnce() throws {
    #expect(ValidationRegistry.rule(id: "spa-trusted-origin")?.severity == .warning)
    // Trusted for redirects only, or inactive: one warning for the one origin.
    let redirectOnly: JSONValue = [
      ["id": "tos1", "origin": "https://spa.acme.example:8443", "scopes": [["type": "REDIRECT"]]],
      [
        "id": "tos2", "origin": "https://SPA.acme.example:8443", "status": "INACTIVE",
        "scopes": [["type": "CORS"]],
      ],
    ]
    #expect(try findings(redirectOnly) == ["/apps/0/settings/oauthClient/redirect_uris/0"])
    // Trusted for CORS (the origin compared without case): nothing.
    let trusted: JSONValue = [
      ["id": "tos1", "origin": "https://SPA.acme.example:8443", "scopes": [["type": "CORS"]]]
    ]
    #expect(try findings(trusted) == [])
    // Another port is another origin.
    let otherPort: JSONValue = [
      ["id": "tos1", "origin": "https://spa.acme.example", "scopes": [["type": "CORS"]]]
    ]
    #expect(try findings(otherPort).count == 1)
    // A model without trustedOrigins (an older pull) is not judged.
    #expect(try findings(nil) == [])
  }
}
