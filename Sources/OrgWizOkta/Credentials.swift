import Foundation
import OrgWizCore
import Yams

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// How orgwiz authenticates to Okta. The secrets in it are never printed or written.
public enum Credential: Sendable {
  /// An API token, sent as `Authorization: SSWS <token>`.
  case apiToken(String)
  /// An OAuth 2.0 service app: client credentials with a `private_key_jwt` client assertion.
  case serviceApp(clientID: String, privateKeyPEM: String, keyID: String?)
}

extension Credential: CustomStringConvertible {
  /// What kind of credential this is, without any secret.
  public var description: String {
    switch self {
    case .apiToken: "an API token"
    case .serviceApp(let clientID, _, _): "service app \(EscapedText.clip(clientID, 80))"
    }
  }
}

/// Finds the credentials in the places the contract names, in its order.
public enum CredentialSource {
  /// The largest `okta.yaml`, token file or private key file read (64 KiB).
  public static let maximumFileBytes = 64 << 10

  /// The credential and where it came from (no secret in it), or nil when none is configured.
  ///
  /// What is named on the command line wins, then the environment, then the config file, as in
  /// `gh` and `terraform`:
  /// 1. `--token-file`, or `--client-id`/`--private-key` (a service app; naming both kinds is a
  ///    usage error);
  /// 2. `OKTA_CLIENT_TOKEN` or `OKTA_API_TOKEN`; then a service app from
  ///    `OKTA_CLIENT_CLIENTID` and `OKTA_CLIENT_PRIVATEKEY` (a PEM file, or the PEM text);
  /// 3. `okta.client.token` in `~/.okta/okta.yaml`.
  ///
  /// `warn` is told of a secret file that other users can read, and of `okta.yaml` settings
  /// orgwiz does not use.
  public static func resolve(
    environment: [String: String], home: String, tokenFile: String?, clientID: String?,
    privateKeyFile: String?, keyID: String?, warn: (String) -> Void = { _ in }
  ) throws(OktaError) -> (Credential, description: String)? {
    let kid = nonEmpty(keyID) ?? nonEmpty(environment["OKTA_CLIENT_KID"])
    let serviceAppFlags = nonEmpty(clientID) != nil || nonEmpty(privateKeyFile) != nil
    if let tokenFile = nonEmpty(tokenFile) {
      guard !serviceAppFlags else {
        throw .credentials(
          "Both --token-file and a service app (--client-id, --private-key) were given.",
          next: "Give one credential: an API token file, or the service app's client id and key.",
          status: .usage)
      }
      return try fromTokenFile(tokenFile, warn: warn)
    }
    if serviceAppFlags {
      return try serviceApp(
        clientID: nonEmpty(clientID) ?? nonEmpty(environment["OKTA_CLIENT_CLIENTID"]),
        keyFile: nonEmpty(privateKeyFile),
        keyVariable: nonEmpty(environment["OKTA_CLIENT_PRIVATEKEY"]),
        keyID: kid, warn: warn)
    }
    for name in ["OKTA_CLIENT_TOKEN", "OKTA_API_TOKEN"] {
      if let token = nonEmpty(environment[name]) {
        return (.apiToken(try checkedToken(token, from: name)), name)
      }
    }
    let envClient = nonEmpty(environment["OKTA_CLIENT_CLIENTID"])
    let envKey = nonEmpty(environment["OKTA_CLIENT_PRIVATEKEY"])
    if envClient != nil || envKey != nil {
      return try serviceApp(
        clientID: envClient, keyFile: nil, keyVariable: envKey, keyID: kid, warn: warn)
    }
    if let config = try OktaConfigFile.read(home: home) {
      config.unused.forEach { warn(OktaConfigFile.unusedWarning($0)) }
      if let token = nonEmpty(config.token) {
        warnIfReadable(config.path, shownAs: OktaConfigFile.displayPath, warn: warn)
        return (
          .apiToken(try checkedToken(token, from: OktaConfigFile.displayPath)),
          OktaConfigFile.displayPath
        )
      }
    }
    return nil
  }

  private static func fromTokenFile(
    _ tokenFile: String, warn: (String) -> Void
  ) throws(OktaError) -> (Credential, description: String) {
    let text = try readSecretFile(tokenFile, what: "The token file", flag: "--token-file")
    let token = text.trimmingCharacters(in: .whitespacesAndNewlines)
    guard !token.isEmpty else {
      throw .credentials(
        "The token file \(OktaError.quote(tokenFile)) (--token-file) is empty.",
        next: "Put the API token on the file's first line.", status: .dataError)
    }
    warnIfReadable(expand(tokenFile), shownAs: tokenFile, warn: warn)
    return (.apiToken(try checkedToken(token, from: "--token-file")), "--token-file \(tokenFile)")
  }

  /// Warns when a file that holds a secret can be read by users other than its owner.
  static func warnIfReadable(_ path: String, shownAs: String, warn: (String) -> Void) {
    var info = stat()
    guard stat(path, &info) == 0, info.st_mode & 0o044 != 0 else { return }
    let mode = String(info.st_mode & 0o777, radix: 8)
    warn(
      "\(OktaError.quote(shownAs)) holds a secret and other users can read it (mode \(mode)); "
        + "orgwiz used it anyway. Run chmod 600 \(OktaError.quote(shownAs)).")
  }

  static func expand(_ path: String) -> String {
    path.hasPrefix("~/") ? NSHomeDirectory() + path.dropFirst(1) : path
  }

  /// The org URL: `--okta-url`, else `OKTA_CLIENT_ORGURL`, else `okta.client.orgUrl` in
  /// `~/.okta/okta.yaml` (an okta.yaml that cannot be read is an error that names it, never
  /// taken as absent). Not parsed; see ``OrgURL``.
  public static func orgURL(
    option: String?, environment: [String: String], home: String
  ) throws(OktaError) -> String? {
    if let option = nonEmpty(option) { return option }
    if let variable = nonEmpty(environment["OKTA_CLIENT_ORGURL"]) { return variable }
    return nonEmpty(try OktaConfigFile.read(home: home)?.orgURL)
  }

  private static func serviceApp(
    clientID: String?, keyFile: String?, keyVariable: String?, keyID: String?,
    warn: (String) -> Void
  ) throws(OktaError) -> (Credential, description: String) {
    guard let clientID else {
      throw .credentials(
        "A service app's private key is configured, but not its client id.",
        next: "Give the service app's client id with --client-id or OKTA_CLIENT_CLIENTID.",
        status: .usage)
    }
    guard clientID.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }),
      clientID.count <= 200
    else {
      throw .credentials(
        "The service app client id \(OktaError.quote(clientID)) is not an Okta client id.",
        next: "Copy the Client ID from the app's General tab in the Admin Console.", status: .usage
      )
    }
    let pem: String
    if let keyFile {
      pem = try readSecretFile(keyFile, what: "The private key file", flag: "--private-key")
      warnIfReadable(expand(keyFile), shownAs: keyFile, warn: warn)
    } else if let keyVariable {
      if keyVariable.contains("-----BEGIN") {
        pem = keyVariable
      } else {
        pem = try readSecretFile(
          keyVariable, what: "The private key file", flag: "OKTA_CLIENT_PRIVATEKEY")
        warnIfReadable(expand(keyVariable), shownAs: keyVariable, warn: warn)
      }
    } else {
      throw .credentials(
        "The service app \(EscapedText.clip(clientID, 80)) is configured without a private key.",
        next:
          "Give its PEM private key file with --private-key or OKTA_CLIENT_PRIVATEKEY (a path, "
          + "or the PEM text).",
        status: .usage)
    }
    _ = try ClientAssertion.signingKey(pem)
    if let keyID, !keyID.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }) {
      throw .credentials(
        "The key id (--key-id or OKTA_CLIENT_KID) has spaces or control characters.",
        next: "Copy the KID from the app's Public keys list in the Admin Console.", status: .usage)
    }
    return (
      .serviceApp(clientID: clientID, privateKeyPEM: pem, keyID: keyID),
      "service app \(clientID)"
    )
  }

  /// A token must be one header-safe word; the message never repeats it.
  private static func checkedToken(
    _ token: String, from source: String
  ) throws(OktaError)
    -> String
  {
    guard token.count <= 4096,
      token.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F })
    else {
      throw .credentials(
        "The API token from \(source) has spaces, control or non-ASCII characters, so it is "
          + "not an Okta API token (it is not shown here).",
        next:
          "Set it to the token exactly as the Admin Console showed it (Security > API > Tokens).",
        status: .dataError)
    }
    return token
  }

  private static func readSecretFile(
    _ path: String, what: String, flag: String
  )
    throws(OktaError) -> String
  {
    switch BoundedFile.read(credentials: expand(path), limit: maximumFileBytes) {
    case .contents(let bytes):
      guard let text = String(validating: bytes, as: UTF8.self) else {
        throw .credentials(
          "\(what) \(OktaError.quote(path)) (\(flag)) is not UTF-8 text.",
          next: "Give the PEM or token text file itself.", status: .dataError)
      }
      return text
    case .missing:
      throw .credentials(
        "\(what) \(OktaError.quote(path)) (\(flag)) does not exist.",
        next: "Check the path.", status: .noInput)
    case .notRegular:
      throw .credentials(
        "\(what) \(OktaError.quote(path)) (\(flag)) is not a regular file.",
        next: "Give a regular file.", status: .noInput)
    case .tooLarge:
      throw .credentials(
        "\(what) \(OktaError.quote(path)) (\(flag)) is larger than \(maximumFileBytes >> 10) KiB.",
        next: "Give the file that holds only the token or the PEM key.", status: .dataError)
    case .unreadable(let reason):
      throw .credentials(
        "\(what) \(OktaError.quote(path)) (\(flag)) cannot be read: \(reason).",
        next: "Check its permissions.", status: .noInput)
    }
  }

  /// A confidential app's client secret from `--client-secret-file` (its first line, trimmed),
  /// with a warning when others can read the file.
  public static func clientSecret(
    file: String, warn: (String) -> Void
  ) throws(OktaError) -> String {
    let text = try readSecretFile(
      file, what: "The client secret file", flag: "--client-secret-file")
    let secret = text.trimmingCharacters(in: .whitespacesAndNewlines)
    guard !secret.isEmpty, !secret.contains(where: \.isNewline) else {
      throw .credentials(
        "The client secret file \(OktaError.quote(file)) (--client-secret-file) is empty or holds "
          + "more than one line.",
        next: "Put the app's client secret, and nothing else, in the file.", status: .dataError)
    }
    warnIfReadable(expand(file), shownAs: file, warn: warn)
    return secret
  }

  private static func nonEmpty(_ text: String?) -> String? {
    guard let text, !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
      return nil
    }
    return text
  }
}

/// `~/.okta/okta.yaml`, the Okta SDKs' and okta-cli's configuration file.
struct OktaConfigFile {
  static let displayPath = "~/.okta/okta.yaml"
  var path = ""
  var orgURL: String?
  var token: String?
  /// Settings under `okta.client` that orgwiz does not use (`proxy`, `clientId`, ...).
  var unused: [String] = []

  /// The `okta.client` settings orgwiz reads.
  static let used: Set<String> = ["orgUrl", "token"]

  static func unusedWarning(_ key: String) -> String {
    let why: String
    switch key {
    case "proxy":
      why =
        "orgwiz reaches Okta through libcurl, which takes its proxy from https_proxy (and "
        + "NO_PROXY): set those instead"
    case "authorizationMode", "clientId", "privateKey", "scopes", "kid":
      why =
        "orgwiz takes a service app from --client-id and --private-key (or OKTA_CLIENT_CLIENTID "
        + "and OKTA_CLIENT_PRIVATEKEY), not from this file"
    default:
      why = "orgwiz reads only okta.client.orgUrl and okta.client.token there"
    }
    return "\(displayPath) sets okta.client.\(EscapedText.clip(key, 60)), which orgwiz does not "
      + "use: \(why)."
  }

  /// nil when the file does not exist.
  static func read(home: String) throws(OktaError) -> OktaConfigFile? {
    let path = (home.hasSuffix("/") ? String(home.dropLast()) : home) + "/.okta/okta.yaml"
    let bytes: [UInt8]
    switch BoundedFile.read(credentials: path, limit: CredentialSource.maximumFileBytes) {
    case .missing:
      return nil
    case .contents(let contents):
      bytes = contents
    case .notRegular:
      throw problem("is not a regular file", status: .noInput)
    case .tooLarge:
      throw problem(
        "is larger than \(CredentialSource.maximumFileBytes >> 10) KiB", status: .dataError)
    case .unreadable(let reason):
      throw problem("cannot be read (\(reason))", status: .noInput)
    }
    guard let text = String(validating: bytes, as: UTF8.self) else {
      throw problem("is not UTF-8 text", status: .dataError)
    }
    if let line = YAMLGuard.firstReference(in: text)?.line {
      throw problem(
        "uses a YAML anchor or alias (line \(line)), which orgwiz does not read",
        status: .dataError)
    }
    let node: Node?
    do {
      node = try Yams.compose(yaml: text)
    } catch {
      throw problem("is not valid YAML", status: .dataError)
    }
    guard let node else { return OktaConfigFile(path: path) }
    guard let client = node["okta"]?["client"] else { return OktaConfigFile(path: path) }
    let keys = client.mapping?.keys.compactMap { $0.scalar?.string } ?? []
    return OktaConfigFile(
      path: path, orgURL: client["orgUrl"]?.scalar?.string,
      token: client["token"]?.scalar?.string,
      unused: keys.filter { !used.contains($0) }.sorted())
  }

  private static func problem(_ what: String, status: ExitStatus) -> OktaError {
    .credentials(
      "\(displayPath) \(what).",
      next:
        "Fix or move the file, or give the credentials another way (OKTA_API_TOKEN, "
        + "--token-file, or a service app).",
      status: status)
  }
}
