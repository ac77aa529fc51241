import Dispatch
import Foundation
import OrgWizCore
import OrgWizJSON
import OrgWizTerminal

/// The answers of a run in progress, kept beside the model (`<model>.journal`) so that a run
/// that was interrupted (Ctrl-C, a closed terminal, a kill) can be resumed by the next one.
struct RunJournal: Equatable, Sendable {
  var procedure: String
  var procedureSHA256: String
  /// The SHA-256 of the model the answers were given against.
  var baseSHA256: String
  var answers: [GivenAnswer]
  /// The number (1-based) and title of the step the run was at.
  var stepNumber: Int
  var stepTitle: String
  var updatedAt: String

  static func path(for model: String) -> String { model + ".journal" }

  /// The `stepTitle` of a run stopped at the final review (its `stepNumber` is one more than
  /// the procedure's steps).
  static let reviewTitle = "the review"

  var json: JSONValue {
    .object(
      JSONObject([
        ("procedure", .string(procedure)), ("procedureSHA256", .string(procedureSHA256)),
        ("baseSHA256", .string(baseSHA256)),
        (
          "answers",
          .array(
            answers.map { answer in
              .object(
                JSONObject([
                  ("key", .string(answer.key)), ("value", .string(answer.value)),
                  ("label", .string(answer.label)),
                ]))
            })
        ),
        ("stepNumber", .number(JSONNumber(stepNumber))), ("stepTitle", .string(stepTitle)),
        ("updatedAt", .string(updatedAt)),
      ]))
  }

  /// Reads a journal; nil when there is none or it cannot be understood.
  static func read(model: String) -> RunJournal? {
    guard let data = FileIO.readBookkeeping(path(for: model)),
      let value = try? JSONParser.parse(data),
      let procedure = value["procedure"]?.stringValue,
      let procedureSHA = value["procedureSHA256"]?.stringValue,
      let base = value["baseSHA256"]?.stringValue, let items = value["answers"]?.arrayValue
    else { return nil }
    let answers = items.compactMap { item -> GivenAnswer? in
      guard let key = item["key"]?.stringValue, let answer = item["value"]?.stringValue else {
        return nil
      }
      return GivenAnswer(key: key, value: answer, label: item["label"]?.stringValue ?? answer)
    }
    return RunJournal(
      procedure: procedure, procedureSHA256: procedureSHA, baseSHA256: base, answers: answers,
      stepNumber: value["stepNumber"]?.intValue ?? 1,
      stepTitle: value["stepTitle"]?.stringValue ?? "",
      updatedAt: value["updatedAt"]?.stringValue ?? "")
  }

  /// Writes the journal atomically; a journal that cannot be written only costs the resume.
  func write(model: String) {
    try? FileIO.writeAtomically(JSONWriter.write(json), to: Self.path(for: model))
  }

  static func remove(model: String) { unlink(path(for: model)) }
}

/// Writes a run's journal on another thread, one version after the other, so that an answer's
/// Enter brings the next question without waiting for the disk (two `fsync`s a version, 1 to 3
/// ms each on an idle disk and far more on a busy one).
///
/// Nothing is lost by it: the versions are written in the order given, each in full (written,
/// flushed, renamed into place, its directory flushed) before the next is begun, and the run
/// waits for all of them (``drain()``) before any prompt reads its answer (``InputBarrier``,
/// with Ctrl-C held until then) and before it goes on once the questions are over. So the
/// journal of an answer is on disk before the next answer is taken, as when it was written in
/// place.
final class JournalWriter: Sendable {
  let model: String
  let environment: [String: String]
  /// The width the interrupt note is wrapped to.
  let width: Int
  private let queue = DispatchQueue(label: "orgwiz.run-journal")

  init(model: String, environment: [String: String], width: Int) {
    self.model = model
    self.environment = environment
    self.width = width
  }

  /// Writes this version of the journal after the ones given before it; Ctrl-C at a prompt
  /// then says where the answers are kept.
  func write(_ journal: RunJournal) {
    queue.async { [self] in
      try? FaultPoint.hit("journal", environment: environment)
      journal.write(model: model)
      InterruptCleanup.setInterruptNote(RunCommand.keptNote(model: model), width: width)
    }
  }

  /// Removes the journal after the versions given before (nothing to resume yet).
  func remove() {
    queue.async { [self] in
      RunJournal.remove(model: model)
      InterruptCleanup.setInterruptNote(nil, width: width)
    }
  }

  /// Waits until everything given so far is done.
  func drain() { queue.sync {} }
}

/// What `orgwiz undo` needs to know about the last run that wrote the model
/// (`<model>.undo.journal`).
///
/// It also keeps the app and server that run chose (their ids, or `org-authorization-server`),
/// the defaults of `orgwiz verify`: nothing else that persists knows them.
struct UndoRecord: Equatable {
  var backupSHA256: String
  var afterSHA256: String
  var writtenAt: String
  /// The app the run chose (its id), when it chose one.
  var app: String? = nil
  /// The server the run chose (an id, or `org-authorization-server`).
  var server: String? = nil
  /// The grant the run's procedure turned on.
  var grant: String? = nil

  static func path(for model: String) -> String { model + ".undo.journal" }

  /// The `backupSHA256` of a run that created the model: there was no earlier version.
  static let created = "none: created by this run"

  /// Whether the run that wrote the model created it.
  var createdModel: Bool { backupSHA256 == Self.created }

  var bytes: [UInt8] {
    JSONWriter.write(
      .object(
        JSONObject([
          ("backupSHA256", .string(backupSHA256)), ("afterSHA256", .string(afterSHA256)),
          ("writtenAt", .string(writtenAt)),
          ("app", app.map { .string($0) } ?? .null),
          ("server", server.map { .string($0) } ?? .null),
          ("grant", grant.map { .string($0) } ?? .null),
        ])))
  }

  static func read(model: String) -> UndoRecord? {
    guard let data = FileIO.readBookkeeping(path(for: model)),
      let value = try? JSONParser.parse(data),
      let backup = value["backupSHA256"]?.stringValue, let after = value["afterSHA256"]?.stringValue
    else { return nil }
    return UndoRecord(
      backupSHA256: backup, afterSHA256: after,
      writtenAt: value["writtenAt"]?.stringValue ?? "", app: value["app"]?.stringValue,
      server: value["server"]?.stringValue, grant: value["grant"]?.stringValue)
  }
}
