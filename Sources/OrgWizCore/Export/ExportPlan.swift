import OrgWizJSON

/// The change `run` planned (the ``ApplyPlan`` of a pulled model), ready to be written as files
/// by `orgwiz export`: for each request `apply` would send, in its order, the model's object
/// as it was pulled and the body `apply` would send from it. Pure: built from the model alone.
public struct ExportPlan: Sendable {
  /// One request of the plan.
  public struct Entry: Sendable {
    public var item: ApplyPlan.Item
    /// The object as Okta had it when it was pulled: the model's object (Okta's object as
    /// sent, secrets left out) with the grant types of the pull record.
    public var live: JSONValue
    /// Exactly what `apply` would send: ``ApplyPlan/body(for:live:)`` of ``live``.
    public var body: JSONValue
    /// The grant types after the change.
    public var grants: [String]
    /// The grant types before it (as pulled).
    public var before: [String] { item.object.grantTypes }

    /// `NN-<kind>-<id>`: the request's place in the order and its object.
    public func stem(number: Int, of count: Int) -> String {
      let width = max(2, String(count).count)
      let digits = String(number)
      return String(repeating: "0", count: width - digits.count) + digits + "-"
        + item.object.kind.rawValue + "-" + ExportNames.fileSafe(item.object.id)
    }
  }

  public var record: PullRecord
  public var entries: [Entry]
  /// Objects of the record that are no longer in the model.
  public var missing: [PullRecord.Object]
  /// Ids of the record that are not Okta ids: an export with any is refused whole.
  public var invalidIDs: [InvalidOktaID]

  /// Whether the plan adds the grant anywhere (the org setting must then be on first).
  public var addsGrant: Bool { entries.contains { $0.item.addsSwitchedGrant } }

  /// The export of a model.
  /// - Returns: nil when the model was not pulled from an org.
  public static func make(_ model: OrgModel) -> ExportPlan? {
    guard let plan = ApplyPlan.make(model) else { return nil }
    var entries: [Entry] = []
    var missing = plan.missing
    for item in plan.items {
      guard let copy = model.document[item.ref.pointer], copy.objectValue != nil else {
        missing.append(item.object)
        continue
      }
      let live = ApplyPlan.asPulled(copy, object: item.object)
      let (body, grants) = ApplyPlan.body(for: item, live: live)
      entries.append(Entry(item: item, live: live, body: body, grants: grants))
    }
    return ExportPlan(
      record: plan.record, entries: entries, missing: missing, invalidIDs: plan.invalidIDs)
  }
}

/// One file of an export: its name inside the directory, its text, and whether it is a
/// program (`send.sh`).
public struct ExportFile: Sendable, Equatable {
  public var name: String
  public var text: String
  public var executable: Bool

  public init(name: String, text: String, executable: Bool = false) {
    self.name = name
    self.text = text
    self.executable = executable
  }
}

/// Names derived from objects' names and ids: file names and Terraform resource names.
public enum ExportNames {
  /// An id as a file name part: letters, digits, `-` and `_` kept, anything else `_`.
  public static func fileSafe(_ text: String) -> String {
    let kept = text.unicodeScalars.map { scalar -> Character in
      scalar.isASCII
        && (ASCIIClass.alphanumerics(scalar) || scalar == "-" || scalar == "_")
        ? Character(scalar) : "_"
    }
    let name = String(kept)
    return name.isEmpty ? "_" : name
  }

  /// A lowercase slug of a name: ASCII letters and digits, runs of anything else one `_`, at
  /// most 40 characters, no `_` at either end.
  public static func slug(_ text: String) -> String {
    var out = ""
    var pendingSeparator = false
    for scalar in text.lowercased().unicodeScalars {
      if scalar.isASCII && ASCIIClass.alphanumerics(scalar) {
        if pendingSeparator && !out.isEmpty { out.append("_") }
        pendingSeparator = false
        out.unicodeScalars.append(scalar)
        if out.count >= 40 { break }
      } else {
        pendingSeparator = true
      }
    }
    while out.hasSuffix("_") { out.removeLast() }
    return out
  }

  /// Terraform resource names for objects, in order: `<slug>_<id>` (the id keeps two objects
  /// with one name apart and the name stable across exports), starting with a letter, unique.
  public static func resourceNames(_ objects: [(name: String, id: String)]) -> [String] {
    var used: Set<String> = []
    return objects.map { object in
      let slug = slug(object.name)
      var base = (slug.isEmpty ? "" : slug + "_") + fileSafe(object.id)
      if let first = base.unicodeScalars.first, !(first.isASCII && ASCIIClass.letters(first)) {
        base = "r_" + base
      }
      var name = base
      var number = 2
      while !used.insert(name).inserted {
        name = "\(base)_\(number)"
        number += 1
      }
      return name
    }
  }
}

/// ASCII character classes (Foundation-free, so the core stays pure).
enum ASCIIClass {
  static func letters(_ scalar: Unicode.Scalar) -> Bool {
    ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
  }
  static func alphanumerics(_ scalar: Unicode.Scalar) -> Bool {
    letters(scalar) || ("0"..."9").contains(scalar)
  }
}
