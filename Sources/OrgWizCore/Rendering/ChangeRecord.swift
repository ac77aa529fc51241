/// The change record `run` writes for a pulled model is the record of the change for its whole
/// life (`summary.md`, "One change, one record"): `apply`, `verify` and the backout add their
/// sections to it, and its title, its "Where the change is" row and the line of the same name in
/// Risk and impact follow the change. Pure: text in, text out.
public enum ChangeRecord {
  /// Where a change can be, as the record says it.
  public enum Stage: String, Sendable, Equatable {
    case modelOnly = "only in the model file; not yet in Okta"
    case applied = "applied in Okta"
    case partlyApplied = "partly applied in Okta"
    case notApplied = "not applied: Okta refused it"
    case verified = "applied and verified in Okta"
    case notVerified = "applied in Okta, but Okta does not yet let the app use it"
    case backedOut = "backed out of Okta"
    case partlyBackedOut = "partly backed out of Okta"

    /// The title's mark: a few words in parentheses after the description.
    var titleMark: String {
      switch self {
      case .modelOnly: ""
      case .applied: " (applied)"
      case .partlyApplied: " (partly applied)"
      case .notApplied: " (not applied)"
      case .verified: " (applied, verified)"
      case .notVerified: " (applied, not verified)"
      case .backedOut: " (backed out)"
      case .partlyBackedOut: " (partly backed out)"
      }
    }
  }

  /// The row of the Summary table and the line of Risk and impact that say where the change is.
  public static let whereRow = "| Where the change is | "
  public static let whereLine = "- Where the change is now: "
  /// The most characters of a title (`summary.md`).
  public static let titleLimit = 160

  static let marks = [
    Stage.applied, .partlyApplied, .notApplied, .verified, .notVerified, .backedOut,
    .partlyBackedOut,
  ].map(\.titleMark)

  /// The record with its title, row and line saying `stage` (nil: left as they are), and
  /// `section` (Markdown, starting with its `##` heading) added at the end.
  public static func updated(_ text: String, stage: Stage?, section: String) -> String {
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    for index in lines.indices {
      guard let stage else { break }
      let line = lines[index]
      if index == firstHeading(lines) {
        lines[index] = title(line, stage: stage)
      } else if line.hasPrefix(whereRow) {
        lines[index] = whereRow + Markdown.escape(stage.rawValue) + " |"
      } else if line.hasPrefix(whereLine) {
        lines[index] = whereLine + Markdown.escape(stage.rawValue)
      } else if line.hasPrefix(plannedParagraph) || line.hasPrefix(nowParagraph) {
        lines[index] = Markdown.escape(now(stage))
      }
    }
    var section = section.trimmingTrailingNewlines()
    let heading = section.split(separator: "\n").first.map(String.init) ?? ""
    let sections = lines.indices.filter { lines[$0].hasPrefix("## ") }
    if heading == "## Verified in Okta", let last = sections.last,
      lines[last].hasPrefix(heading)
    {
      // Verified again with nothing in between: the newer answer replaces the older one.
      lines.removeSubrange(last...)
    } else {
      // A later attempt of the same kind is numbered, so that the newest is plain to see.
      let earlier = sections.filter { lines[$0].hasPrefix(heading) }.count
      if earlier > 0 {
        section = heading + " (\(earlier + 1))" + section.dropFirst(heading.count)
      }
    }
    while lines.last == "" { lines.removeLast() }
    return lines.joined(separator: "\n") + "\n\n" + section + "\n"
  }

  /// The first words of the Summary's paragraph of where the change is, as `run` writes it and
  /// as this replaces it.
  static let plannedParagraph = "The change is in the model file "
  static let nowParagraph = "Where the change is now: "

  /// The Summary's paragraph once the change left the model.
  static func now(_ stage: Stage) -> String {
    nowParagraph + stage.rawValue + ". The sections at the end of this record (Applied in "
      + "Okta, Verified in Okta, Backed out) say what reached Okta, when, and with whose "
      + "credentials; the sections before them are the plan as the run made it."
  }

  /// The value of a row of the Summary table (`| Operator | ada@acme.example (00u1ada) |`), as
  /// written (escaped Markdown).
  public static func row(_ name: String, in text: String) -> String? {
    let prefix = "| \(name) | "
    guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(prefix) }) else {
      return nil
    }
    let value = line.dropFirst(prefix.count)
    return String(value.hasSuffix(" |") ? value.dropLast(2) : value)
  }

  private static func firstHeading(_ lines: [String]) -> Int? {
    lines.firstIndex { $0.hasPrefix("# ") }
  }

  /// The title with the stage's mark in place of an earlier one, within ``titleLimit``.
  static func title(_ line: String, stage: Stage) -> String {
    var base = line
    for mark in marks where base.hasSuffix(mark) {
      base = String(base.dropLast(mark.count))
    }
    let mark = stage.titleMark
    let room = titleLimit + 2 - mark.count
    if base.count > room { base = String(base.prefix(room - 1)) + "…" }
    return base + mark
  }
}

extension String {
  fileprivate func trimmingTrailingNewlines() -> String {
    var text = Substring(self)
    while text.hasSuffix("\n") { text = text.dropLast() }
    return String(text)
  }
}

extension ChangeRecord {
  /// The stage the record states now, when it states one of ``Stage``.
  public static func stage(of text: String) -> Stage? {
    guard let row = row("Where the change is", in: text) else { return nil }
    return [
      Stage.modelOnly, .applied, .partlyApplied, .notApplied, .verified, .notVerified,
      .backedOut, .partlyBackedOut,
    ].first { Markdown.escape($0.rawValue) == row }
  }

  /// Where the change is once `verify` answered: only a change in Okta can be verified, so a
  /// record that says otherwise keeps its stage.
  public static func stage(afterVerifying works: Bool, in text: String) -> Stage? {
    guard let current = stage(of: text), [.applied, .verified, .notVerified].contains(current)
    else { return nil }
    return works ? .verified : .notVerified
  }

  /// Where the change is once an apply (with its verification, if one was made) ended.
  public static func stage(after record: ApplyRecord) -> Stage {
    let stage = record.stage
    guard stage == .applied, let verification = record.verification else { return stage }
    return verification.reason == .ok ? .verified : .notVerified
  }

  /// The section of a check `apply` was asked to make and did not (why, and the command).
  public static func notVerifiedSection(_ note: String) -> [Block] {
    [.heading(level: 2, "Verified in Okta"), .paragraph(.plain(note))]
  }

  /// The section `orgwiz verify` (or `apply --verify`) adds: when, and Okta's answer.
  public static func verifiedSection(_ result: VerifyResult, at time: String) -> [Block] {
    [
      .heading(level: 2, "Verified in Okta"),
      .paragraph(.plain("Asked Okta at \(time) (UTC), without signing anyone in:")),
    ] + result.document
  }
}
