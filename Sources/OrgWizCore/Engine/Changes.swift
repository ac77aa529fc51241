import OrgWizJSON

/// One field that a step changed.
public struct FieldChange: Sendable, Equatable {
  public var pointer: JSONPointer
  public var before: JSONValue?
  public var after: JSONValue?
}

extension FieldChange {
  /// `pointer: before → after`, the values as compact JSON with secrets withheld.
  public func line(arrow: String = "→") -> String {
    "\(pointer): \(Self.brief(before)) \(arrow) \(Self.brief(after))"
  }

  static func brief(_ value: JSONValue?) -> String {
    guard let value = Redaction.redact(value) else { return "(absent)" }
    return JSONWriter.string(value, style: .compact)
  }
}

/// The changes a step made to one object of the model.
public struct ObjectChange: Sendable, Equatable {
  /// The object, as the step's effect named it.
  public var ref: ObjectRef
  public var fields: [FieldChange]

  public init(ref: ObjectRef, fields: [FieldChange]) {
    self.ref = ref
    self.fields = fields
  }

  /// The object's pointer in the model.
  public var pointer: JSONPointer { ref.pointer }
  /// The object in words: `app "Acme Mobile" (0oa1mob)`.
  public var object: String { ref.phrase }
  /// What the Admin Console calls the place where this object is edited.
  public func consolePath(for grant: GrantFacts) -> String { ref.consolePath(for: grant) }

  /// The fields that say what changed, without the `lastUpdated` stamp every changed object
  /// gets (which renderings fold into one line).
  public var meaningfulFields: [FieldChange] {
    fields.filter { $0.pointer.tokens.last != "lastUpdated" }
  }

  /// The new `lastUpdated`, when the change set it.
  public var stamp: String? {
    fields.first { $0.pointer.tokens.last == "lastUpdated" }?.after?.stringValue
  }

  /// A field's path below the object, dotted (`settings.oauthClient.grant_types`).
  public func fieldName(_ field: FieldChange) -> String {
    let base = ref.pointer.tokens.count
    let tokens = field.pointer.tokens.dropFirst(base)
    return tokens.isEmpty ? field.pointer.description : tokens.joined(separator: ".")
  }
}

/// Structural differences between two JSON values.
public enum JSONDiff {
  /// The leaf-level changes from `before` to `after`, with pointers below `base`.
  ///
  /// Objects are compared member by member; arrays of equal length element by element; an
  /// array whose length changed is reported whole, which reads best for grant type lists.
  public static func changes(
    from before: JSONValue?, to after: JSONValue?, at base: JSONPointer
  )
    -> [FieldChange]
  {
    if before == after { return [] }
    switch (before, after) {
    case (.object(let old)?, .object(let new)?):
      var keys = old.keys
      for key in new.keys where old[key] == nil { keys.append(key) }
      return keys.sorted().flatMap { key in changes(from: old[key], to: new[key], at: base / key) }
    case (.array(let old)?, .array(let new)?) where old.count == new.count:
      return old.indices.flatMap { index in
        changes(from: old[index], to: new[index], at: base / index)
      }
    default:
      return [FieldChange(pointer: base, before: before, after: after)]
    }
  }
}

extension JSONDiff {
  /// Where `after` differs from `before`: the pointers of the values that changed, appeared or
  /// went, below `base`. Parts the two still share (an edited copy's untouched apps, servers,
  /// policies) are skipped without being looked into (`JSONValue.isKnownIdentical(to:)`), so
  /// this costs what the edit changed, not the size of the model. Objects are compared member
  /// by member; arrays of equal length element by element; an array whose length changed, or
  /// a value whose type changed, is reported whole.
  public static func changedPointers(
    from before: JSONValue, to after: JSONValue, at base: JSONPointer = .root
  ) -> [JSONPointer] {
    var found: [JSONPointer] = []
    collectChanges(from: before, to: after, at: base, into: &found)
    return found
  }

  private static func collectChanges(
    from before: JSONValue, to after: JSONValue, at base: JSONPointer,
    into found: inout [JSONPointer]
  ) {
    if before.isKnownIdentical(to: after) { return }
    switch (before, after) {
    case (.object(let old), .object(let new)):
      for (key, value) in new {
        if let previous = old[key] {
          collectChanges(from: previous, to: value, at: base / key, into: &found)
        } else {
          found.append(base / key)
        }
      }
      for (key, _) in old where new[key] == nil { found.append(base / key) }
    case (.array(let old), .array(let new)) where old.count == new.count:
      for index in old.indices {
        collectChanges(from: old[index], to: new[index], at: base / index, into: &found)
      }
    default:
      found.append(base)
    }
  }
}

extension OrgModel {
  /// The object of the model at a pointer (an app, a rule, a policy, a server, the setting),
  /// or nil.
  public func ref(at pointer: JSONPointer) -> ObjectRef? {
    if pointer == settingRef.pointer { return settingRef }
    if let app = apps.first(where: { $0.pointer == pointer }) { return ref(app) }
    for server in servers {
      if server.pointer == pointer { return ref(server) }
      for policy in server.policies {
        if policy.pointer == pointer { return ref(policy, on: server) }
        if let rule = policy.rules.first(where: { $0.pointer == pointer }) {
          return ref(rule, of: policy, on: server)
        }
      }
    }
    return nil
  }

  /// Field changes grouped by the innermost object of the model they belong to, for a change
  /// that no step made (undo's restore of a backup): each group is named like a step's.
  public func group(_ fields: [FieldChange]) -> [ObjectChange] {
    var groups: [ObjectChange] = []
    for field in fields {
      var pointer: JSONPointer? = field.pointer
      var owner: ObjectRef?
      while let current = pointer, owner == nil {
        owner = ref(at: current)
        pointer = current.parent
      }
      let ref =
        owner
        ?? ObjectRef(
          kind: .orgSetting, id: field.pointer.tokens.first ?? "", name: "model field",
          pointer: JSONPointer(Array(field.pointer.tokens.prefix(1))))
      if let index = groups.firstIndex(where: { $0.ref == ref }) {
        groups[index].fields.append(field)
      } else {
        groups.append(ObjectChange(ref: ref, fields: [field]))
      }
    }
    return groups
  }
}

extension ObjectChange {
  /// The change as review lines: the object, then each field `name: before → after` (its
  /// pointer after it), and the `lastUpdated` stamp folded into one line. The run's review,
  /// its dry run and undo's review all show changes this way.
  public static func reviewLines(_ changes: [ObjectChange], arrow: String = "→") -> [String] {
    changes.flatMap { change in
      [change.object]
        + change.meaningfulFields.map { field in
          "    \(change.fieldName(field)): \(FieldChange.brief(field.before)) \(arrow) "
            + "\(FieldChange.brief(field.after))  (\(field.pointer))"
        }
        + (change.stamp.map { ["    lastUpdated set to \($0)"] } ?? [])
    }
  }
}

/// The apps a changed rule also serves, named before it is written (`summary.md`, "A shared
/// rule is named before it is written").
public enum SharedRule {
  /// The most apps named; past it, their count.
  public static let nameLimit = 10

  /// The other apps a rule serves: how many, and the first ``nameLimit`` of them, in the
  /// model's order.
  public struct Served: Sendable, Equatable {
    public var count = 0
    public var named: [OrgApp] = []

    public init() {}
  }

  /// The OpenID Connect apps, other than `except` (app ids), whose sign-in goes through the
  /// rule's policy (the policy applies to them). One pass over the apps that copies only the
  /// ones it names: on the bench's 20,000 apps the review waits for it.
  public static func otherApps(
    serverID: String?, policyID: String?, except: Set<String>, in model: OrgModel
  ) -> Served {
    var served = Served()
    guard let server = model.server(id: serverID ?? ""),
      let policy = server.policies.first(where: { $0.id == policyID })
    else { return served }
    let apps = model.apps
    for index in apps.indices
    where apps[index].isOIDC && policy.applies(toClient: apps[index].clientID)
      && !except.contains(apps[index].id)
    {
      served.count += 1
      if served.named.count < nameLimit { served.named.append(apps[index]) }
    }
    return served
  }

  /// One line for a review: "    also serves: A (0oa…), B (0oa…)", or nil when it serves no
  /// other app.
  public static func line(_ served: Served) -> String? {
    guard served.count > 0 else { return nil }
    let named = served.named.map { "\(VisibleText.short($0.label)) (\($0.id))" }
    let more = served.count > named.count ? ", and \(served.count - named.count) more" : ""
    return "    this rule also serves \(Phrase.count(served.count, "other app")): "
      + named.joined(separator: ", ") + more
  }

  /// The review lines of a run: for each rule it changed, the other apps it serves (worked
  /// out once, in the part of the change set the review shows).
  public static func reviewLines(_ review: ChangeSet.Review) -> [String] {
    review.sharedRuleLines
  }
}
