import ArgumentParser
import Foundation
import OrgWizCore
import OrgWizJSON
import OrgWizTerminal

/// `orgwiz run`: the guided wizard.
struct RunCommand: ContextCommand {
  static let configuration = CommandConfiguration(
    commandName: "run",
    abstract:
      "Walk a procedure: ask, apply and validate each step, then write the model and a change record.",
    discussion: """
      Questions answered by --answers, --set or --operator are not asked. Prompting happens \
      only when stdin and stdout are terminals and neither --no-input nor ORGWIZ_NO_INPUT is \
      set; otherwise a missing answer is exit 64, naming every missing key.

      Files written (only by a run that ends with exit 0): the model, replaced atomically and \
      only when something changed, after a backup <model>.bak of the previous version; and the \
      Markdown summary (default: beside the model, <model name>.<UTC time>.summary.md). A dry \
      run writes none of them and prints the changes and the summary instead.

      \(OrgWiz.exitCodeHelp)
      """)

  @Argument(help: "The procedure id.")
  var procedure: String = ContentLocator.defaultProcedure

  @OptionGroup var options: ModelOptions
  @OptionGroup var answerOptions: AnswerOptions

  @Flag(name: .customLong("no-input"), help: "Never prompt (also ORGWIZ_NO_INPUT=1).")
  var noInput = false

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
    name: .customLong("record-answers"),
    help: ArgumentHelp(
      "Write the answers used, in --answers format, to replay the run.", valueName: "file"))
  var recordAnswers: String?

  func execute(_ context: CommandContext) throws -> ExitStatus {
    let started = context.now()
    let style = context.style(noColor: options.noColor)
    let directory = try ContentLocator.directory(option: options.content, context: context)
    let document = try ContentLocator.procedure(id: procedure, in: directory)
    let answers = try answerOptions.collect(for: document, context: context)

    let person: (any Prompter)? = canPrompt(context) ? context.makeInteractivePrompter(style) : nil
    let fallback =
      person
      ?? OutputOnlyPrompter(output: context.stderr, style: style, width: context.terminal.width)
    let loaded = try loadModel(context: context, contentDirectory: directory, person: person)

    let engine = WizardEngine(
      procedure: document, prompter: AnswersFilePrompter(answers: answers, fallback: fallback),
      options: WizardOptions(assumeYes: yes, now: Timestamps(date: started).isoMilliseconds))
    let record = try engine.run(on: loaded.model)

    if let person, record.changed, !dryRun, !yes {
      try review(record, path: loaded.path, creates: loaded.originalBytes == nil, with: person)
    }

    let newBytes = record.changed ? record.finalState.model.encoded() : loaded.bytes
    let createsModel = loaded.originalBytes == nil
    let writesModel = !dryRun && (record.changed || createsModel)
    let backupPath = writesModel && !createsModel ? loaded.path + ".bak" : nil
    let metadata = RunMetadata(
      modelPath: loaded.path, modelSHA256Before: SHA256.hex(loaded.bytes),
      modelSHA256After: SHA256.hex(newBytes), backupPath: backupPath,
      startedAt: Timestamps(date: started).iso, endedAt: Timestamps(date: context.now()).iso,
      toolVersion: orgwizVersion, dryRun: dryRun)
    let summary = RunSummary(record: record, metadata: metadata)
    let markdown = SummaryRenderer.markdown(summary)

    if let recordAnswers {
      let path = context.absolute(recordAnswers)
      let text = AnswersFile.render(
        record.answers, json: path.lowercased().hasSuffix(".json"), procedure: document)
      try FileIO.writeAtomically(Array(text.utf8), to: path)
      context.stderr.write("Answers recorded in \(path)\n")
    }

    if dryRun {
      if options.json {
        context.stdout.write(JSONWriter.string(SummaryJSON.value(summary)))
      } else {
        context.stdout.write(diffText(record) + "\n" + markdown)
      }
      context.stderr.write("Dry run: nothing was written.\n")
      return .success
    }

    let summaryPath = context.absolute(
      self.summary ?? defaultSummaryPath(model: loaded.path, date: started))
    // Every file is written to a temporary name first; only when all of them are on disk are
    // they moved into place, the model last. Should a move fail, the files already moved are
    // taken out again, so a failed run leaves no new backup or summary behind.
    var staged: [FileIO.StagedFile] = []
    var committed: [String] = []
    do {
      if let backupPath, let original = loaded.originalBytes {
        staged.append(try FileIO.stageBackup(of: loaded.path, bytes: original, to: backupPath))
      }
      staged.append(try FileIO.stage(Array(markdown.utf8), to: summaryPath, mode: 0o644))
      if writesModel { staged.append(try FileIO.stage(newBytes, to: loaded.path)) }
      for file in staged {
        try file.commit()
        committed.append(file.destination)
      }
    } catch {
      for file in staged where !committed.contains(file.destination) { file.discard() }
      for path in committed { unlink(path) }
      throw error
    }
    for file in staged { FileIO.syncDirectory(of: file.destination) }

    if writesModel {
      let backup = backupPath.map { " (previous version kept in \($0))" } ?? ""
      context.stderr.write(style.green("Model written: ") + loaded.path + backup + "\n")
    } else {
      context.stderr.write("No changes; the model was left as it was.\n")
    }
    context.stderr.write("Summary written: \(summaryPath)\n")
    if options.json {
      guard case .object(var object) = SummaryJSON.value(summary) else { return .success }
      object["summaryPath"] = .string(summaryPath)
      object["modelWritten"] = .bool(writesModel)
      context.stdout.write(JSONWriter.string(.object(object)))
    }
    // Everything is written; the live process exits here rather than spend a noticeable
    // time freeing a large model.
    context.exitAfterOutput?(.success)
    return .success
  }

  private func canPrompt(_ context: CommandContext) -> Bool {
    let variable = context.environment["ORGWIZ_NO_INPUT"] ?? ""
    let disabled = noInput || !(variable.isEmpty || variable == "0")
    return !disabled && context.terminal.stdinIsTerminal && context.terminal.stdoutIsTerminal
  }

  private func loadModel(
    context: CommandContext, contentDirectory: String, person: (any Prompter)?
  ) throws -> LoadedModel {
    let path = context.absolute(options.org)
    let exists = FileManager.default.fileExists(atPath: path)
    if options.example {
      if exists && !force && !dryRun {
        throw OrgWizFailure(
          .usage, "--example would overwrite \(path), which already exists.",
          next: "Pass --force to replace it, or name another file with --org.")
      }
      let (bytes, model) = try ModelLoader.example(contentDirectory: contentDirectory)
      return LoadedModel(path: path, originalBytes: nil, bytes: bytes, model: model)
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
      guard try person.confirm(offer) == true else {
        throw OrgWizFailure(
          .noInput, "No org model to work on.",
          next: "Name your model with --org FILE, or start from the bundled example with --example."
        )
      }
      let (bytes, model) = try ModelLoader.example(contentDirectory: contentDirectory)
      return LoadedModel(path: path, originalBytes: nil, bytes: bytes, model: model)
    }
    let bytes = try FileIO.read(path, what: "org model", hint: "Name the model with --org FILE.")
    return LoadedModel(
      path: path, originalBytes: bytes, bytes: bytes,
      model: try OrgModel.load(bytes, source: options.org))
  }

  /// `<dir>/<model name without .json>.<YYYYMMDDTHHMMSSZ>.summary.md`.
  func defaultSummaryPath(model: String, date: Date) -> String {
    let url = URL(fileURLWithPath: model)
    var name = url.lastPathComponent
    if name.lowercased().hasSuffix(".json") { name = String(name.dropLast(5)) }
    return url.deletingLastPathComponent().appendingPathComponent(
      "\(name).\(Timestamps(date: date).compact).summary.md"
    ).path
  }

  /// Shows every change (object, field, before → after) and asks to write them.
  private func review(
    _ record: RunRecord, path: String, creates: Bool, with person: any Prompter
  ) throws {
    let items = record.changes.flatMap { change in
      [change.object]
        + change.fields.map { field in
          "    \(field.pointer): \(brief(field.before)) → \(brief(field.after))"
        }
    }
    let confirmation = Confirmation(
      prompt: "Review: these changes will be written to \(path)"
        + (creates ? " (a new file). " : " (the current file is kept as \(path).bak). ")
        + "Write them?",
      items: items, isDestructive: false, defaultYes: true)
    guard try person.confirm(confirmation) ?? true else {
      throw OrgWizFailure(.declined, "The changes were not applied. Nothing was written.")
    }
  }

  /// The changes as plain lines, for a dry run.
  private func diffText(_ record: RunRecord) -> String {
    guard record.changed else { return "No changes.\n" }
    var text = "Changes (not written):\n"
    for change in record.changes {
      text += "  \(change.object)\n"
      for field in change.fields {
        text += "    ~ \(field.pointer): \(brief(field.before)) -> \(brief(field.after))\n"
      }
    }
    return text
  }

  private func brief(_ value: JSONValue?) -> String {
    guard let value = Redaction.redact(value) else { return "(absent)" }
    return JSONWriter.string(value, style: .compact)
  }
}
