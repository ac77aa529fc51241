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

      \(OrgWiz.exitCodeHelp)
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

  @Flag(name: .customLong("no-input"), help: "Never prompt (also ORGWIZ_NO_INPUT=1).")
  var noInput = false

  @Flag(name: .customLong("no-color"), help: "No colour.")
  var noColor = false

  @Option(
    name: .customLong("lock-timeout"),
    help: ArgumentHelp("Wait up to this many seconds for another run's lock.", valueName: "seconds")
  )
  var lockTimeout: Double = 0

  func execute(_ context: CommandContext) throws -> ExitStatus {
    let style = context.style(noColor: noColor)
    let started = context.now()
    let path = context.modelPath(org)
    let timeout = try live.overallTimeout(default: 3600)
    let stated: Bool?
    switch embeddedWidget?.lowercased() {
    case nil: stated = nil
    case "on", "true", "yes": stated = true
    case "off", "false", "no": stated = false
    case let other?:
      throw OrgWizFailure(
        .usage, "--embedded-widget must be on or off, not '\(other.prefix(40))'.",
        next: "Look at Settings > Account > Embedded widget sign-in support in the Admin Console.")
    }
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
      model: path, lockTimeout: lockTimeout, startedAt: started, context: context, style: style)
    defer { session.close() }
    let client = live.client(
      context, org: orgURL, credential: credential, scopes: OktaScopes.pull, timeout: timeout)
    // An apply cut short on this model is settled first: what it did is read back and recorded.
    try ApplyJournalFile.settleBeforePull(model: path, client: client, context: context)
    var pulled = try readOrg(
      client, orgURL: orgURL, credential: credential, source: source, path: path,
      context: context, style: style)
    // The read is complete: the journal goes whatever happens next (a later pull reads anew,
    // so that it sees what changed meanwhile).
    defer { pulled.journal?.remove() }
    if pulled.org.assignmentAppsSkipped > 0 {
      context.note(
        "Read the group assignments of the first \(PullAssembler.assignmentAppLimit) apps that "
          + "can use the Interaction Code grant only; the other "
          + "\(Phrase.count(pulled.org.assignmentAppsSkipped, "app")) have none in the model, so "
          + "simulate does not check who is assigned them.", style: style)
    }
    // Whose credentials read the org: the wizard's operator defaults to that admin.
    if case .apiToken = credential, client.identity == nil {
      _ = try? client.get("/api/v1/users/me")
    }
    pulled.org.readBy = client.identity.map { login in
      if case .serviceApp = credential { "service app \(login)" } else { login }
    }

    let setting: Bool
    let settingSource: PullRecord.SettingSource
    if let stated {
      (setting, settingSource) = (stated, .flag)
    } else if PullAssembler.inferredSetting(pulled.org) {
      (setting, settingSource) = (true, .inferred)
    } else if context.canPrompt(noInput: noInput) {
      let person = context.makeInteractivePrompter(style)
      let question = Confirmation(
        prompt: "No API can read the org setting Embedded widget sign-in support. Is it on in the "
          + "Admin Console (Settings > Account > Embedded widget sign-in support)?",
        isDestructive: false, defaultYes: false, help: Self.settingHelp)
      guard let answer = try person.confirm(question) else {
        throw OrgWizFailure(
          .usage, "The org setting was not answered.", next: "Pass --embedded-widget on|off.")
      }
      (setting, settingSource) = (answer, .asked)
    } else {
      throw OrgWizFailure(
        .usage,
        "No API can read the org setting Embedded widget sign-in support, nothing in the org "
          + "shows it is on, and nobody can be asked here. Nothing was written.",
        next: "Look at Settings > Account > Embedded widget sign-in support in the Admin "
          + "Console and pass --embedded-widget on or off.")
    }
    var (document, echoed) = HeldSecrets.scrubber.scrub(
      try PullAssembler.model(
        pulled.org, setting: setting, source: settingSource, pulledAt: pulled.startedAt,
        toolVersion: orgwizVersion))
    // An inference is checked with Okta where a probe can answer.
    if settingSource == .inferred,
      let probed = Self.probeSetting(
        try OrgModel.load(JSONWriter.write(document), source: path), path: path, org: orgURL,
        context: context, style: style)
    {
      (document, echoed) = HeldSecrets.scrubber.scrub(
        try PullAssembler.model(
          pulled.org, setting: probed, source: .probe, pulledAt: pulled.startedAt,
          toolVersion: orgwizVersion))
    } else if settingSource == .inferred {
      context.note(
        "Embedded widget sign-in support was inferred as on: an app or rule already lists "
          + "\(Grants.embeddedWidgetSwitch.governs), which Okta allows only while it is on. Pass --embedded-widget to "
          + "state it.", style: style)
    }
    if echoed > 0 {
      context.note(
        "Okta's answers held the credential orgwiz sent, in \(Phrase.count(echoed, "place")); "
          + "each is \(SecretScrubber.mark) in the model. Something between orgwiz and Okta "
          + "echoes requests back: check the proxy and the org URL.", style: style)
    }
    let model = try OrgModel.load(JSONWriter.write(document), source: path)
    let bytes = model.encoded()

    // Written like a run's model: locked, journaled, verified; an earlier file kept as .bak
    // and an undo record, so that `orgwiz undo` puts it back.
    var files: [WriteTransaction.File] = []
    let previous =
      FileManager.default.fileExists(atPath: path)
      ? try FileIO.read(path, what: "org model", hint: "") : nil
    if let previous {
      files.append(
        WriteTransaction.File(
          role: "backup", bytes: previous, destination: path + ".bak", linkFrom: path))
      files.append(
        WriteTransaction.File(
          role: "undo",
          bytes: UndoRecord(
            backupSHA256: SHA256.hex(previous), afterSHA256: SHA256.hex(bytes),
            writtenAt: Timestamps(date: started).iso
          ).bytes, destination: UndoRecord.path(for: path), mode: 0o644))
    }
    files.append(
      WriteTransaction.File(role: "model", bytes: bytes, destination: path, verify: true))
    try session.commit(
      files,
      unchanged: { () throws(OrgWizFailure) in
        let now =
          FileManager.default.fileExists(atPath: path)
          ? try FileIO.read(path, what: "org model", hint: "") : nil
        guard now == previous else {
          throw OrgWizFailure(
            .failure,
            "\(path) was changed by another program while pull was reading Okta. Nothing was "
              + "written, so those changes are kept.",
            next: "Run orgwiz pull --force again.")
        }
      })
    let counts = [
      Phrase.count(model.servers.count, "custom authorization server"),
      Phrase.count(model.apps.count, "OpenID Connect app"),
      Phrase.count(model.admins.count, "admin"),
    ]
    if let scope = model.pullScope {
      context.note(scope.sentence(in: model), style: style)
    }
    let kept = previous != nil ? " (previous version kept in \(path).bak)" : ""
    let requests = Phrase.count(client.requestCount, "request")
    context.stderr.write(
      style.green("Pulled ") + counts.joined(separator: ", ") + " from \(orgURL) (\(requests)) "
        + "into \(path)\(kept).\n")
    let recorded = PullRecord(model: model.document)
    context.stderr.write(
      "Embedded widget sign-in support: \((recorded?.setting ?? setting) ? "on" : "off") "
        + "(\((recorded?.settingSource ?? settingSource).rawValue)).\n")
    context.stderr.write(
      "Next: orgwiz --org \(SummaryRenderer.shellQuote(path)) to plan the change, then orgwiz "
        + "apply.\n")
    return .success
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
