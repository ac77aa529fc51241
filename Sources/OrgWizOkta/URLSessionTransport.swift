import Foundation

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// The real transport: URLSession (FoundationNetworking on Linux), one blocking request at a time.
///
/// - Redirects are followed only to the same scheme, host and port; any other redirect is handed
///   back as the 3xx response itself, so credentials never travel to another host.
/// - A response body larger than `maximumResponseBytes` (64 MiB by default) is cut off and
///   reported as ``TransportError/tooLarge``, so a hostile server cannot exhaust memory.
/// - `timeout` bounds every wait for the connection or for more data; the whole request is
///   bounded by ten times that.
/// - No cookies, no cache, no credentials store.
/// - A request with a body (a PUT, a token request) goes on a connection of its own: libcurl
///   sends a request again when a kept-alive connection turns out to be closed, and
///   FoundationNetworking then sends it without its body. A new connection is never resent.
public struct URLSessionTransport: HTTPTransport {
  public static let defaultMaximumResponseBytes = 64 << 20

  private let owner: SessionOwner
  private let maximumResponseBytes: Int

  public init(maximumResponseBytes: Int = URLSessionTransport.defaultMaximumResponseBytes) {
    owner = SessionOwner(maximumResponseBytes: maximumResponseBytes)
    self.maximumResponseBytes = maximumResponseBytes
  }

  public func send(_ request: HTTPRequest, timeout: Double) throws(TransportError) -> HTTPResponse {
    guard request.body != nil else { return try owner.send(request, timeout: timeout) }
    return try SessionOwner(maximumResponseBytes: maximumResponseBytes).send(
      request, timeout: timeout)
  }
}

/// Owns the session; invalidating it on deinit breaks the session → delegate reference.
private final class SessionOwner: Sendable {
  let delegate: SessionDelegate
  let session: URLSession

  init(maximumResponseBytes: Int) {
    let configuration = URLSessionConfiguration.ephemeral
    configuration.urlCache = nil
    configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
    configuration.httpCookieStorage = nil
    configuration.httpShouldSetCookies = false
    configuration.urlCredentialStorage = nil
    delegate = SessionDelegate(maximumResponseBytes: maximumResponseBytes)
    let queue = OperationQueue()
    queue.maxConcurrentOperationCount = 1
    session = URLSession(configuration: configuration, delegate: delegate, delegateQueue: queue)
  }

  deinit {
    session.invalidateAndCancel()
  }

  func send(_ request: HTTPRequest, timeout: Double) throws(TransportError) -> HTTPResponse {
    let timeout = max(0.1, timeout)
    var urlRequest = URLRequest(url: request.url)
    urlRequest.httpMethod = request.method
    urlRequest.timeoutInterval = timeout
    urlRequest.cachePolicy = .reloadIgnoringLocalCacheData
    urlRequest.httpShouldHandleCookies = false
    for (name, value) in request.headers {
      urlRequest.setValue(value, forHTTPHeaderField: name)
    }
    if let body = request.body {
      urlRequest.httpBody = Data(body)
    }
    let task = session.dataTask(with: urlRequest)
    let state = delegate.register(task, origin: request.url)
    task.resume()
    if state.done.wait(timeout: .now() + timeout * 10) == .timedOut {
      task.cancel()
      _ = state.done.wait(timeout: .now() + 5)
      delegate.unregister(task)
      throw .timedOut
    }
    delegate.unregister(task)
    return try state.result()
  }
}

/// What one task has received so far. Touched only under the delegate's lock until `done`.
private final class TaskState: @unchecked Sendable {
  let done = DispatchSemaphore(value: 0)
  let origin: URL
  var response: HTTPURLResponse?
  var body: [UInt8] = []
  var error: (any Error)?
  var tooLarge = false

  init(origin: URL) {
    self.origin = origin
  }

  func result() throws(TransportError) -> HTTPResponse {
    if tooLarge { throw .tooLarge }
    if let error {
      throw TransportErrorMapping.map(error, host: origin.host ?? origin.absoluteString)
    }
    guard let response else {
      throw .unreachable("no HTTP response from \(origin.host ?? origin.absoluteString)")
    }
    var headers: [String: String] = [:]
    for (name, value) in response.allHeaderFields {
      guard let name = name as? String, let value = value as? String else { continue }
      headers[name] = value
    }
    return HTTPResponse(status: response.statusCode, headers: headers, body: body)
  }
}

private final class SessionDelegate: NSObject, URLSessionDataDelegate, @unchecked Sendable {
  let maximumResponseBytes: Int
  private let lock = NSLock()
  private var states: [Int: TaskState] = [:]

  init(maximumResponseBytes: Int) {
    self.maximumResponseBytes = maximumResponseBytes
  }

  func register(_ task: URLSessionTask, origin: URL) -> TaskState {
    let state = TaskState(origin: origin)
    lock.withLock { states[task.taskIdentifier] = state }
    return state
  }

  func unregister(_ task: URLSessionTask) {
    _ = lock.withLock { states.removeValue(forKey: task.taskIdentifier) }
  }

  private func state(_ task: URLSessionTask) -> TaskState? {
    lock.withLock { states[task.taskIdentifier] }
  }

  func urlSession(
    _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
    completionHandler: @escaping @Sendable (URLSession.ResponseDisposition) -> Void
  ) {
    guard let state = state(dataTask) else { return completionHandler(.cancel) }
    let tooLarge: Bool = lock.withLock {
      state.response = response as? HTTPURLResponse
      if response.expectedContentLength > Int64(maximumResponseBytes) {
        state.tooLarge = true
      }
      return state.tooLarge
    }
    completionHandler(tooLarge ? .cancel : .allow)
  }

  func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
    guard let state = state(dataTask) else { return }
    let cancel: Bool = lock.withLock {
      if state.tooLarge { return true }
      if state.body.count + data.count > maximumResponseBytes {
        state.tooLarge = true
        state.body = []
        return true
      }
      state.body.append(contentsOf: data)
      return false
    }
    if cancel { dataTask.cancel() }
  }

  func urlSession(
    _ session: URLSession, task: URLSessionTask,
    willPerformHTTPRedirection response: HTTPURLResponse, newRequest request: URLRequest,
    completionHandler: @escaping @Sendable (URLRequest?) -> Void
  ) {
    guard let origin = state(task)?.origin, let target = request.url,
      Self.sameOrigin(origin, target)
    else {
      return completionHandler(nil)
    }
    completionHandler(request)
  }

  func urlSession(
    _ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?
  ) {
    guard let state = state(task) else { return }
    lock.withLock { state.error = error }
    state.done.signal()
  }

  static func sameOrigin(_ left: URL, _ right: URL) -> Bool {
    left.scheme?.lowercased() == right.scheme?.lowercased()
      && left.host?.lowercased() == right.host?.lowercased()
      && effectivePort(left) == effectivePort(right)
  }

  static func effectivePort(_ url: URL) -> Int? {
    if let port = url.port { return port }
    switch url.scheme?.lowercased() {
    case "https": return 443
    case "http": return 80
    default: return nil
    }
  }
}

enum TransportErrorMapping {
  static func map(_ error: any Error, host: String) -> TransportError {
    guard let urlError = error as? URLError else {
      return .unreachable("\(host): \(error.localizedDescription)")
    }
    switch urlError.code {
    case .timedOut:
      return .timedOut
    case .secureConnectionFailed, .serverCertificateHasBadDate, .serverCertificateUntrusted,
      .serverCertificateHasUnknownRoot, .serverCertificateNotYetValid,
      .clientCertificateRejected, .clientCertificateRequired:
      return .tls("\(host): \(urlError.localizedDescription) (URLError \(urlError.code.rawValue))")
    case .cannotFindHost, .dnsLookupFailed:
      return .unreachable("\(host) could not be resolved (DNS)")
    case .cannotConnectToHost:
      return .unreachable("the connection to \(host) was refused")
    case .networkConnectionLost:
      return .unreachable("the connection to \(host) was lost before the response was complete")
    case .notConnectedToInternet:
      return .unreachable("this machine is not connected to a network")
    default:
      return .unreachable(
        "\(host): \(urlError.localizedDescription) (URLError \(urlError.code.rawValue))")
    }
  }
}
