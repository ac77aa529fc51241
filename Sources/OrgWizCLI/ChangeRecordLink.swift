import Foundation
import OrgWizCore
import OrgWizJSON
import OrgWizOkta

/// `<model>.change`: where the change record of the last run on a pulled model is, so that
/// `apply`, `verify` and the backout add their sections to that one record (`summary.md`, "One
/// change, one record") instead of starting new stories. Written by `run` with its record;
/// `undo` leaves it, so the backout's apply still finds the record.
enum ChangeRecordLink {
  /// The largest change record updated in place (a record is a few kilobytes).
  static let maximumRecordBytes = 4 << 20

  static func path(for model: String) -> String { model + ".change" }

  static func bytes(record: String) -> [UInt8] {
    JSONWriter.write(.object(JSONObject([("changeRecord", .string(record))])))
  }

  /// The change record of the model and its text, when the link and the record are this
  /// user's own files (nobody else may write them) and the record is Markdown.
  static func read(model: String) -> (path: String, text: String)? {
    guard let data = FileIO.readBookkeeping(path(for: model)),
      let value = try? JSONParser.parse(data),
      let record = value["changeRecord"]?.stringValue, record.hasPrefix("/"),
      record.hasSuffix(".md"),
      let bytes = FileIO.readBookkeeping(record), bytes.count <= maximumRecordBytes,
      let text = String(validating: bytes, as: UTF8.self)
    else { return nil }
    return (record, text)
  }

  /// The record's file with `section` added and its stage updated, for a write transaction.
  static func file(
    _ record: (path: String, text: String), stage: ChangeRecord.Stage?, section: [Block]
  ) -> WriteTransaction.File {
    let updated = ChangeRecord.updated(
      record.text, stage: stage, section: RecordFormat.markdown.render(section))
    return WriteTransaction.File(
      role: "summary", bytes: HeldSecrets.scrubber.scrub(bytes: Array(updated.utf8)),
      destination: record.path, mode: 0o644)
  }
}
