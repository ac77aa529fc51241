import Foundation

/// Text snapshots under `Tests/<target>/Snapshots/<name>`.
///
/// A missing snapshot, or any snapshot while `RECORD_SNAPSHOTS` is set, is written and reported
/// as a failure, so recording never passes silently; CI never records.
public enum Snapshot {
  /// Compares `text` with the stored snapshot; returns nil when they match, else a message.
  public static func verify(_ text: String, named name: String, target: String) -> String? {
    let directory = Fixtures.repositoryRoot.appendingPathComponent("Tests/\(target)/Snapshots")
    let url = directory.appendingPathComponent(name)
    let record = ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] != nil
    if !record, let data = FileManager.default.contents(atPath: url.path) {
      let stored = String(decoding: data, as: UTF8.self)
      if stored == text { return nil }
      return "snapshot \(name) differs:\n" + firstDifference(stored, text)
    }
    if ProcessInfo.processInfo.environment["CI"] != nil {
      return "snapshot \(name) is missing; record it locally with RECORD_SNAPSHOTS=1"
    }
    try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    try? Data(text.utf8).write(to: url)
    return "recorded snapshot \(name); check it and run the tests again"
  }

  private static func firstDifference(_ old: String, _ new: String) -> String {
    let oldLines = old.split(separator: "\n", omittingEmptySubsequences: false)
    let newLines = new.split(separator: "\n", omittingEmptySubsequences: false)
    for index in 0..<max(oldLines.count, newLines.count) {
      let a = index < oldLines.count ? String(oldLines[index]) : "(end)"
      let b = index < newLines.count ? String(newLines[index]) : "(end)"
      if a != b { return "line \(index + 1):\n  stored: \(a)\n  actual: \(b)" }
    }
    return "(only trailing differences)"
  }
}
