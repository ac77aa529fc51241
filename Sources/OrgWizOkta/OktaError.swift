import Foundation
import OrgWizCore
import OrgWizJSON

/// Okta's error body: `errorCode`, `errorSummary`, `errorLink`, `errorId`, `errorCauses`.
public struct OktaErrorBody: Sendable, Equatable {
  public var errorCode: String?
  public var errorSummary: String?
  public var errorLink: String?
  public var errorId: String?
  /// Each cause's `errorSummary`.
  public var errorCauses: [String]

  public init(
    errorCode: String? = nil, errorSummary: String? = nil, errorLink: String? = nil,
    errorId: String? = nil, errorCauses: [String] = []
  ) {
    self.errorCode = errorCode
    self.errorSummary = errorSummary
    self.errorLink = errorLink
    self.errorId = errorId
    self.errorCauses = errorCauses
  }

  /// Reads Okta's error shape, or OAuth's (`error`, `error_description`); nil for anything else.
  public init?(json: JSONValue) {
    guard case .object(let object) = json else { return nil }
    errorCode = object["errorCode"]?.stringValue ?? object["error"]?.stringValue
    errorSummary = object["errorSummary"]?.stringValue ?? object["error_description"]?.stringValue
    errorLink = object["errorLink"]?.stringValue
    errorId = object["errorId"]?.stringValue
    errorCauses = (object["errorCauses"]?.arrayValue ?? []).compactMap { cause in
      cause["errorSummary"]?.stringValue ?? cause.stringValue
    }
    if errorCode == nil && errorSummary == nil && errorCauses.isEmpty { return nil }
  }

  /// `E0000006: You do not have permission... (errorId oae...); causes: ...`, bounded in length.
  public var summary: String {
    var parts: [String] = []
    let code = errorCode.map { Self.clip($0, 40) }
    let text = errorSummary.map { Self.clip($0, 500) }
    switch (code, text) {
    case (let code?, let text?): parts.append("\(code): \(text)")
    case (let code?, nil): parts.append(code)
    case (nil, let text?): parts.append(text)
    case (nil, nil): break
    }
    var result = parts.joined()
    if !errorCauses.isEmpty {
      let causes = errorCauses.prefix(10).map { Self.clip($0, 300) }.joined(separator: "; ")
      result += result.isEmpty ? "causes: \(causes)" : " (causes: \(causes))"
    }
    if let errorId {
      result += " [errorId \(Self.clip(errorId, 60))]"
    }
    return result
  }

  static func clip(_ text: String, _ limit: Int) -> String {
    // A secret is removed before the text is cut, so that no cut leaves a piece of it.
    let text = HeldSecrets.scrub(text)
    let cleaned = String(
      String.UnicodeScalarView(
        text.unicodeScalars.map { $0.properties.generalCategory == .control ? " " : $0 }))
    return cleaned.count > limit ? String(cleaned.prefix(limit)) + "…" : cleaned
  }
}

/// What went wrong talking to Okta, worded for the admin who runs orgwiz.
public enum OktaError: UserFacingError, Equatable {
  /// Plain `http://` to a host that is not loopback (64).
  case insecureURL(String)
  /// An org URL that is not one (64).
  case badURL(String, reason: String)
  /// No credentials, or credentials that cannot be read or used as given (64, 65 or 66).
  case credentials(String, next: String, status: ExitStatus)
  /// Okta could not be reached, or TLS failed, after the retries (69).
  case unreachable(host: String, reason: String)
  /// Okta kept answering 5xx (69).
  case serverError(status: Int, request: String, body: OktaErrorBody?)
  /// Still 429 after the retries, or a limit that resets later than orgwiz waits at once (75).
  /// `resetIn`: seconds until the limit resets and `resetAt` when (epoch seconds), if known.
  case rateLimited(request: String, resetIn: Double?, resetAt: Double?)
  /// The overall deadline (`--timeout`, `seconds` long) has passed (69). `reason`: what was
  /// going on; `inFlight`: a request was on its way, so Okta may have carried it out.
  case deadline(request: String, seconds: Double, reason: String, inFlight: Bool)
  /// Okta sent more than orgwiz accepts in all: pages without end, or more bytes than the
  /// largest model (69).
  case beyondBounds(String)
  /// 401: Okta refused the credentials (77).
  case unauthorized(request: String, body: OktaErrorBody?, credential: String)
  /// 403: the credentials lack a scope or an admin role (77).
  case forbidden(request: String, body: OktaErrorBody?, neededScope: String?, hint: String)
  /// 400, 404, 409 and other 4xx: Okta rejected the request (1).
  case rejected(status: Int, request: String, body: OktaErrorBody?)
  /// A response that is not JSON, too big, or not the expected shape (69).
  case malformed(String)
  /// The service app's token request was refused (77).
  case tokenRequestFailed(status: Int?, error: String, description: String, hint: String)

  public var exitStatus: ExitStatus {
    switch self {
    case .insecureURL, .badURL: .usage
    case .credentials(_, _, let status): status
    case .unreachable, .serverError, .malformed, .deadline, .beyondBounds: .unavailable
    case .rateLimited: .locked
    case .unauthorized, .forbidden, .tokenRequestFailed: .noPermission
    case .rejected: .failure
    }
  }

  public var message: String {
    switch self {
    case .insecureURL(let text):
      return
        "The Okta org URL \(Self.quote(text)) uses plain http://, which orgwiz accepts only for "
        + "a loopback host (127.0.0.0/8, ::1, localhost): the API token would cross the network "
        + "unencrypted."
    case .badURL(let text, let reason):
      return "The Okta org URL \(Self.quote(text)) cannot be used: \(reason)."
    case .credentials(let message, _, _):
      return message
    case .unreachable(let host, let reason):
      return "Okta at \(host) could not be reached: \(reason)."
    case .serverError(let status, let request, let body):
      return "Okta kept answering HTTP \(status) to \(request), through every retry."
        + Self.okta(body)
    case .rateLimited(let request, let resetIn, let resetAt):
      guard let resetIn else {
        return "Okta still rate limits \(request) (HTTP 429, E0000047) after waiting and retrying."
      }
      let when = resetAt.map { "at \(Self.clockTime($0, date: true)), " } ?? ""
      if resetIn >= Self.unreachableWait {
        return "Okta's rate limit stops \(request), and the reset it names (more than "
          + "\(Self.duration(Self.unreachableWait)) away) is no time orgwiz can wait for."
      }
      if resetIn > OktaClient.maximumSingleWait {
        return "Okta's rate limit stops \(request) until it resets \(when)in "
          + "\(Self.duration(resetIn)): orgwiz does not wait longer than 5 minutes at once."
      }
      return "Okta still rate limits \(request) (HTTP 429, E0000047) after waiting and retrying. "
        + "The limit resets \(when)in about \(Self.duration(resetIn))."
    case .deadline(_, let seconds, let reason, let inFlight):
      let sent =
        inFlight
        ? " Okta may or may not have carried out that request; nothing was sent after it."
        : " Nothing more was sent."
      return "orgwiz stopped at its overall deadline (--timeout \(Self.duration(seconds))): "
        + "\(reason).\(sent)"
    case .beyondBounds(let what):
      return "orgwiz stopped reading from Okta: \(what)."
    case .unauthorized(let request, let body, let credential):
      return "Okta refused the credentials (\(credential)) on \(request): HTTP 401."
        + Self.okta(body)
    case .forbidden(let request, let body, let scope, _):
      let needs = scope.map { " The call needs the scope \($0)." } ?? ""
      return "Okta refused \(request): HTTP 403, the credentials lack a permission." + needs
        + Self.okta(body)
    case .rejected(let status, let request, let body):
      return "Okta rejected \(request): HTTP \(status)." + Self.okta(body)
    case .malformed(let what):
      return "Okta's response cannot be used: \(what)."
    case .tokenRequestFailed(let status, let error, let description, _):
      let code = status.map { "HTTP \($0), " } ?? ""
      let said = description.isEmpty ? "" : ": \(EscapedText.clip(description, 500))"
      return "Okta refused the service app's access token request (POST /oauth2/v1/token, "
        + "\(code)\(EscapedText.clip(error, 60)))\(said)."
    }
  }

  public var nextStep: String {
    switch self {
    case .insecureURL:
      return "Use the org's https:// URL (for example https://acme.okta.com)."
    case .badURL:
      return "Give the org's base URL with --okta-url, for example https://acme.okta.com."
    case .credentials(_, let next, _):
      return next
    case .unreachable:
      return
        "Check the org URL, this machine's network, proxy and DNS, and Okta's status page "
        + "(status.okta.com), then run the command again."
    case .serverError:
      return
        "This is on Okta's side; check status.okta.com and run the command again later. If it "
        + "persists, give Okta Support the errorId."
    case .deadline:
      return
        "If Okta is only slow or busy, run the command again with a larger --timeout SECONDS; "
        + "else check the org URL, this machine's network and status.okta.com."
    case .beyondBounds:
      return
        "Nothing was written. An Okta org's lists end; check that --okta-url is the org itself "
        + "(not a proxy or another server), and report it to orgwiz's maintainers if it is."
    case .rateLimited:
      return
        "Other tools share this org's rate limits. Run the command again after the reset, or "
        + "raise the API rate limit for this client in the Admin Console (Security > API > "
        + "Tokens, or the service app's Rate limits tab)."
    case .unauthorized(_, _, let credential):
      if credential.hasPrefix("service app") {
        return
          "The service app's access token was refused. Check that the app is active and that "
          + "its public key in the Admin Console matches --private-key, then run again."
      }
      return
        "The API token is invalid, expired or revoked, or belongs to another org. Create a new "
        + "one in the Admin Console (Security > API > Tokens) and set it where orgwiz reads it "
        + "(OKTA_API_TOKEN, ~/.okta/okta.yaml or --token-file)."
    case .forbidden(_, _, _, let hint):
      return hint
    case .rejected(let status, _, _):
      switch status {
      case 404:
        return
          "The object is not in this org (it may have been deleted, or the model belongs to "
          + "another org); pull the model again."
      case 409:
        return "The object changed or conflicts in Okta; pull the model again, then run again."
      default:
        return "Fix what Okta's error names above, then run the command again."
      }
    case .malformed:
      return
        "Check that the org URL points at an Okta org (not a proxy or a login page), then run "
        + "the command again."
    case .tokenRequestFailed(_, _, _, let hint):
      return hint
    }
  }

  private static func okta(_ body: OktaErrorBody?) -> String {
    guard let body else { return "" }
    let summary = body.summary
    return summary.isEmpty ? "" : " Okta said: \(summary)."
  }

  /// A wait so long (over 31 years) that it stands for "never"; longer ones are cut to it.
  public static let unreachableWait: Double = 1e9

  /// `seconds` for a message, whatever its size: "2.5 s", "3600 s", "1e+300 s".
  public static func duration(_ seconds: Double) -> String {
    guard seconds.isFinite else { return seconds.isNaN ? "an unknown time" : "forever" }
    if abs(seconds) < 10 { return String(format: "%.1f s", seconds) }
    if abs(seconds) < 1e15 { return String(format: "%.0f s", seconds.rounded()) }
    return String(format: "%.3g s", seconds)
  }

  /// Epoch seconds as a UTC time, "14:03:27 UTC", with the date before it when `date` is set
  /// or the time is not today; times past year 9999 (or before 1970) are clamped to it.
  public static func clockTime(_ epoch: Double, date: Bool = false) -> String {
    let clamped = epoch.isNaN ? 0 : min(253_402_300_799, max(0, epoch))
    var seconds = time_t(clamped)
    var parts = tm()
    gmtime_r(&seconds, &parts)
    let today = time_t(Date().timeIntervalSince1970) / 86_400 == seconds / 86_400
    let clock = String(format: "%02d:%02d:%02d UTC", parts.tm_hour, parts.tm_min, parts.tm_sec)
    guard date || !today else { return clock }
    return String(
      format: "%04d-%02d-%02d ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
      Int(parts.tm_mday)) + clock
  }

  static func quote(_ text: String) -> String {
    "\"\(EscapedText.clip(text, 200))\""
  }
}

/// Control characters replaced and long text cut, for anything from outside shown to the user.
enum EscapedText {
  static func clip(_ text: String, _ limit: Int) -> String {
    OktaErrorBody.clip(text, limit)
  }
}
