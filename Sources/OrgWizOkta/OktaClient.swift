import Foundation
import OrgWizCore
import OrgWizJSON
import Synchronization

/// One answer from Okta: its status, its body as lossless JSON (`null` when empty), its
/// `X-Okta-Request-Id` and its headers (names lowercased).
public struct OktaResponse: Sendable {
  public var status: Int
  public var json: JSONValue
  public var requestID: String?
  public var headers: [String: String]

  public init(status: Int, json: JSONValue, requestID: String?, headers: [String: String]) {
    self.status = status
    self.json = json
    self.requestID = requestID
    self.headers = headers
  }
}

/// The Okta Management API client: authentication, paging, rate limits and retries.
///
/// Calls block the calling thread. Several threads may call at once (`pull` reads independent
/// objects with a few workers, ``PullCommand``'s `workers`): each call is its own request, and
/// the request count, the rate-limit readings, the access token and the deadline are shared
/// under a lock, so that every thread paces by the same headers.
/// - Every response's `X-Rate-Limit-*` headers are read; when a bucket has under a tenth of its
///   limit left, the next call to it waits until the reset (measured against the response's
///   `Date`, at most ``maximumPacingWait`` seconds).
/// - `429` waits until `Retry-After` or `X-Rate-Limit-Reset` and retries; network errors, answers
///   that come too slowly and `5xx` are retried with exponential backoff and jitter. All waits
///   and failed attempts of one call share `retryBudget` seconds; then the call fails (69, or 75
///   for `429`). Other `4xx` are never retried.
/// - Nothing read is trusted to be sane: every number of a header gives a defined answer
///   (malformed: ignored; huge: bounded), no single wait is longer than ``maximumSingleWait``
///   (a longer one fails the call at once with 75 and when the limit resets), every wait over
///   ``announcedWait`` seconds is announced through `notice` (why, and until when), and so is
///   an answer still awaited after that long. A deadline (``startDeadline(seconds:)``) bounds
///   every later wait and request together; ``maximumPages`` bounds each list and
///   ``maximumTotalBytes`` all the answers read.
/// - A service app's access token is fetched on first use and fetched again once on a `401`.
// @unchecked: the limits below are plain properties a command sets once, before the first call
// from any thread, and the closures it is given (progress, sleep) are not Sendable; all that the
// calling threads change is in `shared`, under its mutex.
public final class OktaClient: @unchecked Sendable {
  public let org: OrgURL
  public let scopes: [String]
  /// The longest wait for a connection, or for a response going slower than the transport's
  /// least speed, in seconds.
  public var timeout: Double = 30
  /// The longest one request may take, its whole answer included, in seconds.
  public var maximumRequestSeconds: Double = 120
  /// The most pages `getAll` follows for one list (200 objects a page: 200,000 objects).
  public var maximumPages = 1_000
  /// The most bytes of 2xx answers read in all; past it a call fails (69) before parsing.
  public var maximumTotalBytes = Int.max
  /// The longest pause taken to stay under a rate limit while requests are left, in seconds.
  public var maximumPacingWait: Double = 60
  /// The longest single wait (rate limit, retry): 5 minutes. A longer one is not made.
  public static let maximumSingleWait: Double = 300
  /// Waits longer than this, in seconds, are announced (terminal or not).
  public static let announcedWait: Double = 2
  public let userAgent: String

  private let credential: Credential
  private let transport: any HTTPTransport
  private let progress: ((String) -> Void)?
  private let notice: (@Sendable (String) -> Void)?
  private let clock: () -> Double = { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }
  private let retryBudget: Double
  private let sleep: (Double) -> Void
  /// Whether this client is for the app's own endpoints only (``probe(org:transport:progress:retryBudget:userAgent:)``).
  private var probeOnly = false
  /// What the threads calling at once share.
  private struct Shared {
    var totalBytes = 0
    /// The overall deadline: when it ends (``clock``) and how long it was.
    var deadline: (end: Double, seconds: Double)?
    var count = 0
    var accessToken: (token: String, expires: Double)?
    var knownIdentity: String?
    var buckets: [String: (reading: RateLimitReading, receivedAt: Double)] = [:]
    /// A bucket one thread is pausing for: the others wait until the same moment (``clock``),
    /// until a fresh answer from that bucket comes.
    var pausedUntil: [String: Double] = [:]
  }
  private let shared = Mutex(Shared())
  private let now: () -> Double

  public init(
    org: OrgURL, credential: Credential, scopes: [String], transport: any HTTPTransport,
    progress: ((String) -> Void)? = nil, notice: (@Sendable (String) -> Void)? = nil,
    retryBudget: Double = 60,
    sleep: @escaping (Double) -> Void = { Thread.sleep(forTimeInterval: $0) },
    userAgent: String = "orgwiz"
  ) {
    self.org = org
    self.credential = credential
    self.scopes = scopes
    self.transport = transport
    self.progress = progress
    self.notice = notice
    self.retryBudget = retryBudget.isNaN ? 60 : min(max(0, retryBudget), 86_400)
    self.sleep = sleep
    self.userAgent = userAgent
    self.now = { Date().timeIntervalSince1970 }
    if case .serviceApp(let clientID, _, _) = credential {
      shared.withLock { $0.knownIdentity = clientID }
    }
  }

  /// Starts the overall deadline: every later wait and request must end within `seconds` from
  /// now; a call that would pass it fails with ``OktaError/deadline(request:seconds:reason:inFlight:)``.
  public func startDeadline(seconds: Double) {
    let bounded = seconds.isNaN ? 3600 : min(max(0, seconds), 31_536_000)
    shared.withLock { $0.deadline = (clock() + bounded, bounded) }
  }

  /// Seconds left before the deadline, nil without one.
  private func remainingTime() -> Double? {
    shared.withLock { $0.deadline }.map { $0.end - clock() }
  }

  private var deadlineSeconds: Double { shared.withLock { $0.deadline?.seconds ?? 0 } }

  /// How many HTTP requests were sent (retries and token requests included).
  public var requestCount: Int { shared.withLock { $0.count } }

  /// How many requests this thread has sent (see ``requestCount``); `pull` counts what each of
  /// its reads cost with it.
  public static var requestsOnThisThread: Int {
    (Thread.current.threadDictionary[threadCountKey] as? Int) ?? 0
  }
  private static let threadCountKey = "orgwiz.okta.requests"

  /// The rate-limit budget the latest answers reported: of the bucket with the least left, the
  /// requests left, its limit, and the seconds to its reset; nil before any answer had them.
  public var rateLimitBudget: (remaining: Int, limit: Int, resetIn: Double)? {
    let readings = shared.withLock { $0.buckets.values.map { $0 } }
    let localNow = now()
    return readings.min { $0.reading.remaining < $1.reading.remaining }.map { entry in
      let elapsed = localNow - entry.receivedAt
      return (
        entry.reading.remaining, entry.reading.limit,
        max(0, entry.reading.secondsToReset(localNow: entry.receivedAt) - elapsed)
      )
    }
  }

  /// Who the credential acts as: the service app's client id; for an API token, the login of
  /// `GET /api/v1/users/me` once that has been read, else nil.
  public var identity: String? { shared.withLock { $0.knownIdentity } }

  // MARK: - Calls

  /// `GET` a path on the org (it may carry a query), or a URL on the org (a `_links` href).
  public func get(
    _ pathOrURL: String, query: [(String, String)] = []
  ) throws(OktaError)
    -> OktaResponse
  {
    let url = try resolve(pathOrURL, query: query)
    let response = try call("GET", url, body: nil)
    if url.path == "/api/v1/users/me", case .apiToken = credential,
      let login = response.json["profile"]?["login"]?.stringValue
    {
      // Shown in the review and the record: one line, control characters made harmless.
      let shown = EscapedText.clip(login, 200)
      shared.withLock { $0.knownIdentity = shown }
    }
    return response
  }

  /// Every item of a paged list: follows `Link: <…>; rel="next"`, or the body's
  /// `_links.next.href` for lists shaped `{"value": [...], "_links": ...}`.
  public func getAll(
    _ path: String, query: [(String, String)] = []
  ) throws(OktaError)
    -> [JSONValue]
  {
    var url = try resolve(path, query: query)
    var items: [JSONValue] = []
    var visited: Set<String> = []
    for page in 1...max(1, maximumPages) {
      visited.insert(url.absoluteString)
      let response = try call("GET", url, body: nil)
      var next = LinkHeader.next(in: response.headers["link"])
      switch response.json {
      case .array(let elements):
        items += elements
      case .object(let object):
        guard let elements = object["value"]?.arrayValue else {
          throw .malformed(
            "GET \(url.path) answered an object without a \"value\" list where a list was "
              + "expected")
        }
        items += elements
        if let href = object["_links"]?["next"]?["href"]?.stringValue {
          next = href
        }
      default:
        throw .malformed(
          "GET \(url.path) answered \(response.json.typeName) where a list was expected")
      }
      guard let next else { return items }
      if page > 1 || items.count > 0 {
        progress?("Reading \(path): \(items.count) so far")
      }
      guard let nextURL = URL(string: next), org.isSameOrigin(nextURL) else {
        throw .malformed(
          "the next-page link of GET \(url.path) (\(EscapedText.clip(next, 200))) is not a "
            + "URL on \(org)")
      }
      guard !visited.contains(nextURL.absoluteString) else {
        throw .malformed("the next-page links of GET \(url.path) go round in a loop")
      }
      url = nextURL
    }
    throw .beyondBounds(
      "GET \(path) kept sending pages: \(maximumPages) of them (\(items.count) objects), and "
        + "still a link to another. A list of an Okta org that a model can hold has fewer")
  }

  /// `PUT` a JSON body (written compact) to a path on the org.
  public func put(_ path: String, body: JSONValue) throws(OktaError) -> OktaResponse {
    let url = try resolve(path, query: [])
    return try call("PUT", url, body: JSONWriter.write(body, style: .compact))
  }

  /// `GET` without credentials, for `/.well-known/okta-organization`.
  public func getUnauthenticated(_ path: String) throws(OktaError) -> OktaResponse {
    let url = try resolve(path, query: [])
    return try send(
      "GET", url, body: nil, authorization: nil, kind: .api, label: "GET \(url.path)")
  }

  // MARK: - The app's own endpoints (orgwiz verify)

  /// A client for the app's own endpoints only (`/v1/interact`, `/idp/idx/introspect`): it holds
  /// no Management credential, and a Management call through it is refused before it is sent.
  public static func probe(
    org: OrgURL, transport: any HTTPTransport, progress: ((String) -> Void)? = nil,
    notice: (@Sendable (String) -> Void)? = nil, retryBudget: Double = 60,
    userAgent: String = "orgwiz"
  ) -> OktaClient {
    let client = OktaClient(
      org: org, credential: .apiToken(""), scopes: [], transport: transport, progress: progress,
      notice: notice, retryBudget: retryBudget, userAgent: userAgent)
    client.probeOnly = true
    return client
  }

  /// `POST` a form to a path on the org without any Authorization header. A `4xx` is answered,
  /// not thrown: the caller reads OAuth's `error` from it. Redirects are not followed.
  public func postForm(_ path: String, form: [(String, String)]) throws(OktaError) -> OktaResponse {
    let url = try resolve(path, query: [])
    let body = form.map { OrgURL.formEncode($0.0) + "=" + OrgURL.formEncode($0.1) }
      .joined(separator: "&")
    return try send(
      "POST", url, body: Array(body.utf8), authorization: nil,
      kind: .probe(contentType: "application/x-www-form-urlencoded", accept: "application/json"),
      label: "POST \(url.path)")
  }

  /// `POST` a JSON body with the given `Content-Type` and `Accept` (Okta's
  /// `application/ion+json; okta-version=1.0.0`) without any Authorization header; a `4xx` is
  /// answered, not thrown.
  public func postJSON(
    _ path: String, body: JSONValue, contentType: String
  ) throws(OktaError) -> OktaResponse {
    let url = try resolve(path, query: [])
    return try send(
      "POST", url, body: JSONWriter.write(body, style: .compact), authorization: nil,
      kind: .probe(contentType: contentType, accept: contentType), label: "POST \(url.path)")
  }

  // MARK: - Internals

  private func resolve(_ pathOrURL: String, query: [(String, String)]) throws(OktaError) -> URL {
    if pathOrURL.hasPrefix("/") {
      // Paths are built from checked ids; one with a dot segment, an escape or a backslash
      // could still name another object than the one shown, and is never sent.
      let segments = pathOrURL.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
      guard
        !segments.contains(where: {
          $0 == "." || $0 == ".." || $0.isEmpty || $0.contains("%") || $0.contains("\\")
            || $0.contains("?") || $0.contains("#")
        })
      else {
        throw .malformed(
          "orgwiz refused to send a request to the path \(EscapedText.clip(pathOrURL, 200)), "
            + "which does not name one object plainly")
      }
      guard let url = org.url(path: pathOrURL, query: query) else {
        throw .malformed("the path \(EscapedText.clip(pathOrURL, 200)) is not a URL path")
      }
      return url
    }
    guard let url = URL(string: pathOrURL), org.isSameOrigin(url) else {
      throw .malformed(
        "the link \(EscapedText.clip(pathOrURL, 200)) is not a URL on \(org), so orgwiz does "
          + "not follow it")
    }
    if query.isEmpty { return url }
    let path = url.path + (url.query.map { "?" + $0 } ?? "")
    guard let joined = org.url(path: path, query: query) else {
      throw .malformed("the link \(EscapedText.clip(pathOrURL, 200)) is not a URL path")
    }
    return joined
  }

  /// An authenticated call, with one fresh access token on a service app's `401`.
  private func call(
    _ method: String, _ url: URL, body: [UInt8]?
  ) throws(OktaError)
    -> OktaResponse
  {
    let label = "\(method) \(url.path)"
    do {
      return try send(
        method, url, body: body, authorization: try authorization(), kind: .api, label: label)
    } catch .unauthorized(let request, let errorBody, let credential) {
      guard case .serviceApp = self.credential else {
        throw .unauthorized(request: request, body: errorBody, credential: credential)
      }
      shared.withLock { $0.accessToken = nil }
      return try send(
        method, url, body: body, authorization: try authorization(), kind: .api, label: label)
    }
  }

  private func authorization() throws(OktaError) -> String {
    guard !probeOnly else {
      throw .malformed("orgwiz verify sends no Management API request and holds no credential")
    }
    switch credential {
    case .apiToken(let token):
      return "SSWS \(token)"
    case .serviceApp(let clientID, let pem, let keyID):
      if let cached = shared.withLock({ $0.accessToken }), now() < cached.expires {
        return "Bearer \(cached.token)"
      }
      let fetched = try fetchAccessToken(clientID: clientID, pem: pem, keyID: keyID)
      shared.withLock { $0.accessToken = fetched }
      return "Bearer \(fetched.token)"
    }
  }

  /// A new access token, and when to stop using it (a minute before `expires_in` runs out).
  private func fetchAccessToken(
    clientID: String, pem: String, keyID: String?
  ) throws(OktaError) -> (token: String, expires: Double) {
    guard let url = org.url(path: "/oauth2/v1/token") else {
      throw .malformed("the token URL of \(org) cannot be built")
    }
    let response = try send(
      "POST", url, body: nil, authorization: nil,
      kind: .token(clientID: clientID, pem: pem, keyID: keyID), label: "POST /oauth2/v1/token")
    guard let token = response.json["access_token"]?.stringValue, !token.isEmpty,
      token.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F })
    else {
      throw .malformed("POST /oauth2/v1/token answered without a usable access_token")
    }
    if let type = response.json["token_type"]?.stringValue, type.lowercased() != "bearer" {
      throw .malformed(
        "POST /oauth2/v1/token answered a \(EscapedText.clip(type, 40)) token, not a Bearer "
          + "token (a service app that requires DPoP is not supported)")
    }
    HeldSecrets.hold(token)
    // Any expires_in (huge, negative, not an integer) gives a lifetime of 30 s to a day.
    let lifetime = Double(response.json["expires_in"]?.intValue ?? 3600)
    return (token, now() + min(86_400, max(30, lifetime - 60)))
  }

  private enum Kind {
    case api
    /// An unauthenticated request to the app's own endpoints; its `4xx` answers are returned.
    case probe(contentType: String, accept: String)
    case token(clientID: String, pem: String, keyID: String?)
  }

  /// Sends one request, with pacing, retries and the mapping of every status to a result.
  private func send(
    _ method: String, _ url: URL, body: [UInt8]?, authorization: String?, kind: Kind,
    label: String
  ) throws(OktaError) -> OktaResponse {
    let bucket = Self.bucket(url.path)
    var spent = 0.0
    var attempt = 0
    while true {
      attempt += 1
      try pace(bucket, label: label)
      let remaining = remainingTime()
      if let remaining, remaining <= 0 {
        throw .deadline(
          request: label, seconds: deadlineSeconds, reason: "\(label) was not sent",
          inFlight: false)
      }
      var request = HTTPRequest(method: method, url: url)
      request.timeLimit = min(maximumRequestSeconds, remaining ?? .infinity)
      request.headers["Accept"] = "application/json"
      request.headers["User-Agent"] = userAgent
      if let authorization { request.headers["Authorization"] = authorization }
      switch kind {
      case .api:
        if let body {
          request.body = body
          request.headers["Content-Type"] = "application/json"
        }
      case .probe(let contentType, let accept):
        request.body = body
        request.headers["Content-Type"] = contentType
        request.headers["Accept"] = accept
      case .token(let clientID, let pem, let keyID):
        let assertion = try ClientAssertion.make(
          clientID: clientID, privateKeyPEM: pem, keyID: keyID, audience: url.absoluteString,
          issuedAt: Int(now()), jti: UUID().uuidString)
        HeldSecrets.hold(assertion)
        let form = [
          ("grant_type", "client_credentials"), ("scope", scopes.joined(separator: " ")),
          (
            "client_assertion_type",
            "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
          ),
          ("client_assertion", assertion),
        ]
        request.body = Array(
          form.map { OrgURL.formEncode($0.0) + "=" + OrgURL.formEncode($0.1) }
            .joined(separator: "&").utf8)
        request.headers["Content-Type"] = "application/x-www-form-urlencoded"
      }
      shared.withLock { $0.count += 1 }
      Thread.current.threadDictionary[Self.threadCountKey] = Self.requestsOnThisThread + 1
      let started = DispatchTime.now().uptimeNanoseconds
      let response: HTTPResponse
      let watch = watchdog(label, giveUpIn: request.timeLimit ?? maximumRequestSeconds)
      do {
        response = try transport.send(request, timeout: min(timeout, remaining ?? .infinity))
        watch?.cancel()
      } catch {
        watch?.cancel()
        let took = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        spent += took
        if let left = remainingTime(), left <= 0.05 {
          throw .deadline(
            request: label, seconds: deadlineSeconds,
            reason: "\(label) had not been answered after \(OktaError.duration(took))",
            inFlight: method != "GET")
        }
        let reason: String
        switch error {
        case .tooLarge:
          throw .malformed(
            "the response to \(label) is larger than orgwiz reads (64 MiB)")
        case .tls(let detail):
          throw .unreachable(host: org.description, reason: "TLS failed (\(detail))")
        case .unavailable(let detail):
          throw .unreachable(host: org.description, reason: detail)
        case .timedOut:
          reason = "no answer to \(label) within \(OktaError.duration(took))"
        case .tooSlow(let bytes, let seconds):
          reason =
            "the answer to \(label) came too slowly: \(bytes) bytes in "
            + OktaError.duration(seconds)
        case .unreachable(let detail):
          reason = detail
        }
        let delay = backoff(attempt)
        guard spent + delay <= retryBudget else {
          throw .unreachable(
            host: org.description, reason: "\(reason), through \(attempt) attempts")
        }
        try wait(delay, label: label, why: "Okta did not answer \(label) (\(reason)); retrying")
        spent += delay
        continue
      }
      if (200..<300).contains(response.status) {
        let total = shared.withLock {
          $0.totalBytes += response.body.count
          return $0.totalBytes
        }
        if total > maximumTotalBytes {
          throw .beyondBounds(
            "the answers read, up to \(label), passed \(Self.size(maximumTotalBytes)), the most "
              + "orgwiz reads (the largest model it loads)")
        }
      }
      let reading = RateLimitReading(headers: response.headers)
      shared.withLock {
        if let reading { $0.buckets[bucket] = (reading, now()) }
        $0.pausedUntil[bucket] = nil
      }
      let json = parse(response.body)
      let requestID = response.headers["x-okta-request-id"]
      switch response.status {
      case 200..<300:
        guard let json else {
          throw .malformed("the response to \(label) (HTTP \(response.status)) is not JSON")
        }
        return OktaResponse(
          status: response.status, json: json, requestID: requestID, headers: response.headers)
      case 429:
        let delay = Self.rateLimitDelay(response.headers, reading: reading, localNow: now())
        guard delay <= Self.maximumSingleWait, spent + delay <= retryBudget else {
          throw .rateLimited(request: label, resetIn: delay, resetAt: now() + delay)
        }
        try wait(delay, label: label, why: "Okta's rate limit was reached on \(label) (HTTP 429)")
        spent += delay
        shared.withLock { $0.buckets[bucket] = nil }
        continue
      case 500...599:
        let delay =
          Self.retryAfter(response.headers, localNow: now()).map { max($0, 0.1) }
          ?? backoff(attempt)
        guard delay <= Self.maximumSingleWait, spent + delay <= retryBudget else {
          throw .serverError(
            status: response.status, request: label, body: json.flatMap(OktaErrorBody.init))
        }
        try wait(
          delay, label: label, why: "Okta answered HTTP \(response.status) to \(label); retrying")
        spent += delay
        continue
      default:
        if case .probe = kind, (400..<500).contains(response.status), let json {
          return OktaResponse(
            status: response.status, json: json, requestID: requestID, headers: response.headers)
        }
        throw failure(response, json: json, method: method, url: url, kind: kind, label: label)
      }
    }
  }

  /// The error for a status that is not retried.
  private func failure(
    _ response: HTTPResponse, json: JSONValue?, method: String, url: URL, kind: Kind,
    label: String
  ) -> OktaError {
    let body = json.flatMap(OktaErrorBody.init)
    if case .token(let clientID, _, let keyID) = kind, (400..<500).contains(response.status) {
      let error = json?["error"]?.stringValue ?? body?.errorCode ?? "HTTP \(response.status)"
      let description = json?["error_description"]?.stringValue ?? body?.errorSummary ?? ""
      return .tokenRequestFailed(
        status: response.status, error: error, description: description,
        hint: tokenHint(error: error, clientID: clientID, keyID: keyID))
    }
    switch response.status {
    case 300..<400:
      let location = response.headers["location"].map { " to \(EscapedText.clip($0, 200))" } ?? ""
      return .malformed(
        "\(label) was answered with a redirect (HTTP \(response.status))\(location), which "
          + "orgwiz follows only for a read within the org (never for a write, never off the org)")
    case 401:
      let source: String
      switch credential {
      case .apiToken: source = "an API token"
      case .serviceApp(let clientID, _, _): source = "service app \(clientID)"
      }
      return .unauthorized(request: label, body: body, credential: source)
    case 403:
      let scope =
        Self.scopeFromChallenge(response.headers["www-authenticate"])
        ?? OktaScopes.needed(method: method, path: url.path)
      return .forbidden(
        request: label, body: body, neededScope: scope,
        hint: forbiddenHint(method: method, path: url.path, scope: scope))
    case 400..<500:
      return .rejected(status: response.status, request: label, body: body)
    default:
      return .malformed("\(label) was answered with HTTP \(response.status)")
    }
  }

  private func forbiddenHint(method: String, path: String, scope: String?) -> String {
    switch credential {
    case .serviceApp(let clientID, _, _):
      let scopeText = scope ?? "the okta.* scope this call needs"
      let requested =
        scope.map {
          scopes.contains($0)
            || scopes.contains($0.replacingOccurrences(of: ".read", with: ".manage"))
        } ?? true
      let note = requested ? "" : " (orgwiz did not request it: a bug worth reporting)"
      return
        "Grant \(scopeText)\(note) to the service app \(clientID) in the Admin Console "
        + "(Applications > Applications > the app > Okta API Scopes), and give the app an admin "
        + "role that allows it (its Admin roles tab), then run the command again."
    case .apiToken:
      return
        "An API token acts with the admin roles of the admin who created it, and that admin "
        + "needs \(OktaScopes.roles(method: method, path: path)) for \(method) \(path). Assign "
        + "the role under Security > Administrators, or use a token created by such an admin."
    }
  }

  private func tokenHint(error: String, clientID: String, keyID: String?) -> String {
    switch error {
    case "invalid_scope":
      return
        "Grant the service app \(clientID) these scopes in the Admin Console (Applications > "
        + "Applications > the app > Okta API Scopes): \(scopes.joined(separator: " ")); then "
        + "run the command again."
    case "invalid_client":
      let kid = keyID.map { " and that its key id is \($0)" } ?? ""
      return
        "Check the client id (\(clientID)), that the app authenticates with Public key / "
        + "Private key, and that the public key of --private-key is registered on it\(kid) "
        + "(Admin Console: the app's General tab)."
    case "unauthorized_client", "unsupported_grant_type":
      return
        "Enable the Client Credentials grant type for the service app \(clientID) (its "
        + "General tab), then run the command again."
    case "invalid_dpop_proof", "use_dpop_nonce":
      return
        "The service app \(clientID) requires DPoP, which orgwiz does not send: clear \"Require "
        + "Demonstrating Proof of Possession (DPoP) header in token requests\" on its General tab."
    default:
      return
        "Check the service app \(clientID)'s client credentials settings in the Admin Console, "
        + "then run the command again."
    }
  }

  /// Waits for the bucket's reset when it has almost no requests left: while some are left,
  /// only for a reset within ``maximumPacingWait``; with none left, for a reset within
  /// ``maximumSingleWait``, and a later one fails the call at once (75).
  private func pace(_ bucket: String, label: String) throws(OktaError) {
    // Another thread is pausing for this bucket: wait as long as it does.
    if let until = shared.withLock({ $0.pausedUntil[bucket] }) {
      let left = until - clock()
      if left > 0 {
        try self.wait(
          left.rounded(.up), label: label,
          why: "Okta's rate limit is nearly used up; pausing before \(label) with the other reads")
        return
      }
    }
    guard let (reading, receivedAt) = shared.withLock({ $0.buckets[bucket] }), reading.isLow else {
      return
    }
    let elapsed = now() - receivedAt
    let wait = reading.secondsToReset(localNow: receivedAt) - elapsed
    shared.withLock { $0.buckets[bucket] = nil }
    guard wait > 0 else { return }
    if reading.remaining > 0 {
      guard wait <= maximumPacingWait else { return }
    } else if wait > Self.maximumSingleWait {
      throw .rateLimited(request: label, resetIn: wait, resetAt: now() + wait)
    }
    shared.withLock { $0.pausedUntil[bucket] = clock() + wait.rounded(.up) }
    try self.wait(
      wait.rounded(.up), label: label,
      why: "Okta's rate limit has \(reading.remaining) of \(reading.limit) requests left; "
        + "pausing before \(label)")
  }

  /// Sleeps `seconds`, announced (why, and until when) when longer than ``announcedWait``;
  /// a wait that would pass the deadline is not begun.
  private func wait(_ seconds: Double, label: String, why: String) throws(OktaError) {
    if let left = remainingTime(), seconds >= left {
      throw .deadline(
        request: label, seconds: deadlineSeconds,
        reason: "\(why) would have meant waiting \(OktaError.duration(seconds)), past it",
        inFlight: false)
    }
    let line =
      "\(why): waiting \(OktaError.duration(seconds)), until "
      + "\(OktaError.clockTime(now() + seconds))."
    if seconds > Self.announcedWait, let notice {
      notice(line)
    } else {
      progress?(line)
    }
    sleep(seconds)
  }

  /// After ``announcedWait`` seconds without the whole answer, says so (terminal or not).
  private func watchdog(_ label: String, giveUpIn seconds: Double) -> DispatchWorkItem? {
    guard let notice else { return nil }
    let until = OktaError.clockTime(now() + seconds)
    let item = DispatchWorkItem {
      notice(
        "Still waiting for Okta's answer to \(label) after \(Int(Self.announcedWait)) s; "
          + "orgwiz gives up at \(until) if it has not all come.")
    }
    DispatchQueue.global().asyncAfter(deadline: .now() + Self.announcedWait, execute: item)
    return item
  }

  /// The wait a 429 asks for: `Retry-After`, else until `X-Rate-Limit-Reset`, at least 1 s and
  /// whole seconds; a value no clock could reach becomes ``OktaError/unreachableWait``.
  static func rateLimitDelay(
    _ headers: [String: String], reading: RateLimitReading?, localNow: Double
  ) -> Double {
    let delay =
      retryAfter(headers, localNow: localNow) ?? reading?.secondsToReset(localNow: localNow)
    guard let delay, !delay.isNaN else { return 1 }
    return min(OktaError.unreachableWait, max(1, delay.rounded(.up)))
  }

  /// Exponential backoff from 0.5 s, at most 10 s, with half of it random.
  private func backoff(_ attempt: Int) -> Double {
    let base = min(10, 0.5 * pow(2, Double(max(0, attempt - 1))))
    return base / 2 + Double.random(in: 0...(base / 2))
  }

  /// `Retry-After` in seconds from now: delay-seconds, or an HTTP-date measured against the
  /// response's `Date` (else `localNow`). Negative, not a number or unreadable: nil; larger than
  /// any clock could wait (infinity included): ``OktaError/unreachableWait``.
  static func retryAfter(_ headers: [String: String], localNow: Double) -> Double? {
    guard let raw = headers["retry-after"] else { return nil }
    let text = raw.trimmingCharacters(in: .whitespaces)
    if let date = HTTPDate.epochSeconds(text) {
      let reference = headers["date"].flatMap(HTTPDate.epochSeconds).map(Double.init) ?? localNow
      return min(OktaError.unreachableWait, max(0, Double(date) - reference))
    }
    // A repeated header arrives joined with ", "; the last value is the newest.
    let last = text.split(separator: ",").last.map { $0.trimmingCharacters(in: .whitespaces) }
    guard let last, let seconds = Double(last), !seconds.isNaN, seconds >= 0 else { return nil }
    return min(OktaError.unreachableWait, seconds)
  }

  private func parse(_ body: [UInt8]) -> JSONValue? {
    if body.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
      return .null
    }
    return try? JSONParser.parse(body)
  }

  /// The rate-limit bucket a path counts against (approximately Okta's per-endpoint buckets).
  static func bucket(_ path: String) -> String {
    let segments = path.split(separator: "/").prefix(3)
    return "/" + segments.joined(separator: "/")
  }

  /// The `scope="..."` of a `WWW-Authenticate: Bearer ... error="insufficient_scope"` challenge.
  static func scopeFromChallenge(_ header: String?) -> String? {
    guard let header, let range = header.range(of: "scope=\"") else { return nil }
    let rest = header[range.upperBound...]
    guard let end = rest.firstIndex(of: "\"") else { return nil }
    let scope = rest[..<end].split(separator: " ").first.map(String.init)
    return scope.map { EscapedText.clip($0, 100) }
  }

  /// "32 MiB", "1 GiB".
  static func size(_ bytes: Int) -> String {
    bytes >= 1 << 30 && bytes % (1 << 30) == 0 ? "\(bytes >> 30) GiB" : "\(bytes >> 20) MiB"
  }

}
