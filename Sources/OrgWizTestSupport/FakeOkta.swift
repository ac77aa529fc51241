import Foundation
import OrgWizCore
import OrgWizJSON
import Synchronization

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif
#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A running fake Okta org: `tools/fake-okta/fake_okta.py` as a child process on 127.0.0.1,
/// which serves an orgwiz model the way a live org does and validates every request against
/// Okta's OpenAPI spec (see tools/fake-okta/README.md).
///
/// ```swift
/// let okta = try await FakeOkta.start(options: .init(pageSize: 1))
/// defer { okta.stop() }
/// // ... run orgwiz against okta.url with okta.token ...
/// #expect(try await okta.violations().isEmpty)
/// ```
///
/// Starting never skips: a missing python3, missing Python packages or a missing spec throw a
/// ``FakeOktaError`` that says what to do. The server is stopped by ``stop()`` or, at the
/// latest, when the value is released; it also stops itself after `idleSeconds` without a
/// request, in case the test process dies.
public final class FakeOkta: Sendable {
  /// The SSWS token a fake accepts unless the options name others.
  public static let defaultToken = "00testTOKENabcdef123456"
  /// What to run when the fake's Python packages are missing.
  public static let requirementsHint =
    "run python3 -m pip install -r tools/fake-okta/requirements.txt"

  /// The org the fake serves.
  public enum Model: Sendable {
    /// The bundled `Content/examples/acme.org.json`.
    case example
    /// A model file on disk, used in place.
    case file(String)
    /// A model document, written to a temporary file.
    case json(JSONValue)
    /// The bytes of a model file, written to a temporary file.
    case bytes([UInt8])
    /// A loaded model, written to a temporary file.
    case orgModel(OrgModel)
  }

  /// The fake's flags (tools/fake-okta/README.md, "Flags"), with test-friendly defaults.
  public struct Options: Sendable {
    /// Accepted `SSWS` tokens, each `TOKEN` or `TOKEN@USERID` (`--token`). The first is
    /// ``FakeOkta/token``.
    public var tokens: [String]
    /// At most this many objects per page (`--page-size`); 1 forces paging.
    public var pageSize: Int?
    /// The service app allowed the client-credentials flow (`--client-id`).
    public var clientID: String?
    /// That app's public key: a PEM file's path or the PEM text (`--public-key`).
    public var publicKey: String?
    /// The only `kid` a client assertion may name (`--key-id`).
    public var keyID: String?
    /// The `okta.*` scopes granted to the service app (`--client-scopes`); nil: all.
    public var clientScopes: [String]?
    /// One more URL a client assertion's `aud` may be built from (`--org-url`).
    public var orgURL: String?
    /// The org's Embedded widget sign-in support setting (`--interaction-code on|off`); nil:
    /// the model's.
    public var interactionCode: Bool?
    /// Leave `client_secret` out of GET responses (`--hide-secret-on-get`).
    public var hideSecretOnGet: Bool
    /// Requests per minute per bucket before a real 429 (`--rate-limit`; 0: never); nil: the
    /// fake's default (600).
    public var rateLimit: Int?
    /// Hard stop after this long (`--max-seconds`).
    public var maxSeconds: Double
    /// Stop after this long without a request (`--idle-seconds`).
    public var idleSeconds: Double
    /// Okta's `management-openapi.yaml` (`--spec`); nil: `$FAKE_OKTA_SPEC`, else
    /// `../shared/okta/` beside the repository.
    public var spec: String?
    /// Okta's `oauth-openapi.yaml` (`--oauth-spec`), or `none`; nil: beside the spec.
    public var oauthSpec: String?
    /// Log each request on the fake's stderr (`--verbose`), kept in ``FakeOkta/log()``.
    public var verbose: Bool
    /// More arguments, passed as they are.
    public var extraArguments: [String]
    /// More environment variables for the fake (`TMPDIR` moves its spec cache).
    public var environment: [String: String]
    /// How long to wait for the fake to be ready. The first start in a test process waits at
    /// least 45 s, as it may have to parse the spec (see ``FakeOkta/start(model:options:)``).
    public var startTimeout: Double
    /// The Python interpreter; nil: `$FAKE_OKTA_PYTHON`, else `python3` on `PATH`.
    public var python: String?

    public init(
      tokens: [String] = [FakeOkta.defaultToken], pageSize: Int? = nil, clientID: String? = nil,
      publicKey: String? = nil, keyID: String? = nil, clientScopes: [String]? = nil,
      orgURL: String? = nil, interactionCode: Bool? = nil, hideSecretOnGet: Bool = false,
      rateLimit: Int? = nil, maxSeconds: Double = 1800, idleSeconds: Double = 300,
      spec: String? = nil, oauthSpec: String? = nil, verbose: Bool = false,
      extraArguments: [String] = [], environment: [String: String] = [:],
      startTimeout: Double = 15, python: String? = nil
    ) {
      self.tokens = tokens
      self.pageSize = pageSize
      self.clientID = clientID
      self.publicKey = publicKey
      self.keyID = keyID
      self.clientScopes = clientScopes
      self.orgURL = orgURL
      self.interactionCode = interactionCode
      self.hideSecretOnGet = hideSecretOnGet
      self.rateLimit = rateLimit
      self.maxSeconds = maxSeconds
      self.idleSeconds = idleSeconds
      self.spec = spec
      self.oauthSpec = oauthSpec
      self.verbose = verbose
      self.extraArguments = extraArguments
      self.environment = environment
      self.startTimeout = startTimeout
      self.python = python
    }

    /// The command-line arguments after `--model FILE --port 0 --port-file FILE`.
    public var arguments: [String] {
      var out: [String] = []
      for token in tokens { out += ["--token", token] }
      if let pageSize { out += ["--page-size", String(pageSize)] }
      if let clientID { out += ["--client-id", clientID] }
      if let publicKey { out += ["--public-key", publicKey] }
      if let keyID { out += ["--key-id", keyID] }
      if let clientScopes { out += ["--client-scopes", clientScopes.joined(separator: " ")] }
      if let orgURL { out += ["--org-url", orgURL] }
      if let interactionCode { out += ["--interaction-code", interactionCode ? "on" : "off"] }
      if hideSecretOnGet { out.append("--hide-secret-on-get") }
      if let rateLimit { out += ["--rate-limit", String(rateLimit)] }
      out += ["--max-seconds", String(maxSeconds), "--idle-seconds", String(idleSeconds)]
      if let spec { out += ["--spec", spec] }
      if let oauthSpec { out += ["--oauth-spec", oauthSpec] }
      if verbose { out.append("--verbose") }
      return out + extraArguments
    }
  }

  /// `http://127.0.0.1:PORT`, the org URL to give orgwiz.
  public let url: String
  /// The port on 127.0.0.1.
  public let port: Int
  /// The first accepted SSWS token (without any `@USERID`).
  public let token: String
  /// The child's process id.
  public let pid: Int32
  /// Seconds from launching the child to its port file appearing.
  public let launchSeconds: Double
  /// The model file the fake was started with.
  public let modelPath: String

  /// The child, until ``stop(grace:)`` takes it.
  private let process: Mutex<RunningProcess?>
  private let logPath: String
  private let directory: TemporaryDirectory

  private init(
    process: RunningProcess, port: Int, token: String, launchSeconds: Double, modelPath: String,
    logPath: String, directory: TemporaryDirectory
  ) {
    self.process = Mutex(process)
    self.pid = process.pid
    self.port = port
    self.url = "http://127.0.0.1:\(port)"
    self.token = token
    self.launchSeconds = launchSeconds
    self.modelPath = modelPath
    self.logPath = logPath
    self.directory = directory
  }

  deinit { stop() }

  // MARK: - Starting and stopping

  /// Starts a fake org and waits (at most `options.startTimeout`) until it listens.
  ///
  /// The first start on a machine parses Okta's 3 MB YAML spec (seconds) and caches it as JSON
  /// in `$TMPDIR`, so until one start has succeeded, starts run one at a time and the first
  /// waits at least 45 s; the others then find the cache.
  public static func start(
    model: Model = .example, options: Options = Options()
  ) async throws
    -> FakeOkta
  {
    let python = try pythonExecutable(options.python)
    let first = await startGate.enter()
    do {
      var options = options
      if first { options.startTimeout = max(options.startTimeout, 45) }
      let fake = try await launch(python: python, model: model, options: options)
      if first { await startGate.leave(warmed: options.environment["TMPDIR"] == nil) }
      return fake
    } catch {
      if first { await startGate.leave(warmed: false) }
      throw error
    }
  }

  private static func launch(
    python: String, model: Model, options: Options
  ) async throws
    -> FakeOkta
  {
    let script = Fixtures.repositoryRoot.appendingPathComponent("tools/fake-okta/fake_okta.py")
      .path
    guard FileManager.default.fileExists(atPath: script) else {
      throw FakeOktaError("fake-okta: \(script) is missing")
    }
    let directory = try TemporaryDirectory()
    var started = false
    defer { if !started { directory.remove() } }

    let modelPath: String
    switch model {
    case .example: modelPath = Fixtures.exampleOrgPath
    case .file(let path): modelPath = path
    case .json(let value): modelPath = try write(JSONWriter.write(value), in: directory)
    case .bytes(let bytes): modelPath = try write(bytes, in: directory)
    case .orgModel(let model):
      modelPath = try write(JSONWriter.write(model.document), in: directory)
    }
    let portFile = directory.file("port")
    let logPath = directory.file("fake-okta.log")
    guard FileManager.default.createFile(atPath: logPath, contents: nil) else {
      throw FakeOktaError("fake-okta: cannot create \(logPath)")
    }

    var environment = ["PYTHONUNBUFFERED": "1", "PYTHONDONTWRITEBYTECODE": "1"]
    environment.merge(options.environment) { $1 }
    let launched = Date()
    let process: RunningProcess
    do {
      // It lives as long as its test; stop() ends it.
      process = try ProcessRunner.start(
        python,
        [script, "--model", modelPath, "--port", "0", "--port-file", portFile]
          + options.arguments,
        environment: environment, stdout: .file(logPath), stderr: .file(logPath),
        timeout: 86_400)
    } catch {
      throw FakeOktaError("fake-okta: cannot run \(python): \(error)")
    }

    func giveUp(_ reason: String) -> FakeOktaError {
      if process.isRunning {
        process.send(SIGKILL)
        _ = process.finish()
      }
      let log = readText(logPath)
      return FakeOktaError(diagnose(reason: reason, log: log))
    }

    let deadline = launched.addingTimeInterval(options.startTimeout)
    var port = 0
    while true {
      if let data = FileManager.default.contents(atPath: portFile),
        let value = Int(
          String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
      {
        port = value
        break
      }
      if !process.isRunning {
        throw giveUp(
          "fake-okta exited with status \(process.finish().status) before it was ready")
      }
      if Date() > deadline {
        throw giveUp("fake-okta was not ready after \(options.startTimeout) s")
      }
      do {
        try await Task.sleep(nanoseconds: 20_000_000)
      } catch {
        throw giveUp("cancelled while fake-okta was starting")
      }
    }
    let seconds = Date().timeIntervalSince(launched)
    let firstToken = options.tokens.first ?? ""
    let token =
      firstToken.split(separator: "@", maxSplits: 1).first.map(String.init) ?? firstToken
    started = true
    return FakeOkta(
      process: process, port: port, token: token, launchSeconds: seconds, modelPath: modelPath,
      logPath: logPath, directory: directory)
  }

  /// Stops the fake: SIGTERM, then SIGKILL if it has not exited after `grace` seconds. Waits
  /// until the process is gone. Safe to call more than once.
  public func stop(grace: Double = 5) {
    guard let process = process.withLock({ $0.take() }) else { return }
    // SIGTERM; past `grace` seconds finish() kills its process group.
    process.send(SIGTERM)
    _ = process.finish(waitingAtMost: grace)
    directory.remove()
  }

  /// Whether the fake's process is still running.
  public var isRunning: Bool {
    process.withLock { $0?.isRunning ?? false }
  }

  /// What the fake printed on stdout and stderr so far (its listening line, any traceback,
  /// and with `verbose` every request). Empty once stopped.
  public func log() -> String { Self.readText(logPath) }

  /// Whether any process (even a zombie) has this id.
  public static func processExists(_ pid: Int32) -> Bool {
    kill(pid, 0) == 0 || errno == EPERM
  }

  // MARK: - Talking to the fake

  /// How to authenticate a request.
  public enum Authorization: Sendable {
    /// `SSWS` with the fake's first token.
    case token
    /// No `Authorization` header.
    case none
    /// This header value, as it is (`Bearer ...`, `SSWS other`).
    case header(String)
  }

  /// One HTTP response.
  public struct Response: Sendable {
    public var status: Int
    /// Header values by lowercased name.
    public var headers: [String: String]
    public var body: [UInt8]

    public var text: String { String(decoding: body, as: UTF8.self) }

    /// A header by name, in any case.
    public func header(_ name: String) -> String? { headers[name.lowercased()] }

    /// The body as JSON.
    public func json() throws -> JSONValue {
      do {
        return try JSONParser.parse(body)
      } catch {
        throw FakeOktaError("response \(status) is not JSON (\(error)): \(text.prefix(500))")
      }
    }
  }

  /// Sends a request to the fake. `path` is a path with any query (`/api/v1/apps?limit=1`) or a
  /// whole URL (a `Link` header's). A `body` is sent as `application/json`.
  public func send(
    _ method: String, _ path: String, body: JSONValue? = nil,
    authorization: Authorization = .token, headers: [String: String] = [:],
    timeout: Double = 15
  ) async throws -> Response {
    var bytes: [UInt8]?
    var allHeaders = ["Accept": "application/json"]
    if let body {
      bytes = JSONWriter.write(body, style: .compact)
      allHeaders["Content-Type"] = "application/json"
    }
    switch authorization {
    case .token: allHeaders["Authorization"] = "SSWS \(token)"
    case .none: break
    case .header(let value): allHeaders["Authorization"] = value
    }
    allHeaders.merge(headers) { $1 }
    return try await sendRaw(method, path, body: bytes, headers: allHeaders, timeout: timeout)
  }

  /// Sends a request with exactly these headers and body bytes.
  public func sendRaw(
    _ method: String, _ path: String, body: [UInt8]? = nil, headers: [String: String] = [:],
    timeout: Double = 15
  ) async throws -> Response {
    let address = path.hasPrefix("http://") || path.hasPrefix("https://") ? path : url + path
    guard let target = URL(string: address) else { throw FakeOktaError("bad URL \(address)") }
    var request = URLRequest(url: target, timeoutInterval: timeout)
    request.httpMethod = method
    for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
    if let body { request.httpBody = Data(body) }
    let (data, response): (Data, URLResponse) = try await withCheckedThrowingContinuation {
      continuation in
      Self.session.dataTask(with: request) { data, response, error in
        if let error {
          continuation.resume(
            throwing: FakeOktaError("\(method) \(address) failed: \(error.localizedDescription)"))
        } else if let response {
          continuation.resume(returning: (data ?? Data(), response))
        } else {
          continuation.resume(throwing: FakeOktaError("\(method) \(address): no response"))
        }
      }.resume()
    }
    guard let http = response as? HTTPURLResponse else {
      throw FakeOktaError("\(method) \(address): not an HTTP response")
    }
    var headerValues: [String: String] = [:]
    for (name, value) in http.allHeaderFields {
      headerValues[String(describing: name).lowercased()] = String(describing: value)
    }
    return Response(status: http.statusCode, headers: headerValues, body: [UInt8](data))
  }

  /// Calls the control API (`/__fake/...`) and returns its JSON; a status other than 200
  /// throws.
  @discardableResult
  public func control(
    _ method: String, _ path: String, body: JSONValue? = nil
  ) async throws
    -> JSONValue
  {
    let response = try await send(method, path, body: body, authorization: .none, timeout: 10)
    guard response.status == 200 else {
      throw FakeOktaError(
        "fake-okta control \(method) \(path) answered \(response.status): \(response.text)")
    }
    return try response.json()
  }

  // MARK: - The control API

  /// One entry of the fake's request log.
  public struct LoggedRequest: Sendable, CustomStringConvertible {
    public var seq: Int
    public var method: String
    public var path: String
    /// Query parameters, each with all its values.
    public var query: [String: [String]]
    /// Request headers (`Authorization` as its scheme only).
    public var headers: [String: String]
    /// The body: JSON, a form's fields, or text; nil when empty.
    public var body: JSONValue?
    /// The status answered; nil when a fault closed the connection.
    public var status: Int?
    /// The spec path of the operation served, if one was.
    public var operation: String?
    /// How the request broke Okta's spec; empty when it conformed.
    public var violations: [String]
    public var notes: [String]
    /// The id of the fault that answered it.
    public var fault: Int?
    /// The whole entry.
    public var raw: JSONValue

    public init(_ raw: JSONValue) {
      self.raw = raw
      seq = raw["seq"]?.intValue ?? 0
      method = raw["method"]?.stringValue ?? ""
      path = raw["path"]?.stringValue ?? ""
      var query: [String: [String]] = [:]
      for (key, value) in raw["query"]?.objectValue ?? [:] {
        query[key] = (value.arrayValue ?? []).compactMap(\.stringValue)
      }
      self.query = query
      var headers: [String: String] = [:]
      for (key, value) in raw["headers"]?.objectValue ?? [:] {
        headers[key] = value.stringValue ?? ""
      }
      self.headers = headers
      body = raw["body"].flatMap { $0.isNull ? nil : $0 }
      status = raw["status"]?.intValue
      operation = raw["operation"]?.stringValue
      violations = (raw["violations"]?.arrayValue ?? []).compactMap(\.stringValue)
      notes = (raw["notes"]?.arrayValue ?? []).compactMap(\.stringValue)
      fault = raw["fault"]?.intValue
    }

    public var description: String {
      var text = "#\(seq) \(method) \(path) -> \(status.map(String.init) ?? "closed")"
      for violation in violations { text += "\n  violation: \(violation)" }
      return text
    }
  }

  /// The request log, oldest first (`GET /__fake/requests`), after `since` (a `seq`).
  public func requests(since: Int = 0) async throws -> [LoggedRequest] {
    try await entries(control("GET", "/__fake/requests?since=\(since)"))
  }

  /// Clears the request log.
  public func clearRequests() async throws {
    try await control("DELETE", "/__fake/requests")
  }

  /// Every logged request that broke Okta's spec (`GET /__fake/violations`); tests expect none.
  public func violations() async throws -> [LoggedRequest] {
    try await entries(control("GET", "/__fake/violations"))
  }

  /// What a fault does besides, or instead of, answering with a status.
  public enum FaultKind: String, Sendable {
    /// Drop the connection without a response.
    case close
    /// Okta's 400 validation error.
    case validation
    /// Carry the request out, then drop the connection without its answer.
    case lost
  }

  /// Adds a fault (`POST /__fake/faults`): after `skip` of them, the next `count` requests (-1:
  /// all) whose method
  /// matches `method` and whose path `pathRegex` is found in get `status` (400 401 403 404 429
  /// 500 502 503 504), after `delaySeconds`. A 429 says the window resets in `resetSeconds`.
  /// Returns the stored fault (its `id` is in the log entries it answers).
  @discardableResult
  public func fault(
    method: String? = nil, pathRegex: String? = nil, status: Int? = nil, count: Int = 1,
    resetSeconds: Int? = nil, delaySeconds: Double? = nil, kind: FaultKind? = nil,
    errorSummary: String? = nil, errorCauses: [String]? = nil, skip: Int = 0
  ) async throws -> JSONValue {
    var spec: JSONObject = ["count": .number(JSONNumber(count))]
    if skip > 0 { spec["skip"] = .number(JSONNumber(skip)) }
    if let method { spec["method"] = .string(method) }
    if let pathRegex { spec["path"] = .string(pathRegex) }
    if let status { spec["status"] = .number(JSONNumber(status)) }
    if let resetSeconds { spec["reset"] = .number(JSONNumber(resetSeconds)) }
    if let delaySeconds, let number = JSONNumber(double: delaySeconds) {
      spec["delay"] = .number(number)
    }
    if let kind { spec["kind"] = .string(kind.rawValue) }
    if let errorSummary { spec["errorSummary"] = .string(errorSummary) }
    if let errorCauses { spec["errorCauses"] = .array(errorCauses.map { .string($0) }) }
    let stored = try await control("POST", "/__fake/faults", body: .object(spec))
    return stored[0] ?? stored
  }

  /// The faults, with how many hits each has left (`remaining`) and had (`hits`).
  public func faults() async throws -> JSONValue {
    try await control("GET", "/__fake/faults")
  }

  /// Removes every fault.
  public func clearFaults() async throws {
    try await control("DELETE", "/__fake/faults")
  }

  /// Changes one object as an Admin Console edit would (`POST /__fake/drift`): `path` is its
  /// API path (an app, server, policy, rule, user, group, `/api/v1/org`), `set` and `unset`
  /// may use dotted keys. Returns the object as it now is.
  @discardableResult
  public func drift(
    path: String, set: JSONObject = [:], unset: [String] = [], bumpLastUpdated: Bool = true
  ) async throws -> JSONValue {
    var body: JSONObject = ["path": .string(path), "set": .object(set)]
    if !unset.isEmpty { body["unset"] = .array(unset.map { .string($0) }) }
    if !bumpLastUpdated { body["bumpLastUpdated"] = .bool(false) }
    return try await control("POST", "/__fake/drift", body: .object(body))
  }

  /// Changes the org's settings: Embedded widget sign-in support, or the engine
  /// (`identity-engine` or `classic`).
  @discardableResult
  public func driftSettings(
    interactionCode: Bool? = nil, engine: String? = nil
  ) async throws
    -> JSONValue
  {
    var set: JSONObject = [:]
    if let interactionCode { set["interactionCode"] = .bool(interactionCode) }
    if let engine { set["engine"] = .string(engine) }
    return try await drift(path: "settings", set: set)
  }

  /// The org as it now is, in the model's shape (`GET /__fake/state`).
  public func state() async throws -> JSONValue {
    try await control("GET", "/__fake/state")
  }

  /// Back to the model loaded at start, or to `model`; clears the log, faults and rate-limit
  /// windows.
  public func reset(model: JSONValue? = nil) async throws {
    try await control("POST", "/__fake/reset", body: model.map { .object(["model": $0]) })
  }

  /// `GET /__fake/health`: `ok`, `port`, `uptime`, `startupSeconds`.
  public func health() async throws -> JSONValue {
    try await control("GET", "/__fake/health")
  }

  // MARK: - Helpers

  private func entries(_ value: JSONValue) throws -> [LoggedRequest] {
    guard let array = value.arrayValue else {
      throw FakeOktaError("fake-okta: the request log is not a list: \(value.briefDescription)")
    }
    return array.map(LoggedRequest.init)
  }

  private static let session: URLSession = {
    let configuration = URLSessionConfiguration.ephemeral
    configuration.timeoutIntervalForRequest = 15
    configuration.timeoutIntervalForResource = 30
    configuration.connectionProxyDictionary = [:]
    configuration.httpShouldSetCookies = false
    return URLSession(configuration: configuration)
  }()

  private static func write(_ bytes: [UInt8], in directory: TemporaryDirectory) throws -> String {
    let path = directory.file("model.org.json")
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    return path
  }

  private static func readText(_ path: String) -> String {
    FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) } ?? ""
  }

  private static func diagnose(reason: String, log: String) -> String {
    let tail = log.split(separator: "\n", omittingEmptySubsequences: true).suffix(15)
      .joined(separator: "\n")
    var text = reason
    if let line = log.split(separator: "\n").last(where: {
      $0.contains("ModuleNotFoundError") || $0.contains("ImportError")
    }) {
      text += "; its Python packages are missing (\(line)): \(requirementsHint)"
    }
    if log.contains("management-openapi.yaml not found") {
      text +=
        "; Okta's spec is looked for in ../shared/okta beside the repository; "
        + "set FAKE_OKTA_SPEC or Options.spec"
    }
    return text + (tail.isEmpty ? "" : "\nfake-okta's output:\n" + tail)
  }

  private static let startGate = StartGate()
  /// Each interpreter's check, by the `python` asked for ("" for the default).
  private static let pythonChecked = Mutex<[String: Result<String, FakeOktaError>]>([:])

  /// The Python interpreter, checked once per test process and interpreter: `python`, else
  /// `$FAKE_OKTA_PYTHON`, else `python3` on `PATH`, which must find the fake's requirements.
  static func pythonExecutable(_ python: String?) throws -> String {
    try pythonChecked.withLock { checked in
      let key = python ?? ""
      if let result = checked[key] { return result }
      let result = checkPython(python)
      checked[key] = result
      return result
    }.get()
  }

  private static func checkPython(_ python: String?) -> Result<String, FakeOktaError> {
    let environment = ProcessInfo.processInfo.environment
    var candidate = python ?? environment["FAKE_OKTA_PYTHON"].flatMap { $0.isEmpty ? nil : $0 }
    // One found on PATH (a pyenv shim, say) is replaced by the interpreter it runs.
    let explicit = candidate != nil
    if candidate == nil {
      let path = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
      candidate = path.split(separator: ":").map { "\($0)/python3" }.first {
        FileManager.default.isExecutableFile(atPath: $0)
      }
    }
    guard let python = candidate else {
      return .failure(
        FakeOktaError(
          "fake-okta needs python3 (3.11 or later), and none is on PATH "
            + "(\(environment["PATH"] ?? "")); install it, then \(requirementsHint)"))
    }
    // Finds every module the fake imports, without importing them (fast).
    let probe = """
      import importlib.util, sys
      missing = [m for m in ("openapi_core", "yaml", "cryptography") if importlib.util.find_spec(m) is None]
      print(sys.executable)
      print(" ".join(missing))
      sys.exit(3 if missing else (4 if sys.version_info < (3, 11) else 0))
      """
    let run: ProcessRun
    do {
      run = try ProcessRunner.run(python, ["-c", probe], timeout: 120)
    } catch {
      return .failure(
        FakeOktaError(
          "fake-okta: cannot run \(python) (\(error)); give python3 3.11 "
            + "on PATH or in FAKE_OKTA_PYTHON, then \(requirementsHint)"))
    }
    let output = run.stdout + run.stderr
    let lines = output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    switch run.status {
    case 0:
      if explicit { return .success(python) }
      return .success(lines.first.flatMap { $0.isEmpty ? nil : $0 } ?? python)
    case 3:
      return .failure(
        FakeOktaError(
          "fake-okta: \(python) lacks the Python packages \(lines.dropFirst().first ?? "?"); "
            + requirementsHint))
    case 4:
      return .failure(FakeOktaError("fake-okta needs Python 3.11 or later; \(python) is older"))
    default:
      return .failure(
        FakeOktaError(
          "fake-okta: \(python) failed (\(run.description))"))
    }
  }
}

/// Lets one start run at a time until one has succeeded with the default spec cache.
private actor StartGate {
  private var warmed = false
  private var busy = false
  private var waiters: [CheckedContinuation<Void, Never>] = []

  /// Waits for a turn; true when the caller holds the gate and must call ``leave(warmed:)``.
  func enter() async -> Bool {
    while !warmed {
      if !busy {
        busy = true
        return true
      }
      await withCheckedContinuation { waiters.append($0) }
    }
    return false
  }

  func leave(warmed: Bool) {
    busy = false
    if warmed { self.warmed = true }
    let waiting = waiters
    waiters = []
    for waiter in waiting { waiter.resume() }
  }
}

/// Why a fake Okta could not start or answer.
public struct FakeOktaError: Error, CustomStringConvertible {
  public var description: String
  public init(_ description: String) { self.description = description }
}
