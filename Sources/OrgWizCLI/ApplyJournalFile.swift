import Foundation
import OrgWizCore
import OrgWizJSON
import OrgWizOkta

/// `<model>.apply.journal`: an ``ApplyJournal`` on disk, written before `apply` sends anything
/// and after each request, and removed once its record and the model are written. One found by
/// a later `apply` or `pull` is settled by ``settle(model:plan:client:context:style:)``.
enum ApplyJournalFile {
  /// The largest journal read (a plan has a few requests; this leaves room for thousands).
  static let maximumBytes = 4 << 20

  static func path(for model: String) -> String { model + ".apply.journal" }

  /// Writes the journal, flushed, readable by its owner only; refuses to go on when it cannot.
  static func write(_ journal: ApplyJournal, model: String) throws(OrgWizFailure) {
    let bytes = HeldSecrets.scrubber.scrub(bytes: JSONWriter.write(journal.json))
    do {
      try FileIO.writeAtomically(bytes, to: path(for: model), mode: 0o600)
    } catch {
      throw OrgWizFailure(
        .cannotCreate,
        "\(error.message) apply writes what it is about to send there first, so that a crash "
          + "cannot hide a change made in Okta; nothing more was sent.",
        next: error.nextStep)
    }
  }

  static func remove(model: String) {
    unlink(path(for: model))
  }

  /// The journal an interrupted apply left, or nil when there is none, or when it is not one
  /// this user's apply could have written (another user's file, one others may write, a link,
  /// a FIFO): that one is left alone, and `note` says why.
  static func read(
    model: String, note: (String) -> Void
  ) throws(OrgWizFailure) -> ApplyJournal? {
    let file = path(for: model)
    var status = stat()
    guard lstat(file, &status) == 0 else { return nil }
    if let refusal = FileIO.untrustedOwnFile(status, othersMayRead: true) {
      note("\(file) was left alone: \(refusal), so no apply of yours wrote it.")
      return nil
    }
    let bytes = try FileIO.read(
      file, what: "unfinished apply's journal", hint: "", limit: maximumBytes)
    guard let value = try? JSONParser.parse(bytes), let journal = ApplyJournal(json: value) else {
      throw OrgWizFailure(
        .dataError,
        "\(file) is not an apply journal orgwiz can read, so what an interrupted apply sent to "
          + "Okta is not known.",
        next: "Pull the org again (orgwiz pull --force) to learn what Okta has, then move "
          + "\(file) away.")
    }
    return journal
  }

  /// Settles an interrupted apply: reads back from Okta each object it may have sent, writes
  /// its apply record (`interrupted`), and returns the pull record with what really reached
  /// Okta. The journal is removed by the caller once that is written.
  /// - Parameter knownPaths: the paths of the model's pulled objects, when known; a journal
  ///   naming any other path, or a path that is not its object's, is refused (it was planted,
  ///   or belongs to another model).
  static func settle(
    _ journal: ApplyJournal, model: String, knownPaths: Set<String>?, client: OktaClient,
    context: CommandContext
  ) throws -> (record: ApplyRecord, found: [String: JSONValue]) {
    for request in journal.requests
    where !request.pathIsTheObjects || !(knownPaths?.contains(request.path) ?? true) {
      throw OrgWizFailure(
        .dataError,
        "\(path(for: model)) names \(OktaID.shown(request.path)), which is not the path of "
          + "an object of \(model)'s pull record.",
        next: "Pull the org again (orgwiz pull --force) to learn what Okta has, then move "
          + "\(path(for: model)) away.")
    }
    context.stderr.write(
      "An earlier apply to \(journal.orgURL) (started \(journal.startedAt)) was cut short after "
        + "it may have sent \(Phrase.count(journal.mayHaveReachedOkta.count, "request")); "
        + "reading those objects back from Okta…\n")
    var grants: [String: [String]?] = [:]
    var found: [String: JSONValue] = [:]
    for request in journal.mayHaveReachedOkta {
      let answer = try client.get(request.path).json
      guard answer["id"]?.stringValue == request.object.id else {
        grants[request.path] = .some(nil)
        continue
      }
      found[request.path] = answer
      grants[request.path] = ApplyPlan.grants(ofLive: answer, kind: request.kind)
    }
    let record = journal.record(
      found: grants, modelPath: model, endedAt: Timestamps(date: context.now()).iso)
    context.stderr.write(record.status + "\n")
    return (record, found)
  }

  /// The pull record with each object that was read back as Okta now has it (its grant types
  /// and `lastUpdated`), so the model knows what reached Okta.
  static func record(
    _ record: PullRecord, updatedWith found: [String: JSONValue]
  ) -> PullRecord {
    var updated = record
    for index in updated.objects.indices {
      guard let path = updated.objects[index].path, let live = found[path] else { continue }
      updated.objects[index].grantTypes = ApplyPlan.grants(
        ofLive: live, kind: updated.objects[index].kind)
      if updated.objects[index].kind == .rule {
        updated.objects[index].scopes = ApplyPlan.scopes(ofLive: live)
      }
      updated.objects[index].lastUpdated = live["lastUpdated"]?.stringValue
    }
    return updated
  }

  /// Where the interrupted apply's record goes: the run's change record, as a section, when the
  /// model has one; else a record of its own beside the model.
  static func recordFile(
    _ record: ApplyRecord, model: String, context: CommandContext
  ) -> (file: WriteTransaction.File, path: String) {
    if let change = ChangeRecordLink.read(model: model) {
      let file = ChangeRecordLink.file(
        change, stage: record.stage, section: record.changeRecordSection)
      return (file, change.path)
    }
    let path = ApplyCommand.recordPath(model: model, date: context.now(), format: .markdown)
    let bytes = HeldSecrets.scrubber.scrub(
      bytes: Array(RecordFormat.markdown.render(record.document).utf8))
    return (WriteTransaction.File(role: "summary", bytes: bytes, destination: path), path)
  }

  /// Settles an interrupted apply before a pull replaces the model: its record is written
  /// beside the model, then the journal is removed.
  static func settleBeforePull(
    model: String, client: OktaClient, context: CommandContext
  ) throws {
    guard let journal = try read(model: model, note: { context.stderr.write("Note: \($0)\n") })
    else { return }
    guard journal.orgURL == client.org.description else {
      throw OrgWizFailure(
        .usage,
        "\(path(for: model)) is the journal of an unfinished apply to \(journal.orgURL), not "
          + "to \(client.org); pulling \(client.org) into \(model) would lose what it knows.",
        next: "Pull \(journal.orgURL) first (orgwiz pull --force --okta-url \(journal.orgURL)), "
          + "or pull \(client.org) into another file (--org).")
    }
    let (record, _) = try settle(
      journal, model: model, knownPaths: nil, client: client, context: context)
    let (file, recordPath) = recordFile(record, model: model, context: context)
    try FileIO.writeAtomically(file.bytes, to: recordPath, mode: 0o644)
    remove(model: model)
    context.stderr.write("Apply record of the interrupted apply written: \(recordPath)\n")
  }
}
