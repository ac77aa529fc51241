import Crypto
import Foundation
import OrgWizJSON
import _CryptoExtras

/// The service app's `private_key_jwt` client assertion: a JWT signed RS256 (RSASSA-PKCS1-v1_5
/// over SHA-256) with the app's private key.
enum ClientAssertion {
  /// How long an assertion is valid, in seconds.
  static let lifetime = 300

  /// The RSA private key in `pem` (PKCS#1 or PKCS#8, 2048 bits or more). Errors never show it.
  static func signingKey(_ pem: String) throws(OktaError) -> _RSA.Signing.PrivateKey {
    // A key protected by a passphrase (PKCS#8 "ENCRYPTED PRIVATE KEY", or OpenSSL's legacy
    // "Proc-Type: 4,ENCRYPTED" header) is well formed, but orgwiz cannot use it unattended.
    if pem.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----")
      || pem.contains("Proc-Type: 4,ENCRYPTED")
    {
      throw .credentials(
        "The service app's private key is encrypted with a passphrase, which orgwiz does not "
          + "ask for; its text is not shown here.",
        next:
          "Decrypt a copy that only you can read (openssl pkey -in KEY -out plain.pem; chmod 600 "
          + "plain.pem) and pass that with --private-key, or keep the key in a secret manager "
          + "that hands orgwiz the PEM text in OKTA_CLIENT_PRIVATEKEY.",
        status: .dataError)
    }
    do {
      return try _RSA.Signing.PrivateKey(pemRepresentation: pem)
    } catch {
      throw .credentials(
        "The service app's private key is not a PEM RSA private key of 2048 bits or more "
          + "(\"-----BEGIN PRIVATE KEY-----\" or \"-----BEGIN RSA PRIVATE KEY-----\"); its "
          + "text is not shown here.",
        next:
          "Give the PEM private key whose public key is registered on the service app (Admin "
          + "Console: the app's General tab, Public keys). A JWK must be converted to PEM first.",
        status: .dataError)
    }
  }

  /// `header.claims.signature`, each part base64url without padding.
  static func make(
    clientID: String, privateKeyPEM: String, keyID: String?, audience: String, issuedAt: Int,
    jti: String
  ) throws(OktaError) -> String {
    let key = try signingKey(privateKeyPEM)
    var header: JSONObject = ["alg": "RS256", "typ": "JWT"]
    if let keyID { header["kid"] = .string(keyID) }
    let claims: JSONObject = [
      "iss": .string(clientID),
      "sub": .string(clientID),
      "aud": .string(audience),
      "iat": .number(JSONNumber(issuedAt)),
      "exp": .number(JSONNumber(issuedAt + lifetime)),
      "jti": .string(jti),
    ]
    let signingInput =
      base64URL(JSONWriter.write(.object(header), style: .compact)) + "."
      + base64URL(JSONWriter.write(.object(claims), style: .compact))
    let signature: _RSA.Signing.RSASignature
    do {
      signature = try key.signature(
        for: SHA256.hash(data: Array(signingInput.utf8)), padding: .insecurePKCS1v1_5)
    } catch {
      throw .credentials(
        "The service app's client assertion could not be signed with its private key.",
        next: "Check that --private-key is the app's RSA private key.", status: .dataError)
    }
    return signingInput + "." + base64URL(Array(signature.rawRepresentation))
  }

  static func base64URL(_ bytes: [UInt8]) -> String {
    var text = Data(bytes).base64EncodedString()
    text = text.replacingOccurrences(of: "+", with: "-")
    text = text.replacingOccurrences(of: "/", with: "_")
    while text.hasSuffix("=") { text.removeLast() }
    return text
  }

  static func base64URLDecode(_ text: String) -> [UInt8]? {
    var base64 = text.replacingOccurrences(of: "-", with: "+")
    base64 = base64.replacingOccurrences(of: "_", with: "/")
    while base64.count % 4 != 0 { base64 += "=" }
    return Data(base64Encoded: base64).map(Array.init)
  }
}
