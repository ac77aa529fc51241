import ArgumentParser
import Foundation
import OrgWizCore
import OrgWizOkta
import OrgWizTerminal

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

  /// The user's home directory, for `~/.okta/okta.yaml`.
  static func home(_ context: CommandContext) -> String {
    context.environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
  }

  /// The org URL from the flag, the environment or `okta.yaml`, else `fallback`.
  func orgURL(_ context: CommandContext, fallback: String? = nil) throws -> OrgURL {
    let text =
      CredentialSource.orgURL(
        option: oktaURL, environment: context.environment, home: Self.home(context)) ?? fallback
    guard let text else {
      throw OrgWizFailure(
        .usage, "No Okta org was named.",
        next: "Pass --okta-url https://YOUR-ORG.okta.com, or set OKTA_CLIENT_ORGURL, or "
          + "okta.client.orgUrl in ~/.okta/okta.yaml.")
    }
    return try OrgURL.parse(text)
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

  /// A client for the org with the scopes a command needs.
  func client(
    _ context: CommandContext, org: OrgURL, credential: Credential, scopes: [String]
  ) -> OktaClient {
    let progress: ((String) -> Void)? =
      context.terminal.stderrIsTerminal ? { line in context.stderr.write(line + "\n") } : nil
    let retry = Double(context.environment["ORGWIZ_RETRY_SECONDS"] ?? "") ?? 60
    return OktaClient(
      org: org, credential: credential, scopes: scopes, transport: context.transport(),
      progress: progress, retryBudget: retry, userAgent: "orgwiz/\(orgwizVersion)")
  }
}
