import OrgWizJSON

/// Why `orgwiz verify` found that the app can, or cannot, start the Interaction Code flow
/// (okta-api.md, "`orgwiz verify`"). The raw values are the `reason` codes of `--json`.
public enum VerifyReason: String, Sendable, CaseIterable {
  case ok
  case orgSettingOff = "org-setting-off"
  case appLacksGrant = "app-lacks-grant"
  case noMatchingPolicy = "no-matching-policy"
  case redirectURI = "redirect-uri"
  case pkceRequired = "pkce-required"
  case clientAuth = "client-auth"
  case invalidClient = "invalid-client"
  case invalidServer = "invalid-server"
  case other
}

/// The app and server a probe is about, as the model names them.
public struct VerifyTarget: Sendable, Equatable {
  public var appID: String
  public var appLabel: String
  public var clientID: String
  /// The custom server's id; nil for the Org Authorization Server.
  public var serverID: String?
  public var serverName: String
  public var redirectURI: String
  /// Whether the app authenticates with a client secret (a confidential web app).
  public var confidential: Bool

  public init(
    appID: String, appLabel: String, clientID: String, serverID: String?, serverName: String,
    redirectURI: String, confidential: Bool
  ) {
    self.appID = appID
    self.appLabel = appLabel
    self.clientID = clientID
    self.serverID = serverID
    self.serverName = serverName
    self.redirectURI = redirectURI
    self.confidential = confidential
  }

  /// The app in words: `"Acme Mobile" (0oa1mob)`.
  public var appPhrase: String {
    "\"\(VisibleText.short(appLabel, limit: 120))\" (\(VisibleText.short(appID)))"
  }

  /// The server in words.
  public var serverPhrase: String {
    guard let serverID else { return "the Org Authorization Server" }
    return
      "server \"\(VisibleText.short(serverName, limit: 120))\" (\(VisibleText.short(serverID)))"
  }

  /// The path of the interact endpoint: `/oauth2/{authServerId}/v1/interact` for a custom
  /// server, `/oauth2/v1/interact` for the Org Authorization Server; nil for an id outside
  /// Okta's grammar (``OktaID``).
  public var interactPath: String? {
    guard let serverID else { return "/oauth2/v1/interact" }
    return OktaID.path([.literal("/oauth2"), .id(serverID), .literal("/v1/interact")])
  }
}

/// One answer of Okta to the probe, as much of it as a record keeps (never a handle).
public struct ProbeAnswer: Sendable, Equatable {
  public enum Stage: String, Sendable { case interact, introspect }
  public var stage: Stage
  /// The request, as `POST /oauth2/v1/interact`.
  public var request: String
  public var status: Int
  /// OAuth's `error`, or for an introspect message its `i18n.key`.
  public var error: String?
  /// OAuth's `error_description`, or an introspect message's text.
  public var description: String?
  /// The first remediation introspect offered (`identify`).
  public var remediation: String?
  public var requestID: String?

  public init(
    stage: Stage, request: String, status: Int, error: String? = nil,
    description: String? = nil, remediation: String? = nil, requestID: String? = nil
  ) {
    self.stage = stage
    self.request = request
    self.status = status
    self.error = error
    self.description = description
    self.remediation = remediation
    self.requestID = requestID
  }
}

/// Maps Okta's answers to a ``VerifyReason``.
///
/// The texts are Okta's, from `../shared/reference/okta-oauth-errors.md` (Okta's
/// `oauth2-error-codes.json`): `error` decides where it is enough, and the catalogue's
/// `error_description` tells apart the cases that share one `error` (`access_denied`,
/// `invalid_request`, `invalid_client`).
public enum ProbeMapping {
  /// `oie_not_enabled_for_interact`.
  static let orgSettingOff = "The requested feature (Interaction Code flow) isn't enabled"
  /// `no_matching_policy`.
  static let noMatchingPolicy = "Policy evaluation failed for this request"
  /// `invalid_client_id`.
  static let invalidClientID = "Invalid value for 'client_id' parameter."
  /// `missing_client_credentials`: Okta expects the app to authenticate (a confidential app).
  static let missingClientCredentials = "No client credentials found."
  /// `invalid_authorization_server`.
  static let invalidServer = "The authorization server id is invalid."
  /// `illegal_redirect_uri`, `illegal_redirect_uri_enhanced` (and `invalid_redirect_uri`).
  static let redirectURI = "The 'redirect_uri' parameter must be a Login redirect URI"
  /// Every PKCE text of the catalogue starts so (`pkce_*`), as does `pkce_verification_failed`.
  static let pkce = "PKCE "
  /// The introspect message of `no_matching_policy` (okta-idx-java issue 201).
  static let noMatchingPolicyKey = "no_matching_policy"

  /// The reason for an answer of `/v1/interact` or `/idp/idx/introspect` that is not a success.
  public static func reason(
    _ answer: ProbeAnswer, confidential: Bool, customServer: Bool
  )
    -> VerifyReason
  {
    let error = answer.error ?? ""
    let text = answer.description ?? ""
    if answer.stage == .introspect {
      return error.hasSuffix(noMatchingPolicyKey) || text.hasPrefix(noMatchingPolicy)
        ? .noMatchingPolicy : .other
    }
    switch error {
    case "access_denied" where text.hasPrefix(orgSettingOff): return .orgSettingOff
    case "access_denied" where text.hasPrefix(noMatchingPolicy): return .noMatchingPolicy
    case "unauthorized_client": return .appLacksGrant
    case "invalid_redirect_uri", "missing_redirect_uri": return .redirectURI
    case "invalid_request" where text.hasPrefix(redirectURI): return .redirectURI
    case "invalid_request" where text.hasPrefix(invalidServer): return .invalidServer
    case "invalid_request" where text.hasPrefix(pkce): return .pkceRequired
    case "invalid_grant" where text.hasPrefix(pkce): return .pkceRequired
    case "invalid_client" where text == invalidClientID: return .invalidClient
    case "invalid_client" where text == missingClientCredentials: return .clientAuth
    case "invalid_client": return confidential ? .clientAuth : .invalidClient
    default:
      // A custom server Okta does not know can answer 404 before any OAuth checks.
      return answer.status == 404 && customServer ? .invalidServer : .other
    }
  }
}

/// The fix of a reason: the Admin Console path, and the orgwiz commands where orgwiz can make
/// the change. The same words at a terminal, in `--json` and in a record.
public struct VerifyFix: Sendable, Equatable {
  public var adminConsole: String
  public var orgwiz: String?

  public init(adminConsole: String, orgwiz: String?) {
    self.adminConsole = adminConsole
    self.orgwiz = orgwiz
  }
}

/// The result of one probe.
public struct VerifyResult: Sendable, Equatable {
  public var target: VerifyTarget
  public var reason: VerifyReason
  /// Okta's answers, in order (one or two).
  public var answers: [ProbeAnswer]
  /// The model file, for the orgwiz commands of a fix.
  public var modelPath: String

  public init(
    target: VerifyTarget, reason: VerifyReason, answers: [ProbeAnswer], modelPath: String
  ) {
    self.target = target
    self.reason = reason
    self.answers = answers
    self.modelPath = modelPath
  }

  public var works: Bool { reason == .ok }

  /// The answer that refused, when one did.
  public var refusal: ProbeAnswer? { works ? nil : answers.last }

  public var requestIDs: [String] { answers.compactMap(\.requestID) }

  /// One sentence: whether the app can start the flow, and why not.
  public var headline: String {
    let subject = "\(target.appPhrase) on \(target.serverPhrase)"
    guard !works else {
      let offered = answers.last?.remediation.map { " (Okta offers the remediation \($0))" } ?? ""
      return "Works: \(subject) can start the Interaction Code flow\(offered)."
    }
    return "Does not work (\(reason.rawValue)): \(subject) cannot start the Interaction Code "
      + "flow: \(explanation)"
  }

  /// What the reason means, in words.
  public var explanation: String {
    let app = target.appPhrase
    switch reason {
    case .ok: return "Okta let the app start the flow."
    case .orgSettingOff:
      return "the org setting Embedded widget sign-in support is off, so the org offers the "
        + "Interaction Code grant to no app."
    case .appLacksGrant:
      return "the grant types of \(app) do not include Interaction Code."
    case .noMatchingPolicy:
      return "no active rule of an access policy of \(target.serverPhrase) that applies to "
        + "\(app) allows the Interaction Code grant."
    case .redirectURI:
      return "\(VisibleText.short(target.redirectURI, limit: 200)) is not a sign-in redirect URI "
        + "of \(app)."
    case .pkceRequired:
      return "Okta refused the PKCE challenge orgwiz sent (S256), as if something between "
        + "orgwiz and Okta changed the request or the app's PKCE setting is unusual."
    case .clientAuth:
      return "Okta did not accept the client secret given for \(app)."
    case .invalidClient:
      return "Okta does not know the client id \(VisibleText.short(target.clientID)), or "
        + "\(app) is not active."
    case .invalidServer:
      return "Okta does not know \(target.serverPhrase), or it is not active."
    case .other:
      return "Okta refused the request with an answer orgwiz has no fix for."
    }
  }

  /// The fix, for a result that does not work.
  public var fix: VerifyFix? {
    let app = VisibleText.short(target.appLabel, limit: 120)
    let model = SummaryRenderer.shellQuote(modelPath)
    let appSettings = "Applications > Applications > \(app) > General > General Settings"
    let clientCredentials = "Applications > Applications > \(app) > General > Client Credentials"
    // Planned with the wizard, sent with apply: the same two commands the run's record names.
    let planAndApply =
      "orgwiz apply --org \(model) sends the change if a run already planned it; else plan it "
      + "with the wizard (orgwiz --org \(model)), then orgwiz apply --org \(model)"
    let server = VisibleText.short(target.serverName, limit: 120)
    let serverArgument = target.serverID ?? Okta.orgAuthorizationServer
    switch reason {
    case .ok: return nil
    case .orgSettingOff:
      return VerifyFix(
        adminConsole: "Settings > Account > Embedded widget sign-in support: turn it on (no API "
          + "can).",
        orgwiz: nil)
    case .appLacksGrant:
      return VerifyFix(
        adminConsole: "\(appSettings) > Edit > Grant type > Advanced: tick Interaction Code, "
          + "then Save.",
        orgwiz: planAndApply)
    case .noMatchingPolicy:
      return VerifyFix(
        adminConsole: "Security > API > Authorization Servers > \(server) > Access Policies > "
          + "the policy that applies to \(app) > its rule > Edit > IF Grant type is > "
          + "Advanced: tick Interaction Code, then Update rule.",
        orgwiz: planAndApply + " (server \(serverArgument))")
    case .redirectURI:
      return VerifyFix(
        adminConsole: "\(appSettings) > Login > Sign-in redirect URIs: add the URI, or pass "
          + "--redirect-uri with one that is listed there.",
        orgwiz: nil)
    case .pkceRequired:
      return VerifyFix(
        adminConsole: "orgwiz sends a PKCE (S256) challenge with every probe, so a proxy between "
          + "orgwiz and Okta may have changed the request; check it, and \(clientCredentials) "
          + "for how the app is set to use PKCE.",
        orgwiz: nil)
    case .clientAuth:
      return VerifyFix(
        adminConsole: "\(clientCredentials): copy the current client secret (or generate one), "
          + "and give it to orgwiz verify with --client-secret-file FILE or "
          + "ORGWIZ_CLIENT_SECRET. If the model says the app is a public client, Okta treats it "
          + "as confidential now: pull again (orgwiz pull --force).",
        orgwiz: nil)
    case .invalidClient:
      return VerifyFix(
        adminConsole: "Applications > Applications > \(app): activate it; if it is gone, pull "
          + "the org again (orgwiz pull --force) and choose another app.",
        orgwiz: nil)
    case .invalidServer:
      return VerifyFix(
        adminConsole: "Security > API > Authorization Servers > \(server): activate it; if it "
          + "is gone, pull the org again (orgwiz pull --force).",
        orgwiz: nil)
    case .other:
      return VerifyFix(
        adminConsole: "Look up Okta's error below in its OAuth 2.0 error reference; check "
          + "\(appSettings) and the server's Access Policies.",
        orgwiz: nil)
    }
  }

  /// Okta's refusal in words: the request, status, `error` and description.
  public var oktaText: String? {
    guard let refusal else { return nil }
    let error = refusal.error.map { " \($0)" } ?? ""
    let text = refusal.description.map { ": \(VisibleText.short($0, limit: 400))" } ?? ""
    return "\(refusal.request) answered HTTP \(refusal.status)\(error)\(text)"
  }

  /// The lines a terminal shows, the headline first.
  public var lines: [String] {
    var lines = [headline]
    if let oktaText { lines.append("Okta: \(oktaText)") }
    if let fix {
      lines.append("Fix in the Admin Console: \(fix.adminConsole)")
      if let orgwiz = fix.orgwiz { lines.append("Or with orgwiz: \(orgwiz)") }
    }
    if !requestIDs.isEmpty {
      lines.append("X-Okta-Request-Id: \(requestIDs.joined(separator: ", "))")
    }
    return lines
  }

  /// The section of a record.
  public var document: [Block] {
    var rows: [[[Inline]]] = [
      [.plain("Result"), .plain(works ? "works" : "does not work")],
      [.plain("Reason"), [.code(reason.rawValue)]],
      [.plain("App"), .plain(target.appPhrase)],
      [.plain("Server"), .plain(target.serverPhrase)],
      [.plain("Redirect URI"), .plain(target.redirectURI)],
    ]
    if let oktaText { rows.append([.plain("Okta"), .plain(oktaText)]) }
    if let fix {
      rows.append([.plain("Fix (Admin Console)"), .plain(fix.adminConsole)])
      if let orgwiz = fix.orgwiz { rows.append([.plain("Fix (orgwiz)"), [.code(orgwiz)]]) }
    }
    rows.append([.plain("X-Okta-Request-Id"), .plain(requestIDs.joined(separator: ", "))])
    return [
      .paragraph(.plain(headline)), .table(header: ["Field", "Value"], rows: rows),
    ]
  }

  public var json: JSONValue {
    let okta: JSONValue =
      refusal.map { answer in
        .object(
          JSONObject([
            ("stage", .string(answer.stage.rawValue)), ("request", .string(answer.request)),
            ("status", .number(JSONNumber(answer.status))),
            ("error", answer.error.map { .string($0) } ?? .null),
            ("error_description", answer.description.map { .string($0) } ?? .null),
          ]))
      } ?? .null
    let fixJSON: JSONValue =
      fix.map { fix in
        .object(
          JSONObject([
            ("adminConsole", .string(fix.adminConsole)),
            ("orgwiz", fix.orgwiz.map { .string($0) } ?? .null),
          ]))
      } ?? .null
    return .object(
      JSONObject([
        ("works", .bool(works)), ("reason", .string(reason.rawValue)),
        ("headline", .string(headline)), ("explanation", .string(explanation)),
        (
          "app",
          .object(
            JSONObject([
              ("id", .string(target.appID)), ("name", .string(target.appLabel)),
              ("clientId", .string(target.clientID)),
            ]))
        ),
        (
          "server",
          .object(
            JSONObject([
              ("id", .string(target.serverID ?? Okta.orgAuthorizationServer)),
              ("name", .string(target.serverName)),
            ]))
        ),
        ("redirectUri", .string(target.redirectURI)),
        ("remediation", answers.last?.remediation.map { .string($0) } ?? .null),
        ("okta", okta), ("fix", fixJSON), ("requestIds", .strings(requestIDs)),
      ]))
  }
}
