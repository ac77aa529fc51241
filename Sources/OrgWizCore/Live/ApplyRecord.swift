import OrgWizJSON

/// What `apply` sent to which org, when, as whom, and what came of each request: the record
/// for the change ticket (Markdown or text beside the model, JSON on stdout).
public struct ApplyRecord: Sendable, Equatable {
  /// What became of one planned request.
  public enum Outcome: Sendable, Equatable {
    /// Sent, and read back with the planned grant types.
    case applied(requestID: String?)
    /// Sent and accepted, but the object read back differs from the plan.
    case unverified(requestID: String?, found: [String])
    /// Okta refused it (its error, in words).
    case failed(String, requestID: String?)
    /// Not sent, because an earlier request failed.
    case notSent
    /// Sent, but its answer was lost and the object could not be read back: Okta may or may
    /// not have made it (the error, in words).
    case unknown(String)

    public var isInOkta: Bool {
      switch self {
      case .applied, .unverified: true
      case .failed, .notSent, .unknown: false
      }
    }
  }

  /// One request of the plan.
  public struct Entry: Sendable, Equatable {
    public var object: ObjectRef
    public var method: String
    public var path: String
    public var before: [String]
    public var after: [String]
    public var outcome: Outcome
    /// For a rule whose scopes the request changed: its scopes before and in the request.
    public var scopesBefore: [String]? = nil
    public var scopesAfter: [String]? = nil

    /// The scopes before and after, for a request that changed them.
    public var scopes: (before: [String], after: [String])? {
      get { scopesAfter.map { (scopesBefore ?? [], $0) } }
      set {
        scopesBefore = newValue?.before
        scopesAfter = newValue?.after
      }
    }

    /// A grant list, with the scopes when the request changed them.
    func cell(_ grants: [String], scopes: [String]?) -> String {
      (grants.isEmpty ? "(none)" : Phrase.list(grants))
        + (scopesAfter == nil ? "" : "; scopes: " + Phrase.list(scopes ?? []))
    }

    /// What the request does, in words ("device_code added to app …").
    public var done: String {
      let added = after.filter { !before.contains($0) }
      let removed = before.filter { !after.contains($0) }
      if !added.isEmpty { return "\(Phrase.list(added)) added to \(object.phrase)" }
      if !removed.isEmpty { return "\(Phrase.list(removed)) removed from \(object.phrase)" }
      return "\(object.phrase) sent unchanged"
    }

    public init(
      object: ObjectRef, method: String, path: String, before: [String], after: [String],
      outcome: Outcome
    ) {
      self.object = object
      self.method = method
      self.path = path
      self.before = before
      self.after = after
      self.outcome = outcome
    }
  }

  public var orgURL: String
  public var modelPath: String
  public var identity: String
  public var startedAt: String
  public var endedAt: String
  public var toolVersion: String
  public var entries: [Entry]
  /// Whether the plan adds the grant (so the org setting must be on in Okta).
  public var needsSetting: Bool
  /// Whether the apply was cut short and this record was made later, by reading each object
  /// it may have sent back from Okta.
  public var interrupted: Bool
  /// The check `apply --verify` made once the grant was in Okta (`orgwiz verify`), if any.
  public var verification: VerifyResult? = nil
  /// Why that check was not made or did not finish, when it was asked for.
  public var verificationNote: String? = nil
  /// Whether the model has the org setting off while Okta (as pulled) has it on: after a
  /// backout, turning it off by hand is the last manual step.
  public var settingToTurnOff = false
  /// Who planned the change (the run's operator, as its change record names them), when known.
  public var plannedBy: String? = nil
  /// What a scoped pull left out of the model, or nil for a whole pull: the record then says
  /// that the apps a changed rule also serves are not all known.
  public var partialModel: String? = nil

  /// The manual steps no API can do, in words ("None" only when the org is left as the model
  /// says).
  public var manualSteps: [String] {
    var steps: [String] = []
    if needsSetting { steps.append(Self.settingStep) }
    if settingToTurnOff { steps.append(Self.settingOffStep) }
    return steps
  }

  /// The backout's manual step.
  public static let settingOffStep =
    "Settings > Account > Embedded widget sign-in support: clear the checkbox to turn it off "
    + "again, last, once no app or rule lists \(Grants.embeddedWidgetSwitch.governs) (no API can change it or read "
    + "it: the model has it off, and Okta had it on when orgwiz last learned it, unless it was "
    + "turned off by hand since)."

  /// Whether the plan removed the grant everywhere (a backout).
  public var isBackout: Bool {
    !entries.isEmpty && entries.allSatisfy { entry in entry.after.count < entry.before.count }
  }

  /// Where the change now is, for the change record.
  public var stage: ChangeRecord.Stage {
    let applied = entries.filter { if case .applied = $0.outcome { true } else { false } }
    if applied.count == entries.count { return isBackout ? .backedOut : .applied }
    if applied.isEmpty { return isBackout ? .partlyBackedOut : .notApplied }
    return isBackout ? .partlyBackedOut : .partlyApplied
  }

  /// Whether the operator who planned the change and the identity that applied it differ.
  public var twoPeople: Bool {
    plannedBy.map { Self.twoPeople(plannedBy: $0, identity: identity) } ?? false
  }

  /// Whether `plannedBy` (the run's operator, `login (id)`) is not the identity whose
  /// credentials apply the change.
  public static func twoPeople(plannedBy: String, identity: String) -> Bool {
    let login = plannedBy.split(separator: " ").first.map(String.init) ?? plannedBy
    return !login.isEmpty && !identity.contains(login)
  }

  /// The section this apply adds to the run's change record (`## Applied in Okta`, or
  /// `## Backed out` for a backout).
  public var changeRecordSection: [Block] {
    let heading = isBackout ? "Backed out" : "Applied in Okta"
    var rows: [[[Inline]]] = [
      [.plain("Org"), .plain(orgURL)],
      [.plain("With the credentials of"), .plain(identity)],
    ]
    if let plannedBy {
      rows.append([
        .plain("Planned by"),
        .plain(
          plannedBy
            + (twoPeople ? " (another person than the one whose credentials applied it)" : "")),
      ])
    }
    rows += [
      [.plain("Started (UTC)"), .plain(startedAt)], [.plain("Ended (UTC)"), .plain(endedAt)],
      [.plain("Tool version"), .plain("orgwiz \(toolVersion)")],
    ]
    let steps = manualSteps
    return [
      .heading(level: 2, heading), .paragraph(.plain(status)),
      .table(header: ["Field", "Value"], rows: rows),
      .table(
        header: [
          "Object", "Request", "Grant types before", "After", "Result", "X-Okta-Request-Id",
        ],
        rows: requestRows),
      .paragraph(.plain("Manual steps (no API can do them):")),
      .list(
        (steps.isEmpty
          ? ["None: the org setting is as the model says."] : steps).map { ListItem(.plain($0)) },
        ordered: false),
    ]
  }

  public init(
    orgURL: String, modelPath: String, identity: String, startedAt: String, endedAt: String,
    toolVersion: String, entries: [Entry], needsSetting: Bool, interrupted: Bool = false
  ) {
    self.interrupted = interrupted
    self.orgURL = orgURL
    self.modelPath = modelPath
    self.identity = identity
    self.startedAt = startedAt
    self.endedAt = endedAt
    self.toolVersion = toolVersion
    self.entries = entries
    self.needsSetting = needsSetting
  }

  /// The manual step no API can do.
  public static let settingStep =
    "Settings > Account > Embedded widget sign-in support: it must be on before a rule or app "
    + "can be given \(Grants.embeddedWidgetSwitch.governs). No public API can read or change it, so it is checked "
    + "and turned on by hand in the Admin Console."

  /// Every request applied and read back as planned.
  public var complete: Bool {
    entries.allSatisfy { if case .applied = $0.outcome { true } else { false } }
  }

  public var title: String {
    let count = Phrase.count(
      entries.filter { if case .applied = $0.outcome { true } else { false } }.count, "change")
    if complete { return "Applied \(count) to \(orgURL)" }
    if !entries.contains(where: \.outcome.isInOkta) {
      return
        "Not applied: \(Phrase.count(entries.count, "change")) refused or not sent to \(orgURL)"
    }
    return "Partly applied: \(count) of \(entries.count) made in \(orgURL)"
  }

  /// What is now in Okta, in one paragraph.
  public var status: String {
    let inOkta = entries.filter { if case .applied = $0.outcome { true } else { false } }
    let unverified = entries.filter {
      if case .unverified = $0.outcome { true } else { false }
    }
    let missing = entries.filter { !$0.outcome.isInOkta }
    var text =
      interrupted
      ? "This apply was cut short (the process was stopped or crashed) after it may have sent "
        + "a request; a later orgwiz command read each such object back from Okta, and this "
        + "record says what that showed. " : ""
    text +=
      inOkta.isEmpty
      ? "Nothing was changed in Okta."
      : "Changed in Okta: " + inOkta.map(\.done).joined(separator: "; ") + "."
    if !unverified.isEmpty {
      text +=
        " Sent, but read back not as planned: "
        + unverified.map { entry in
          if case .unverified(_, let found) = entry.outcome {
            "\(entry.object.phrase) (it lists \(found.isEmpty ? "no grant type" : Phrase.list(found)))"
          } else {
            entry.object.phrase
          }
        }.joined(separator: "; ")
        + ". Pull again (orgwiz pull --force) to see what Okta has before anything else."
    }
    let unknown = missing.filter { if case .unknown = $0.outcome { true } else { false } }
    let absent = missing.filter { if case .unknown = $0.outcome { false } else { true } }
    if !unknown.isEmpty {
      text +=
        " Not known whether in Okta: " + unknown.map(\.object.phrase).joined(separator: "; ")
        + " (sent, but the answer was lost and it could not be read back). Pull again "
        + "(orgwiz pull --force) to learn what Okta has before applying again."
    }
    if !absent.isEmpty {
      text +=
        " Not in Okta: " + absent.map(\.object.phrase).joined(separator: "; ")
        + (unknown.isEmpty
          ? ". The model records only what was applied, so running orgwiz apply again sends "
            + "only the rest." : ".")
    }
    return text
  }

  private func outcomeText(_ outcome: Outcome) -> String {
    switch outcome {
    case .applied: "applied (read back)"
    case .unverified(_, let found):
      "sent, but read back with grant types \(found.isEmpty ? "none" : Phrase.list(found))"
    case .failed(let why, _): "not made: \(why)"
    case .notSent:
      interrupted
        ? "not sent (the apply was cut short before it)" : "not sent (an earlier request failed)"
    case .unknown(let why): "not known: \(why)"
    }
  }

  private func requestID(_ outcome: Outcome) -> String? {
    switch outcome {
    case .applied(let id), .unverified(let id, _), .failed(_, let id): id
    case .notSent, .unknown: nil
    }
  }

  /// A row per request: object, request, grant types before and after, result, request id.
  private var requestRows: [[[Inline]]] {
    entries.map { entry in
      [
        .plain(entry.object.phrase), .plain("\(entry.method) \(entry.path)"),
        .plain(entry.cell(entry.before, scopes: entry.scopesBefore)),
        .plain(entry.cell(entry.after, scopes: entry.scopesAfter)),
        .plain(outcomeText(entry.outcome)), [.code(requestID(entry.outcome) ?? "")],
      ]
    }
  }

  public var document: [Block] {
    let rows: [[[Inline]]] = [
      [.plain("Org"), .plain(orgURL)],
      [.plain("As"), .plain(identity)],
      [.plain("Model file"), .plain(modelPath)],
      [.plain("Started (UTC)"), .plain(startedAt)],
      [.plain("Ended (UTC)"), .plain(endedAt)],
      [.plain("Tool version"), .plain("orgwiz \(toolVersion)")],
    ]
    let requests = requestRows
    var blocks: [Block] = [
      .heading(level: 1, title), .heading(level: 2, "Summary"), .paragraph(.plain(status)),
      .table(header: ["Field", "Value"], rows: rows),
    ]
    if let partialModel { blocks.append(.paragraph(.plain(partialModel))) }
    blocks += [
      .heading(level: 2, "Requests"),
      .table(
        header: [
          "Object", "Request", "Grant types before", "After", "Result", "X-Okta-Request-Id",
        ],
        rows: requests),
      .heading(level: 2, "Manual steps"),
    ]
    blocks.append(
      .list(
        (manualSteps.isEmpty ? ["None: the org setting is as the model says."] : manualSteps)
          .map { ListItem(.plain($0)) }, ordered: false))
    blocks += verificationBlocks
    return blocks
  }

  public var json: JSONValue {
    .object(
      JSONObject([
        ("title", .string(title)), ("status", .string(status)), ("complete", .bool(complete)),
        ("orgUrl", .string(orgURL)), ("as", .string(identity)),
        ("modelPath", .string(modelPath)), ("startedAt", .string(startedAt)),
        ("endedAt", .string(endedAt)), ("toolVersion", .string(toolVersion)),
        ("interrupted", .bool(interrupted)),
        (
          "requests",
          .array(
            entries.map { entry in
              .object(
                JSONObject(
                  [
                    ("object", entry.object.json), ("method", .string(entry.method)),
                    ("path", .string(entry.path)), ("before", .strings(entry.before)),
                    ("after", .strings(entry.after)),
                    ("result", .string(resultName(entry.outcome))),
                    ("inOkta", .bool(entry.outcome.isInOkta)),
                    ("detail", .string(outcomeText(entry.outcome))),
                    ("requestId", requestID(entry.outcome).map { .string($0) } ?? .null),
                  ]
                    + (entry.scopes.map { scopes in
                      [
                        ("scopesBefore", .strings(scopes.before)),
                        ("scopesAfter", .strings(scopes.after)),
                      ]
                    } ?? [])))
            })
        ),
        ("manualSteps", .strings(manualSteps)),
        ("plannedBy", plannedBy.map { .string($0) } ?? .null),
        ("verification", verificationJSON),
      ]))
  }

  /// The Verification section: the probe's result, or why there is none.
  private var verificationBlocks: [Block] {
    if let verification {
      return [.heading(level: 2, "Verification (orgwiz verify)")] + verification.document
    }
    guard let verificationNote else { return [] }
    return [
      .heading(level: 2, "Verification (orgwiz verify)"), .paragraph(.plain(verificationNote)),
    ]
  }

  private var verificationJSON: JSONValue {
    if let verification { return verification.json }
    return verificationNote.map { .object(JSONObject([("note", .string($0))])) } ?? .null
  }

  private func resultName(_ outcome: Outcome) -> String {
    switch outcome {
    case .applied: "applied"
    case .unverified: "unverified"
    case .failed: "failed"
    case .notSent: "not-sent"
    case .unknown: "unknown"
    }
  }
}
