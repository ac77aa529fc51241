import Foundation
import OrgWizJSON

/// The faults of a hostile server (`tools/fake-okta/README.md`, "Hostile faults"): forged
/// headers, a body trickled at a few bytes a second, and list pages that never end.
extension FakeOkta {
  /// What a hostile fault sends.
  public enum HostileBody: Sendable {
    /// The request's own answer (or the fault's `status`), with `headers` set.
    case normal
    /// `200` with a JSON string body of `bytes` bytes, sent at `rate` bytes a second.
    case trickle(bytes: Int, rate: Double)
    /// A list page of about `bytes` bytes with a fresh `rel="next"` link, every time.
    case endless(bytes: Int)
  }

  /// Adds a hostile fault: the next `count` (-1: every) requests whose method matches `method`
  /// and whose path `pathRegex` is found in get `body`, with `status` (for `.normal`) and the
  /// response headers `headers` set. Returns the stored fault.
  @discardableResult
  public func hostileFault(
    method: String? = nil, pathRegex: String? = nil, status: Int? = nil,
    body: HostileBody = .normal, headers: [String: String] = [:], count: Int = 1,
    delaySeconds: Double? = nil
  ) async throws -> JSONValue {
    var spec: JSONObject = ["count": .number(JSONNumber(count))]
    if let method { spec["method"] = .string(method) }
    if let pathRegex { spec["path"] = .string(pathRegex) }
    if let status { spec["status"] = .number(JSONNumber(status)) }
    if let delaySeconds, let number = JSONNumber(double: delaySeconds) {
      spec["delay"] = .number(number)
    }
    if !headers.isEmpty {
      var object = JSONObject()
      for (name, value) in headers.sorted(by: { $0.key < $1.key }) { object[name] = .string(value) }
      spec["headers"] = .object(object)
    }
    switch body {
    case .normal:
      break
    case .trickle(let bytes, let rate):
      spec["kind"] = "trickle"
      spec["bytes"] = .number(JSONNumber(bytes))
      spec["rate"] = JSONNumber(double: rate).map { .number($0) } ?? .number(JSONNumber(1))
    case .endless(let bytes):
      spec["kind"] = "endless"
      spec["bytes"] = .number(JSONNumber(bytes))
    }
    let stored = try await control("POST", "/__fake/faults", body: .object(spec))
    return stored[0] ?? stored
  }
}
