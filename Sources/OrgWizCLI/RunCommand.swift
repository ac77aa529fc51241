import ArgumentParser
import Foundation
import OrgWizCore
import OrgWizJSON
import OrgWizOkta
import OrgWizTerminal

/// `orgwiz run`: the guided wizard.
struct RunCommand: ContextCommand {
  static let configuration = CommandConfiguration(
    commandName: "run",
    abstract:
      "Walk a procedure: ask, apply and validate each step, then write the model and a change record.",
    discussion: """
      With --example, the run starts from a fresh copy of the bundled example org and writes \
      the result to --org (an existing file only with --force).

      Questions answered by --answers, --set or --operator are not asked. Prompting happens \
      only when stdin and stdout are terminals and neither --no-input nor ORGWIZ_NO_INPUT is \
      set; otherwise a missing answer is exit 64, naming every missing key.

      Files written (only by a run that ends with exit 0): the model, replaced atomically and \
      only when something changed, after a backup <model>.bak of the previous version; and the \
      Markdown summary (default: beside the model, <model name>.<UTC time>.summary.md). A dry \
      run writes none of them and prints the changes and the summary instead.

      \(OrgWiz.exitCodes(.success, .failure, .declined, .usage, .dataError, .noInput, .cannotCreate, .locked, .config, .interrupted))
      """)

  @Argument(help: "The procedure id.")
  var procedure: String = ContentLocator.defaultProcedure

  @OptionGroup var options: ModelOptions
  @OptionGroup var answerOptions: AnswerOptions

  @OptionGroup var input: InputOptions

  @Flag(help: "Accept confirmations, including turning the setting off.")
  var yes = false

  @Flag(
    name: .customLong("dry-run"),
    help: "Do everything but write; print the changes and the summary.")
  var dryRun = false

  @Flag(help: "With --example, overwrite an existing --org file.")
  var force = false

  @Option(help: ArgumentHelp("Where the Markdown summary goes.", valueName: "file"))
  var summary: String?

  @Option(
    name: .customLong("summary-format"),
    help: ArgumentHelp(
      "The change record's format: markdown (default) or text, for ticket fields that show no "
        + "Markdown.", valueName: "format"))
  var summaryFormat: RecordFormat = .markdown

  @OptionGroup var lock: LockOptions

  @Flag(help: "Resume an interrupted run on this model without asking.")
  var resume = false

  @Flag(help: "Start over, discarding an interrupted run's answers, without asking.")
  var restart = false

  @Option(
    name: .customLong("record-answers"),
    help: ArgumentHelp(
      "Write the answers used, in --answers format, to replay the run.", valueName: "file"))
  var recordAnswers: String?

  func execute(_ context: CommandContext) throws -> ExitStatus {
    let (plan, startModel) = try makePlan(context)
    defer { plan.session?.close() }
    defer { InputBarrier.set(nil) }
    let record = try askQuestions(plan, model: startModel, context: context)
    _ = consume startModel
    let output = try stage(record, plan: plan, context: context)
    if dryRun { return try writeDryRun(record, output: output, plan: plan, context: context) }
    return try commit(record, output: output, plan: plan, context: context)
  }

  /// What a run works on, settled before the first question: the procedure, the answers to
  /// start from, who can be asked, the model's file and lock, and where the summary goes.
  struct Plan {
    var started: Date
    var style: Style
    var document: Procedure
    var answers: [String: String]
    /// The index of the step a resumed run stopped at (0: not resumed).
    var resumeAt: Int
    /// The person at the terminal, when one can be asked.
    var person: (any Prompter)?
    /// Who is told what happens: the person, or standard error.
    var fallback: any Prompter
    var path: String
    /// The model session, its lock held to the end of the run; none for a dry run.
    var session: ModelSession?
    /// The model's file as read, without its text or its parsed model.
    var loaded: ModelFile
    /// What the run starts from: the file's text, or the bundled example's.
    var start: ModelStart
    var target: SummaryTarget
  }

  /// Settles the run before any question: options, the procedure, the model (parsed, and
  /// returned apart so it can be freed once the run is done), the summary's place, and
  /// whether an interrupted run is resumed.
  private func makePlan(_ context: CommandContext) throws -> (Plan, OrgModel) {
    let started = context.now()
    let style = context.style(noColor: options.color.noColor)
    let directory = try ContentLocator.directory(option: options.content, context: context)
    let document = try ContentLocator.procedure(id: procedure, in: directory)
    let answers = try answerOptions.collect(for: document, context: context)
    try checkOptions()

    let person: (any Prompter)? = canPrompt(context) ? context.makeInteractivePrompter(style) : nil
    let fallback =
      person
      ?? OutputOnlyPrompter(output: context.stderr, style: style, width: context.terminal.width)
    let path = context.modelPath(options.org)
    // The model session (its lock held from before the first question to the end of the
    // run); a dry run writes nothing, so it takes none.
    let session =
      dryRun
      ? nil
      : try ModelSession.open(
        model: path, lockTimeout: lock.lockTimeout, startedAt: started, context: context,
        style: style)
    // Until the plan is made, an error closes the session here; then execute does.
    var planned = false
    defer { if !planned { session?.close() } }
    if dryRun { try FileIO.ensureRegularIfPresent(path, what: "org model") }

    // The file apart from the model parsed from it and the fingerprint of the bytes it starts
    // from (hashed as they were read, or beside the questions), so that the model can be freed
    // once the run is rendered, and its bytes are not kept.
    let (loaded, start, startModel) = try loadModel(
      context: context, contentDirectory: directory, person: person)
    ModelStore.notePartial(startModel, context: context)
    // Where the summary and recorded answers go is settled before any question, so that a
    // name that would land on the model or its backup is refused at once.
    let target = try SummaryTarget.resolve(
      option: dryRun ? "-" : self.summary, context: context,
      defaultName: { directory in
        defaultSummaryPath(model: loaded.path, date: started, directory: directory)
      },
      modelDirectory: (loaded.path as NSString).deletingLastPathComponent)
    try Self.refuseOverlaps(
      summary: target.filePath, answers: recordAnswers.map(context.canonicalFile),
      model: loaded.path)
    var plan = Plan(
      started: started, style: style, document: document, answers: answers, resumeAt: 0,
      person: person, fallback: fallback, path: path, session: session, loaded: loaded,
      start: start, target: target)
    if !dryRun {
      (plan.answers, plan.resumeAt) = try resumedAnswers(
        explicit: answers, procedure: document, model: path, baseHash: start.digest,
        person: person, context: context)
    }
    planned = true
    return (plan, startModel)
  }

  /// Refuses options that exclude each other.
  private func checkOptions() throws(OrgWizFailure) {
    // Standard output carries one thing: the --json result, or a summary sent to it.
    if options.json && !dryRun && (summary == "-" || summary == "/dev/stdout") {
      throw OrgWizFailure(
        .usage, "--json and --summary \(summary ?? "-") would both write to standard output.",
        next: "Send the summary to a file (or leave --summary out); --json already carries the "
          + "same content.")
    }
    if resume && restart {
      throw OrgWizFailure(.usage, "--resume and --restart exclude each other.", next: "Pass one.")
    }
  }

  /// Runs the wizard on the model: asks the questions, journals the answers a person gives,
  /// and ends with the review.
  private func askQuestions(
    _ plan: Plan, model: OrgModel, context: CommandContext
  ) throws -> RunRecord {
    var engine = WizardEngine(
      procedure: plan.document,
      prompter: AnswersFilePrompter(answers: plan.answers, fallback: plan.fallback),
      options: WizardOptions(assumeYes: yes, now: Timestamps(date: plan.started).isoMilliseconds))
    engine.resumeAt = plan.resumeAt
    if let person = plan.person, !dryRun, !yes {
      let loaded = plan.loaded
      engine.review = { shown in
        guard shown.changed else { return .accept }
        return try review(shown, path: loaded.path, creates: !loaded.existed, with: person)
      }
    }
    // Answers a person gives are journaled as the run goes, so an interrupted run can resume;
    // answers that all come from flags or a file need no journal to be given again. Each
    // version is written beside the next question, and on disk before that one's answer is
    // read (see JournalWriter).
    let journal =
      !dryRun && plan.person != nil
      ? JournalWriter(
        model: plan.path, environment: context.environment, width: context.terminal.width)
      : nil
    if let journal {
      engine.progress = Self.journaling(plan, to: journal)
      InputBarrier.set { journal.drain() }
    }
    do {
      do {
        // However the questions end, the journal is complete before anything reads, removes or
        // outlives it.
        defer { journal?.drain() }
        return try engine.run(on: model)
      } catch var missing as MissingAnswers {
        missing.reason = promptingOffReason(context)
        throw missing
      }
    } catch let error as any UserFacingError where error.exitStatus == .interrupted {
      // Ctrl-D (Ctrl-C at a prompt ends the process from its signal handler, with the same
      // words): the journal stays, and the message says whether there is anything to resume.
      let kept = !dryRun && RunJournal.read(model: plan.path).map { !$0.answers.isEmpty } == true
      throw OrgWizFailure(
        .interrupted, "Interrupted. Nothing was written.",
        next: kept ? Self.keptNote(model: plan.path) : "")
    } catch let error as any UserFacingError where error.exitStatus != .interrupted {
      // Only an interrupted run is worth resuming; any other stop was an answer.
      if !dryRun { RunJournal.remove(model: plan.path) }
      throw error
    }
  }

  /// The engine's progress hook that journals the answers that stand.
  private static func journaling(
    _ plan: Plan, to journal: JournalWriter
  ) -> ([GivenAnswer], Int) -> Void {
    let document = plan.document
    let baseHash = plan.start.digest
    return { given, index in
      // Nothing to resume before the first answer: no journal, and Ctrl-C says no more.
      guard !given.isEmpty else {
        journal.remove()
        return
      }
      let atReview = index >= document.steps.count
      journal.write(
        RunJournal(
          procedure: document.id, procedureSHA256: document.sha256,
          baseSHA256: baseHash.value(),
          answers: given, stepNumber: index + 1,
          stepTitle: atReview ? RunJournal.reviewTitle : document.steps[index].title,
          updatedAt: Timestamps(date: Date()).iso))
    }
  }

  /// What the run will write, worked out once the questions are done.
  struct Output {
    var writesModel: Bool
    var backupPath: String?
    /// The fingerprint of the file as it was read: what its backup holds.
    var backupSHA256: String?
    var afterSHA256: String
    /// The model, staged when it is written.
    var staged: StagedModel?
    var transaction: WriteTransaction
    var metadata: RunMetadata
    var summary: RunSummary
    /// The change record's text.
    var markdown: String
  }

  /// Stages the new model and renders the change record that names its fingerprint.
  private func stage(
    _ record: RunRecord, plan: Plan, context: CommandContext
  ) throws -> Output {
    let loaded = plan.loaded
    let writesModel = !dryRun && (record.changed || plan.start.bytes != nil)
    let backupPath = writesModel && loaded.existed ? loaded.path + ".bak" : nil
    let transaction =
      plan.session?.transaction
      ?? WriteTransaction(model: loaded.path, environment: context.environment)
    let baseSHA256 = plan.start.digest.value()
    // The file as it was read: what its backup holds.
    let backupSHA256 = loaded.digest?.value()
    // The new model is staged now, before the records that name its fingerprint are made: a
    // changed model is written straight from its document and read back against it (no copy
    // of its text is held), then the journaled commit below moves it into place with the rest.
    var staged: StagedModel?
    if writesModel, record.changed {
      staged = try ModelStore.stage(record.finalState.model, in: transaction)
    } else if writesModel, let bytes = plan.start.bytes {
      staged = try ModelStore.stage(bytes: bytes, in: transaction)
    }
    let afterSHA256 =
      staged?.sha256
      ?? (record.changed ? SHA256.hex(of: record.finalState.model.document) : baseSHA256)
    let metadata = RunMetadata(
      modelPath: loaded.path, modelSHA256Before: baseSHA256, modelSHA256After: afterSHA256,
      backupPath: backupPath, backupSHA256: backupSHA256,
      undoCommand: writesModel
        ? "orgwiz undo --org \(SummaryRenderer.shellQuote(loaded.path))" : nil,
      startedAt: Timestamps(date: plan.started).iso, endedAt: Timestamps(date: context.now()).iso,
      toolVersion: orgwizVersion, dryRun: dryRun,
      createdModel: writesModel && !loaded.existed)
    let summary = RunSummary(record: record, metadata: metadata)
    return Output(
      writesModel: writesModel, backupPath: backupPath, backupSHA256: backupSHA256,
      afterSHA256: afterSHA256, staged: staged, transaction: transaction,
      metadata: metadata, summary: summary,
      markdown: SummaryRenderer.render(summary, as: summaryFormat))
  }

  /// A dry run prints the changes and the summary, and writes only the recorded answers.
  private func writeDryRun(
    _ record: RunRecord, output: Output, plan: Plan, context: CommandContext
  ) throws -> ExitStatus {
    // A dry run may still record its answers: that is how a change is planned at a terminal
    // and then applied with --answers.
    if let answers = recordedAnswers(record, procedure: plan.document, context: context) {
      try FileIO.writeAtomically(answers.bytes, to: answers.path)
      context.stderr.write("Answers recorded in \(answers.path)\n")
    }
    if options.json {
      context.stdout.write(
        JSONWriter.string(resultJSON(output.summary, summaryPath: nil, modelWritten: false)))
    } else {
      context.stdout.write(diffText(record) + "\n" + output.markdown)
    }
    context.stderr.write("Dry run: the model, its backup and the summary were not written.\n")
    return .success
  }

  /// Writes the backup, undo record, model, summary and answers in one journaled commit, then
  /// says what was written.
  private func commit(
    _ record: RunRecord, output: Output, plan: Plan, context: CommandContext
  ) throws -> ExitStatus {
    let summaryPath = plan.target.path
    let answersFile = recordedAnswers(record, procedure: plan.document, context: context)
    let jsonResult =
      options.json
      ? JSONWriter.string(
        resultJSON(output.summary, summaryPath: summaryPath, modelWritten: output.writesModel))
      : nil
    let files = filesToWrite(record, output: output, plan: plan, answersFile: answersFile)
    var stream: SummaryTarget.OpenStream?
    let loaded = plan.loaded
    try plan.session?.commit(
      files, prestaged: output.staged?.prestaged ?? [:],
      unchanged: { () throws(OrgWizFailure) in
        try loaded.ensureUnchanged(
          links: output.transaction.links,
          otherwise: Self.changed(loaded.path))
      },
      lastly: { () throws(OrgWizFailure) in
        // A stream for the summary must open before anything is replaced, so that a failure
        // there changes nothing; it is written once the write is complete.
        stream = try plan.target.openStream()
      })
    RunJournal.remove(model: plan.path)
    if let answersFile { context.stderr.write("Answers recorded in \(answersFile.path)\n") }
    // A stream gets the record only now that the write is complete; should it fail, the
    // record is kept in the default file instead, so it is never lost.
    let streamFailure = stream.flatMap { stream in
      stream.write(output.markdown, context: context).map { reason in
        streamFailed(reason, output: output, plan: plan)
      }
    }
    if output.writesModel {
      let backup = output.backupPath.map { " (previous version kept in \($0))" } ?? ""
      context.stderr.write(plan.style.green("Model written: ") + loaded.path + backup + "\n")
    } else {
      context.stderr.write("No changes; the model was left as it was.\n")
    }
    if let streamFailure { throw streamFailure }
    context.stderr.write(plan.target.writtenLine + "\n")
    if let jsonResult {
      try printResult(jsonResult, output: output, plan: plan, context: context)
    }
    plan.session?.close()
    // Everything is written; the live process exits here rather than spend a noticeable
    // time freeing a large model.
    context.exitAfterOutput?(.success)
    return .success
  }

  /// The files a run writes, in the order they are moved into place: backup, undo record,
  /// model, summary (and the change record link), answers. The model is never replaced
  /// before its backup exists, and a summary never claims a change that was not made.
  private func filesToWrite(
    _ record: RunRecord, output: Output, plan: Plan,
    answersFile: (path: String, bytes: [UInt8])?
  ) -> [WriteTransaction.File] {
    let loaded = plan.loaded
    var files: [WriteTransaction.File] = []
    if output.backupPath != nil, let backup = loaded.backup(otherwise: Self.changed(loaded.path)) {
      files.append(backup)
    }
    if output.writesModel {
      // The undo record: the backup's fingerprint, or for a model this run creates, that there
      // was none (undo then sets the created file aside).
      if let undoBackup = output.backupPath != nil ? output.backupSHA256 : UndoRecord.created {
        let chosen = { (key: String) in
          record.answers.last { $0.key == key && $0.value != "none" }?.value
        }
        let undo = UndoRecord(
          backupSHA256: undoBackup, afterSHA256: output.afterSHA256,
          writtenAt: output.metadata.endedAt, app: chosen("app"), server: chosen("server"),
          grant: record.procedure.grant.type)
        files.append(
          WriteTransaction.File(
            role: "undo", bytes: undo.bytes, destination: UndoRecord.path(for: loaded.path),
            mode: 0o644))
      }
      if let staged = output.staged { files.append(staged.file) }
    }
    if case .file(let summaryFile) = plan.target {
      files.append(
        WriteTransaction.File(
          role: "summary", bytes: Array(output.markdown.utf8), destination: summaryFile,
          mode: 0o644))
      // A pulled model's change record is the one apply, verify and the backout add to.
      if output.writesModel, output.summary.pulledFrom != nil, summaryFormat == .markdown {
        files.append(
          WriteTransaction.File(
            role: "change", bytes: ChangeRecordLink.bytes(record: summaryFile),
            destination: ChangeRecordLink.path(for: loaded.path), mode: 0o644))
      }
    }
    // The recorded answers go with the rest: a run that fails leaves none behind.
    if let answersFile {
      files.append(
        WriteTransaction.File(
          role: "answers", bytes: answersFile.bytes, destination: answersFile.path, mode: 0o644))
    }
    return files
  }

  /// A summary stream that failed after the write: the record is saved to the default file
  /// instead, and the failure says where it went.
  private func streamFailed(_ reason: String, output: Output, plan: Plan) -> OrgWizFailure {
    let loaded = plan.loaded
    let fallback = defaultSummaryPath(
      model: loaded.path, date: plan.started,
      directory: (loaded.path as NSString).deletingLastPathComponent)
    let saved: Void? = try? FileIO.writeAtomically(
      Array(output.markdown.utf8), to: fallback, mode: 0o644)
    return OrgWizFailure(
      .cannotCreate,
      "The summary could not be written to \(plan.target.path ?? "standard output"): \(reason). "
        + (output.writesModel ? "The model was written. " : "")
        + (saved != nil ? "The summary was saved to \(fallback) instead." : "It was not saved."),
      next: saved != nil
        ? "Attach \(fallback) to the change ticket." : "Run orgwiz again with --summary FILE.")
  }

  /// Prints the --json result once the files are written; a result that cannot reach standard
  /// output is said, not lost.
  private func printResult(
    _ json: String, output: Output, plan: Plan, context: CommandContext
  ) throws(OrgWizFailure) {
    if let stdout = ScrubbingSink.descriptorSink(context.stdout),
      let reason = stdout.writeAll(HeldSecrets.scrub(json))
    {
      let written =
        (output.writesModel
          ? "The model was written (\(plan.loaded.path))" : "The model needed no change")
        + (plan.target.path.map { " and the summary to \($0)" } ?? "") + "."
      throw OrgWizFailure(
        .cannotCreate,
        "The --json result could not be written to standard output: \(reason). " + written,
        next: "Nothing needs to be run again; the summary holds the same result.")
    } else if ScrubbingSink.descriptorSink(context.stdout) == nil {
      context.stdout.write(json)
    }
  }

  /// The answers to start from: an interrupted run's journal when it is resumed, then the
  /// answers given now, which win.
  private func resumedAnswers(
    explicit: [String: String], procedure: Procedure, model: String,
    baseHash: Background<String>,
    person: (any Prompter)?, context: CommandContext
  ) throws -> (answers: [String: String], resumeAt: Int) {
    guard let journal = RunJournal.read(model: model), !journal.answers.isEmpty else {
      if resume {
        context.stderr.write("Nothing to resume: no interrupted run was recorded for \(model).\n")
      }
      return (explicit, 0)
    }
    let matches =
      journal.procedure == procedure.id && journal.procedureSHA256 == procedure.sha256
      && journal.baseSHA256 == baseHash.value()
    guard matches else {
      context.stderr.write(
        "An interrupted run's answers no longer fit (the model or the procedure changed since "
          + "\(journal.updatedAt)); starting over.\n")
      RunJournal.remove(model: model)
      return (explicit, 0)
    }
    let atReview = journal.stepNumber > procedure.steps.count
    let whereStopped =
      atReview
      ? "at the review" : "at step \(journal.stepNumber) (\(journal.stepTitle))"
    var choice = resume
    if !resume && !restart {
      let offer = Confirmation(
        prompt:
          "A run on this model stopped \(whereStopped) at "
          + "\(journal.updatedAt), with \(Phrase.count(journal.answers.count, "answer")) given. "
          + "Resume from there?",
        items: journal.answers.map { "\($0.key) = \($0.label)" }, isDestructive: false,
        defaultYes: true)
      if let person {
        choice = try person.confirm(offer) ?? false
      } else {
        context.stderr.write(
          "Note: an interrupted run on this model was found; starting over (pass --resume to "
            + "continue it).\n")
      }
    }
    guard choice else {
      RunJournal.remove(model: model)
      return (explicit, 0)
    }
    // The finished steps are not shown again: one line says what they answered.
    let kept = journal.answers.map { "\($0.key) = \($0.label)" }.joined(separator: ", ")
    context.stderr.write(
      TextWrapper.wrap(
        "Resuming the run that stopped \(whereStopped), keeping its answers: \(kept).",
        width: context.terminal.width) + "\n")
    var merged: [String: String] = [:]
    for answer in journal.answers { merged[answer.key] = answer.value }
    merged.merge(explicit) { _, given in given }
    return (merged, min(journal.stepNumber, procedure.steps.count + 1) - 1)
  }

  /// Refuses a summary or answers file that would land on the model, its backup, a file
  /// orgwiz keeps beside it, or on each other.
  static func refuseOverlaps(
    summary: String?, answers: String?, model: String
  ) throws(OrgWizFailure) {
    let reserved = [
      model, model + ".bak", UndoRecord.path(for: model), RunJournal.path(for: model),
      model + ".lock", model + ".write.journal",
    ]
    let checks: [(option: String, path: String?, others: [String])] = [
      ("--summary", summary, []), ("--record-answers", answers, [summary].compactMap { $0 }),
    ]
    for check in checks {
      guard let path = check.path else { continue }
      let clash = (reserved + check.others).first { other in
        other == path || WriteTransaction.sameFile(other, path)
      }
      if let clash {
        throw OrgWizFailure(
          .usage, "\(check.option) names \(clash), which orgwiz writes or keeps for the model.",
          next: "Name another file for \(check.option).")
      }
    }
  }

  /// Why the run wrote nothing when the model on disk is no longer the one it read.
  private static func changed(_ path: String) -> OrgWizFailure {
    OrgWizFailure(
      .failure,
      "\(path) was changed by another program while this run was going on. Nothing was "
        + "written, so those changes are kept.",
      next: "Run orgwiz again on the file as it is now.")
  }

  /// Why nobody is asked, for the missing-answers message.
  private func promptingOffReason(_ context: CommandContext) -> String {
    if input.noInput { return "--no-input was given" }
    let variable = context.environment["ORGWIZ_NO_INPUT"] ?? ""
    if !(variable.isEmpty || variable == "0") { return "ORGWIZ_NO_INPUT is set" }
    if !context.terminal.stdinIsTerminal { return "standard input is not a terminal" }
    return "standard output is not a terminal"
  }

  private func canPrompt(_ context: CommandContext) -> Bool {
    context.canPrompt(noInput: input.noInput)
  }

  /// The model the run edits, read by the store: the --org file, or a fresh copy of the
  /// bundled example (with --example, or offered when there is no file).
  private func loadModel(
    context: CommandContext, contentDirectory: String, person: (any Prompter)?
  ) throws -> (ModelFile, ModelStart, OrgModel) {
    let path = context.modelPath(options.org)
    let exists = FileManager.default.fileExists(atPath: path)
    if options.example {
      if exists && !force && !dryRun {
        throw OrgWizFailure(
          .usage, "--example would overwrite \(path), which already exists.",
          next: "Pass --force to replace it, or name another file with --org.")
      }
      // Replacing an existing file (--force) keeps it as the backup.
      return try ModelStore.editExample(
        at: path, replacing: exists && !dryRun, contentDirectory: contentDirectory,
        context: context)
    }
    if !exists {
      let offer = Confirmation(
        prompt:
          "There is no org model at \(path). Start from the bundled example org (Acme Corp)? "
          + "A copy is written to \(path) when the run succeeds; the example itself is never "
          + "changed.",
        isDestructive: false, defaultYes: true)
      guard let person else {
        throw OrgWizFailure(
          .noInput, "The org model \(path) does not exist.",
          next: "Name your model with --org FILE, or start from the bundled example org with "
            + "--example.")
      }
      // Declining is an answer at a prompt (exit 2), not a file that could not be read.
      guard try person.confirm(offer) == true else {
        throw OrgWizFailure(
          .declined,
          "No org model to work on: the bundled example was declined. Nothing was written.",
          next: "Name your model with --org FILE, or start from the bundled example with --example."
        )
      }
      return try ModelStore.editExample(
        at: path, replacing: false, contentDirectory: contentDirectory, context: context)
    }
    return try ModelStore.readToEdit(
      path, source: options.org, hint: "Name the model with --org FILE.")
  }

  /// The result `run --json` prints: the summary's content, where the summary went (null for
  /// a dry run or standard output) and whether the model was written.
  private func resultJSON(
    _ summary: RunSummary, summaryPath: String?, modelWritten: Bool
  ) -> JSONValue {
    guard case .object(var object) = SummaryJSON.value(summary) else {
      return SummaryJSON.value(summary)
    }
    object["summaryPath"] = summaryPath.map { .string($0) } ?? .null
    object["modelWritten"] = .bool(modelWritten)
    return .object(object)
  }

  /// The file `--record-answers` asks for, and its text; nil without the option.
  private func recordedAnswers(
    _ record: RunRecord, procedure: Procedure, context: CommandContext
  ) -> (path: String, bytes: [UInt8])? {
    guard let recordAnswers else { return nil }
    let path = context.canonicalFile(recordAnswers)
    let text = AnswersFile.render(
      record.answers, json: path.lowercased().hasSuffix(".json"), procedure: procedure)
    return (path, Array(text.utf8))
  }

  /// `<directory>/<model name without .json>.<YYYYMMDDTHHMMSSZ>.summary.md`.
  func defaultSummaryPath(model: String, date: Date, directory: String) -> String {
    var name = URL(fileURLWithPath: model).lastPathComponent
    if name.lowercased().hasSuffix(".json") { name = String(name.dropLast(5)) }
    // In a directory other than the model's own (--summary DIR), models of one name from
    // different directories would share a name: a short fingerprint of the model's path tells
    // them apart.
    let modelDirectory = (model as NSString).deletingLastPathComponent
    let own =
      directory == modelDirectory || WriteTransaction.sameFile(directory, modelDirectory)
    if !own { name += "." + String(SHA256.hex(Array(model.utf8)).prefix(8)) }
    let stem = URL(fileURLWithPath: directory).appendingPathComponent(
      "\(name).\(Timestamps(date: date).compact)"
    ).path
    // Two runs within one second must not share a change record: the later one gets a suffix.
    // (The model lock keeps other runs on this model from choosing the same name meanwhile.)
    let suffix = summaryFormat == .text ? ".summary.txt" : ".summary.md"
    return CommandContext.unusedPath(stem: stem, suffix: suffix)
  }

  /// Shows every change (object, field, before → after) and asks to write them.
  private func review(
    _ shown: ChangeSet.Review, path: String, creates: Bool, with person: any Prompter
  ) throws -> ReviewDecision {
    let confirmation = Confirmation(
      prompt: "Review: these changes will be written to \(path)"
        + (creates ? " (a new file). " : " (the current file is kept as \(path).bak). ")
        + "Okta itself is not changed. Write them?",
      items: ObjectChange.reviewLines(shown.changes)
        + SharedRule.reviewLines(shown).flatMap {
          $0.split(separator: "\n").map(String.init)
        },
      isDestructive: false, defaultYes: true)
    switch try person.review(confirmation) ?? .accept {
    case .accept: return .accept
    case .back: return .back
    case .decline:
      throw OrgWizFailure(
        .declined, "The changes were not applied. Nothing was written.",
        next: "Run orgwiz again to choose differently; the answers given are not kept.")
    }
  }

  /// What an interrupted run says when answers were given: where they are kept, and that the
  /// next run offers to resume.
  static func keptNote(model: String) -> String {
    "The answers given so far are kept in \(RunJournal.path(for: model)). "
      + WizardEngine.resumeHint
  }

  /// The changes as plain lines, for a dry run.
  private func diffText(_ record: RunRecord) -> String {
    guard record.changeSet.changed else { return "No changes.\n" }
    return "Changes (not written):\n"
      + ObjectChange.reviewLines(record.changeSet.changes, arrow: "->").map { "  \($0)\n" }
      .joined()
  }
}
