import Foundation

/// The base URL of an Okta org: `https://acme.okta.com`, or `http://` on a loopback host only.
///
/// `acme.okta.com` means `https://acme.okta.com`, and a trailing `/` is ignored. A path, query,
/// fragment or user info is refused, and so is plain `http://` anywhere but `127.0.0.0/8`, `::1`
/// or `localhost` (``OktaError/insecureURL(_:)``, exit 64).
public struct OrgURL: Sendable, Equatable, CustomStringConvertible {
  /// Scheme, host and port only, with no trailing slash.
  public let url: URL

  public var description: String { url.absoluteString }

  /// The host as written in the URL (IPv6 without brackets).
  public var host: String { url.host ?? "" }

  private init(url: URL) {
    self.url = url
  }

  public static func parse(_ text: String) throws(OktaError) -> OrgURL {
    var trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
    guard !trimmed.isEmpty else {
      throw .badURL(text, reason: "it is empty")
    }
    if !trimmed.contains("://") {
      trimmed = "https://" + trimmed
    }
    while trimmed.hasSuffix("/") { trimmed.removeLast() }
    guard trimmed.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }),
      let components = URLComponents(string: trimmed), let scheme = components.scheme?.lowercased(),
      let host = components.host, !host.isEmpty
    else {
      throw .badURL(text, reason: "it is not a URL of the form https://<your org>.okta.com")
    }
    guard scheme == "https" || scheme == "http" else {
      throw .badURL(text, reason: "its scheme is \(scheme):, not https:")
    }
    if components.user != nil || components.password != nil {
      throw .badURL(text, reason: "it carries a user name or password; credentials never go in it")
    }
    if !components.percentEncodedPath.isEmpty {
      throw .badURL(
        text, reason: "it has a path (\(components.percentEncodedPath)); give the org's base URL")
    }
    if components.percentEncodedQuery != nil || components.percentEncodedFragment != nil {
      throw .badURL(text, reason: "it has a query or fragment; give the org's base URL")
    }
    if let port = components.port, !(1...65535).contains(port) {
      throw .badURL(text, reason: "its port \(port) is out of range")
    }
    if scheme == "http" && !isLoopback(host) {
      throw .insecureURL(text)
    }
    var clean = URLComponents()
    clean.scheme = scheme
    clean.percentEncodedHost = components.percentEncodedHost?.lowercased()
    clean.port = components.port
    guard let url = clean.url else {
      throw .badURL(text, reason: "it is not a URL of the form https://<your org>.okta.com")
    }
    return OrgURL(url: url)
  }

  /// `localhost`, `::1` or an address in `127.0.0.0/8`.
  static func isLoopback(_ rawHost: String) -> Bool {
    var host = rawHost.lowercased()
    if host.hasPrefix("[") && host.hasSuffix("]") {
      host = String(host.dropFirst().dropLast())
    }
    if host == "localhost" || host == "localhost." { return true }
    if host == "::1" || host == "0:0:0:0:0:0:0:1" { return true }
    let parts = host.split(separator: ".", omittingEmptySubsequences: false)
    guard parts.count == 4, parts[0] == "127" else { return false }
    return parts.allSatisfy { part in
      !part.isEmpty && part.count <= 3 && part.allSatisfy(\.isASCII)
        && part.allSatisfy(\.isNumber) && (Int(part) ?? 256) <= 255
    }
  }

  /// Whether `other` is on this org's scheme, host and port (a paging link that may be followed).
  public func isSameOrigin(_ other: URL) -> Bool {
    guard let scheme = other.scheme?.lowercased(), let host = other.host?.lowercased() else {
      return false
    }
    return scheme == url.scheme && host == url.host?.lowercased()
      && Self.port(scheme: scheme, port: other.port)
        == Self.port(scheme: url.scheme ?? "", port: url.port)
  }

  private static func port(scheme: String, port: Int?) -> Int {
    port ?? (scheme == "http" ? 80 : 443)
  }

  /// The URL of `path` (which starts with `/`, and may carry a query) on this org.
  func url(path: String, query: [(String, String)] = []) -> URL? {
    guard path.hasPrefix("/") else { return nil }
    var components = URLComponents(url: url, resolvingAgainstBaseURL: false)
    let split = path.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
    components?.percentEncodedPath = String(split[0])
    var items: [URLQueryItem] = []
    if split.count == 2 {
      items = URLComponents(string: "?" + split[1])?.queryItems ?? []
    }
    items += query.map { URLQueryItem(name: $0.0, value: $0.1) }
    if !items.isEmpty {
      components?.percentEncodedQuery = items.map { item in
        Self.formEncode(item.name) + "=" + Self.formEncode(item.value ?? "")
      }.joined(separator: "&")
    }
    return components?.url
  }

  /// Percent-encodes everything but RFC 3986's unreserved characters.
  static func formEncode(_ text: String) -> String {
    var allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyz")
    allowed.insert(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")
    return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
  }
}
