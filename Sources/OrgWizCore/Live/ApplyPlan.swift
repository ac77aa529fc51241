import OrgWizJSON

/// What `apply` sends: for every rule and app of the pull record whose grant types (or, for a
/// rule, scopes) differ in the model (whatever grant a procedure changed), one full-replacement
/// request, built later from the live object with only those grant types and scopes added or
/// removed. A rule whose scopes the record lacks (pulled by an older orgwiz) has no scope diff.
public struct ApplyPlan: Sendable, Equatable {
  /// One object to change in Okta.
  public struct Item: Sendable, Equatable {
    public var object: PullRecord.Object
    public var ref: ObjectRef
    /// The grant types the model adds to the object, in the model's order.
    public var added: [String]
    /// The grant types the model takes away, in the pulled order.
    public var removed: [String]

    /// The scopes the model adds to a rule, in the model's order.
    public var scopesAdded: [String]
    /// The scopes the model takes away from a rule, in the pulled order.
    public var scopesRemoved: [String]
    /// Whether the object is a rule whose scopes the pull record lacks, so that a scope change
    /// could not be planned.
    public var scopesUnrecorded: Bool {
      object.kind == .rule && object.scopes == nil
    }

    public init(
      object: PullRecord.Object, ref: ObjectRef, added: [String], removed: [String], path: String,
      scopesAdded: [String] = [], scopesRemoved: [String] = []
    ) {
      self.object = object
      self.ref = ref
      self.added = added
      self.removed = removed
      self.path = path
      self.scopesAdded = scopesAdded
      self.scopesRemoved = scopesRemoved
    }

    /// Whether a grant or a scope is added.
    public var adds: Bool { !added.isEmpty || !scopesAdded.isEmpty }
    /// Whether the item changes the rule's scopes.
    public var changesScopes: Bool { !scopesAdded.isEmpty || !scopesRemoved.isEmpty }
    /// The grant types changed, in words (`device_code, password`).
    public var grant: String { Phrase.list(added + removed) }

    /// `PUT <path>`: the object's path, built from checked ids.
    public var method: String { "PUT" }
    public var path: String
    /// What the change does, in words.
    /// The grants and scopes are the model's text: each is shown on one line, its controls
    /// visible, so that no name can add a line to the review, a record or `send.sh`.
    public var sentence: String {
      let parts = [
        added.isEmpty ? nil : ("add", Self.names(added), "to"),
        removed.isEmpty ? nil : ("remove", Self.names(removed), "from"),
        scopesAdded.isEmpty ? nil : ("add", Self.scopes(scopesAdded), "to"),
        scopesRemoved.isEmpty ? nil : ("remove", Self.scopes(scopesRemoved), "from"),
      ].compactMap { $0 }
      return parts.enumerated().map { index, part in
        let verb = index > 0 ? "and " + part.0 : part.0 == "add" ? "Add" : "Remove"
        return "\(verb) \(part.1) \(part.2) \(index == 0 ? ref.phrase : "it")"
      }.joined(separator: " ")
    }

    /// "scope a" / "scopes a, b".
    static func scopes(_ names: [String]) -> String {
      "\(names.count == 1 ? "scope" : "scopes") \(Self.names(names))"
    }

    /// Names from the model in a list, each on one line with its controls visible.
    static func names(_ names: [String]) -> String {
      Phrase.list(names.map(VisibleText.visibleOnOneLine))
    }
  }

  public var record: PullRecord
  public var items: [Item]
  /// Objects of the record that are no longer in the model (left alone, and said).
  public var missing: [PullRecord.Object]
  /// Ids of the record that are not Okta ids: a plan with any is refused whole, before anything
  /// is read or sent, since such an id could steer a request to another object.
  public var invalidIDs: [InvalidOktaID]

  /// Whether the plan adds a grant that needs an org-wide switch (which must then be on in
  /// Okta): Interaction Code needs Embedded widget sign-in support.
  public var addsGrant: Bool { items.contains(where: \.addsSwitchedGrant) }

  /// The plan for a model.
  /// - Returns: nil when the model was not pulled from an org.
  public static func make(_ model: OrgModel) -> ApplyPlan? {
    guard let record = PullRecord(model: model.document) else { return nil }
    var items: [Item] = []
    var missing: [PullRecord.Object] = []
    var invalid: [InvalidOktaID] = []
    var seen: Set<String> = []
    for (index, object) in record.objects.enumerated() {
      let problems = object.invalidIDs(at: index)
      guard problems.isEmpty, let path = object.path else {
        invalid += problems
        continue
      }
      // One object twice would be sent twice.
      guard seen.insert(path).inserted else {
        invalid.append(
          InvalidOktaID(
            place: (PullRecord.pointer / "objects" / String(index) / "id").description,
            what: object.kind.rawValue, id: object.id,
            problem: "names an object the pull record already holds"))
        continue
      }
      guard let item = item(for: object, path: path, in: model) else {
        missing.append(object)
        continue
      }
      if !item.added.isEmpty || !item.removed.isEmpty || item.changesScopes {
        items.append(item)
      }
    }
    return ApplyPlan(record: record, items: items, missing: missing, invalidIDs: invalid)
  }

  /// The item for an object of the record, with what the model changed in it; nil when the
  /// model no longer has the object.
  static func item(for object: PullRecord.Object, path: String, in model: OrgModel) -> Item? {
    let current: (ref: ObjectRef, grants: [String], scopes: [String]?)?
    switch object.kind {
    case .app:
      current = model.app(id: object.id).map { (model.ref($0), $0.grantTypes, nil) }
    case .rule:
      current = model.allRules.first { entry in
        entry.rule.id == object.id && entry.policy.id == object.policyID
          && entry.server.id == object.serverID
      }.map { entry in
        (
          model.ref(entry.rule, of: entry.policy, on: entry.server), entry.rule.grantTypes,
          entry.rule.scopes
        )
      }
    }
    guard let current else { return nil }
    // Without the pulled scopes there is nothing to compare the model's with.
    let pulledScopes = object.scopes ?? current.scopes ?? []
    let scopes = current.scopes ?? []
    return Item(
      object: object, ref: current.ref,
      added: current.grants.filter { !object.grantTypes.contains($0) },
      removed: object.grantTypes.filter { !current.grants.contains($0) }, path: path,
      scopesAdded: scopes.filter { !pulledScopes.contains($0) },
      scopesRemoved: pulledScopes.filter { !scopes.contains($0) })
  }

  /// The rules of the plan whose scopes the pull record lacks (said by apply and export).
  public var scopesUnrecorded: [Item] { items.filter(\.scopesUnrecorded) }

  /// The live object's grant types.
  public static func grants(ofLive live: JSONValue, kind: PullRecord.Object.Kind) -> [String] {
    switch kind {
    case .app: PullAssembler.grants(ofApp: live)
    case .rule: PullAssembler.grants(ofRule: live)
    }
  }

  /// The live rule's scopes (`conditions.scopes.include`).
  public static func scopes(ofLive live: JSONValue) -> [String] {
    PullAssembler.scopes(ofRule: live)
  }

  /// Whether the object read back after a request holds the scopes the body sent (always true
  /// for an item that changes no scope).
  public static func scopesHold(_ back: JSONValue, for item: Item, body: JSONValue) -> Bool {
    !item.changesScopes || scopes(ofLive: back) == scopes(ofLive: body)
  }

  /// Where a rule's scopes sit.
  static let scopesPointer = JSONPointer.root / "conditions" / "scopes" / "include"

  /// The object as it was pulled: `copy` (the model's) with the record's grant types and, for a
  /// rule whose record has them, its scopes.
  public static func asPulled(_ copy: JSONValue, object: PullRecord.Object) -> JSONValue {
    var pulled = copy
    _ = pulled.set(.strings(object.grantTypes), at: grantsPointer(object.kind))
    if object.kind == .rule, let scopes = object.scopes {
      _ = pulled.set(.strings(scopes), at: scopesPointer)
    }
    return pulled
  }

  /// Where the grant types sit in an object of this kind.
  static func grantsPointer(_ kind: PullRecord.Object.Kind) -> JSONPointer {
    switch kind {
    case .app: JSONPointer.root / "settings" / "oauthClient" / "grant_types"
    case .rule: JSONPointer.root / "conditions" / "grantTypes" / "include"
    }
  }

  /// Members the Management API's schemas mark read-only (and secrets): a conforming
  /// full-replacement body leaves them out.
  static func readOnly(_ kind: PullRecord.Object.Kind) -> [JSONPointer] {
    switch kind {
    case .rule:
      ["id", "created", "lastUpdated", "_links"].map { JSONPointer.root / $0 }
    case .app:
      [
        "id", "status", "created", "lastUpdated", "_links", "_embedded", "orn", "features",
        "universalLogout", "expressConfiguration",
      ].map { JSONPointer.root / $0 } + [
        JSONPointer.root / "settings" / "emOptInStatus",
        JSONPointer.root / "credentials" / "signing" / "lastRotated",
        JSONPointer.root / "credentials" / "signing" / "nextRotation",
      ]
    }
  }

  /// The request body for an item, from the live object as Okta has it now: every field kept
  /// but the read-only ones, secrets and nulls, and only the grant's membership changed.
  /// - Returns: the body and the grant types it carries.
  public static func body(for item: Item, live: JSONValue) -> (body: JSONValue, grants: [String]) {
    var body = PullAssembler.withoutSecrets(dropNulls(live))
    for pointer in readOnly(item.object.kind) { _ = body.removeMember(at: pointer) }
    var grants = grants(ofLive: live, kind: item.object.kind)
    grants.removeAll(where: item.removed.contains)
    for grant in item.added where !grants.contains(grant) { grants.append(grant) }
    _ = body.set(.strings(grants), at: grantsPointer(item.object.kind))
    if item.changesScopes {
      var scopes = scopes(ofLive: live)
      scopes.removeAll(where: item.scopesRemoved.contains)
      for scope in item.scopesAdded where !scopes.contains(scope) { scopes.append(scope) }
      _ = body.set(.strings(scopes), at: scopesPointer)
    }
    return (body, grants)
  }

  /// The value without members whose value is null (Okta sends nulls for unset fields its own
  /// schemas call non-nullable; leaving them out means the same to Okta).
  static func dropNulls(_ value: JSONValue) -> JSONValue {
    switch value {
    case .object(let object):
      var copy = JSONObject()
      for (key, member) in object.members where !member.isNull { copy[key] = dropNulls(member) }
      return .object(copy)
    case .array(let items): return .array(items.map(dropNulls))
    default: return value
    }
  }

  /// The record after some items were applied: their grant types and `lastUpdated` as Okta
  /// now has them, so that a second apply finds nothing and a later one sees no drift.
  public static func record(
    _ record: PullRecord, applied: [(item: Item, live: JSONValue)]
  ) -> PullRecord {
    var updated = record
    // Okta took the grant, which it allows only while the setting is on: so it is on now.
    if applied.contains(where: { $0.item.addsSwitchedGrant }) && !updated.setting {
      updated.setting = true
      updated.settingSource = .applied
    }
    for (item, live) in applied {
      guard
        let index = updated.objects.firstIndex(where: {
          $0.kind == item.object.kind && $0.id == item.object.id
        })
      else { continue }
      updated.objects[index].grantTypes = grants(ofLive: live, kind: item.object.kind)
      if item.object.kind == .rule { updated.objects[index].scopes = scopes(ofLive: live) }
      updated.objects[index].lastUpdated = live["lastUpdated"]?.stringValue
    }
    return updated
  }
}

extension ApplyPlan.Item {
  /// Whether the item adds a grant that needs Embedded widget sign-in support.
  public var addsSwitchedGrant: Bool {
    added.contains { type in Grants.facts(for: type)?.orgSwitch != nil }
  }
}

// MARK: - What came back is what was asked for

extension ApplyPlan {
  /// Why an answer to a read of `item`'s object is not that object, or nil when it is: it must
  /// be one JSON object with the item's id and, for an app, the client id the model holds
  /// (`clientID`, when the model records one). A server or proxy that answers another object,
  /// a renumbered one, an empty one or a list must never have a body built from its answer.
  public static func identityProblem(
    _ answer: JSONValue, for item: Item, clientID: String?
  ) -> String? {
    guard answer.objectValue != nil else {
      return "Okta answered \(answer.typeName) instead of the \(item.object.kind.rawValue)"
    }
    guard let id = answer["id"]?.stringValue else {
      return "Okta answered an object without an id"
    }
    guard id == item.object.id else {
      return "Okta answered the object with id \(OktaID.shown(id)) instead"
    }
    if item.object.kind == .app, let clientID {
      let found = answer["credentials"]?["oauthClient"]?["client_id"]?.stringValue
      guard found == clientID else {
        return "Okta answered an app with the client id \(found.map(OktaID.shown) ?? "(none)") "
          + "instead of \(OktaID.shown(clientID))"
      }
    }
    return nil
  }

  /// The model's client id for an app item (nil for a rule, or an app without one).
  public static func clientID(of item: Item, in model: OrgModel) -> String? {
    guard item.object.kind == .app else { return nil }
    return model.document[item.ref.pointer]?["credentials"]?["oauthClient"]?["client_id"]?
      .stringValue
  }

  /// The members in which the body built from Okta's answer differs from the body built from
  /// the model's pulled copy (with the record's grant types), as JSON pointers; empty when
  /// they agree. With an unchanged `lastUpdated` they must agree: a difference means the
  /// answer is not the object that was pulled, and nothing is built from it.
  public static func differences(
    live: JSONValue, for item: Item, in model: OrgModel
  ) -> [String] {
    guard let copy = model.document[item.ref.pointer], copy.objectValue != nil else {
      return []
    }
    let pulled = asPulled(copy, object: item.object)
    let fromLive = body(for: item, live: live).body
    let fromModel = body(for: item, live: pulled).body
    var found: [String] = []
    collectDifferences(fromLive, fromModel, at: .root, into: &found)
    return found
  }

  private static func collectDifferences(
    _ left: JSONValue, _ right: JSONValue, at pointer: JSONPointer, into found: inout [String]
  ) {
    guard found.count < 10 else { return }
    switch (left, right) {
    case (.object(let a), .object(let b)):
      let keys = a.keys + b.keys.filter { a[$0] == nil }
      for key in keys {
        switch (a[key], b[key]) {
        case (let x?, let y?): collectDifferences(x, y, at: pointer / key, into: &found)
        default: found.append((pointer / key).description)
        }
      }
    default:
      // JSON equality: numbers by value, objects in any member order.
      if left != right { found.append(pointer.description.isEmpty ? "/" : pointer.description) }
    }
  }
}
