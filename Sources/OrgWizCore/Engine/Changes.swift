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

  private static func brief(_ value: JSONValue?) -> String {
    guard let value = Redaction.redact(value) else { return "(absent)" }
    return JSONWriter.string(value, style: .compact)
  }
}

/// The changes a step made to one object of the model.
public struct ObjectChange: Sendable, Equatable {
  /// The object's pointer in the model.
  public var pointer: JSONPointer
  /// The object in words: `app "Acme Mobile" (0oa1mob)`.
  public var object: String
  /// What the Admin Console calls the place where this object is edited.
  public var consolePath: String
  public var fields: [FieldChange]
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

extension OrgModel {
  /// An object of the model in words, by its pointer.
  public func describeObject(at pointer: JSONPointer) -> (name: String, console: String) {
    if let app = apps.first(where: { $0.pointer == pointer }) {
      return (
        "app \"\(app.label)\" (\(app.id))",
        "Applications > Applications > \(app.label) > General > Grant type"
      )
    }
    for (server, policy, rule) in allRules where rule.pointer == pointer {
      return (
        "rule \"\(rule.name)\" (\(rule.id)) of policy \"\(policy.name)\" on server "
          + "\"\(server.name)\"",
        "Security > API > Authorization Servers > \(server.name) > Access Policies > "
          + "\(policy.name) > \(rule.name)"
      )
    }
    if pointer == JSONPointer.root / "settings" / "embeddedWidgetSignInSupport" {
      return (
        "org setting Embedded widget sign-in support",
        "Settings > Account > Embedded widget sign-in support"
      )
    }
    return ("object \(pointer)", "")
  }
}
