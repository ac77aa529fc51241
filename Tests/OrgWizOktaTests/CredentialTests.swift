import Crypto
import Foundation
import OrgWizJSON
import Testing
import _CryptoExtras

@testable import OrgWizOkta

/// A fresh RSA key for a test service app, and its public key as PEM.
struct TestKey {
  let privateKey: _RSA.Signing.PrivateKey
  var privatePEM: String { privateKey.pemRepresentation }
  var publicPEM: String { privateKey.publicKey.pemRepresentation }

  init() throws {
    privateKey = try _RSA.Signing.PrivateKey(keySize: .bits2048)
  }

  /// The base64 body lines of the private key, which no message may contain.
  var secretLines: [String] {
    privatePEM.split(separator: "\n").filter { !$0.hasPrefix("-----") }.map(String.init)
  }
}

/// A temporary directory removed by `remove()`.
struct TempDir {
  let url: URL
  var path: String { url.path }

  init() throws {
    url = FileManager.default.temporaryDirectory.appendingPathComponent(
      "orgwiz-okta-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  }

  func write(_ name: String, _ text: String) throws -> String {
    let file = url.appendingPathComponent(name)
    try FileManager.default.createDirectory(
      at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data(text.utf8).write(to: file)
    return file.path
  }

  func remove() { try? FileManager.default.removeItem(at: url) }
}

@Suite struct ClientAssertionTests {
  @Test func jwtShapeAndSignature() throws {
    let key = try TestKey()
    let jwt = try ClientAssertion.make(
      clientID: "0oa9svc", privateKeyPEM: key.privatePEM, keyID: "kid-1",
      audience: "https://acme.okta.com/oauth2/v1/token", issuedAt: 1_700_000_000, jti: "j-1")
    let parts = jwt.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
    try #require(parts.count == 3)
    #expect(!jwt.contains("=") && !jwt.contains("+") && !jwt.contains("/"))
    let header = try JSONParser.parse(try #require(ClientAssertion.base64URLDecode(parts[0])))
    let claims = try JSONParser.parse(try #require(ClientAssertion.base64URLDecode(parts[1])))
    #expect(header == ["alg": "RS256", "kid": "kid-1", "typ": "JWT"])
    #expect(claims["iss"] == "0oa9svc")
    #expect(claims["sub"] == "0oa9svc")
    #expect(claims["aud"] == "https://acme.okta.com/oauth2/v1/token")
    #expect(claims["iat"]?.intValue == 1_700_000_000)
    #expect(claims["exp"]?.intValue == 1_700_000_300)
    #expect(claims["jti"] == "j-1")
    // RSASSA-PKCS1-v1_5 with SHA-256 over "header.claims", checked with the public key.
    let signature = _RSA.Signing.RSASignature(
      rawRepresentation: try #require(ClientAssertion.base64URLDecode(parts[2])))
    let publicKey = try _RSA.Signing.PublicKey(pemRepresentation: key.publicPEM)
    let signed = Array((parts[0] + "." + parts[1]).utf8)
    #expect(
      publicKey.isValidSignature(
        signature, for: SHA256.hash(data: signed), padding: .insecurePKCS1v1_5))
    #expect(
      !publicKey.isValidSignature(
        signature, for: SHA256.hash(data: signed + [0x20]), padding: .insecurePKCS1v1_5))
  }

  @Test func noKeyIDMeansNoKidHeader() throws {
    let key = try TestKey()
    let jwt = try ClientAssertion.make(
      clientID: "c", privateKeyPEM: key.privatePEM, keyID: nil, audience: "a", issuedAt: 0,
      jti: "j")
    let header = String(jwt.split(separator: ".")[0])
    #expect(
      try JSONParser.parse(try #require(ClientAssertion.base64URLDecode(header)))
        == ["alg": "RS256", "typ": "JWT"])
  }

  @Test func aBadKeyIsNamedButNotShown() throws {
    let key = try TestKey()
    let broken = key.privatePEM.replacingOccurrences(of: "A", with: "B")
    do {
      _ = try ClientAssertion.signingKey(broken)
      Issue.record("a corrupted key was accepted")
    } catch {
      #expect(error.exitStatus.rawValue == 65)
      for line in key.secretLines { #expect(!error.description.contains(line)) }
      #expect(!error.description.contains(broken))
    }
  }
}

@Suite struct CredentialSourceTests {
  let none: [String: String] = [:]

  func resolve(
    _ environment: [String: String], home: String = "/nonexistent", tokenFile: String? = nil,
    clientID: String? = nil, privateKeyFile: String? = nil, keyID: String? = nil
  ) throws(OktaError) -> (Credential, description: String)? {
    try CredentialSource.resolve(
      environment: environment, home: home, tokenFile: tokenFile, clientID: clientID,
      privateKeyFile: privateKeyFile, keyID: keyID)
  }

  func token(_ result: (Credential, description: String)?) -> String? {
    if case .apiToken(let token)? = result?.0 { return token }
    return nil
  }

  // The contract's order: what is named on the command line, then the environment, then the
  // config file (as in gh and terraform).
  @Test func tokenFileThenEnvironmentThenOktaYAML() throws {
    let home = try TempDir()
    defer { home.remove() }
    _ = try home.write(
      ".okta/okta.yaml",
      "okta:\n  client:\n    orgUrl: https://acme.okta.com\n    token: yamlTOKEN\n")
    let file = try home.write("token.txt", "  fileTOKEN\n")
    let both = ["OKTA_CLIENT_TOKEN": "clientTOKEN", "OKTA_API_TOKEN": "apiTOKEN"]
    let fromFile = try resolve(both, home: home.path, tokenFile: file)
    #expect(token(fromFile) == "fileTOKEN" && fromFile?.1 == "--token-file \(file)")
    let first = try resolve(both, home: home.path)
    #expect(token(first) == "clientTOKEN" && first?.1 == "OKTA_CLIENT_TOKEN")
    let api = try resolve(["OKTA_API_TOKEN": "apiTOKEN"], home: home.path)
    #expect(token(api) == "apiTOKEN" && api?.1 == "OKTA_API_TOKEN")
    let yaml = try resolve(none, home: home.path)
    #expect(token(yaml) == "yamlTOKEN" && yaml?.1 == "~/.okta/okta.yaml")
    #expect(try resolve(none) == nil)
    for result in [first, api, yaml, fromFile] {
      let description = result?.1 ?? ""
      for secret in ["clientTOKEN", "apiTOKEN", "yamlTOKEN", "fileTOKEN"] {
        #expect(!description.contains(secret))
      }
    }
  }

  @Test func aTokenFileAndAServiceAppTogetherAreAUsageError() throws {
    let home = try TempDir()
    defer { home.remove() }
    let file = try home.write("token.txt", "fileTOKEN\n")
    #expect(throws: OktaError.self) {
      try resolve(none, home: home.path, tokenFile: file, clientID: "0oaSERVICE1")
    }
  }

  @Test func orgURLOrder() throws {
    let home = try TempDir()
    defer { home.remove() }
    _ = try home.write(".okta/okta.yaml", "okta:\n  client:\n    orgUrl: https://yaml.okta.com\n")
    let environment = ["OKTA_CLIENT_ORGURL": "https://env.okta.com"]
    #expect(
      try CredentialSource.orgURL(
        option: "flag.okta.com", environment: environment, home: home.path)
        == "flag.okta.com")
    #expect(
      try CredentialSource.orgURL(option: nil, environment: environment, home: home.path)
        == "https://env.okta.com")
    #expect(
      try CredentialSource.orgURL(option: nil, environment: none, home: home.path)
        == "https://yaml.okta.com")
    #expect(
      try CredentialSource.orgURL(option: nil, environment: none, home: "/nonexistent") == nil)
  }

  @Test func hostileOktaYAMLIsRefusedQuickly() throws {
    let home = try TempDir()
    defer { home.remove() }
    // A billion laughs: refused before Yams sees it.
    var laughs = "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
    for index in 1..<12 {
      let previous = String(UnicodeScalar(UInt8(96 + index)))
      let name = String(UnicodeScalar(UInt8(97 + index)))
      laughs +=
        "\(name): &\(name) ["
        + Array(repeating: "*\(previous)", count: 9).joined(
          separator: ",") + "]\n"
    }
    _ = try home.write(".okta/okta.yaml", laughs)
    #expect(throws: OktaError.self) { try resolve(none, home: home.path) }
    do {
      _ = try resolve(none, home: home.path)
    } catch {
      #expect(error.exitStatus.rawValue == 65)
      #expect(error.message.contains("~/.okta/okta.yaml"))
    }
    // Too large.
    _ = try home.write(".okta/okta.yaml", String(repeating: "# x\n", count: 20_000))
    #expect(throws: OktaError.self) { try resolve(none, home: home.path) }
    // Not YAML at all.
    _ = try home.write(".okta/okta.yaml", "okta: [unclosed\n  client: {")
    #expect(throws: OktaError.self) { try resolve(none, home: home.path) }
    // A token that is not a token is refused without being shown.
    _ = try home.write(".okta/okta.yaml", "okta:\n  client:\n    token: \"two words\\u0007\"\n")
    do {
      _ = try resolve(none, home: home.path)
      Issue.record("a token with spaces was accepted")
    } catch {
      #expect(!error.description.contains("two words"))
    }
  }

  @Test func aFIFOIsRefusedWithoutHanging() throws {
    let home = try TempDir()
    defer { home.remove() }
    try FileManager.default.createDirectory(
      atPath: home.path + "/.okta", withIntermediateDirectories: true)
    #expect(mkfifo(home.path + "/.okta/okta.yaml", 0o600) == 0)
    do {
      _ = try resolve(none, home: home.path)
      Issue.record("a FIFO was read")
    } catch {
      #expect(error.exitStatus.rawValue == 66)
      #expect(error.message.contains("not a regular file"))
    }
    #expect(mkfifo(home.path + "/fifo", 0o600) == 0)
    #expect(throws: OktaError.self) { try resolve(none, tokenFile: home.path + "/fifo") }
  }

  @Test func serviceAppFromFlagsAndFromEnvironment() throws {
    let key = try TestKey()
    let directory = try TempDir()
    defer { directory.remove() }
    let keyFile = try directory.write("key.pem", key.privatePEM)
    // Flags choose the service app even when a token is in the environment.
    let flags = try resolve(
      ["OKTA_API_TOKEN": "apiTOKEN"], clientID: "0oa9svc", privateKeyFile: keyFile, keyID: "k1")
    guard case .serviceApp(let id, let pem, let kid)? = flags?.0 else {
      Issue.record("not a service app")
      return
    }
    #expect(id == "0oa9svc" && pem == key.privatePEM && kid == "k1")
    #expect(flags?.1 == "service app 0oa9svc")
    // PEM text in OKTA_CLIENT_PRIVATEKEY, or a path in it.
    for value in [key.privatePEM, keyFile] {
      let environment = [
        "OKTA_CLIENT_CLIENTID": "0oa9svc", "OKTA_CLIENT_PRIVATEKEY": value, "OKTA_CLIENT_KID": "k2",
      ]
      let fromEnvironment = try resolve(environment)
      guard case .serviceApp(_, let pem, let kid)? = fromEnvironment?.0 else {
        Issue.record("not a service app")
        return
      }
      #expect(pem == key.privatePEM && kid == "k2")
    }
    // Half a service app is a usage error naming what is missing.
    do {
      _ = try resolve(none, clientID: "0oa9svc")
      Issue.record("accepted without a key")
    } catch {
      #expect(error.exitStatus.rawValue == 64 && error.nextStep.contains("--private-key"))
    }
    do {
      _ = try resolve(none, privateKeyFile: directory.path + "/missing.pem")
      Issue.record("accepted without a client id")
    } catch {
      #expect(error.exitStatus.rawValue == 64)
    }
    do {
      _ = try resolve(none, clientID: "0oa9svc", privateKeyFile: directory.path + "/missing.pem")
      Issue.record("accepted a missing key file")
    } catch {
      #expect(error.exitStatus.rawValue == 66)
    }
  }
}
