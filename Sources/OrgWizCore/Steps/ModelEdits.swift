import OrgWizJSON

/// The edits steps make to the model, shared so each is written once.
extension RunState {
  /// Applies document edits, deriving the typed views again.
  mutating func editModel(_ body: (inout JSONValue) -> Void) throws(StepStop) {
    if let problem = model.edit(body) {
      throw StepStop(
        .precondition, "orgwiz made an edit that does not fit the org model: \(problem.message)",
        next: "Nothing was written. Please report this with the model file attached.")
    }
  }

  /// Sets a grant list and `lastUpdated` of the object that owns it (when the object has one).
  mutating func setGrants(
    _ grants: [String], at listPointer: JSONPointer, owner: JSONPointer, now: String
  ) throws(StepStop) {
    try editModel { document in
      document.set(.strings(grants), at: listPointer)
      document.stampLastUpdated(of: owner, now)
    }
  }
}

extension JSONValue {
  /// Sets `lastUpdated` of the object at `owner` to `now`, when the object has that field.
  mutating func stampLastUpdated(of owner: JSONPointer, _ now: String) {
    if self[owner / "lastUpdated"] != nil {
      set(.string(now), at: owner / "lastUpdated")
    }
  }
}

extension Array where Element == String {
  /// The list with `value` appended, unless it is already there.
  func adding(_ value: String) -> [String] { contains(value) ? self : self + [value] }
  /// The list without `value`.
  func removing(_ value: String) -> [String] { filter { $0 != value } }
}

/// Small helpers for step texts.
public enum Phrase {
  /// "1 app" / "2 apps".
  public static func count(_ number: Int, _ singular: String, _ plural: String? = nil) -> String {
    "\(number) \(number == 1 ? singular : plural ?? singular + "s")"
  }

  /// "a, b" or "none".
  public static func list(_ items: [String]) -> String {
    items.isEmpty ? "none" : items.joined(separator: ", ")
  }
}
