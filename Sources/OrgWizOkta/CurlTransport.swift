import CCurl
import Foundation
import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The real transport: the system's libcurl, loaded at run time (`dlopen`) on the first request,
/// so that orgwiz links neither libcurl nor FoundationNetworking and starts fast. One blocking
/// request per call; calls may come from several threads at once.
///
/// - Redirects of a read (GET, HEAD) are followed by the transport itself, only to the same
///   scheme, host and port and at most ``maximumRedirects`` times; any other redirect, and any
///   redirect of a write or a POST, is handed back as the 3xx response itself, so credentials
///   never travel to another host and a write never lands on another object.
/// - A response body larger than `maximumResponseBytes` (64 MiB by default) is refused as soon
///   as its `Content-Length` says so, or cut off once that much has arrived, and reported as
///   ``TransportError/tooLarge``, so a hostile server cannot exhaust memory. The bound is on the
///   decoded body (gzip and the like are accepted and decoded by libcurl).
/// - `timeout` bounds the connection and every stretch of slow data (less than
///   ``minimumBytesPerSecond`` for that long ends the request); the whole request, redirects
///   included, is bounded by the request's `timeLimit`, else ten times `timeout`. A request cut
///   off before its status line is ``TransportError/timedOut``; one cut off after it is
///   ``TransportError/tooSlow(bytes:seconds:)``, with how much had come in how long. Any
///   timeout, however large, negative or not a number, is first brought within 0.1 s to a day.
/// - No cookies, no cache, no `.netrc`; only `http` and `https`; TLS certificates and host names
///   are verified (libcurl's defaults, never turned off). libcurl's proxy variables (`https_proxy`,
///   `HTTPS_PROXY`, `http_proxy`, `ALL_PROXY`, `NO_PROXY`) are honoured.
/// - A request with a body (a PUT, a token request) goes on a connection of its own, opened
///   for it and closed after it: libcurl sends a request again when a kept-alive connection
///   turns out to be closed, and a request that changes something must never be sent twice.
///   Body-less requests reuse kept-alive connections.
/// - libcurl's own `Expect: 100-continue` and default `Content-Type` are not sent: only the
///   request's headers (and `Host`, `Accept: */*` when the request has no `Accept`, and
///   `Accept-Encoding`).
/// - Header names of the response are lowercased and repeated headers joined with ", "; after
///   an interim response (`100 Continue`) or a redirect, only the final response's headers.
/// - Error messages name the host and libcurl's reason, never a request header or body (the
///   `Authorization` header carries a credential).
public struct CurlTransport: HTTPTransport {
  public static let defaultMaximumResponseBytes = 64 << 20
  /// The most redirects (to the same origin) one request follows.
  public static let maximumRedirects = 10
  /// An answer slower than this for `timeout` seconds on end is cut off (a body trickled a few
  /// bytes a second would otherwise hold a request for as long as the server likes).
  public static let minimumBytesPerSecond = 512

  /// `seconds` within 0.1 s to a day; not a number: `fallback`.
  static func bounded(_ seconds: Double, fallback: Double) -> Double {
    guard !seconds.isNaN else { return fallback }
    return min(86_400, max(0.1, seconds))
  }

  /// Where libcurl is looked for, in this order.
  static let defaultLibraryNames: [String] = {
    #if canImport(Darwin)
      return ["libcurl.4.dylib", "/usr/lib/libcurl.4.dylib", "libcurl.dylib"]
    #else
      return ["libcurl.so.4", "libcurl.so", "libcurl-gnutls.so.4"]
    #endif
  }()

  private let maximumResponseBytes: Int
  /// nil: ``defaultLibraryNames``, loaded once per process.
  private let libraryNames: [String]?
  private let handles = HandlePool()

  public init(maximumResponseBytes: Int = CurlTransport.defaultMaximumResponseBytes) {
    self.init(maximumResponseBytes: maximumResponseBytes, libraryNames: nil)
  }

  /// A transport that looks for libcurl under `libraryNames` (tests: a library that is missing).
  init(
    maximumResponseBytes: Int = CurlTransport.defaultMaximumResponseBytes, libraryNames: [String]?
  ) {
    self.maximumResponseBytes = maximumResponseBytes
    self.libraryNames = libraryNames
  }

  public func send(_ request: HTTPRequest, timeout: Double) throws(TransportError) -> HTTPResponse {
    let library = try (libraryNames.map(CurlLibrary.load) ?? CurlLibrary.shared).get()
    let timeout = Self.bounded(timeout, fallback: 30)
    let whole = Self.bounded(request.timeLimit ?? timeout * 10, fallback: timeout * 10)
    let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(whole * 1e9)
    var current = request
    var redirects = 0
    while true {
      let (response, location) = try transfer(
        current, library: library, timeout: timeout, deadline: deadline)
      // Only a read follows a redirect (within the origin): a write that is redirected is
      // handed back as the 3xx itself, so that no answer can aim a PUT, and the token with it,
      // at another object than the one the review showed.
      guard Self.redirectStatuses.contains(response.status), let location,
        let target = URL(string: location), Self.sameOrigin(request.url, target),
        Self.followsRedirects(request.method)
      else {
        return response
      }
      guard redirects < Self.maximumRedirects else {
        throw .unreachable(
          "\(Self.host(request.url)) redirected more than \(Self.maximumRedirects) times")
      }
      redirects += 1
      current = Self.redirected(current, to: target, status: response.status)
    }
  }

  // MARK: - Redirects

  static let redirectStatuses: Set<Int> = [301, 302, 303, 307, 308]

  /// Whether a request of this method follows a redirect at all: only reads do.
  static func followsRedirects(_ method: String) -> Bool {
    ["GET", "HEAD"].contains(method.uppercased())
  }

  /// The same scheme, host and port, and no user name or password in the target.
  static func sameOrigin(_ origin: URL, _ target: URL) -> Bool {
    target.user == nil && target.password == nil
      && origin.scheme?.lowercased() == target.scheme?.lowercased()
      && origin.host?.lowercased() == target.host?.lowercased()
      && effectivePort(origin) == effectivePort(target)
  }

  static func effectivePort(_ url: URL) -> Int? {
    if let port = url.port { return port }
    switch url.scheme?.lowercased() {
    case "https": return 443
    case "http": return 80
    default: return nil
    }
  }

  /// The request a redirect asks for: 303 turns it into a GET (a HEAD stays one), 301 and 302
  /// turn a POST into a GET, as browsers and URLSession do; 307 and 308 keep method and body.
  static func redirected(_ request: HTTPRequest, to url: URL, status: Int) -> HTTPRequest {
    var next = request
    next.url = url
    let becomesGet =
      status == 303
      ? request.method != "HEAD" : (status == 301 || status == 302) && request.method == "POST"
    if becomesGet {
      next.method = "GET"
      next.body = nil
      next.headers = next.headers.filter {
        !["content-type", "content-length"].contains($0.key.lowercased())
      }
    }
    return next
  }

  static func host(_ url: URL) -> String {
    url.host ?? url.absoluteString
  }

  // MARK: - One transfer

  /// One request and its response, without following a redirect; the redirect's target as
  /// libcurl resolved it, if the response names one.
  private func transfer(
    _ request: HTTPRequest, library: CurlLibrary, timeout: Double, deadline: UInt64
  ) throws(TransportError) -> (HTTPResponse, String?) {
    let host = Self.host(request.url)
    let now = DispatchTime.now().uptimeNanoseconds
    guard now < deadline else { throw .timedOut }
    let remainingMilliseconds = max(1, Int((deadline - now) / 1_000_000))
    // A request with a body gets a handle (and so a connection) of its own.
    let fresh = request.body != nil
    guard let handle = fresh ? EasyHandle(library) : handles.take(library) else {
      throw .unreachable("libcurl could not make a request handle (out of memory)")
    }
    defer { if !fresh { handles.put(handle) } }
    let state = TransferState(
      limit: maximumResponseBytes, hasBody: request.method.uppercased() != "HEAD")
    var headerList: UnsafeMutableRawPointer?
    defer { if let headerList { ccurl_slist_free_all(library.pointer, headerList) } }
    let options = OptionSetter(library: library, handle: handle)
    try options.set(.url, request.url.absoluteString)
    try options.set(.noSignal, 1)
    try options.set(.errorBuffer, UnsafeRawPointer(handle.errorBuffer))
    try options.set(.followLocation, 0)
    try options.set(.netrc, 0)
    try options.restrictProtocols()
    try options.set(.connectTimeoutMilliseconds, Int(timeout * 1000))
    try options.set(.lowSpeedLimit, Self.minimumBytesPerSecond)
    try options.set(.lowSpeedTime, max(1, Int(timeout.rounded(.up))))
    try options.set(.timeoutMilliseconds, remainingMilliseconds)
    try options.set(.acceptEncoding, "")
    let context = UnsafeRawPointer(Unmanaged.passUnretained(state).toOpaque())
    try options.set(.writeData, context)
    try options.set(.headerData, context)
    try options.check(
      ccurl_setopt_callback(
        library.pointer, handle.pointer, CurlOption.writeFunction.rawValue,
        { data, size, count, context in
          guard let context else { return 0 }
          let state = Unmanaged<TransferState>.fromOpaque(context).takeUnretainedValue()
          return state.receive(
            UnsafeRawBufferPointer(start: UnsafeRawPointer(data), count: size * count))
        }), .writeFunction)
    try options.check(
      ccurl_setopt_callback(
        library.pointer, handle.pointer, CurlOption.headerFunction.rawValue,
        { data, size, count, context in
          guard let context else { return 0 }
          let state = Unmanaged<TransferState>.fromOpaque(context).takeUnretainedValue()
          return state.header(
            UnsafeRawBufferPointer(start: UnsafeRawPointer(data), count: size * count))
        }), .headerFunction)
    for line in try Self.headerLines(request) {
      // On failure the list so far is left as it was, and freed by the defer above.
      guard let appended = ccurl_slist_append(library.pointer, headerList, line) else {
        throw .unreachable("libcurl could not build the request's headers (out of memory)")
      }
      headerList = appended
    }
    try options.set(.httpHeader, UnsafeRawPointer(headerList))
    let method = request.method.uppercased()
    if let body = request.body {
      try options.set(.freshConnect, 1)
      try options.set(.forbidReuse, 1)
      try options.setOffset(.postFieldSizeLarge, Int64(body.count))
      // libcurl copies the body, so it need not outlive this call.
      let copied: Int32 = body.withUnsafeBytes { bytes in
        let empty: [UInt8] = [0]
        return empty.withUnsafeBytes { nothing in
          ccurl_setopt_pointer(
            library.pointer, handle.pointer, CurlOption.copyPostFields.rawValue,
            bytes.baseAddress ?? nothing.baseAddress)
        }
      }
      try options.check(copied, .copyPostFields)
      if method != "POST" { try options.set(.customRequest, request.method) }
    } else if method == "HEAD" {
      try options.set(.noBody, 1)
    } else {
      try options.set(.httpGet, 1)
      if method != "GET" { try options.set(.customRequest, request.method) }
    }
    // The callbacks reach `state` through an unretained pointer: keep it alive until done.
    let code = withExtendedLifetime(state) { ccurl_easy_perform(library.pointer, handle.pointer) }
    if state.tooLarge { throw .tooLarge }
    if code == 28 && state.status > 0 {  // OPERATION_TIMEDOUT after the answer began
      let elapsed = Double(DispatchTime.now().uptimeNanoseconds - now) / 1e9
      throw .tooSlow(bytes: state.body.count, seconds: elapsed)
    }
    if code != 0 {
      var osErrno = 0
      _ = ccurl_getinfo_long(library.pointer, handle.pointer, CurlInfo.osErrno, &osErrno)
      let buffer = String(cString: handle.errorBuffer)
      let detail = buffer.isEmpty ? library.describe(code) : buffer
      throw CurlErrorMapping.map(
        code: Int(code), osErrno: Int32(truncatingIfNeeded: osErrno), detail: detail, host: host)
    }
    var status = 0
    _ = ccurl_getinfo_long(library.pointer, handle.pointer, CurlInfo.responseCode, &status)
    guard status > 0 else { throw .unreachable("no HTTP response from \(host)") }
    var location: UnsafePointer<CChar>?
    _ = ccurl_getinfo_string(library.pointer, handle.pointer, CurlInfo.redirectURL, &location)
    let redirect = location.map { String(cString: $0) }
    return (HTTPResponse(status: status, headers: state.joinedHeaders, body: state.body), redirect)
  }

  /// The request's headers as libcurl takes them, with libcurl's own `Expect: 100-continue`
  /// (for larger bodies) and default `Content-Type` (for any body) suppressed.
  static func headerLines(_ request: HTTPRequest) throws(TransportError) -> [String] {
    var lines: [String] = []
    var names: Set<String> = []
    for (name, value) in request.headers.sorted(by: { $0.key < $1.key }) {
      let badName =
        name.isEmpty || name.contains { $0 == ":" || $0 == ";" || $0.isWhitespace || $0.isNewline }
      guard !badName, !value.contains(where: \.isNewline) else {
        throw .unreachable("the request's header \(EscapedName(name)) cannot be sent as given")
      }
      names.insert(name.lowercased())
      // "Name:" would remove a header; "Name;" is libcurl's way of sending it empty.
      lines.append(value.isEmpty ? "\(name);" : "\(name): \(value)")
    }
    if !names.contains("expect") { lines.append("Expect:") }
    if request.body != nil && !names.contains("content-type") { lines.append("Content-Type:") }
    return lines
  }
}

/// A header name for a message: printable ASCII only, at most 40 characters.
private struct EscapedName: CustomStringConvertible {
  let name: String
  init(_ name: String) { self.name = name }
  var description: String {
    let printable = name.unicodeScalars.prefix(40).map {
      $0.isASCII && $0.value >= 0x21 && $0.value < 0x7F ? String($0) : "?"
    }
    return "\"" + printable.joined() + "\""
  }
}

// MARK: - libcurl

/// A loaded libcurl. Its functions are called through CCurl's wrappers.
// @unchecked: the library's handle (an OpaquePointer, which is not Sendable) is set once when it
// loads and never changed; nothing here needs a lock.
struct CurlLibrary: @unchecked Sendable {
  let pointer: OpaquePointer

  /// ``CurlTransport/defaultLibraryNames``, loaded on first use, once per process.
  static let shared = load(CurlTransport.defaultLibraryNames)

  /// The first of `names` that loads.
  static func load(_ names: [String]) -> Result<CurlLibrary, TransportError> {
    var reasons: [String] = []
    for name in names {
      var error = [CChar](repeating: 0, count: 512)
      if let pointer = ccurl_open(name, &error, error.count) {
        return .success(CurlLibrary(pointer: pointer))
      }
      reasons.append(
        String(decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }
    return .failure(
      .unavailable(
        "libcurl could not be loaded (tried \(names.joined(separator: ", "))"
          + (reasons.first.map { ": \($0)" } ?? "") + "); orgwiz sends its requests through "
          + "the system's libcurl: install it (Debian and Ubuntu: apt-get install libcurl4; "
          + "Fedora: dnf install libcurl) and run the command again"))
  }

  /// curl_version(), such as "libcurl/7.88.1 OpenSSL/3.0.11 zlib/1.2.13 ...".
  var version: String { String(cString: ccurl_version(pointer)) }

  /// The id libcurl's own table gives an option (`CURLOPT_` left off), -1 when it has no table
  /// (before 7.73) or no such option.
  func optionID(_ name: String) -> Int32 {
    ccurl_option_id(pointer, name)
  }

  func describe(_ code: Int32) -> String {
    ccurl_easy_strerror(pointer, code).map { String(cString: $0) } ?? "libcurl error \(code)"
  }
}

/// libcurl's option ids (curl/curl.h: CURLOPTTYPE_LONG + n, OBJECTPOINT 10000 + n,
/// FUNCTIONPOINT 20000 + n, OFF_T 30000 + n). `CurlTransportTests` checks them against
/// libcurl's own table.
enum CurlOption: Int32, CaseIterable {
  case writeData = 10001
  case url = 10002
  case errorBuffer = 10010
  case writeFunction = 20011
  case lowSpeedLimit = 19
  case lowSpeedTime = 20
  case httpHeader = 10023
  case headerData = 10029
  case customRequest = 10036
  case noBody = 44
  case netrc = 51
  case followLocation = 52
  case freshConnect = 74
  case forbidReuse = 75
  case headerFunction = 20079
  case httpGet = 80
  case noSignal = 99
  case acceptEncoding = 10102
  case postFieldSizeLarge = 30120
  case timeoutMilliseconds = 155
  case connectTimeoutMilliseconds = 156
  case copyPostFields = 10165
  case protocols = 181
  case redirectProtocols = 182
  case protocolsString = 10318
  case redirectProtocolsString = 10319

  /// The name libcurl gives the option, without `CURLOPT_`.
  var curlName: String {
    switch self {
    case .writeData: "WRITEDATA"
    case .url: "URL"
    case .errorBuffer: "ERRORBUFFER"
    case .writeFunction: "WRITEFUNCTION"
    case .lowSpeedLimit: "LOW_SPEED_LIMIT"
    case .lowSpeedTime: "LOW_SPEED_TIME"
    case .httpHeader: "HTTPHEADER"
    case .headerData: "HEADERDATA"
    case .customRequest: "CUSTOMREQUEST"
    case .noBody: "NOBODY"
    case .netrc: "NETRC"
    case .followLocation: "FOLLOWLOCATION"
    case .freshConnect: "FRESH_CONNECT"
    case .forbidReuse: "FORBID_REUSE"
    case .headerFunction: "HEADERFUNCTION"
    case .httpGet: "HTTPGET"
    case .noSignal: "NOSIGNAL"
    case .acceptEncoding: "ACCEPT_ENCODING"
    case .postFieldSizeLarge: "POSTFIELDSIZE_LARGE"
    case .timeoutMilliseconds: "TIMEOUT_MS"
    case .connectTimeoutMilliseconds: "CONNECTTIMEOUT_MS"
    case .copyPostFields: "COPYPOSTFIELDS"
    case .protocols: "PROTOCOLS"
    case .redirectProtocols: "REDIR_PROTOCOLS"
    case .protocolsString: "PROTOCOLS_STR"
    case .redirectProtocolsString: "REDIR_PROTOCOLS_STR"
    }
  }
}

/// libcurl's CURLINFO ids (CURLINFO_STRING 0x100000 + n, CURLINFO_LONG 0x200000 + n).
enum CurlInfo {
  static let responseCode: Int32 = 0x20_0002
  static let osErrno: Int32 = 0x20_0019
  static let redirectURL: Int32 = 0x10_001F
}

/// Sets the options of one handle, turning a refusal into a ``TransportError``.
private struct OptionSetter {
  let library: CurlLibrary
  let handle: EasyHandle

  /// CURLE_UNKNOWN_OPTION: an option this libcurl is too old for.
  static let unknownOption: Int32 = 48

  func check(_ code: Int32, _ option: CurlOption) throws(TransportError) {
    guard code == 0 else {
      throw .unavailable(
        "libcurl (\(library.version)) refused the option CURLOPT_\(option.curlName): "
          + library.describe(code))
    }
  }

  func set(_ option: CurlOption, _ value: Int) throws(TransportError) {
    try check(ccurl_setopt_long(library.pointer, handle.pointer, option.rawValue, value), option)
  }

  func setOffset(_ option: CurlOption, _ value: Int64) throws(TransportError) {
    try check(ccurl_setopt_off_t(library.pointer, handle.pointer, option.rawValue, value), option)
  }

  func set(_ option: CurlOption, _ value: UnsafeRawPointer?) throws(TransportError) {
    try check(
      ccurl_setopt_pointer(library.pointer, handle.pointer, option.rawValue, value), option)
  }

  /// A string option; libcurl copies it.
  func set(_ option: CurlOption, _ value: String) throws(TransportError) {
    let code = value.withCString {
      ccurl_setopt_pointer(library.pointer, handle.pointer, option.rawValue, $0)
    }
    try check(code, option)
  }

  /// http and https only, for the request and for any redirect (libcurl before 7.85 has only
  /// the bitmask options).
  func restrictProtocols() throws(TransportError) {
    let pairs: [(CurlOption, CurlOption)] = [
      (.protocolsString, .protocols), (.redirectProtocolsString, .redirectProtocols),
    ]
    for (named, bitmask) in pairs {
      let code = "http,https".withCString {
        ccurl_setopt_pointer(library.pointer, handle.pointer, named.rawValue, $0)
      }
      if code == Self.unknownOption {
        try set(bitmask, 1 | 2)  // CURLPROTO_HTTP | CURLPROTO_HTTPS
      } else {
        try check(code, named)
      }
    }
  }
}

/// One curl easy handle and its error buffer (CURL_ERROR_SIZE, 256 bytes).
// @unchecked: a handle moves between threads through ``HandlePool`` (libcurl allows that), but
// only one thread uses it at a time: it is taken for one transfer and put back after it.
private final class EasyHandle: @unchecked Sendable {
  let library: CurlLibrary
  let pointer: UnsafeMutableRawPointer
  let errorBuffer: UnsafeMutablePointer<CChar>

  init?(_ library: CurlLibrary) {
    guard let pointer = ccurl_easy_init(library.pointer) else { return nil }
    self.library = library
    self.pointer = pointer
    errorBuffer = .allocate(capacity: 256)
    errorBuffer.initialize(repeating: 0, count: 256)
  }

  /// Back to libcurl's defaults, keeping the handle's live connections.
  func reset() {
    ccurl_easy_reset(library.pointer, pointer)
    errorBuffer[0] = 0
  }

  deinit {
    ccurl_easy_cleanup(library.pointer, pointer)
    errorBuffer.deallocate()
  }
}

/// The idle handles of body-less requests, whose connections are kept alive for the next ones.
/// A thread takes one (or a new one) for a request and puts it back after.
private final class HandlePool: Sendable {
  private let idle = Mutex<[EasyHandle]>([])
  /// The most idle handles kept (pull reads with 4 workers).
  private let capacity = 8

  func take(_ library: CurlLibrary) -> EasyHandle? {
    let handle = idle.withLock { $0.popLast() }
    if let handle {
      handle.reset()
      return handle
    }
    return EasyHandle(library)
  }

  func put(_ handle: EasyHandle) {
    idle.withLock {
      if $0.count < capacity { $0.append(handle) }
    }
  }
}

/// What one transfer has received; touched only by the thread that runs it (libcurl calls the
/// callbacks from inside curl_easy_perform).
final class TransferState {
  let limit: Int
  /// False for a HEAD, whose Content-Length describes a body that is not sent.
  let hasBody: Bool
  var body: [UInt8] = []
  var headers: [(name: String, value: String)] = []
  var status = 0
  var headersComplete = false
  var tooLarge = false

  init(limit: Int, hasBody: Bool) {
    self.limit = limit
    self.hasBody = hasBody
  }

  /// Body bytes; returning less than given makes libcurl stop (CURLE_WRITE_ERROR).
  func receive(_ bytes: UnsafeRawBufferPointer) -> Int {
    guard !tooLarge else { return 0 }
    if bytes.count > limit - body.count {
      tooLarge = true
      body = []
      return 0
    }
    body.append(contentsOf: bytes)
    return bytes.count
  }

  /// One header line, status line or the empty line that ends a response's headers.
  func header(_ bytes: UnsafeRawBufferPointer) -> Int {
    let line = String(decoding: bytes, as: UTF8.self)
    let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
    if line.hasPrefix("HTTP/") {
      // A new response (after a 100 Continue or a proxy's CONNECT): only its headers count.
      headers = []
      headersComplete = false
      status = trimmed.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
    } else if headersComplete {
      // Trailers of a chunked body: not part of the response's headers.
    } else if trimmed.isEmpty {
      headersComplete = true
      if hasBody && status >= 200 && status != 204 && status != 304,
        let length = headers.last(where: { $0.name.lowercased() == "content-length" })
          .flatMap({ Int($0.value) }), length > limit
      {
        tooLarge = true
        return 0
      }
    } else if line.first == " " || line.first == "\t" {
      // An obsolete folded continuation of the previous header.
      if let last = headers.indices.last { headers[last].value += " " + trimmed }
    } else if let colon = line.firstIndex(of: ":") {
      let name = line[..<colon].trimmingCharacters(in: .whitespaces)
      let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)
      if !name.isEmpty { headers.append((name, value)) }
    }
    return bytes.count
  }

  /// The final response's headers, names lowercased, repeated ones joined with ", ".
  var joinedHeaders: [String: String] {
    var joined: [String: String] = [:]
    for (name, value) in headers {
      let key = name.lowercased()
      joined[key] = joined[key].map { $0 + ", " + value } ?? value
    }
    return joined
  }
}

// MARK: - Errors

/// libcurl's error codes (CURLcode) as ``TransportError``s.
enum CurlErrorMapping {
  static func map(code: Int, osErrno: Int32, detail: String, host: String) -> TransportError {
    let said = "\(host): \(detail) (curl error \(code))"
    switch code {
    case 28:  // OPERATION_TIMEDOUT
      return .timedOut
    case 6:  // COULDNT_RESOLVE_HOST
      return .unreachable("\(host) could not be resolved (DNS)")
    case 5:  // COULDNT_RESOLVE_PROXY
      return .unreachable("the proxy for \(host) could not be resolved (DNS): \(detail)")
    case 7:  // COULDNT_CONNECT
      switch osErrno {
      case ECONNREFUSED: return .unreachable("the connection to \(host) was refused")
      case ENETUNREACH, ENETDOWN: return .unreachable("this machine is not connected to a network")
      default: return .unreachable("could not connect to \(said)")
      }
    case 18, 52, 55, 56, 16, 92:
      // PARTIAL_FILE, GOT_NOTHING, SEND_ERROR, RECV_ERROR, HTTP2, HTTP2_STREAM
      return .unreachable("the connection to \(host) was lost before the response was complete")
    case 35, 51, 53, 54, 58, 59, 60, 64, 66, 77, 80, 82, 83, 90, 91, 98:
      // SSL_CONNECT_ERROR, PEER_FAILED_VERIFICATION (51 before 7.62), SSL_ENGINE_*,
      // SSL_CERTPROBLEM, SSL_CIPHER, PEER_FAILED_VERIFICATION, USE_SSL_FAILED, SSL_CACERT_BADFILE,
      // SSL_SHUTDOWN_FAILED, SSL_CRL_BADFILE, SSL_ISSUER_ERROR, SSL_PINNEDPUBKEYNOTMATCH,
      // SSL_INVALIDCERTSTATUS, SSL_CLIENTCERT
      return .tls(said)
    case 1:  // UNSUPPORTED_PROTOCOL
      return .unreachable("\(host): only http and https are used (\(detail))")
    default:
      return .unreachable(said)
    }
  }
}
