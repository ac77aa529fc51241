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
    find(
      query, kind: kind, in: items, anyID: { ids($0).contains(where: $1) },
      anyName: { names($0).contains(where: $1) },
      candidate: { item in
        let name = names(item).first ?? ""
        return LookupFailure.Candidate(id: ids(item).first ?? name, name: name)
      })
  }

  /// Finds one item as ``find(_:kind:in:ids:names:)`` does, without making an array of each
  /// item's ids and names on every pass: a question over an org's 20,000 apps looks its answer
  /// up among all of them, and the lists would cost more than the comparisons.
  /// - Parameters:
  ///   - anyID: whether any id of the item passes the test (its ids in order, stopping at the
  ///     first that passes).
  ///   - anyName: the same for its names.
  ///   - candidate: the item as a failure lists it (its first id and first name).
  ///   - listsCandidates: whether a `notFound` failure lists every item (a caller that does not
  ///     show that list passes false, and gets an empty one).
  public static func find<Items: Collection>(
    _ query: String, kind: String, in items: Items,
    anyID: (Items.Element, (String) -> Bool) -> Bool,
    anyName: (Items.Element, (String) -> Bool) -> Bool,
    candidate: (Items.Element) -> LookupFailure.Candidate,
    listsCandidates: Bool = true
  ) -> Result<Items.Element, LookupFailure> {
    let trimmed = query.trimmingWhitespace()
    // A name or id that itself ends in a space, tab or line break is matched as given first:
    // trimming it would name another object ("Acme Mobile\t" is not "Acme Mobile").
    if query != trimmed {
      if let hit = items.first(where: { anyID($0) { $0 == query } }) { return .success(hit) }
      let exact = items.filter { anyName($0) { $0 == query } }
      if exact.count == 1 { return .success(exact[0]) }
    }
    if let hit = items.first(where: { anyID($0) { $0 == trimmed } }) { return .success(hit) }
    // A name also matches as it is shown (a control character in caret notation, say), so
    // that what the screen or Tab completion showed can be typed back; two names that look the
    // same are ambiguous. A name shown differently shows a `^` or a `<U+`, so an ASCII answer
    // with neither can only be the name itself, and the shown form is not made.
    let matchesShown = !trimmed.utf8.allSatisfy {
      $0 < 0x80 && $0 != UInt8(ascii: "^") && $0 != UInt8(ascii: "<")
    }
    func shown(_ name: String) -> String? {
      guard matchesShown else { return nil }
      let shown = VisibleText.visibleOnOneLine(name)
      return shown == name ? nil : shown
    }
    let exact = items.filter { anyName($0) { $0 == trimmed || shown($0) == trimmed } }
    if exact.count == 1 { return .success(exact[0]) }
    let folded = trimmed.lowercased()
    let loose =
      exact.isEmpty
      ? items.filter {
        anyName($0) {
          $0.lowercasedEquals(folded) || shown($0)?.lowercasedEquals(folded) == true
        }
      } : exact
    if loose.count == 1 { return .success(loose[0]) }
    if loose.isEmpty {
      return .failure(
        .notFound(
          query: trimmed, kind: kind, candidates: listsCandidates ? items.map(candidate) : []))
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

  /// Whether the string lowercased is `folded`: the same as `lowercased() == folded`, without
  /// making the lowercased copy when both are ASCII (an answer is compared with every name of
  /// an org's 20,000 apps).
  public func lowercasedEquals(_ folded: String) -> Bool {
    if let answer = asciiFolded(comparedWith: folded, asPrefix: false) { return answer }
    return lowercased() == folded
  }

  /// Whether the string lowercased begins with `folded`: the same as
  /// `lowercased().hasPrefix(folded)`, without making the lowercased copy when both are ASCII.
  public func lowercasedHasPrefix(_ folded: String) -> Bool {
    if let answer = asciiFolded(comparedWith: folded, asPrefix: true) { return answer }
    return lowercased().hasPrefix(folded)
  }

  /// The comparison of the ASCII string, its letters lowercased, with the ASCII `folded`, byte
  /// by byte; nil when either holds anything else (a non-ASCII character may lowercase to, or
  /// be canonically equivalent to, ASCII: the Kelvin sign is "k"), or when a prefix ends
  /// between the CR and the LF of one character.
  private func asciiFolded(comparedWith folded: String, asPrefix: Bool) -> Bool? {
    let answer: Bool?? = utf8.withContiguousStorageIfAvailable { text in
      folded.utf8.withContiguousStorageIfAvailable { other in
        Self.asciiFolded(text, comparedWith: other, asPrefix: asPrefix)
      } ?? nil
    }
    return answer ?? nil
  }

  private static func asciiFolded(
    _ text: UnsafeBufferPointer<UInt8>, comparedWith folded: UnsafeBufferPointer<UInt8>,
    asPrefix: Bool
  ) -> Bool? {
    guard text.allSatisfy({ $0 < 0x80 }), folded.allSatisfy({ $0 < 0x80 }) else { return nil }
    guard asPrefix ? text.count >= folded.count : text.count == folded.count else {
      return false
    }
    for index in folded.indices {
      let byte = text[index]
      let lower = byte &- UInt8(ascii: "A") < 26 ? byte | 0x20 : byte
      if lower != folded[index] { return false }
    }
    if asPrefix, folded.last == UInt8(ascii: "\r"), text.count > folded.count,
      text[folded.count] == UInt8(ascii: "\n")
    {
      return nil
    }
    return true
  }
}
