import ArgumentParser
import Foundation
import OrgWizCore
import OrgWizJSON
import OrgWizOkta
import OrgWizTerminal
import Synchronization

/// `orgwiz pull`: builds the model from the live org. It only reads from Okta.
struct PullCommand: ContextCommand {
  static let configuration = CommandConfiguration(
    commandName: "pull",
    abstract: "Build the org model from the live org through the Okta Management API (reads only).",
    discussion: """
      Reads the org, its custom authorization servers with their policies, rules and scopes, \
      its OpenID Connect apps, the groups assigned the apps that can use the Interaction Code \
      grant, its Trusted Origins, its admins and their roles, and the groups the rules name, and \
      writes them to --org in the model's shapes, with a record of where and when they were \
      pulled. Secrets (client secrets, keys, tokens) are never written.

      The Embedded widget sign-in support setting has no public API: state it with \
      --embedded-widget on|off; without it, it is inferred as on when an app or rule already \
      lists \(Grants.embeddedWidgetSwitch.governs), else asked at a terminal.

      A service app needs the scopes okta.orgs.read okta.authorizationServers.read \
      okta.apps.read okta.roles.read okta.users.read okta.groups.read; an API token needs an \
      admin role that can read them (Read-Only Administrator is enough). The Trusted Origins \
      are read when the credentials may (a service app's token does not ask for \
      okta.trustedOrigins.read), else left out with a note.

      \(OrgWiz.exitCodes(.success, .failure, .usage, .dataError, .noInput, .unavailable, .cannotCreate, .locked, .noPermission, .interrupted))
      """)

  @Option(name: .long, help: ArgumentHelp("The org model file to write.", valueName: "file"))
  var org: String = "org.json"

  @OptionGroup var live: LiveOptions

  @Flag(help: "Replace an existing --org file (kept as <file>.bak).")
  var force = false

  @Option(
    name: .customLong("embedded-widget"),
    help: ArgumentHelp(
      "The org setting Embedded widget sign-in support, which no API can read.",
      valueName: "on|off"))
  var embeddedWidget: String?

  @Option(
    name: .customLong("server"),
    help: ArgumentHelp(
      "Pull only this custom authorization server (name or id; repeatable), with its "
        + "policies, rules and scopes: a scoped pull.", valueName: "server"))
  var servers: [String] = []

  @Option(
    name: .customLong("app"),
    help: ArgumentHelp(
      "Pull only this OpenID Connect app (label, id or client id; repeatable), looked up "
        + "directly: a scoped pull.", valueName: "app"))
  var apps: [String] = []

  @Option(
    name: .customLong("operator"),
    help: ArgumentHelp(
      "In a scoped pull, the admin to read (login or id); default: the API token's owner.",
      valueName: "login"))
  var operatorLogin: String?

  @Flag(
    help: "Ignore the journal of an interrupted pull (<file>.pull.journal) and read the org anew.")
  var restart = false

  @OptionGroup var input: InputOptions

  @OptionGroup var color: ColorOptions

  @OptionGroup var lock: LockOptions

  func execute(_ context: CommandContext) throws -> ExitStatus {
    let style = context.style(noColor: color.noColor)
    let started = context.now()
    let path = context.modelPath(org)
    let timeout = try live.overallTimeout(default: 3600)
    let stated = try statedSetting()
    // An existing model is refused before anything is read from Okta.
    if FileManager.default.fileExists(atPath: path) && !force {
      throw OrgWizFailure(
        .usage, "\(path) already exists; pull does not replace it without --force.",
        next: "Pass --force to replace it (the current file is kept as \(path).bak), or name "
          + "another file with --org.")
    }
    let orgURL = try live.orgURL(context)
    let (credential, source) = try live.credential(context)
    let session = try ModelSession.open(
      model: path, lockTimeout: lock.lockTimeout, startedAt: started, context: context, style: style
    )
    defer { session.close() }
    let client = live.client(
      context, org: orgURL, credential: credential, scopes: OktaScopes.pull, timeout: timeout)
    // An apply cut short on this model is settled first: what it did is read back and recorded.
    try ApplyJournalFile.settleBeforePull(model: path, client: client, context: context)
    // The model this pull replaces, as it is before Okta is read: an edit made while the pull
    // reads (which may take many minutes) is then seen by the last look, and kept.
    let previous = try ModelStore.readToReplace(path)
    var pulled = try readOrg(
      client, orgURL: orgURL, credential: credential, source: source, path: path,
      context: context, style: style)
    // The read is complete: the journal goes whatever happens next (a later pull reads anew,
    // so that it sees what changed meanwhile).
    defer { pulled.journal?.remove() }
    try FaultPoint.hit("pulled", environment: context.environment)
    noteSkippedAssignments(pulled.org, context: context, style: style)
    // Whose credentials read the org: the wizard's operator defaults to that admin.
    if case .apiToken = credential, client.identity == nil {
      _ = try? client.get("/api/v1/users/me")
    }
    pulled.org.readBy = client.identity.map { login in
      if case .serviceApp = credential { "service app \(login)" } else { login }
    }
    let (setting, settingSource) = try self.setting(
      stated: stated, pulled: pulled.org, context: context, style: style)
    let model = try assemble(
      pulled, setting: setting, source: settingSource, path: path, org: orgURL,
      context: context, style: style)
    let existed = try write(
      model, replacing: previous, session: session, path: path, started: started)
    report(
      model, previous: existed, path: path, org: orgURL, requests: client.requestCount,
      setting: (setting, settingSource), context: context, style: style)
    return .success
  }

  /// `--embedded-widget`: on, off, or not given.
  private func statedSetting() throws(OrgWizFailure) -> Bool? {
    switch embeddedWidget?.lowercased() {
    case nil: return nil
    case "on", "true", "yes": return true
    case "off", "false", "no": return false
    case let other?:
      throw OrgWizFailure(
        .usage, "--embedded-widget must be on or off, not '\(other.prefix(40))'.",
        next: "Look at Settings > Account > Embedded widget sign-in support in the Admin Console.")
    }
  }

  /// Says that the group assignments of some apps were not read.
  private func noteSkippedAssignments(
    _ org: PulledOrg, context: CommandContext, style: Style
  ) {
    guard org.assignmentAppsSkipped > 0 else { return }
    context.note(
      "Read the group assignments of the first \(PullAssembler.assignmentAppLimit) apps that "
        + "can sign users in only; the other "
        + "\(Phrase.count(org.assignmentAppsSkipped, "app")) have none in the model, so "
        + "simulate does not check who is assigned them.", style: style)
  }

  /// The org setting no API can read: as stated, inferred from the org, or asked.
  private func setting(
    stated: Bool?, pulled: PulledOrg, context: CommandContext, style: Style
  ) throws -> (Bool, PullRecord.SettingSource) {
    if let stated { return (stated, .flag) }
    if PullAssembler.inferredSetting(pulled) { return (true, .inferred) }
    guard context.canPrompt(noInput: input.noInput) else {
      throw OrgWizFailure(
        .usage,
        "No API can read the org setting Embedded widget sign-in support, nothing in the org "
          + "shows it is on, and nobody can be asked here. Nothing was written.",
        next: "Look at Settings > Account > Embedded widget sign-in support in the Admin "
          + "Console and pass --embedded-widget on or off.")
    }
    let person = context.makeInteractivePrompter(style)
    let question = Confirmation(
      prompt: "No API can read the org setting Embedded widget sign-in support. Is it on in the "
        + "Admin Console (Settings > Account > Embedded widget sign-in support)?",
      isDestructive: false, defaultYes: false, help: Self.settingHelp)
    guard let answer = try person.confirm(question) else {
      throw OrgWizFailure(
        .usage, "The org setting was not answered.", next: "Pass --embedded-widget on|off.")
    }
    return (answer, .asked)
  }

  /// The model of what was read, secrets scrubbed; an inferred setting checked with Okta where
  /// a probe can answer.
  private func assemble(
    _ pulled: Pulled, setting: Bool, source: PullRecord.SettingSource, path: String,
    org: OrgURL, context: CommandContext, style: Style
  ) throws -> OrgModel {
    func build(_ setting: Bool, _ source: PullRecord.SettingSource) throws -> (JSONValue, Int) {
      HeldSecrets.scrubber.scrub(
        try PullAssembler.model(
          pulled.org, setting: setting, source: source, pulledAt: pulled.startedAt,
          toolVersion: orgwizVersion))
    }
    var (document, echoed) = try build(setting, source)
    if source == .inferred,
      let probed = Self.probeSetting(
        try OrgModel(document: document, source: path), path: path, org: org,
        context: context, style: style)
    {
      (document, echoed) = try build(probed, .probe)
    } else if source == .inferred {
      context.note(
        "Embedded widget sign-in support was inferred as on: an app or rule already lists "
          + "\(Grants.embeddedWidgetSwitch.governs), which Okta allows only while it is on. "
          + "Pass --embedded-widget to state it.", style: style)
    }
    if echoed > 0 {
      context.note(
        "Okta's answers held the credential orgwiz sent, in \(Phrase.count(echoed, "place")); "
          + "each is \(SecretScrubber.mark) in the model. Something between orgwiz and Okta "
          + "echoes requests back: check the proxy and the org URL.", style: style)
    }
    return try OrgModel(document: document, source: path)
  }

  /// Writes the model like a run's: locked, journaled, verified; an earlier file kept as .bak
  /// with an undo record, so that `orgwiz undo` puts it back.
  /// - Returns: whether there was an earlier file.
  private func write(
    _ model: OrgModel, replacing previous: ModelFile, session: ModelSession, path: String,
    started: Date
  ) throws -> Bool {
    var files: [WriteTransaction.File] = []
    // The model is staged (written from its document and verified) first: the undo record
    // names it.
    let staged = try ModelStore.stage(model, in: session.transaction)
    let changed = OrgWizFailure(
      .failure,
      "\(path) was changed by another program while pull was reading Okta. Nothing was "
        + "written, so those changes are kept.",
      next: "Run orgwiz pull --force again.")
    if let backup = previous.backup(otherwise: changed), let digest = previous.digest {
      files.append(backup)
      files.append(
        WriteTransaction.File(
          role: "undo",
          bytes: UndoRecord(
            backupSHA256: digest.value(), afterSHA256: staged.sha256,
            writtenAt: Timestamps(date: started).iso
          ).bytes, destination: UndoRecord.path(for: path), mode: 0o644))
    }
    files.append(staged.file)
    try session.commit(
      files, prestaged: staged.prestaged,
      unchanged: { () throws(OrgWizFailure) in
        try previous.ensureUnchanged(links: session.transaction.links, otherwise: changed)
      })
    return previous.existed
  }

  /// What was pulled, where it went, the setting, and what to do next.
  private func report(
    _ model: OrgModel, previous: Bool, path: String, org: OrgURL, requests: Int,
    setting: (Bool, PullRecord.SettingSource), context: CommandContext, style: Style
  ) {
    let counts = [
      Phrase.count(model.servers.count, "custom authorization server"),
      Phrase.count(model.apps.count, "OpenID Connect app"),
      Phrase.count(model.admins.count, "admin"),
    ]
    if let scope = model.pullScope {
      context.note(scope.sentence(in: model), style: style)
    }
    let kept = previous ? " (previous version kept in \(path).bak)" : ""
    context.stderr.write(
      style.green("Pulled ") + counts.joined(separator: ", ") + " from \(org) "
        + "(\(Phrase.count(requests, "request"))) into \(path)\(kept).\n")
    let recorded = PullRecord(model: model.document)
    context.stderr.write(
      "Embedded widget sign-in support: \((recorded?.setting ?? setting.0) ? "on" : "off") "
        + "(\((recorded?.settingSource ?? setting.1).rawValue)).\n")
    context.stderr.write(
      "Next: orgwiz --org \(SummaryRenderer.shellQuote(path)) to plan the change, then orgwiz "
        + "apply.\n")
  }

  /// What was read, when reading began, and the journal to remove once the model is written.
  struct Pulled {
    var org: PulledOrg
    var startedAt: String
    var journal: PullJournalFile?
  }

  /// Reads the org: scoped (`--server`, `--app`), or whole with a journal an interrupted pull
  /// resumes from; progress shown meanwhile, and on failure what was kept.
  private func readOrg(
    _ client: OktaClient, orgURL: OrgURL, credential: Credential, source: String, path: String,
    context: CommandContext, style: Style
  ) throws -> Pulled {
    let scoped = !servers.isEmpty || !apps.isEmpty
    let sink = LockedSink(context.stderr)
    let note: @Sendable (String) -> Void = { sink.write("Note: " + $0 + "\n") }
    let journal =
      scoped
      ? nil
      : try PullJournalFile.open(
        model: path, orgURL: orgURL.description, now: context.now(), restart: restart,
        note: note)
    let startedAt = journal?.startedAt ?? Timestamps(date: context.now()).isoMilliseconds
    if let journal, journal.resumed.pieces > 0 {
      context.stderr.write(
        "Resuming the pull of \(orgURL) started \(journal.startedAt): "
          + "\(Phrase.count(journal.resumed.pieces, "piece")) already read, which saves "
          + "about \(Phrase.count(journal.resumed.requests, "request")) (--restart reads "
          + "everything anew).\n")
    }
    context.stderr.write(
      "Reading \(orgURL) with \(source)"
        + (scoped ? " (only \(scopeWords))" : "") + "…\n")
    let progress = PullProgress(
      client: client, sink: LockedSink(context.stderr),
      terminal: context.terminal.stderrIsTerminal)
    progress.start()
    defer { progress.stop() }
    let reader = PullReader(client: client, journal: journal, progress: progress, note: note)
    do {
      let org =
        scoped
        ? try reader.readScoped(
          servers: servers, apps: apps, operator: operatorLogin, credential: credential,
          orgURL: orgURL, context: context)
        : try reader.readAll(orgURL: orgURL, context: context)
      return Pulled(org: org, startedAt: startedAt, journal: journal)
    } catch {
      progress.stop()
      if let journal {
        journal.keep()
        if journal.piecesWritten + journal.resumed.pieces > 0 {
          context.stderr.write(
            "What was read so far (\(Phrase.count(journal.piecesWritten + journal.resumed.pieces, "piece"))) "
              + "is kept in \(journal.path); pull again to go on from there.\n")
        }
      }
      throw error
    }
  }

  /// "the server api and the app Acme Mobile".
  private var scopeWords: String {
    let parts =
      (servers.isEmpty ? [] : ["server \(servers.joined(separator: ", "))"])
      + (apps.isEmpty ? [] : ["app \(apps.joined(separator: ", "))"])
    return parts.joined(separator: " and ")
  }

  /// The org setting as Okta itself shows it, or nil when no probe can tell: a public, active
  /// OpenID Connect app that lists the grant the setting governs and has a redirect URI asks to start the
  /// flow on the Org Authorization Server (as `orgwiz verify` does; nobody signs in). An
  /// interaction handle proves the setting on; Okta's `oie_not_enabled_for_interact` shows it
  /// off; any other answer (or none) leaves the inference as it was.
  static func probeSetting(
    _ model: OrgModel, path: String, org: OrgURL, context: CommandContext, style: Style
  ) -> Bool? {
    let verifier = Verifier(
      model: model, modelPath: path, context: context, secretFile: nil, noInput: true,
      timeout: 60)
    let candidates = model.apps.filter {
      $0.isActive && $0.isOIDC && $0.lists(Verifier.grant) && $0.isPublicClient
    }
    for app in candidates {
      guard
        let target = try? verifier.target(
          app: app.id, server: Okta.orgAuthorizationServer, redirectURI: nil)
      else { continue }
      let result: VerifyResult
      do {
        result = try verifier.run(target, org: org)
      } catch {
        context.note(
          "Asking Okta whether \(target.appPhrase) may start the Interaction Code flow failed "
            + "(\((error as? any UserFacingError)?.message ?? "\(error)")); the setting stays "
            + "inferred.", style: style)
        return nil
      }
      if result.answers.first?.status == 200 {
        context.note(
          "Okta let \(target.appPhrase) start the Interaction Code flow on the Org "
            + "Authorization Server, so Embedded widget sign-in support is on (learned by a "
            + "probe; nobody signed in).", style: style)
        return true
      }
      if result.reason == .orgSettingOff {
        context.note(
          "Okta refused to let \(target.appPhrase) start the Interaction Code flow: the feature "
            + "is not enabled for the org (oie_not_enabled_for_interact), so Embedded widget "
            + "sign-in support is off although the app lists the grant (learned by a probe).",
          style: style)
        return false
      }
      return nil
    }
    return nil
  }

  /// What the setting question's answers do (`?`).
  static let settingHelp =
    "yes records the setting as on; no records it as off, and a plan made on the model then "
    + "includes turning it on by hand. Either way the model is written. Not sure? Look at "
    + "Settings > Account in the Admin Console, or press Ctrl-C and pull again with "
    + "--embedded-widget on or off."

  /// How many reads run at once: well under Okta's concurrent-request limit (tens for the
  /// smallest plans), while every worker paces by the same rate-limit headers (OktaClient).
  static let workers = 4

  /// `transform` applied to every item by a few workers at once, in the items' order; the
  /// first error (in order) is thrown once all have finished.
  static func concurrentMap<Item: Sendable, Value: Sendable>(
    _ items: [Item], _ transform: @Sendable (Item) throws -> Value
  ) throws -> [Value] {
    guard items.count > 1 else { return try items.map(transform) }
    let results = ResultBox<Value>(count: items.count)
    let next = ResultBox<Int>(count: 1)
    DispatchQueue.concurrentPerform(iterations: min(workers, items.count)) { _ in
      // After a failure no new item is begun: the pull stops (and its journal keeps the rest).
      while let index = next.claim(below: items.count) {
        let result = Result { try transform(items[index]) }
        results.set(index, result)
        if case .failure = result { next.stop() }
      }
    }
    let values = results.values()
    if let failure = values.first(where: {
      if case .failure(let error) = $0, !(error is CancellationError) { true } else { false }
    }) {
      _ = try failure.get()
    }
    return try values.map { try $0.get() }
  }

  /// A group id a rule names must be an Okta id before it enters a path or a search.
  static func checkedGroupID(_ id: String) throws(OktaError) {
    guard OktaID.isValid(id) else {
      throw .malformed(
        "a rule or policy names the group id \(OktaID.shown(id)), which is not an Okta id "
          + "(letters and digits only), so orgwiz does not read it")
    }
  }

  /// The id of an object in a response, checked against Okta's id grammar before it is put in
  /// a path or the model: an id such as `../users/00u1` could steer a later request.
  static func checkedID(
    _ object: JSONValue, what: String, request: String
  ) throws(OktaError) -> String {
    let id = object["id"]?.stringValue ?? ""
    guard OktaID.isValid(id) else {
      throw .malformed(
        "\(request) answered a\(what.first.map { "aeiou".contains($0) } == true ? "n" : "") "
          + "\(what) whose id \(OktaID.shown(id)) is not an Okta id (letters and digits only)")
    }
    return id
  }

  /// A read of one object must answer that object.
  static func theObject(
    _ answer: JSONValue, id: String, what: String
  ) throws(OktaError)
    -> JSONValue
  {
    guard answer["id"]?.stringValue == id else {
      let found = answer["id"]?.stringValue.map(OktaID.shown) ?? answer.typeName
      throw .malformed(
        "GET of the \(what) \(id) answered \(found) instead of that \(what)")
    }
    return answer
  }

}

/// Results filled in by several threads, each slot once; also a shared counter.
private final class ResultBox<Value: Sendable>: Sendable {
  private struct State {
    var slots: [Result<Value, any Error>?]
    var counter = 0
    var stopped = false
  }
  private let state: Mutex<State>

  init(count: Int) { state = Mutex(State(slots: Array(repeating: nil, count: count))) }

  func set(_ index: Int, _ result: Result<Value, any Error>) {
    state.withLock { $0.slots[index] = result }
  }

  /// Takes no more claims.
  func stop() { state.withLock { $0.stopped = true } }

  /// The next index to work on, or nil when all are taken (or after ``stop()``).
  func claim(below limit: Int) -> Int? {
    state.withLock { state in
      guard state.counter < limit, !state.stopped else { return nil }
      defer { state.counter += 1 }
      return state.counter
    }
  }

  func values() -> [Result<Value, any Error>] {
    state.withLock { $0.slots.map { $0 ?? .failure(CancellationError()) } }
  }
}
