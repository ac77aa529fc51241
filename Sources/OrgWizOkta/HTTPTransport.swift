import Foundation

/// One HTTP request, as the client builds it and a transport sends it.
public struct HTTPRequest: Sendable {
  public var method: String
  public var url: URL
  public var headers: [String: String]
  public var body: [UInt8]?
  /// The longest the whole request may take, redirects included, in seconds; nil: the
  /// transport's own bound (ten times its `timeout`).
  public var timeLimit: Double?

  public init(
    method: String, url: URL, headers: [String: String] = [:], body: [UInt8]? = nil,
    timeLimit: Double? = nil
  ) {
    self.method = method
    self.url = url
    self.headers = headers
    self.body = body
    self.timeLimit = timeLimit
  }

  /// The headers with `Authorization` reduced to its scheme, for anything that logs a request.
  public var redactedHeaders: [String: String] {
    var result = headers
    for (name, value) in headers where name.lowercased() == "authorization" {
      let scheme = value.split(separator: " ", maxSplits: 1).first.map(String.init) ?? ""
      result[name] = scheme.isEmpty ? "<redacted>" : "\(scheme) <redacted>"
    }
    return result
  }
}

/// One HTTP response. Header names are lowercased; repeated headers are joined with ", ".
public struct HTTPResponse: Sendable {
  public var status: Int
  public var headers: [String: String]
  public var body: [UInt8]

  public init(status: Int, headers: [String: String], body: [UInt8]) {
    self.status = status
    var lowered: [String: String] = [:]
    for (name, value) in headers {
      let key = name.lowercased()
      if let existing = lowered[key] {
        lowered[key] = existing + ", " + value
      } else {
        lowered[key] = value
      }
    }
    self.headers = lowered
    self.body = body
  }
}

/// Why a request got no HTTP response at all.
public enum TransportError: Error, Sendable, Equatable {
  /// The host could not be resolved or connected to, or the connection broke.
  case unreachable(String)
  /// The TLS handshake or the server's certificate failed.
  case tls(String)
  /// No answer in time: not even the status line arrived.
  case timedOut
  /// The answer began but came too slowly, and was cut off: `bytes` of its body had arrived
  /// after `seconds`.
  case tooSlow(bytes: Int, seconds: Double)
  /// The response body was larger than the transport accepts.
  case tooLarge
  /// This machine cannot send requests at all (libcurl is missing): not worth retrying.
  case unavailable(String)
}

/// Sends one request and waits for its response. Implementations block the calling thread.
public protocol HTTPTransport: Sendable {
  /// `timeout` is the longest wait, in seconds, for the connection or for more of the response.
  func send(_ request: HTTPRequest, timeout: Double) throws(TransportError) -> HTTPResponse
}
