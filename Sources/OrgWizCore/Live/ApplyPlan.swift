import OrgWizJSON

/// What `apply` sends: for every rule and app of the pull record whose grant types differ in the
/// model (whatever grant a procedure changed), one full-replacement request, built later from
/// the live object with only those grant types added or removed.
public struct ApplyPlan: Sendable, Equatable {
  /// One object to change in Okta.
  public struct Item: Sendable, Equatable {
    public var object: PullRecord.Object
    public var ref: ObjectRef
    /// The grant types the model adds to the object, in the model's order.
    public var added: [String]
    /// The grant types the model takes away, in the pulled order.
    public var removed: [String]

    public init(
      object: PullRecord.Object, ref: ObjectRef, added: [String], removed: [String], path: String
    ) {
      self.object = object
      self.ref = ref
      self.added = added
      self.removed = removed
      self.path = path
    }

    /// Whether a grant is added.
    public var adds: Bool { !added.isEmpty }
    /// The grant types changed, in words (`device_code, password`).
    public var grant: String { Phrase.list(added + removed) }

    /// `PUT <path>`: the object's path, built from checked ids.
    public var method: String { "PUT" }
    public var path: String
    /// What the change does, in words.
    public var sentence: String {
      let add = added.isEmpty ? nil : "Add \(Phrase.list(added)) to \(ref.phrase)"
      let remove =
        removed.isEmpty
        ? nil
        : "\(add == nil ? "Remove" : "and remove") \(Phrase.list(removed)) from "
          + (add == nil ? ref.phrase : "it")
      return [add, remove].compactMap { $0 }.joined(separator: " ")
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
      let current: (ref: ObjectRef, grants: [String])?
      switch object.kind {
      case .app:
        current = model.app(id: object.id).map { (model.ref($0), $0.grantTypes) }
      case .rule:
        current = model.allRules.first { entry in
          entry.rule.id == object.id && entry.policy.id == object.policyID
            && entry.server.id == object.serverID
        }.map { entry in
          (model.ref(entry.rule, of: entry.policy, on: entry.server), entry.rule.grantTypes)
        }
      }
      guard let current else {
        missing.append(object)
        continue
      }
      let added = current.grants.filter { !object.grantTypes.contains($0) }
      let removed = object.grantTypes.filter { !current.grants.contains($0) }
      if !added.isEmpty || !removed.isEmpty {
        items.append(
          Item(object: object, ref: current.ref, added: added, removed: removed, path: path))
      }
    }
    return ApplyPlan(record: record, items: items, missing: missing, invalidIDs: invalid)
  }

  /// The live object's grant types.
  public static func grants(ofLive live: JSONValue, kind: PullRecord.Object.Kind) -> [String] {
    switch kind {
    case .app: PullAssembler.grants(ofApp: live)
    case .rule: PullAssembler.grants(ofRule: live)
    }
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
    guard var pulled = model.document[item.ref.pointer], pulled.objectValue != nil else {
      return []
    }
    _ = pulled.set(.strings(item.object.grantTypes), at: grantsPointer(item.object.kind))
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
