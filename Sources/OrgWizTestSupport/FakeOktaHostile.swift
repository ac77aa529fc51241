import OrgWizJSON

/// The fake's hostile faults: a server (or a proxy in between) that lies about objects, or
/// echoes back the credential it was sent.
extension FakeOkta {
  /// How a `tamper` fault changes the answer to a request the fake carries out.
  public enum Tamper: Sendable {
    /// The body a GET of another path would get (another app: a swapped object).
    case from(String)
    /// Members set (dotted keys), such as a new `id` or `label`.
    case set(JSONObject)
    /// Members removed (dotted keys).
    case unset([String])
    /// The whole body replaced (an empty object, a list, ...).
    case replace(JSONValue)
  }

  /// Adds a `tamper` fault: the next `count` requests that match are served, and their answer's
  /// body is changed as `tamper` says. Returns the stored fault.
  @discardableResult
  public func tamper(
    method: String = "GET", pathRegex: String, _ tamper: Tamper, count: Int = 1, skip: Int = 0
  ) async throws -> JSONValue {
    var spec: JSONObject = [
      "kind": "tamper", "method": .string(method), "path": .string(pathRegex),
      "count": .number(JSONNumber(count)), "skip": .number(JSONNumber(skip)),
    ]
    switch tamper {
    case .from(let path): spec["from"] = .string(path)
    case .set(let members): spec["set"] = .object(members)
    case .unset(let keys): spec["unset"] = .array(keys.map { .string($0) })
    case .replace(let body): spec["replace"] = body
    }
    let stored = try await control("POST", "/__fake/faults", body: .object(spec))
    return stored[0] ?? stored
  }

  /// Adds an `echo` fault: the next `count` matching requests get an error (`status`) whose
  /// `errorSummary` repeats what was sent: `{credential}` becomes the Authorization header's
  /// credential, `{assertion}` a token request's client assertion.
  @discardableResult
  public func echo(
    method: String? = nil, pathRegex: String, status: Int = 400, errorSummary: String,
    count: Int = 1
  ) async throws -> JSONValue {
    var spec: JSONObject = [
      "kind": "echo", "path": .string(pathRegex), "status": .number(JSONNumber(status)),
      "errorSummary": .string(errorSummary), "errorCauses": .array([.string(errorSummary)]),
      "count": .number(JSONNumber(count)),
    ]
    if let method { spec["method"] = .string(method) }
    let stored = try await control("POST", "/__fake/faults", body: .object(spec))
    return stored[0] ?? stored
  }
}
