import OrgWizJSON

/// An org-wide switch a grant needs before any app or rule may use it.
public struct OrgSwitch: Sendable, Equatable {
  /// The setting's id in the model (`settings.<id>`).
  public var id: String
  /// What the Admin Console calls it.
  public var name: String
  /// Where the model keeps the switch's value (a boolean).
  public var pointer: JSONPointer
  /// Where the Admin Console changes it.
  public var consolePath: String
  /// The checkbox under the setting that turns the grant on.
  public var checkbox: String
  /// The admin role Okta requires to change it.
  public var role: String
  /// The grant type it governs.
  public var governs: String
}

/// What Okta allows for one grant type, as data: every step, rule, rendering and request that
/// concerns "the procedure's grant" reads these facts instead of naming a grant.
public struct GrantFacts: Sendable, Equatable {
  /// Okta's `GrantType` value (`interaction_code`, `client_credentials`, …).
  public var type: String
  /// The grant's name in Okta's docs and Admin Console ("Interaction Code").
  public var name: String
  /// The `application_type` values of the apps that may list the grant.
  public var appTypes: [String]
  /// The app types in words ("native, single-page (browser) and web apps").
  public var appTypesInWords: String
  /// Whether the Org Authorization Server serves the grant (then no policy or rule is needed).
  public var orgServer: Bool
  /// Whether the grant exists only on Identity Engine orgs.
  public var identityEngineOnly: Bool
  /// The org-wide switch the grant needs, or nil.
  public var orgSwitch: OrgSwitch?
  /// The part of an access policy rule's editor where the grant's checkbox sits.
  public var ruleConsoleSection: String
  /// Whether a request with the grant acts for a user (so people conditions and app
  /// assignments decide it); false for a grant an app uses for itself.
  public var signsInUser: Bool
  /// App types that must authenticate (a secret or key) when they use the grant.
  public var confidentialAppTypes: [String]
  /// Whether the grant's flow always sends a PKCE code challenge (so a public client listing it
  /// must not turn PKCE off).
  public var alwaysPKCE: Bool
  /// Whether apps use it by embedding Okta's sign-in (the Sign-In Widget or an SDK), so a
  /// single-page app calls Okta from the browser and its origin must be a CORS Trusted Origin.
  public var embedsSignIn: Bool
  /// Whether `orgwiz verify` can ask Okta, without signing anyone in, whether an app may start
  /// the grant's flow (`POST …/v1/interact`).
  public var verifiableByInteract: Bool
  /// Where each fact comes from.
  public var sources: [String]

  /// The grant in words: "the Interaction Code grant".
  public var phrase: String { "the \(name) grant" }
  /// The grant in words at the start of a sentence: "The Interaction Code grant".
  public var phraseStart: String { "The \(name) grant" }
  /// Whether an app of this `application_type` may list the grant.
  public func allows(appType: String) -> Bool { appTypes.contains(appType) }
}

/// The grants orgwiz knows, with Okta's facts about each: the one table every part of the tool
/// reads (procedures.md, "What Okta allows for each grant").
public enum Grants {
  /// Embedded widget sign-in support, the one org-wide grant switch Okta has.
  public static let embeddedWidgetSwitch = OrgSwitch(
    id: "embeddedWidgetSignInSupport", name: "Embedded widget sign-in support",
    pointer: .root / "settings" / "embeddedWidgetSignInSupport" / "interactionCode",
    consolePath: "Settings > Account > Embedded widget sign-in support",
    checkbox: "Interaction Code", role: "SUPER_ADMIN", governs: "interaction_code")

  public static let interactionCode = GrantFacts(
    type: embeddedWidgetSwitch.governs, name: "Interaction Code",
    appTypes: ["native", "browser", "web"],
    appTypesInWords: "native, single-page (browser) and web apps", orgServer: true,
    identityEngineOnly: true, orgSwitch: embeddedWidgetSwitch,
    ruleConsoleSection: "IF Grant type is > Advanced", signsInUser: true,
    confidentialAppTypes: ["web"], alwaysPKCE: true, embedsSignIn: true,
    verifiableByInteract: true,
    sources: [
      "developer.okta.com/docs/concepts/interaction-code/ (app types, Identity Engine only, "
        + "PKCE, a web app sends its secret)",
      "developer.okta.com/docs/guides/implement-grant-type/interactioncode/main/ (Embedded "
        + "widget sign-in support; the rule's Advanced grant types; Org Authorization Server)",
      "shared/reference/okta-oauth-errors.md (POST /v1/interact; feature not enabled)",
    ])

  public static let authorizationCode = GrantFacts(
    type: "authorization_code", name: "Authorization Code",
    appTypes: ["native", "browser", "web"],
    appTypesInWords: "native, single-page (browser) and web apps", orgServer: true,
    identityEngineOnly: false, orgSwitch: nil, ruleConsoleSection: "IF Grant type is",
    signsInUser: true, confidentialAppTypes: ["web"], alwaysPKCE: false,
    embedsSignIn: false, verifiableByInteract: false,
    sources: [
      "developer.okta.com/docs/guides/implement-grant-type/authcode/main/",
      "developer.okta.com/docs/api/openapi/okta-oauth/oauth/client/createclient (valid grant "
        + "types per app type)",
    ])

  public static let deviceAuthorization = GrantFacts(
    type: "urn:ietf:params:oauth:grant-type:device_code", name: "Device Authorization",
    appTypes: ["native"], appTypesInWords: "native apps", orgServer: true,
    identityEngineOnly: false, orgSwitch: nil, ruleConsoleSection: "IF Grant type is",
    signsInUser: true, confidentialAppTypes: [], alwaysPKCE: false, embedsSignIn: false,
    verifiableByInteract: false,
    sources: [
      "developer.okta.com/docs/guides/device-authorization-grant/main/ (a native app with "
        + "Device Authorization; the Org or a custom authorization server)"
    ])

  public static let clientCredentials = GrantFacts(
    type: "client_credentials", name: "Client Credentials", appTypes: ["service", "web"],
    appTypesInWords: "service apps and web apps", orgServer: false, identityEngineOnly: false,
    orgSwitch: nil, ruleConsoleSection: "IF Grant type is", signsInUser: false,
    confidentialAppTypes: ["service", "web"], alwaysPKCE: false, embedsSignIn: false,
    verifiableByInteract: false,
    sources: [
      "developer.okta.com/docs/guides/implement-grant-type/clientcreds/main/ (a service app, a "
        + "custom authorization server, a custom scope on the rule)",
      "shared/reference/okta-oauth-errors.md (unsupported_grant_type_client_creds_org_as: only "
        + "with a custom authorization server)",
      "developer.okta.com/docs/api/openapi/okta-oauth/oauth/client/createclient (service: "
        + "client_credentials; web: client_credentials, for one client id that also calls "
        + "back ends for itself)",
      "shared/reference/okta-oauth-errors.md (invalid_application_type_client_credentials: "
        + "only the Org Authorization Server wants a service app)",
    ])

  public static let password = GrantFacts(
    type: "password", name: "Resource Owner Password", appTypes: ["native"],
    appTypesInWords: "native apps", orgServer: true, identityEngineOnly: false,
    orgSwitch: nil, ruleConsoleSection: "IF Grant type is", signsInUser: true,
    confidentialAppTypes: [], alwaysPKCE: false, embedsSignIn: false,
    verifiableByInteract: false,
    sources: [
      "developer.okta.com/docs/guides/implement-grant-type/ropassword/main/ (a native app)",
      "developer.okta.com/docs/api/openapi/okta-oauth/oauth/client/createclient (native: "
        + "password)",
    ])

  public static let implicit = GrantFacts(
    type: "implicit", name: "Implicit", appTypes: ["native", "browser", "web"],
    appTypesInWords: "native, single-page (browser) and web apps", orgServer: true,
    identityEngineOnly: false, orgSwitch: nil, ruleConsoleSection: "IF Grant type is",
    signsInUser: true, confidentialAppTypes: [], alwaysPKCE: false, embedsSignIn: false,
    verifiableByInteract: false,
    sources: [
      "developer.okta.com/docs/guides/implement-grant-type/implicit/main/",
      "developer.okta.com/docs/api/openapi/okta-oauth/oauth/client/createclient (browser, "
        + "native: implicit)",
    ])

  public static let tokenExchange = GrantFacts(
    type: "urn:ietf:params:oauth:grant-type:token-exchange", name: "Token Exchange",
    appTypes: ["native", "service"], appTypesInWords: "native and service apps",
    orgServer: false, identityEngineOnly: false, orgSwitch: nil,
    ruleConsoleSection: "IF Grant type is", signsInUser: true, confidentialAppTypes: ["service"],
    alwaysPKCE: false, embedsSignIn: false, verifiableByInteract: false,
    sources: [
      "developer.okta.com/docs/guides/set-up-token-exchange/main/ (a service app exchanges a "
        + "native app's token at a custom authorization server)",
      "shared/reference/okta-oauth-errors.md (unsupported_grant_type_token_exchange)",
    ])

  /// Every grant orgwiz knows, the Interaction Code grant first (format-1 documents mean it).
  public static let all: [GrantFacts] = [
    interactionCode, authorizationCode, deviceAuthorization, clientCredentials, password, implicit,
    tokenExchange,
  ]

  /// Every `GrantType` value of the Management API (`components/schemas/GrantType`).
  public static let specGrantTypes: [String] = [
    "authorization_code", "client_credentials", "implicit", "interaction_code", "password",
    "refresh_token", "urn:ietf:params:oauth:grant-type:device_code",
    "urn:ietf:params:oauth:grant-type:jwt-bearer",
    "urn:ietf:params:oauth:grant-type:saml2-bearer",
    "urn:ietf:params:oauth:grant-type:token-exchange", "urn:openid:params:grant-type:ciba",
    "urn:okta:params:oauth:grant-type:otp", "urn:okta:params:oauth:grant-type:oob",
    "http://auth0.com/oauth/grant-type/mfa-otp", "http://auth0.com/oauth/grant-type/mfa-oob",
  ]

  /// The grant a format-1 document turns on.
  public static let formatOneGrant = interactionCode

  /// The facts of a grant type, or nil when orgwiz does not know it.
  public static func facts(for type: String) -> GrantFacts? { all.first { $0.type == type } }

  /// The grants that need an org-wide switch.
  public static var switched: [GrantFacts] { all.filter { $0.orgSwitch != nil } }
}
