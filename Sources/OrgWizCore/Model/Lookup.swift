/// Why a name or id did not pick exactly one object.
public enum LookupFailure: Error, Sendable, Equatable {
  /// Nothing matched; the candidates are the valid choices.
  case notFound(query: String, kind: String, candidates: [Candidate])
  /// More than one object has that name; their ids are listed.
  case ambiguous(query: String, kind: String, matches: [Candidate])

  /// One object a user may name.
  public struct Candidate: Sendable, Equatable {
    public var id: String
    public var name: String
  }

  /// Whether several objects matched.
  public var isAmbiguous: Bool {
    if case .ambiguous = self { return true }
    return false
  }

  /// The message shown to the user.
  public var message: String {
    switch self {
    case .notFound(let query, let kind, let candidates):
      let list = candidates.isEmpty ? "there are none in the model" : Self.list(candidates)
      return "no \(kind) is called \"\(VisibleText.short(query))\"; the choices are: \(list)"
    case .ambiguous(let query, let kind, let matches):
      return "\"\(VisibleText.short(query))\" names \(matches.count) \(kind)s "
        + "(\(Self.list(matches))); "
        + "use the id instead"
    }
  }

  private static func list(_ candidates: [Candidate]) -> String {
    candidates.map { candidate in
      let id = VisibleText.short(candidate.id)
      return candidate.id == candidate.name ? id : "\(VisibleText.short(candidate.name)) (\(id))"
    }.joined(
      separator: ", ")
  }
}

/// Finds objects by id or by name: an exact id first, then an exact name, then a
/// case-insensitive name. Two objects sharing a name make that name ambiguous.
public enum Lookup {
  /// Finds one item.
  /// - Parameters:
  ///   - query: the text the user gave.
  ///   - kind: what is looked for, in words ("custom authorization server").
  ///   - items: the candidates.
  ///   - ids: every id-like key of an item (its id, a client id, a login), matched exactly.
  ///   - name: the item's name or label.
  public static func find<Item>(
    _ query: String, kind: String, in items: [Item], ids: (Item) -> [String],
    name: (Item) -> String
  ) -> Result<Item, LookupFailure> {
    find(query, kind: kind, in: items, ids: ids, names: { [name($0)] })
  }

  /// Finds one item that may go by several names (a label and a display name, say).
  /// - Parameter names: every name of an item, the one to show first; names are matched
  ///   exactly, then case-insensitively, and a name that two items share is ambiguous.
  public static func find<Item>(
    _ query: String, kind: String, in items: [Item], ids: (Item) -> [String],
    names: (Item) -> [String]
  ) -> Result<Item, LookupFailure> {
    // A name or id that itself ends in a space, tab or line break is matched as given first:
    // trimming it would name another object ("Acme Mobile\t" is not "Acme Mobile").
    if query != query.trimmingWhitespace() {
      if let hit = items.first(where: { ids($0).contains(query) }) { return .success(hit) }
      let exact = items.filter { names($0).contains(query) }
      if exact.count == 1 { return .success(exact[0]) }
    }
    let trimmed = query.trimmingWhitespace()
    if let hit = items.first(where: { ids($0).contains(trimmed) }) { return .success(hit) }
    // A name also matches as it is shown (a control character in caret notation, say), so
    // that what the screen or Tab completion showed can be typed back; two names that look the
    // same are ambiguous.
    func shownNames(_ item: Item) -> [String] {
      names(item).flatMap { name in
        let shown = VisibleText.visibleOnOneLine(name)
        return shown == name ? [name] : [name, shown]
      }
    }
    let exact = items.filter { shownNames($0).contains(trimmed) }
    if exact.count == 1 { return .success(exact[0]) }
    let folded = trimmed.lowercased()
    let loose =
      exact.isEmpty ? items.filter { shownNames($0).contains { $0.lowercased() == folded } } : exact
    if loose.count == 1 { return .success(loose[0]) }
    let candidate = { (item: Item) in
      let name = names(item).first ?? ""
      return LookupFailure.Candidate(id: ids(item).first ?? name, name: name)
    }
    if loose.isEmpty {
      return .failure(.notFound(query: trimmed, kind: kind, candidates: items.map(candidate)))
    }
    return .failure(.ambiguous(query: trimmed, kind: kind, matches: loose.map(candidate)))
  }
}

extension String {
  /// The string without leading and trailing spaces, tabs and line breaks.
  public func trimmingWhitespace() -> String {
    let scalars = unicodeScalars
    guard let start = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else {
      return ""
    }
    guard let end = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
    return String(scalars[start...end])
  }
}
