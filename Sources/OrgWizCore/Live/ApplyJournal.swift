import OrgWizJSON

/// What an `apply` is about to send and what became of it, written beside the model before the
/// first request and after each one (`<model>.apply.journal`), and removed once the apply
/// record and the model are written. A journal found later means an apply was cut short (a
/// crash, a kill, a power cut) after it may have changed Okta: the next `apply` or `pull` reads
/// each object it may have sent back from Okta, records what really reached Okta, and only
/// then goes on. It holds no secret: paths, ids and grant types.
public struct ApplyJournal: Sendable, Equatable {
  /// How far one request got.
  public enum State: String, Sendable {
    /// Not sent yet.
    case planned
    /// About to be sent, or sent without an answer yet: Okta may have made it.
    case sending
    /// Sent, and its outcome (``Request/outcome``) recorded.
    case done
  }

  /// One request of the apply.
  public struct Request: Sendable, Equatable {
    public var object: ObjectRef
    public var kind: PullRecord.Object.Kind
    public var path: String
    public var before: [String]
    public var after: [String]
    public var state: State
    /// Okta's `X-Okta-Request-Id`, once answered.
    public var requestID: String?
    /// The outcome in words, once done.
    public var outcome: String?

    public init(
      object: ObjectRef, kind: PullRecord.Object.Kind, path: String, before: [String],
      after: [String], state: State = .planned, requestID: String? = nil, outcome: String? = nil
    ) {
      self.object = object
      self.kind = kind
      self.path = path
      self.before = before
      self.after = after
      self.state = state
      self.requestID = requestID
      self.outcome = outcome
    }

    /// Whether `path` is the path of `object`, built from its checked ids (a journal is a file
    /// like any other: one that names some other path is not believed).
    public var pathIsTheObjects: Bool {
      PullRecord.Object.path(
        kind: kind, id: object.id, serverID: object.serverID, policyID: object.policyID) == path
    }

    var json: JSONValue {
      .object(
        JSONObject([
          ("object", object.json), ("kind", .string(kind.rawValue)), ("path", .string(path)),
          ("before", .strings(before)), ("after", .strings(after)),
          ("state", .string(state.rawValue)),
          ("requestId", requestID.map { .string($0) } ?? .null),
          ("outcome", outcome.map { .string($0) } ?? .null),
        ]))
    }

    init?(json: JSONValue) {
      guard let object = json["object"].flatMap(ObjectRef.init(json:)),
        let kind = json["kind"]?.stringValue.flatMap(PullRecord.Object.Kind.init(rawValue:)),
        let path = json["path"]?.stringValue,
        let state = json["state"]?.stringValue.flatMap(State.init(rawValue:))
      else { return nil }
      self.init(
        object: object, kind: kind, path: path,
        before: json["before"]?.arrayValue?.compactMap(\.stringValue) ?? [],
        after: json["after"]?.arrayValue?.compactMap(\.stringValue) ?? [], state: state,
        requestID: json["requestId"]?.stringValue, outcome: json["outcome"]?.stringValue)
    }
  }

  public static let format = 1

  public var orgURL: String
  public var identity: String
  public var startedAt: String
  public var toolVersion: String
  public var needsSetting: Bool
  public var requests: [Request]

  public init(
    orgURL: String, identity: String, startedAt: String, toolVersion: String,
    needsSetting: Bool, requests: [Request]
  ) {
    self.orgURL = orgURL
    self.identity = identity
    self.startedAt = startedAt
    self.toolVersion = toolVersion
    self.needsSetting = needsSetting
    self.requests = requests
  }

  /// The requests that may have reached Okta: sent, whatever their recorded outcome (an
  /// outcome recorded before a crash is checked again too).
  public var mayHaveReachedOkta: [Request] { requests.filter { $0.state != .planned } }

  public var json: JSONValue {
    .object(
      JSONObject([
        ("format", .number(JSONNumber(Self.format))), ("orgUrl", .string(orgURL)),
        ("as", .string(identity)), ("startedAt", .string(startedAt)),
        ("toolVersion", .string(toolVersion)), ("needsSetting", .bool(needsSetting)),
        ("requests", .array(requests.map(\.json))),
      ]))
  }

  /// The journal a file holds, or nil when it is not one (of this format).
  public init?(json: JSONValue) {
    guard json["format"]?.intValue == Self.format, let orgURL = json["orgUrl"]?.stringValue,
      let items = json["requests"]?.arrayValue
    else { return nil }
    let requests = items.compactMap(Request.init(json:))
    guard requests.count == items.count else { return nil }
    self.init(
      orgURL: orgURL, identity: json["as"]?.stringValue ?? "",
      startedAt: json["startedAt"]?.stringValue ?? "",
      toolVersion: json["toolVersion"]?.stringValue ?? "",
      needsSetting: json["needsSetting"]?.boolValue ?? false, requests: requests)
  }

  /// The apply record of the interrupted apply, once each request that may have reached Okta
  /// was read back: `found[path]` is the grant types Okta has now (nil: it could not be read
  /// back, or its answer was not the object).
  public func record(
    found: [String: [String]?], modelPath: String, endedAt: String
  ) -> ApplyRecord {
    let entries = requests.map { request -> ApplyRecord.Entry in
      var entry = ApplyRecord.Entry(
        object: request.object, method: "PUT", path: request.path, before: request.before,
        after: request.after, outcome: .notSent)
      guard request.state != .planned else { return entry }
      switch found[request.path] ?? nil {
      case let grants? where grants == request.after:
        entry.outcome = .applied(requestID: request.requestID)
      case let grants? where grants == request.before:
        entry.outcome = .failed(
          "The apply was cut short; read back afterwards, the object is as before.",
          requestID: request.requestID)
      case let grants?:
        entry.outcome = .unverified(requestID: request.requestID, found: grants)
      case nil:
        entry.outcome = .unknown(
          "The apply was cut short after sending it, and it could not be read back.")
      }
      return entry
    }
    return ApplyRecord(
      orgURL: orgURL, modelPath: modelPath, identity: identity, startedAt: startedAt,
      endedAt: endedAt, toolVersion: toolVersion, entries: entries, needsSetting: needsSetting,
      interrupted: true)
  }
}
