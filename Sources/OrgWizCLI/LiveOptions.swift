import ArgumentParser
import Foundation
import OrgWizCore
import OrgWizOkta
import OrgWizTerminal
import Synchronization

/// How `pull` and `apply` reach the org: its URL and the credential (never a flag value).
struct LiveOptions: ParsableArguments {
  @Option(
    name: .customLong("okta-url"),
    help: ArgumentHelp(
      "The org (acme.okta.com); else $OKTA_CLIENT_ORGURL, else okta.client.orgUrl in "
        + "~/.okta/okta.yaml.", valueName: "url"))
  var oktaURL: String?

  @Option(
    name: .customLong("token-file"),
    help: ArgumentHelp(
      "A file holding an API token (before $OKTA_CLIENT_TOKEN, $OKTA_API_TOKEN and okta.yaml).",
      valueName: "file"))
  var tokenFile: String?

  @Option(
    name: .customLong("client-id"),
    help: ArgumentHelp(
      "A service app's client id (also $OKTA_CLIENT_CLIENTID), with --private-key.",
      valueName: "id"))
  var clientID: String?

  @Option(
    name: .customLong("private-key"),
    help: ArgumentHelp(
      "The service app's private key, a PEM file (also $OKTA_CLIENT_PRIVATEKEY).",
      valueName: "file"))
  var privateKey: String?

  @Option(
    name: .customLong("key-id"),
    help: ArgumentHelp(
      "The key's id (kid), if the app has several (also $OKTA_CLIENT_KID).", valueName: "kid"))
  var keyID: String?

  @Option(
    name: .customLong("timeout"),
    help: ArgumentHelp(
      "Stop after this many seconds talking to Okta, every wait and request included "
        + "(default 3600 for pull, 600 for apply).", valueName: "seconds"))
  var timeout: String?

  /// The user's home directory, for `~/.okta/okta.yaml`.
  static func home(_ context: CommandContext) -> String {
    context.environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
  }

  /// The org URL from the flag, the environment or `okta.yaml`.
  func orgURL(_ context: CommandContext) throws -> OrgURL {
    guard
      let text = try CredentialSource.orgURL(
        option: oktaURL, environment: context.environment, home: Self.home(context))
    else {
      throw OrgWizFailure(
        .usage, "No Okta org was named.",
        next: "Pass --okta-url https://YOUR-ORG.okta.com, or set OKTA_CLIENT_ORGURL, or "
          + "okta.client.orgUrl in ~/.okta/okta.yaml.")
    }
    return try OrgURL.parse(text)
  }

  /// The org a pulled model is sent to (`apply`, `verify`): the one the user names (the flag,
  /// the environment, `okta.yaml`), which must be the org the model was pulled from, else that
  /// org, but only when the model is the user's own. A model another user owns, or one others
  /// may write, cannot choose where the user's credentials go.
  static func orgOfModel(
    named option: String?, pulledFrom pulled: String?, model path: String,
    context: CommandContext
  ) throws -> OrgURL {
    let from = try pulled.map { text in
      do {
        return try OrgURL.parse(text)
      } catch {
        throw OrgWizFailure(
          .dataError,
          "\(path): /pull/orgUrl (\(OktaID.shown(text))) is not an Okta org URL.",
          next: "Pull the org again into a new model (orgwiz pull --org NEW.json).")
      }
    }
    if let named = try CredentialSource.orgURL(
      option: option, environment: context.environment, home: home(context))
    {
      let org = try OrgURL.parse(named)
      if let from, from != org {
        throw OrgWizFailure(
          .usage,
          "\(path) was pulled from \(from), not from \(org); orgwiz sends a model only to the "
            + "org it came from.",
          next: "Leave out --okta-url (and OKTA_CLIENT_ORGURL), or pull \(org) into another "
            + "model.")
      }
      return org
    }
    guard let from else {
      throw OrgWizFailure(
        .usage, "\(path) was not pulled from an Okta org, and no org was named.",
        next: "Pass --okta-url https://YOUR-ORG.okta.com, or pull the org first (orgwiz pull).")
    }
    if let stranger = FileIO.notOwnOrShared(path) {
      throw OrgWizFailure(
        .usage,
        "\(path) \(stranger), and it names the org \(from): orgwiz sends credentials only to "
          + "an org you name, or one your own model names.",
        next: "If \(from) is your org, pass --okta-url \(from) (or OKTA_CLIENT_ORGURL).")
    }
    return from
  }

  /// The credential and where it came from.
  func credential(_ context: CommandContext) throws -> (Credential, description: String) {
    let found = try CredentialSource.resolve(
      environment: context.environment, home: Self.home(context),
      tokenFile: tokenFile.map(context.absolute), clientID: clientID,
      privateKeyFile: privateKey.map(context.absolute), keyID: keyID,
      warn: { context.stderr.write("Warning: \($0)\n") })
    if let found {
      // From here on it is scrubbed from all output and files, and no core dump is made.
      HeldSecrets.hold(found.0)
    }
    guard let found else {
      throw OrgWizFailure(
        .usage, "No Okta credential was found.",
        next: "Set OKTA_API_TOKEN (an API token of an admin who can read the org), or "
          + "okta.client.token in ~/.okta/okta.yaml, or pass --token-file FILE; or use a "
          + "service app with --client-id and --private-key.")
    }
    return found
  }

  /// A client for the org with the scopes a command needs, whose overall deadline (`timeout`
  /// seconds, from ``overallTimeout(default:)``) starts now.
  func client(
    _ context: CommandContext, org: OrgURL, credential: Credential, scopes: [String],
    timeout: Double
  ) -> OktaClient {
    let progress: ((String) -> Void)? =
      context.terminal.stderrIsTerminal ? { line in context.stderr.write(line + "\n") } : nil
    // Waits over 2 s are announced at a terminal or not (a background thread may say that an
    // answer is slow, so writes go through one lock).
    let stderr = LockedSink(context.stderr)
    let retry = Self.seconds(context.environment["ORGWIZ_RETRY_SECONDS"]) ?? 60
    let client = OktaClient(
      org: org, credential: credential, scopes: scopes, transport: context.transport(),
      progress: progress, notice: { line in stderr.write(line + "\n") },
      retryBudget: min(retry, 3600), userAgent: "orgwiz/\(orgwizVersion)")
    // What the model loader accepts bounds what a pull may read; the knobs below only ever
    // shorten bounds (the tests use them), so a release build may keep them.
    client.maximumTotalBytes = FileIO.modelSizeLimit
    if let bytes = Self.seconds(context.environment["ORGWIZ_MAX_READ_BYTES"]), bytes >= 1 {
      client.maximumTotalBytes = min(FileIO.modelSizeLimit, Int(min(bytes, 1e15)))
    }
    if let pages = Self.seconds(context.environment["ORGWIZ_MAX_PAGES"]), pages >= 1 {
      client.maximumPages = min(client.maximumPages, Int(min(pages, 1e9)))
    }
    if let wait = Self.seconds(context.environment["ORGWIZ_WAIT_SECONDS"]), wait > 0 {
      client.timeout = min(client.timeout, wait)
      client.maximumRequestSeconds = min(client.maximumRequestSeconds, wait * 4)
    }
    client.startDeadline(seconds: timeout)
    return client
  }

  /// A non-negative finite number from the environment, else nil.
  private static func seconds(_ text: String?) -> Double? {
    guard let text, let value = Double(text), value.isFinite, value >= 0 else { return nil }
    return value
  }
}

// MARK: - The overall deadline

extension LiveOptions {
  /// The longest `--timeout` accepted: a week.
  static let maximumTimeout: Double = 604_800

  /// `--timeout` in seconds, else `seconds`: a positive number of at most a week (64 else).
  func overallTimeout(default seconds: Double) throws -> Double {
    guard let timeout else { return seconds }
    let trimmed = timeout.trimmingCharacters(in: .whitespaces)
    guard let value = Double(trimmed), value.isFinite, value > 0, value <= Self.maximumTimeout
    else {
      throw OrgWizFailure(
        .usage,
        "--timeout must be a number of seconds above 0 and at most \(Int(Self.maximumTimeout)) "
          + "(a week), not '\(timeout.prefix(40))'.",
        next: "Give the most seconds the command may spend talking to Okta, for example "
          + "--timeout \(Int(seconds)) (the default).")
    }
    return value
  }
}

/// A sink shared with a background thread: one write at a time.
final class LockedSink: Sendable {
  private let lock = Mutex(())
  /// Not Sendable (a ``TextSink`` is a class the command also writes to), so it cannot be moved
  /// into the mutex; every write through this wrapper holds the mutex, which is what makes
  /// sharing it sound.
  private nonisolated(unsafe) let sink: any TextSink

  init(_ sink: any TextSink) { self.sink = sink }

  func write(_ text: String) {
    lock.withLock { _ in sink.write(text) }
  }
}
