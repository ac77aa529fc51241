/// "Did you mean": the known name closest to a mistyped one.
public enum Suggestion {
  /// The candidate closest to `input` by edit distance (case-insensitive), when it is close
  /// enough to be a typo of it (at most a third of its length, and at least 2 edits allowed),
  /// or a candidate that starts with or contains `input`; nil otherwise.
  public static func closest(to input: String, among candidates: [String]) -> String? {
    let typed = Array(input.lowercased())
    guard !typed.isEmpty else { return nil }
    var best: (candidate: String, distance: Int)?
    for candidate in candidates {
      let distance = editDistance(typed, Array(candidate.lowercased()))
      if distance < (best?.distance ?? Int.max) { best = (candidate, distance) }
    }
    if let best, best.distance <= max(2, typed.count / 3) { return best.candidate }
    let lowered = input.lowercased()
    return candidates.first { $0.lowercased().hasPrefix(lowered) }
      ?? candidates.first { $0.lowercased().contains(lowered) }
  }

  /// Levenshtein distance: insertions, deletions and substitutions.
  static func editDistance(_ lhs: [Character], _ rhs: [Character]) -> Int {
    if lhs.isEmpty { return rhs.count }
    if rhs.isEmpty { return lhs.count }
    var previous = Array(0...rhs.count)
    var current = [Int](repeating: 0, count: rhs.count + 1)
    for (row, left) in lhs.enumerated() {
      current[0] = row + 1
      for (column, right) in rhs.enumerated() {
        current[column + 1] = Swift.min(
          previous[column + 1] + 1, current[column] + 1,
          previous[column] + (left == right ? 0 : 1))
      }
      swap(&previous, &current)
    }
    return previous[rhs.count]
  }
}
