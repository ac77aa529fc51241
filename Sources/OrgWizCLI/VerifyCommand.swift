import ArgumentParser
import Foundation
import OrgWizCore
import OrgWizJSON
import OrgWizOkta
import OrgWizTerminal

/// `orgwiz verify`: proves against the live org, without signing anyone in, that the app can
/// start the Interaction Code flow on the server.
struct VerifyCommand: ContextCommand {
  static let configuration = CommandConfiguration(
    commandName: "verify",
    abstract: "Ask the live org whether the app can start the Interaction Code flow (nobody "
      + "signs in).",
    discussion: """
      Sends the app's own POST {issuer}/v1/interact (scope openid, a registered redirect URI, \
      a fresh PKCE S256 challenge and a random state) and, when Okta answers an interaction \
      handle, POST {org}/idp/idx/introspect, and reads whether Okta offers a sign-in. No \
      Management API token is needed or sent. --app and --server default to the app and \
      server of the last run on this model.

      A confidential web app authenticates as itself: --client-secret-file FILE, else \
      $ORGWIZ_CLIENT_SECRET, else the secret is asked with echo off at a terminal. The \
      secret, the state, the PKCE verifier and the interaction handle are never printed or \
      written.

      Exit 0 when Okta lets the app start the flow; 1 when it does not, with the reason \
      (org-setting-off, app-lacks-grant, no-matching-policy, redirect-uri, pkce-required, \
      client-auth, invalid-client, invalid-server, other) and its fix.

      \(OrgWiz.exitCodes(.success, .failure, .usage, .dataError, .noInput, .unavailable, .cannotCreate, .locked, .interrupted))
      """)

  @Option(name: .long, help: ArgumentHelp("The org model file.", valueName: "file"))
  var org: String = "org.json"

  @Option(
    name: .customLong("okta-url"),
    help: ArgumentHelp(
      "The org; else $OKTA_CLIENT_ORGURL, okta.yaml, or the URL the model was pulled from.",
      valueName: "url"))
  var oktaURL: String?

  @Option(
    help: ArgumentHelp(
      "The app: label, id or client id (default: the last run's).", valueName: "app"))
  var app: String?

  @Option(
    help: ArgumentHelp(
      "The server: name, id or org-authorization-server (default: the last run's).",
      valueName: "server"))
  var server: String?

  @Option(
    name: .customLong("redirect-uri"),
    help: ArgumentHelp(
      "A sign-in redirect URI of the app (default: its first).", valueName: "uri"))
  var redirectURI: String?

  @Option(
    name: .customLong("client-secret-file"),
    help: ArgumentHelp(
      "A file holding a confidential app's client secret (else $ORGWIZ_CLIENT_SECRET).",
      valueName: "file"))
  var clientSecretFile: String?

  @Option(
    help: ArgumentHelp("Stop after this many seconds.", valueName: "seconds"))
  var timeout: Double = 600

  @Flag(name: .long, help: "Print the result as JSON on stdout.")
  var json = false

  @OptionGroup var input: InputOptions

  @OptionGroup var color: ColorOptions

  func execute(_ context: CommandContext) throws -> ExitStatus {
    guard timeout > 0, timeout.isFinite, timeout <= LiveOptions.maximumTimeout else {
      throw OrgWizFailure(
        .usage,
        "--timeout must be a number of seconds above 0 and at most "
          + "\(Int(LiveOptions.maximumTimeout)) (a week).",
        next: "Give the most seconds verify may spend talking to Okta, for example --timeout 600 "
          + "(the default).")
    }
    let path = context.modelPath(org)
    let model = try ModelStore.read(
      path, source: org, hint: "Pull one first: orgwiz pull --org FILE.")
    let (appName, serverName) = try Self.choice(app: app, server: server, model: path)
    let verifier = Verifier(
      model: model, modelPath: path, context: context, secretFile: clientSecretFile,
      noInput: input.noInput, timeout: timeout)
    let target = try verifier.target(app: appName, server: serverName, redirectURI: redirectURI)
    let orgURL = try Self.orgURL(oktaURL, model: model, path: path, context: context)
    context.stderr.write(
      "Asking \(orgURL) whether \(target.appPhrase) can start the \(Verifier.grant.name) flow on "
        + "\(target.serverPhrase) (nobody signs in)…\n")
    let result = try verifier.run(target, org: orgURL)
    Self.show(result, json: json, to: context.stdout)
    try Self.record(
      result, model: path, style: context.style(noColor: color.noColor), context: context)
    return result.works ? .success : .failure
  }

  /// Adds `## Verified in Okta` to the change record of the last run on a pulled model, under
  /// the model's lock, and says where it is.
  static func record(
    _ result: VerifyResult, model: String, style: Style, context: CommandContext
  ) throws {
    // No lock is taken for a model with no change record.
    guard FileManager.default.fileExists(atPath: ChangeRecordLink.path(for: model)) else {
      return
    }
    let session = try ModelSession.open(
      model: model, lockTimeout: 10, startedAt: context.now(), context: context, style: style)
    defer { session.close() }
    // Read under the lock: another command may be adding to it.
    guard let current = ChangeRecordLink.read(model: model) else { return }
    try session.commit(
      [
        ChangeRecordLink.file(
          current, stage: ChangeRecord.stage(afterVerifying: result.works, in: current.text),
          section: ChangeRecord.verifiedSection(
            result, at: Timestamps(date: context.now()).iso))
      ], unchanged: {})
    context.stderr.write("Change record: \(current.path)\n")
  }

  /// `--app` and `--server`, else the last run's (its undo record).
  static func choice(
    app: String?, server: String?, model: String
  ) throws(OrgWizFailure) -> (app: String, server: String) {
    let last = UndoRecord.read(model: model)
    // The last run's choices are this flow's only for a procedure whose grant it is.
    if app == nil, let type = last?.grant, type != Verifier.grant.type {
      let name = Grants.facts(for: type)?.phrase ?? type
      throw OrgWizFailure(
        .usage,
        "The last run on \(model) turned on \(name); orgwiz verify can ask Okta only whether an "
          + "app can start the \(Verifier.grant.name) flow (POST …/v1/interact), which no other "
          + "grant has a way to ask without signing someone in or minting a token.",
        next: "Check the change with orgwiz simulate --org \(model) (it evaluates the model), "
          + "or pass --app and --server to verify an app's \(Verifier.grant.name) flow.")
    }
    guard let app = app ?? last?.app, let server = server ?? last?.server else {
      let missing = [app == nil ? "--app" : nil, server == nil ? "--server" : nil]
        .compactMap { $0 }.joined(separator: " and ")
      throw OrgWizFailure(
        .usage,
        "No run on \(model) chose an app and a server to verify, and \(missing) "
          + "\(missing.contains(" and ") ? "were" : "was") not given.",
        next: "Pass --app APP and --server SERVER (a name or id, or org-authorization-server).")
    }
    return (app, server)
  }

  /// `--okta-url`, the environment or okta.yaml, else the org the model was pulled from; a
  /// pulled model is verified only against its own org.
  static func orgURL(
    _ option: String?, model: OrgModel, path: String, context: CommandContext
  ) throws -> OrgURL {
    try LiveOptions.orgOfModel(
      named: option, pulledFrom: PullRecord(model: model.document)?.orgURL, model: path,
      context: context)
  }

  /// The result on stdout: JSON, or its lines.
  static func show(_ result: VerifyResult, json: Bool, to sink: any TextSink) {
    if json {
      sink.write(JSONWriter.string(result.json))
    } else {
      sink.write(
        result.lines.map { VisibleText.visibleOnOneLine($0) + "\n" }.joined())
    }
  }
}
