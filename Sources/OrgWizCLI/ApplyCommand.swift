import ArgumentParser
import Foundation
import OrgWizCore
import OrgWizJSON
import OrgWizOkta
import OrgWizTerminal

/// `orgwiz apply`: sends the change `run` made to the model since it was pulled to the org it
/// was pulled from, one full-replacement request at a time, each read back and verified.
struct ApplyCommand: ContextCommand {
  static let configuration = CommandConfiguration(
    commandName: "apply",
    abstract: "Send the model's change since the pull to the live org, after a review.",
    discussion: """
      The plan is what the wizard changed since the pull: grant types added to or removed \
      from a rule or an app, and scopes added to or removed from a rule. Each object is read again first; if it changed in Okta since the \
      pull, nothing is sent (pull again, then run again). Each request is built from the live \
      object with only those grants and scopes changed, sent, and read back. What reached Okta is added to \
      the run's change record (Applied in Okta, or Backed out); a model with no change record \
      gets an apply record of its own beside it (--json prints it on stdout). The model's \
      pull record is updated for what was applied, so a second apply finds nothing to send.

      The org setting Embedded widget sign-in support has no API: when the plan adds the \
      Interaction Code grant, which needs it, confirm that it is on (Settings > Account); \
      --yes counts as that confirmation. No other grant needs an org setting.

      After a change that adds the Interaction Code grant to an app, apply offers at a terminal to run orgwiz \
      verify on it (--verify runs it without asking, --no-verify skips it); its result goes \
      into the change record (Verified in Okta).

      A service app needs okta.authorizationServers.manage and okta.apps.manage (and their \
      .read scopes); an API token needs an admin role that may change them.

      \(OrgWiz.exitCodes(.success, .failure, .declined, .usage, .dataError, .noInput, .unavailable, .cannotCreate, .locked, .noPermission, .interrupted))
      """)

  @Option(name: .long, help: ArgumentHelp("The org model file.", valueName: "file"))
  var org: String = "org.json"

  @OptionGroup var live: LiveOptions

  @Flag(name: .customLong("dry-run"), help: "Read and review, but send nothing.")
  var dryRun = false

  @Flag(help: "Send without asking (also confirms the org setting is on).")
  var yes = false

  @Flag(name: .long, help: "Print the apply record as JSON on stdout.")
  var json = false

  @OptionGroup var input: InputOptions

  @Flag(
    inversion: .prefixedNo,
    help: "After adding Interaction Code to an app, run orgwiz verify on it without asking.")
  var verify: Bool? = nil

  @OptionGroup var color: ColorOptions

  @Option(
    name: .customLong("summary-format"),
    help: ArgumentHelp(
      "The apply record's format: markdown (default) or text.", valueName: "format"))
  var summaryFormat: RecordFormat = .markdown

  @OptionGroup var lock: LockOptions

  func execute(_ context: CommandContext) throws -> ExitStatus {
    let style = context.style(noColor: color.noColor)
    let started = context.now()
    let path = context.modelPath(org)
    let timeout = try live.overallTimeout(default: 600)
    let session =
      dryRun
      ? nil
      : try ModelSession.open(
        model: path, lockTimeout: lock.lockTimeout, startedAt: started, context: context,
        style: style)
    defer { session?.close() }
    if dryRun { try FileIO.ensureRegularIfPresent(path, what: "org model") }
    let (first, unfinished) = try loadPlan(path: path, context: context, style: style)
    var pulled = first
    // After a backout the model has the setting off while Okta (as pulled) has it on: the one
    // step left is by hand, and it is said every time until the org is pulled again.
    let settingToTurnOff = pulled.plan.record.settingToTurnOff(in: pulled.model)
    guard !pulled.plan.items.isEmpty || (unfinished != nil && !dryRun) else {
      context.stderr.write(
        "Nothing to apply: the model has no grant change since it was pulled.\n")
      if settingToTurnOff {
        context.stderr.write("By hand (no API can do it): \(ApplyRecord.settingOffStep)\n")
      }
      return .success
    }
    let job = try connect(
      pulled, unfinished: unfinished, path: path, timeout: timeout, context: context)
    if let unfinished, let session, !dryRun {
      try Self.settle(
        unfinished, model: pulled.model, plan: pulled.plan, client: job.client,
        session: session, context: context)
      pulled = try reloadAfterSettling(pulled, path: path)
      guard !pulled.plan.items.isEmpty else {
        context.stderr.write(
          "Nothing more to apply: the model has no other change since it was pulled.\n")
        return .success
      }
    }
    let current = try readLive(pulled, client: job.client)
    let reviewed = showReview(
      current, pulled: pulled, job: job, settingToTurnOff: settingToTurnOff, path: path,
      context: context, style: style)
    // Only a dry run has no session.
    guard !dryRun, let session else {
      context.stderr.write("Dry run: nothing was sent, and the model was not changed.\n")
      return .success
    }
    if !yes {
      try confirmSending(needsSetting: reviewed.needsSetting, context: context, style: style)
    }
    let sent = try send(
      current, bodies: reviewed.bodies, pulled: pulled, job: job,
      needsSetting: reviewed.needsSetting, started: started, path: path, context: context)
    let record = try writeRecord(
      sent, pulled: pulled, job: job, reviewed: reviewed, settingToTurnOff: settingToTurnOff,
      started: started, path: path, session: session, context: context, style: style)
    return try finish(
      record, sent: sent, needsSetting: reviewed.needsSetting, path: path, context: context,
      style: style)
  }

  /// The model as apply read it, and the plan made from it.
  struct Pulled {
    /// The model's file as read (its fingerprint and stamp, not its text).
    var file: ModelFile
    var model: OrgModel
    var plan: ApplyPlan
  }

  /// The org an apply sends to, the client that sends, and who it acts as.
  struct Job {
    var orgURL: OrgURL
    var client: OktaClient
    /// The identity the change is made as, with the credentials' source.
    var who: String
  }

  /// What the review showed.
  struct Reviewed {
    /// For each request, the body to send and the grant types it leaves.
    var bodies: [(body: JSONValue, grants: [String])]
    /// Whether the plan adds the grant, which needs the org setting on first.
    var needsSetting: Bool
    /// The run's change record, which this apply adds to.
    var change: (path: String, text: String)?
    /// Who planned the change, as the change record names them.
    var plannedBy: String?
  }

  /// What the requests came to.
  struct Sent {
    var entries: [ApplyRecord.Entry] = []
    /// The objects that reached Okta, as read back.
    var applied: [(item: ApplyPlan.Item, live: JSONValue)] = []
    /// Why sending stopped, if it did.
    var failure: (any Error)?
  }

  /// Reads the model and its plan, and the journal of an apply cut short, saying what the
  /// plan leaves out.
  private func loadPlan(
    path: String, context: CommandContext, style: Style
  ) throws -> (Pulled, unfinished: ApplyJournal?) {
    let (file, _, model) = try ModelStore.readToEdit(
      path, source: org, hint: "Pull one first: orgwiz pull --org FILE.")
    guard let plan = ApplyPlan.make(model) else {
      throw OrgWizFailure(
        .usage, "\(path) was not pulled from an Okta org, so there is no org to apply it to.",
        next: "Pull the org first (orgwiz pull), run the wizard on that model, then apply.")
    }
    guard plan.invalidIDs.isEmpty else {
      throw ApplyError.invalidIDs(model: path, plan.invalidIDs)
    }
    // An apply cut short after it may have changed Okta is settled before anything else.
    let unfinished = try ApplyJournalFile.read(
      model: path, note: { context.note($0, style: style) })
    if unfinished != nil, dryRun {
      context.note(
        "an earlier apply was cut short (\(ApplyJournalFile.path(for: path)) is there); the "
          + "plan below may hold changes it already made. Run orgwiz apply without --dry-run "
          + "to settle it first.", style: style)
    }
    for item in plan.scopesUnrecorded {
      context.note(
        "\(item.ref.phrase): the pull record has no scopes for it (pulled by an older orgwiz), "
          + "so only its grant types are compared and sent; pull again to send a scope change.",
        style: style)
    }
    for object in plan.missing {
      context.note(
        "\(object.kind.rawValue) \(object.id) was pulled but is no longer in the model; it is "
          + "left as it is in Okta.", style: style)
    }
    return (Pulled(file: file, model: model, plan: plan), unfinished)
  }

  /// The org of the model, a client with the scopes the plan needs, and who it acts as.
  private func connect(
    _ pulled: Pulled, unfinished: ApplyJournal?, path: String, timeout: Double,
    context: CommandContext
  ) throws -> Job {
    let orgURL = try LiveOptions.orgOfModel(
      named: live.oktaURL, pulledFrom: pulled.plan.record.orgURL, model: path, context: context)
    let (credential, source) = try live.credential(context)
    let client = live.client(
      context, org: orgURL, credential: credential,
      scopes: Self.scopes(for: pulled.plan, journal: unfinished), timeout: timeout)
    // Who the change is made as, for the review and the record: a token acts as its admin.
    if case .apiToken = credential { _ = try? client.get("/api/v1/users/me") }
    let who = client.identity.map { "\($0) (\(source))" } ?? source
    return Job(orgURL: orgURL, client: client, who: who)
  }

  /// The model as the settled interrupted apply left it.
  private func reloadAfterSettling(_ pulled: Pulled, path: String) throws -> Pulled {
    let (file, _, model) = try ModelStore.readToEdit(path, source: org, hint: "")
    // The settled model keeps its pull record, so it still has a plan.
    return Pulled(file: file, model: model, plan: ApplyPlan.make(model) ?? pulled.plan)
  }

  /// Reads every object again: drift refuses the whole plan before anything is sent.
  private func readLive(
    _ pulled: Pulled, client: OktaClient
  ) throws -> [(item: ApplyPlan.Item, object: JSONValue)] {
    let model = pulled.model
    var current: [(item: ApplyPlan.Item, object: JSONValue)] = []
    var drifted: [String] = []
    for item in pulled.plan.items {
      let object = try client.get(item.path).json
      // The answer must be the object asked for: a body is built from it next.
      if let problem = ApplyPlan.identityProblem(
        object, for: item, clientID: ApplyPlan.clientID(of: item, in: model))
      {
        throw ApplyError.wrongObject(item.ref.phrase, request: "GET \(item.path)", problem)
      }
      if object["lastUpdated"]?.stringValue != item.object.lastUpdated {
        drifted.append(
          "\(item.ref.phrase): lastUpdated \(Self.shown(object["lastUpdated"])) in "
            + "Okta, \(item.object.lastUpdated ?? "missing") when pulled")
      } else {
        let changed = ApplyPlan.differences(live: object, for: item, in: model)
        if !changed.isEmpty {
          drifted.append(
            "\(item.ref.phrase): Okta's answer differs from the pulled copy in "
              + changed.prefix(5).joined(separator: ", ")
              + " although its lastUpdated is the same")
        }
      }
      current.append((item, object))
    }
    guard drifted.isEmpty else {
      throw ApplyError.drift(drifted)
    }
    return current
  }

  /// The review: each object, its request, and its grant types before → after.
  private func showReview(
    _ current: [(item: ApplyPlan.Item, object: JSONValue)], pulled: Pulled, job: Job,
    settingToTurnOff: Bool, path: String, context: CommandContext, style: Style
  ) -> Reviewed {
    let plan = pulled.plan
    let bodies = current.map { entry in ApplyPlan.body(for: entry.item, live: entry.object) }
    var lines: [String] = []
    let planned = Set(plan.items.filter { $0.object.kind == .app }.map(\.object.id))
    for ((item, object), (body, after)) in zip(current, bodies) {
      let before = ApplyPlan.grants(ofLive: object, kind: item.object.kind)
      lines.append(item.ref.phrase)
      lines.append("    \(item.method) \(item.path)")
      lines.append("    grant types: \(Self.list(before)) → \(Self.list(after))")
      if item.changesScopes {
        lines.append(
          "    scopes: \(Self.list(ApplyPlan.scopes(ofLive: object))) → "
            + "\(Self.list(ApplyPlan.scopes(ofLive: body)))")
      }
      // A shared rule is named before it is written.
      if item.object.kind == .rule, let scope = pulled.model.pullScope {
        lines.append(scope.sharedRuleLine(in: pulled.model))
      } else if item.object.kind == .rule,
        let shared = SharedRule.line(
          SharedRule.otherApps(
            serverID: item.object.serverID, policyID: item.object.policyID, except: planned,
            in: pulled.model))
      {
        lines.append(shared)
      }
    }
    let needsSetting = plan.addsGrant
    if needsSetting {
      lines.append("By hand first (no API can do it): \(ApplyRecord.settingStep)")
    }
    if settingToTurnOff {
      lines.append("By hand, last (no API can do it): \(ApplyRecord.settingOffStep)")
    }
    let change = summaryFormat == .markdown ? ChangeRecordLink.read(model: path) : nil
    let plannedBy = change.flatMap { ChangeRecord.row("Operator", in: $0.text) }
    let who = job.who
    context.stderr.write(
      "Apply: \(Phrase.count(plan.items.count, "request")) to \(job.orgURL), with the "
        + "credentials of \(who)" + (plannedBy.map { "; planned by \($0)" } ?? "") + ".\n")
    for line in lines { context.stderr.write("  \(line)\n") }
    if let plannedBy, ApplyRecord.twoPeople(plannedBy: plannedBy, identity: who) {
      context.note(
        "the change was planned by \(plannedBy), and is sent with the credentials of \(who): the "
          + "change record names both.", style: style)
    }
    return Reviewed(
      bodies: bodies, needsSetting: needsSetting, change: change, plannedBy: plannedBy)
  }

  /// Asks, one question per prompt, whether the org setting is on (no API can tell), then
  /// whether to send the requests.
  private func confirmSending(
    needsSetting: Bool, context: CommandContext, style: Style
  ) throws {
    guard context.canPrompt(noInput: input.noInput) else { throw ApplyError.needsYes }
    let person = context.makeInteractivePrompter(style)
    if needsSetting {
      let setting = Confirmation(
        prompt: "Is Embedded widget sign-in support on in the Admin Console (Settings > "
          + "Account)?", isDestructive: false, defaultYes: false,
        help: "yes: you checked that it is on, and the requests are asked about next. no: "
          + "nothing is sent; turn it on first (Okta refuses \(Grants.embeddedWidgetSwitch.governs) while it is "
          + "off), then run orgwiz apply again.")
      guard try person.confirm(setting) == true else { throw ApplyError.settingNotOn }
    }
    let confirmation = Confirmation(
      prompt: "Send these requests?", isDestructive: false, defaultYes: false,
      help: "yes sends the requests above to Okta one at a time, each read back, and records "
        + "what reached Okta; no sends nothing and writes nothing.")
    guard try person.confirm(confirmation) == true else { throw ApplyError.declined }
  }

  /// Sends the requests one at a time, each read back, and stops at the first failure. What
  /// is about to be sent is on disk before the first request, and each request's fate after
  /// it: a crash part-way leaves a journal the next apply or pull settles.
  private func send(
    _ current: [(item: ApplyPlan.Item, object: JSONValue)],
    bodies: [(body: JSONValue, grants: [String])], pulled: Pulled, job: Job, needsSetting: Bool,
    started: Date, path: String, context: CommandContext
  ) throws -> Sent {
    var journal = ApplyJournal(
      orgURL: job.orgURL.description, identity: job.who, startedAt: Timestamps(date: started).iso,
      toolVersion: orgwizVersion, needsSetting: needsSetting,
      requests: zip(current, bodies).map { entry, body in
        ApplyJournal.Request(
          object: entry.item.ref, kind: entry.item.object.kind, path: entry.item.path,
          before: ApplyPlan.grants(ofLive: entry.object, kind: entry.item.object.kind),
          after: body.grants)
      })
    try ApplyJournalFile.write(journal, model: path)

    var sent = Sent()
    for (index, ((item, object), (body, after))) in zip(current, bodies).enumerated() {
      let before = ApplyPlan.grants(ofLive: object, kind: item.object.kind)
      var entry = ApplyRecord.Entry(
        object: item.ref, method: item.method, path: item.path, before: before, after: after,
        outcome: .notSent)
      if item.changesScopes {
        entry.scopes = (ApplyPlan.scopes(ofLive: object), ApplyPlan.scopes(ofLive: body))
      }
      if sent.failure == nil {
        journal.requests[index].state = .sending
        do {
          try ApplyJournalFile.write(journal, model: path)
        } catch {
          // Nothing is sent that the journal does not know of.
          journal.requests[index].state = .planned
          sent.failure = error
          sent.entries.append(entry)
          continue
        }
        sendRequest(
          item, body: body, entry: &entry, requestID: &journal.requests[index].requestID,
          sent: &sent, model: pulled.model, client: job.client, context: context)
      }
      if entry.outcome != .notSent {
        journal.requests[index].state = .done
        journal.requests[index].outcome = entry.outcome.isInOkta ? "in Okta" : "not in Okta"
        try? ApplyJournalFile.write(journal, model: path)
      }
      sent.entries.append(entry)
    }
    return sent
  }

  /// Sends one request and reads it back; the entry's outcome says what reached Okta.
  private func sendRequest(
    _ item: ApplyPlan.Item, body: JSONValue, entry: inout ApplyRecord.Entry,
    requestID: inout String?, sent: inout Sent, model: OrgModel, client: OktaClient,
    context: CommandContext
  ) {
    let after = entry.after
    do {
      let response = try client.put(item.path, body: body)
      requestID = response.requestID
      // A test stops the process here: sent, and the journal not yet told.
      try? FaultPoint.hit("apply-sent", environment: context.environment)
      let back = try client.get(item.path).json
      if let problem = ApplyPlan.identityProblem(
        back, for: item, clientID: ApplyPlan.clientID(of: item, in: model))
      {
        // Sent, but what came back is not the object: nothing is believed of it, and
        // nothing more is sent.
        let wrong = ApplyError.wrongObject(
          item.ref.phrase, request: "GET \(item.path)", problem)
        entry.outcome = .unknown(
          "Sent (request id \(response.requestID ?? "none")), but reading it back: "
            + "\(problem). Whether Okta made the change is not known.")
        context.stderr.write("  ? \(item.sentence): sent, but its read-back is not it\n")
        sent.failure = wrong
        return
      }
      let found = ApplyPlan.grants(ofLive: back, kind: item.object.kind)
      // A rule's scope change must be there too.
      let held = found == after && ApplyPlan.scopesHold(back, for: item, body: body)
      entry.outcome =
        held
        ? .applied(requestID: response.requestID)
        : .unverified(requestID: response.requestID, found: found)
      sent.applied.append((item, back))
      context.stderr.write("  \(held ? "✓" : "!") \(item.sentence)\n")
      if !held {
        // Okta took the request but the object is not as planned: nothing more is sent.
        sent.failure = ApplyError.notAsPlanned(
          item.ref.phrase,
          found: found != after ? found : ApplyPlan.scopes(ofLive: back).map { "scope \($0)" })
      }
    } catch {
      readBack(
        after: error, item, entry: &entry, sent: &sent, model: model, client: client,
        context: context)
    }
  }

  /// After a request failed: Okta may have made a change whose answer was lost (a dropped
  /// connection, a 5xx after the write, or a resent request refused), so the object is read
  /// back before it is said not to be in Okta.
  private func readBack(
    after error: OktaError, _ item: ApplyPlan.Item, entry: inout ApplyRecord.Entry,
    sent: inout Sent, model: OrgModel, client: OktaClient, context: CommandContext
  ) {
    let (before, after) = (entry.before, entry.after)
    let back = (try? client.get(item.path).json).flatMap { answer in
      ApplyPlan.identityProblem(
        answer, for: item, clientID: ApplyPlan.clientID(of: item, in: model)) == nil
        ? answer : nil
    }
    let found = back.map { ApplyPlan.grants(ofLive: $0, kind: item.object.kind) }
    if let back, found == after {
      entry.outcome = .applied(requestID: nil)
      sent.applied.append((item, back))
      context.stderr.write(
        "  ✓ \(item.sentence) (Okta's answer was lost; reading it back shows the change)\n")
      return
    }
    let why = Self.describe(error, adds: item.addsSwitchedGrant)
    switch found {
    case nil where Self.answerMayBeLost(error):
      // Okta may have made it, and cannot be asked.
      entry.outcome = .unknown(
        why + " It could not be read back either, so whether Okta made it is not known.")
      context.stderr.write(
        "  ? \(item.sentence): sent, but whether Okta made it is not known\n")
    case let found? where found != before:
      entry.outcome = .failed(
        why + " Read back, it lists \(Self.list(found)): pull again before applying.",
        requestID: nil)
    case .some:
      entry.outcome = .failed(
        why + " Read back, it is as before: this change is not in Okta.", requestID: nil)
    case nil:
      entry.outcome = .failed(why, requestID: nil)
    }
    // The terminal gets the same words as the record (with the setting hint of
    // okta-api.md apply step 4).
    if case .failed(let words, _) = entry.outcome {
      context.stderr.write("  ✗ \(item.sentence): \(words)\n")
    }
    sent.failure = error
  }

  /// Writes the model (which keeps what Okta now has: the pull record of every object that
  /// was applied) and the record of this apply, in one commit.
  private func writeRecord(
    _ sent: Sent, pulled: Pulled, job: Job, reviewed: Reviewed, settingToTurnOff: Bool,
    started: Date, path: String, session: ModelSession, context: CommandContext, style: Style
  ) throws -> ApplyRecord {
    var record = ApplyRecord(
      orgURL: job.orgURL.description, modelPath: path,
      identity: job.who,
      startedAt: Timestamps(date: started).iso, endedAt: Timestamps(date: context.now()).iso,
      toolVersion: orgwizVersion, entries: sent.entries, needsSetting: reviewed.needsSetting)
    record.settingToTurnOff = settingToTurnOff
    record.plannedBy = reviewed.plannedBy
    record.partialModel = pulled.model.pullScope?.sentence(in: pulled.model)
    if sent.failure == nil {
      (record.verification, record.verificationNote) = verifyAfterApply(
        sent.entries, model: pulled.model, path: path, org: job.orgURL, context: context,
        style: style)
    }
    var document = pulled.model.document
    _ = document.set(
      HeldSecrets.scrubber.scrub(ApplyPlan.record(pulled.plan.record, applied: sent.applied).json)
        .value,
      at: PullRecord.pointer)
    let updated = try OrgModel(document: document, source: path)
    let changed = OrgWizFailure(
      .failure,
      "\(path) was changed by another program during apply. The requests above were sent; the "
        + "model was not updated, so its pull record does not know of them.",
      next: "Pull again (orgwiz pull --force) to bring the model up to date.")
    // The model is staged (written and verified) first: the moved undo record names it.
    let staged = try ModelStore.stage(updated, in: session.transaction)
    let (files, recordPath) = recordFiles(
      record, staged: staged, change: reviewed.change, pulled: pulled, started: started,
      path: path, context: context)
    try session.commit(
      files, prestaged: staged.prestaged,
      unchanged: { () throws(OrgWizFailure) in
        // The requests are sent: a model that cannot even be read again counts as changed, so
        // that the message still says so.
        do {
          try pulled.file.ensureUnchanged(links: session.transaction.links, otherwise: changed)
        } catch { throw changed }
      })
    ApplyJournalFile.remove(model: path)
    context.stderr.write(
      reviewed.change != nil
        ? "Change record: \(recordPath)\n" : "Apply record written: \(recordPath)\n")
    return record
  }

  /// The model, the record of this apply, and the undo record moved along; and where the
  /// record goes.
  private func recordFiles(
    _ record: ApplyRecord, staged: StagedModel, change: (path: String, text: String)?,
    pulled: Pulled, started: Date, path: String, context: CommandContext
  ) -> (files: [WriteTransaction.File], recordPath: String) {
    // One change, one record: the run's change record gets this apply's section; only a
    // model with none (not planned by run, or its record elsewhere) gets a record of its own.
    let recordPath =
      change?.path ?? Self.recordPath(model: path, date: started, format: summaryFormat)
    var files = [
      staged.file,
      change.map { change in
        ChangeRecordLink.file(
          change, stage: ChangeRecord.stage(after: record),
          section: record.changeRecordSection
            + (record.verification.map {
              ChangeRecord.verifiedSection($0, at: Timestamps(date: context.now()).iso)
            } ?? record.verificationNote.map { ChangeRecord.notVerifiedSection($0) } ?? []))
      }
        ?? WriteTransaction.File(
          role: "summary", bytes: Array(summaryFormat.render(record.document).utf8),
          destination: recordPath, mode: 0o644),
    ]
    // The undo record keeps pointing at the run's backup; only the model's fingerprint moves
    // (apply changed its pull record, not its objects).
    if let undo = UndoRecord.read(model: path), undo.afterSHA256 == pulled.file.digest?.value() {
      var moved = undo
      moved.afterSHA256 = staged.sha256
      files.insert(
        WriteTransaction.File(
          role: "undo", bytes: moved.bytes, destination: UndoRecord.path(for: path), mode: 0o644),
        at: 0)
    }
    return (files, recordPath)
  }

  /// Says how the apply ended: the record's status, the --json record, and the failure or
  /// what is left to do.
  private func finish(
    _ record: ApplyRecord, sent: Sent, needsSetting: Bool, path: String,
    context: CommandContext, style: Style
  ) throws -> ExitStatus {
    context.stderr.write(record.status + "\n")
    if json { context.stdout.write(JSONWriter.string(record.json)) }
    if let failure = sent.failure {
      // Okta's refusal of the grant while the setting is off: the next step is that setting.
      if let okta = failure as? OktaError, case .rejected = okta,
        sent.entries.contains(where: { entry in
          if case .failed(let words, _) = entry.outcome {
            words.contains("Turn on Embedded widget sign-in support")
          } else {
            false
          }
        })
      {
        throw OrgWizFailure(
          okta.exitStatus, okta.message,
          next: "Turn on Embedded widget sign-in support (Settings > Account) first: Okta "
            + "allows \(Grants.embeddedWidgetSwitch.governs) only while it is on. Then run orgwiz apply again."
        )
      }
      throw failure
    }
    if needsSetting {
      context.note(
        "the org setting is not part of the API: keep Embedded widget sign-in support on "
          + "(Settings > Account).", style: style)
      if record.verification == nil {
        context.stderr.write(
          "Next: orgwiz verify --org \(SummaryRenderer.shellQuote(path)) asks Okta whether the "
            + "app can use the grant now.\n")
      }
    }
    return .success
  }

  /// `orgwiz verify` on the app this apply gave the grant to: asked at a terminal, run with
  /// `--verify`, skipped with `--no-verify` or without a terminal. A probe that cannot be made
  /// (no secret, Okta unreachable) is noted in the record; the apply itself stands.
  func verifyAfterApply(
    _ entries: [ApplyRecord.Entry], model: OrgModel, path: String, org: OrgURL,
    context: CommandContext, style: Style
  ) -> (VerifyResult?, String?) {
    guard verify != false,
      let app = entries.first(where: { entry in
        entry.object.kind == .app && entry.outcome.isInOkta
          && entry.after.contains(Verifier.grant.type)
          && !entry.before.contains(Verifier.grant.type)
      })?.object
    else { return (nil, nil) }
    let server =
      UndoRecord.read(model: path)?.server
      ?? entries.first { $0.object.kind == .rule }?.object.serverID ?? Okta.orgAuthorizationServer
    let command =
      "orgwiz verify --org \(SummaryRenderer.shellQuote(path)) --app \(app.id) --server \(server)"
    if verify == nil {
      guard context.canPrompt(noInput: input.noInput) else { return (nil, nil) }
      let question = Confirmation(
        prompt:
          "Check now that \(app.phrase) can start the \(Verifier.grant.name) flow (\(command); "
          + "nobody signs in)?", isDestructive: false, defaultYes: true,
        help: "yes asks Okta now and adds its answer to the record; no skips the check (the "
          + "change is already sent, and the record says it was not verified): run \(command) "
          + "later.")
      // The requests are sent: however this question ends, the record is written.
      let answer = try? context.makeInteractivePrompter(style).confirm(question)
      guard answer == true else {
        return (
          nil, "Not verified: the check was skipped at the prompt. Run \(command) to ask Okta."
        )
      }
    }
    let verifier = Verifier(model: model, modelPath: path, context: context, noInput: input.noInput)
    do {
      let target = try verifier.target(app: app.id, server: server, redirectURI: nil)
      let result = try verifier.run(target, org: org)
      VerifyCommand.show(result, json: false, to: context.stderr)
      return (result, nil)
    } catch {
      // verify's own flags (such as --client-secret-file) belong to the command named here.
      let words = (error as? any UserFacingError).map(\.message) ?? "\(error)"
      let note =
        "Not verified: \(words) Run \(command) (with --client-secret-file FILE or "
        + "ORGWIZ_CLIENT_SECRET for a confidential app) to ask Okta."
      context.stderr.write(note + "\n")
      return (nil, note)
    }
  }

  /// The scopes a plan needs: read and manage for the kinds of objects it changes (and read
  /// for those an interrupted apply's journal names).
  static func scopes(for plan: ApplyPlan, journal: ApplyJournal? = nil) -> [String] {
    let kinds = Set(plan.items.map(\.object.kind) + (journal?.requests.map(\.kind) ?? []))
    var scopes: [String] = []
    if kinds.contains(.rule) {
      scopes += ["okta.authorizationServers.read", "okta.authorizationServers.manage"]
    }
    if kinds.contains(.app) {
      scopes += ["okta.apps.read", "okta.apps.manage"]
    }
    return scopes
  }

  /// Settles an interrupted apply (``ApplyJournalFile``): reads its objects back, writes its
  /// record and the model's pull record as Okta now has them, and removes the journal.
  static func settle(
    _ journal: ApplyJournal, model: OrgModel, plan: ApplyPlan, client: OktaClient,
    session: ModelSession, context: CommandContext
  ) throws {
    let path = session.path
    guard journal.orgURL == plan.record.orgURL || journal.orgURL == client.org.description
    else {
      throw OrgWizFailure(
        .usage,
        "\(ApplyJournalFile.path(for: path)) is the journal of an apply to \(journal.orgURL), "
          + "not to \(client.org).",
        next: "Pull \(journal.orgURL) again (orgwiz pull --force) to learn what it has, then "
          + "move the journal away.")
    }
    let (record, found) = try ApplyJournalFile.settle(
      journal, model: path, knownPaths: Set(plan.record.objects.compactMap(\.path)),
      client: client, context: context)
    var document = model.document
    _ = document.set(
      HeldSecrets.scrubber.scrub(ApplyJournalFile.record(plan.record, updatedWith: found).json)
        .value, at: PullRecord.pointer)
    let staged = try ModelStore.stage(
      try OrgModel(document: document, source: path), in: session.transaction)
    let (recordFile, recordPath) = ApplyJournalFile.recordFile(
      record, model: path, context: context)
    try session.commit([staged.file, recordFile], prestaged: staged.prestaged, unchanged: {})
    ApplyJournalFile.remove(model: path)
    context.stderr.write("Apply record of the interrupted apply written: \(recordPath)\n")
  }

  /// A value from Okta for a message: a string escaped and clipped, else its type.
  static func shown(_ value: JSONValue?) -> String {
    guard let value else { return "missing" }
    return value.stringValue.map(OktaID.shown) ?? value.typeName
  }

  static func list(_ grants: [String]) -> String {
    grants.isEmpty ? "(none)" : grants.map(VisibleText.visibleOnOneLine).joined(separator: ", ")
  }

  /// Okta's refusal in words; a grant the org does not allow yet names the setting.
  /// Whether Okta may have carried out a request whose answer did not arrive: the connection
  /// failed, the answer was unreadable, or a 5xx came back. A 4xx is a refusal of the request.
  static func answerMayBeLost(_ error: OktaError) -> Bool {
    switch error {
    case .unreachable, .serverError, .malformed: true
    // The deadline stopped the PUT on its way, or the read-back after the PUT was answered.
    case .deadline(let request, _, _, let inFlight): inFlight || request.hasPrefix("GET ")
    default: false
    }
  }

  static func describe(_ error: OktaError, adds: Bool) -> String {
    var text = error.message
    let lowered = text.lowercased()
    if adds
      && (lowered.contains(Grants.embeddedWidgetSwitch.governs)
        || lowered.contains("interaction code")
        || lowered.contains("grant type"))
    {
      text +=
        " Turn on Embedded widget sign-in support (Settings > Account) first: Okta allows "
        + "\(Grants.embeddedWidgetSwitch.governs) only while it is on."
    }
    return text
  }

  /// `<model name without .json>.<YYYYMMDDTHHMMSSZ>.apply.md` beside the model.
  static func recordPath(model: String, date: Date, format: RecordFormat) -> String {
    CommandContext.recordPath(
      model: model, date: date, suffix: format == .text ? ".apply.txt" : ".apply.md")
  }

}

/// Why `apply` sent nothing.
enum ApplyError: UserFacingError, Equatable {
  /// Objects changed in Okta since the pull.
  case drift([String])
  /// No terminal and no `--yes`.
  case needsYes
  /// The model holds ids that are not Okta ids (65).
  case invalidIDs(model: String, [InvalidOktaID])
  /// A read answered another object than the one asked for (1).
  case wrongObject(String, request: String, String)
  /// A request was taken, but the object read back is not as planned (1).
  case notAsPlanned(String, found: [String])
  /// The operator said the org setting is not on (2).
  case settingNotOn
  case declined

  var exitStatus: ExitStatus {
    switch self {
    case .drift: .failure
    case .needsYes: .usage
    case .declined, .settingNotOn: .declined
    case .invalidIDs: .dataError
    case .wrongObject, .notAsPlanned: .failure
    }
  }

  var message: String {
    switch self {
    case .drift(let objects):
      "Nothing was sent: \(Phrase.count(objects.count, "object")) changed in Okta since the "
        + "model was pulled: " + objects.joined(separator: "; ") + "."
    case .needsYes: "Apply sends changes to Okta, and nobody can be asked here. Nothing was sent."
    case .declined: "Apply was declined. Nothing was sent."
    case .settingNotOn:
      "Embedded widget sign-in support is not on, and Okta refuses \(Grants.embeddedWidgetSwitch.governs) while it is "
        + "off. Nothing was sent."
    case .invalidIDs(let model, let ids):
      "\(model): " + ids.prefix(5).map(\.sentence).joined(separator: "; ")
        + ". orgwiz puts only Okta ids into a request, each object once, so nothing was read or sent."
    case .wrongObject(let object, let request, let problem):
      "\(request) for \(object) did not answer that object: \(problem). orgwiz builds no "
        + "request from it and sends nothing more."
    case .notAsPlanned(let object, let found):
      "Okta took the request for \(object), but read back it lists "
        + (found.isEmpty ? "no grant type" : found.joined(separator: ", "))
        + ", not what was planned; nothing more was sent."
    }
  }

  var nextStep: String {
    switch self {
    case .drift:
      "Pull again (orgwiz pull --force), then run the wizard again, then apply."
    case .needsYes:
      "Review the plan with orgwiz apply --dry-run, then pass --yes (which also confirms that "
        + "Embedded widget sign-in support is on)."
    case .declined: "Run orgwiz apply again when you are ready."
    case .settingNotOn:
      "Turn it on in the Admin Console (Settings > Account > Embedded widget sign-in support), "
        + "then run orgwiz apply again."
    case .invalidIDs:
      "Pull the org again into a new model (orgwiz pull --org NEW.json), run the wizard on it, "
        + "and apply that; ids are never edited by hand."
    case .notAsPlanned:
      "Pull again (orgwiz pull --force) to see what Okta has, then run the wizard again."
    case .wrongObject:
      "Something between orgwiz and Okta (a proxy, or a wrong --okta-url) is answering for "
        + "Okta. Check the org URL and proxy settings, then pull again (orgwiz pull --force)."
    }
  }
}
