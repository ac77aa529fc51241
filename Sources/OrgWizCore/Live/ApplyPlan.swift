import OrgWizJSON

/// What `apply` sends: for every rule and app of the pull record whose `interaction_code`
/// membership differs in the model, one full-replacement request, built later from the live
/// object with only that membership changed.
public struct ApplyPlan: Sendable, Equatable {
  /// One object to change in Okta.
  public struct Item: Sendable, Equatable {
    public var object: PullRecord.Object
    public var ref: ObjectRef
    /// Whether the grant is added (else removed).
    public var adds: Bool
    public var grant: String

    /// `PUT <path>`.
    public var method: String { "PUT" }
    public var path: String { object.path }
    /// What the change does, in words.
    public var sentence: String {
      "\(adds ? "Add" : "Remove") \(grant) \(adds ? "to" : "from") \(ref.phrase)"
    }
  }

  public var record: PullRecord
  public var items: [Item]
  /// Objects of the record that are no longer in the model (left alone, and said).
  public var missing: [PullRecord.Object]

  /// Whether the plan adds the grant anywhere (the org setting must then be on in Okta).
  public var addsGrant: Bool { items.contains(where: \.adds) }

  /// The plan for a model.
  /// - Returns: nil when the model was not pulled from an org.
  public static func make(_ model: OrgModel) -> ApplyPlan? {
    guard let record = PullRecord(model: model.document) else { return nil }
    var items: [Item] = []
    var missing: [PullRecord.Object] = []
    let grant = Okta.interactionCode
    for object in record.objects {
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
      let had = object.grantTypes.contains(grant)
      let has = current.grants.contains(grant)
      if had != has {
        items.append(Item(object: object, ref: current.ref, adds: has, grant: grant))
      }
    }
    return ApplyPlan(record: record, items: items, missing: missing)
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
    if item.adds {
      if !grants.contains(item.grant) { grants.append(item.grant) }
    } else {
      grants.removeAll { $0 == item.grant }
    }
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
