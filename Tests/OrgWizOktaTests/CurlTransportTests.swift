import Foundation
import OrgWizJSON
import Synchronization
import Testing

@testable import OrgWizOkta

/// CurlTransport itself: libcurl loaded at run time, and what the transport promises (redirects,
/// the size bound, timeouts, TLS, bodies, connections), against tools/fake-okta.
@Suite struct CurlTransportTests {
  static let token = "00curlTOKENfor-orgwiz_tests17"
  static let rulePath = "/api/v1/authorizationServers/aus1api/policies/00p1def/rules/0pr1def"

  func url(_ fake: FakeOktaServer, _ path: String) throws -> URL {
    try #require(URL(string: "\(fake.org)\(path)"))
  }

  func get(_ fake: FakeOktaServer, _ path: String) throws -> HTTPRequest {
    HTTPRequest(
      method: "GET", url: try url(fake, path),
      headers: ["Authorization": "SSWS \(Self.token)", "Accept": "application/json"])
  }

  func put(_ fake: FakeOktaServer, _ path: String, _ body: JSONValue) throws -> HTTPRequest {
    HTTPRequest(
      method: "PUT", url: try url(fake, path),
      headers: [
        "Authorization": "SSWS \(Self.token)", "Accept": "application/json",
        "Content-Type": "application/json",
      ],
      body: JSONWriter.write(body, style: .compact))
  }

  /// The live rule without its read-only fields: a body the fake accepts back.
  func writableRule(_ fake: FakeOktaServer) throws -> JSONObject {
    let response = try CurlTransport().send(try get(fake, Self.rulePath), timeout: 10)
    var rule = try #require(try JSONParser.parse(response.body).objectValue)
    for field in ["id", "created", "lastUpdated", "_links"] { _ = rule.removeValue(forKey: field) }
    return rule
  }

  func log(_ fake: FakeOktaServer, after count: Int) throws -> [JSONValue] {
    Array(try fake.requests().dropFirst(count))
  }

  // MARK: - libcurl

  @Test func theOptionIDsAreLibcurlsOwn() throws {
    let library = try CurlLibrary.shared.get()
    #expect(library.version.hasPrefix("libcurl/"))
    // curl_easy_option_by_name exists from libcurl 7.73 (Debian 12 has 7.88). Without it the
    // numbers cannot be checked here, and that is a failure, not a pass.
    let canSay = library.optionID("URL") != -1
    try #require(
      canSay,
      """
      \(library.version) cannot say its option ids (curl_easy_option_by_name, libcurl 7.73+), \
      so the ids orgwiz uses are unchecked: test with a newer libcurl
      """)
    for option in CurlOption.allCases {
      #expect(library.optionID(option.curlName) == option.rawValue, "CURLOPT_\(option.curlName)")
    }
  }

  @Test func aMissingLibcurlIsNamedWithWhatToInstallAndNotRetried() throws {
    let missing = CurlTransport(libraryNames: ["libcurl-orgwiz-missing.so.9", "libnothing.so.1"])
    let request = HTTPRequest(
      method: "GET", url: try #require(URL(string: "http://127.0.0.1:9/api/v1/org")),
      headers: ["Authorization": "SSWS \(Self.token)"])
    do {
      _ = try missing.send(request, timeout: 5)
      Issue.record("a request was sent without libcurl")
    } catch {
      guard case .unavailable(let message) = error else {
        Issue.record("not .unavailable: \(error)")
        return
      }
      #expect(message.contains("libcurl could not be loaded"))
      #expect(message.contains("libcurl-orgwiz-missing.so.9, libnothing.so.1"))
      #expect(message.contains("apt-get install libcurl4"))
      #expect(!message.contains(Self.token))
    }
    // The client reports it at once: a missing library does not come back by waiting.
    let sleep = RecordingSleep()
    let okta = OktaClient(
      org: try OrgURL.parse("http://127.0.0.1:9"), credential: .apiToken(Self.token), scopes: [],
      transport: missing, sleep: sleep.function)
    do {
      _ = try okta.get("/api/v1/org")
      Issue.record("a request was sent without libcurl")
    } catch {
      #expect(error.exitStatus.rawValue == 69)
      #expect(error.message.contains("apt-get install libcurl4"))
      #expect(!error.message.contains(Self.token) && !error.nextStep.contains(Self.token))
    }
    #expect(sleep.waits.isEmpty && okta.requestCount == 1)
  }

  // MARK: - Redirects

  @Test func aRedirectToAnotherOriginIsHandedBackUnfollowed() throws {
    let fake = try FakeOktaServer(["--token", Self.token])
    defer { fake.stop() }
    let transport = CurlTransport()
    let elsewhere = [
      "http://localhost:\(fake.port)/api/v1/org",  // another host name for the same server
      "https://127.0.0.1:\(fake.port)/api/v1/org",  // another scheme
      "http://127.0.0.1:\(fake.port + 1)/api/v1/org",  // another port
      "http://someone@127.0.0.1:\(fake.port)/api/v1/org",  // a user name
    ]
    for (index, location) in elsewhere.enumerated() {
      let before = try fake.requests().count
      try fake.addFault([
        "path": "^/api/v1/org$", "kind": "redirect", "status": index == 0 ? 307 : 302,
        "location": .string(location),
      ])
      let response = try transport.send(try get(fake, "/api/v1/org"), timeout: 10)
      #expect(response.status == (index == 0 ? 307 : 302))
      #expect(response.headers["location"] == location)
      let sent = try log(fake, after: before)
      #expect(sent.count == 1, "\(location) was followed: \(sent.count) requests")
    }
  }

  @Test func aSameOriginRedirectIsFollowedWithTheFinalResponsesHeaders() throws {
    let fake = try FakeOktaServer(["--token", Self.token])
    defer { fake.stop() }
    let transport = CurlTransport()
    for location in ["/api/v1/org", "\(fake.org)/api/v1/org"] {
      let before = try fake.requests().count
      try fake.addFault([
        "path": "^/api/v1/apps/0oa1mob$", "kind": "redirect", "location": .string(location),
      ])
      let response = try transport.send(try get(fake, "/api/v1/apps/0oa1mob"), timeout: 10)
      #expect(response.status == 200)
      #expect(try JSONParser.parse(response.body)["id"] == "00o1acme")
      let sent = try log(fake, after: before)
      #expect(sent.map { $0["path"]?.stringValue } == ["/api/v1/apps/0oa1mob", "/api/v1/org"])
      #expect(sent.last?["headers"]?["Authorization"] == "SSWS <redacted>")
      #expect(response.headers["location"] == nil)
      #expect(response.headers["x-okta-request-id"] == sent.last?["requestId"]?.stringValue)
    }
    // A redirect loop ends.
    let before = try fake.requests().count
    try fake.addFault([
      "path": "^/api/v1/org$", "kind": "redirect", "location": "/api/v1/org", "count": -1,
    ])
    #expect(throws: TransportError.self) {
      try transport.send(try get(fake, "/api/v1/org"), timeout: 10)
    }
    #expect(try log(fake, after: before).count == CurlTransport.maximumRedirects + 1)
  }

  // A write is never redirected, not even within the org: an answer could otherwise aim the PUT
  // (and the token) at another object than the one the review showed.
  @Test(arguments: [301, 302, 303, 307, 308])
  func aWriteIsNeverRedirected(_ status: Int) throws {
    let fake = try FakeOktaServer(["--token", Self.token])
    defer { fake.stop() }
    let transport = CurlTransport()
    let rule = try writableRule(fake)
    let before = try fake.requests().count
    try fake.addFault([
      "method": "PUT", "path": "/rules/", "kind": "redirect", "status": .number(JSONNumber(status)),
      "location": "/api/v1/authorizationServers/aus2prt/policies/00p3prt/rules/0pr4prt",
    ])
    let answer = try transport.send(try put(fake, Self.rulePath, .object(rule)), timeout: 10)
    #expect(answer.status == status)
    let sent = try log(fake, after: before)
    #expect(sent.map { $0["path"]?.stringValue } == [Self.rulePath], "followed: \(sent)")
    #expect(try fake.violations().isEmpty)
  }

  // MARK: - Bodies, connections and headers

  @Test func aPutBodyArrivesIntactOnAConnectionOfItsOwn() throws {
    let fake = try FakeOktaServer(["--token", Self.token])
    defer { fake.stop() }
    let transport = CurlTransport()
    var rule = try writableRule(fake)
    rule["name"] = "Règle — ünïcödé ✓ \"quoted\" \\ back"
    let before = try fake.requests().count
    _ = try transport.send(try get(fake, "/api/v1/org"), timeout: 10)
    let request = try put(fake, Self.rulePath, .object(rule))
    let response = try transport.send(request, timeout: 10)
    #expect(response.status == 200)
    _ = try transport.send(try get(fake, "/api/v1/org"), timeout: 10)
    let stored = try transport.send(try get(fake, Self.rulePath), timeout: 10)
    #expect(try JSONParser.parse(stored.body)["name"]?.stringValue == rule["name"]?.stringValue)

    let sent = try log(fake, after: before)
    #expect(sent.map { $0["method"]?.stringValue } == ["GET", "PUT", "GET", "GET"])
    let entry = try #require(sent.first { $0["method"] == "PUT" })
    #expect(entry["body"] == .object(rule))
    #expect(entry["status"] == 200 && entry["violations"] == [])
    let headers = try #require(entry["headers"]?.objectValue)
    #expect(headers["Content-Type"] == "application/json")
    #expect(headers["Content-Length"]?.stringValue == String(request.body?.count ?? -1))
    #expect(headers.keys.allSatisfy { $0.lowercased() != "expect" })
    // The GETs keep their connection alive; the PUT had one of its own.
    let ports = sent.map { $0["clientPort"]?.intValue }
    #expect(ports[0] == ports[2] && ports[2] == ports[3])
    #expect(ports[1] != ports[0])
  }

  @Test func libcurlsOwnHeadersAreSuppressedAndBadHeadersRefused() throws {
    let url = try #require(URL(string: "https://acme.okta.com/oauth2/v1/token"))
    let form = HTTPRequest(method: "POST", url: url, headers: ["Accept": "application/json"])
    var withBody = form
    withBody.body = Array("a=b".utf8)
    #expect(
      try CurlTransport.headerLines(withBody) == [
        "Accept: application/json", "Expect:", "Content-Type:",
      ])
    withBody.headers["Content-Type"] = "application/x-www-form-urlencoded"
    withBody.headers["X-Empty"] = ""
    #expect(
      try CurlTransport.headerLines(withBody) == [
        "Accept: application/json", "Content-Type: application/x-www-form-urlencoded",
        "X-Empty;", "Expect:",
      ])
    #expect(try CurlTransport.headerLines(form) == ["Accept: application/json", "Expect:"])
    var injected = form
    injected.headers["Authorization"] = "SSWS \(Self.token)\r\nX-Injected: yes"
    do {
      _ = try CurlTransport.headerLines(injected)
      Issue.record("a header with a line break was accepted")
    } catch {
      #expect(
        error == .unreachable("the request's header \"Authorization\" cannot be sent as given"))
    }
  }

  @Test func onlyTheFinalResponsesHeadersAreKeptLowercasedAndJoined() {
    let state = TransferState(limit: 100, hasBody: true)
    for line in [
      "HTTP/1.1 100 Continue\r\n", "X-Interim: yes\r\n", "\r\n", "HTTP/1.1 200 OK\r\n",
      "Link: <a>; rel=\"self\"\r\n", "link: <b>; rel=\"next\"\r\n", "X-Folded: one\r\n",
      "  two\r\n", "Content-Length: 5\r\n", "\r\n", "X-Trailer: after the body\r\n",
    ] {
      let bytes = Array(line.utf8)
      #expect(bytes.withUnsafeBytes { state.header($0) } == bytes.count)
    }
    #expect(
      state.joinedHeaders == [
        "link": "<a>; rel=\"self\", <b>; rel=\"next\"", "x-folded": "one two",
        "content-length": "5",
      ])
    #expect(state.status == 200)
    // A Content-Length over the bound stops the transfer before any of the body.
    let small = TransferState(limit: 4, hasBody: true)
    for line in ["HTTP/2 200\r\n", "content-length: 5\r\n"] {
      _ = Array(line.utf8).withUnsafeBytes { small.header($0) }
    }
    #expect(Array("\r\n".utf8).withUnsafeBytes { small.header($0) } == 0)
    #expect(small.tooLarge)
  }

  @Test func aBodyOverTheBoundIsCutOffWithoutALengthAndTheNextRequestWorks() throws {
    let fake = try FakeOktaServer(["--token", Self.token])
    defer { fake.stop() }
    let transport = CurlTransport(maximumResponseBytes: 10_000)
    try fake.addFault(["path": "^/api/v1/org$", "kind": "chunked", "bytes": 1_000_000])
    #expect(throws: TransportError.tooLarge) {
      try transport.send(try get(fake, "/api/v1/org"), timeout: 10)
    }
    try fake.addFault(["path": "^/api/v1/org$", "kind": "chunked", "bytes": 10_000])
    let exact = try transport.send(try get(fake, "/api/v1/org"), timeout: 10)
    #expect(exact.status == 200 && exact.body.count == 10_000)
    #expect(exact.headers["content-length"] == nil)
    #expect(try transport.send(try get(fake, "/api/v1/org"), timeout: 10).status == 200)
  }

  @Test func concurrentRequestsEachGetTheirAnswer() throws {
    let fake = try FakeOktaServer(["--token", Self.token])
    defer { fake.stop() }
    let transport = CurlTransport()
    let paths = ["/api/v1/org", "/api/v1/apps/0oa1mob", "/api/v1/apps/0oa2web", "/api/v1/users/me"]
    let requests = try (0..<12).map { try get(fake, paths[$0 % paths.count]) }
    let results = LockedResults()
    DispatchQueue.concurrentPerform(iterations: requests.count) { index in
      results.set(
        index,
        Result { () throws(TransportError) in
          try transport.send(requests[index], timeout: 10)
        })
    }
    for index in requests.indices {
      let response = try #require(try results.get(index)?.get())
      #expect(response.status == 200)
      let id = try JSONParser.parse(response.body)["id"]?.stringValue
      let expected = ["00o1acme", "0oa1mob", "0oa2web", "00u1ada"][index % paths.count]
      #expect(id == expected)
    }
  }

  // MARK: - Failures

  @Test func aSlowAnswerTimesOut() throws {
    let fake = try FakeOktaServer(["--token", Self.token])
    defer { fake.stop() }
    try fake.addFault(["path": "^/api/v1/org$", "delay": 5])
    #expect(throws: TransportError.timedOut) {
      try CurlTransport().send(try get(fake, "/api/v1/org"), timeout: 1)
    }
  }

  @Test func aCertificateNobodySignedIsRefused() throws {
    let fake = try FakeOktaServer(["--token", Self.token, "--tls-self-signed"])
    defer { fake.stop() }
    let org = try OrgURL.parse("https://127.0.0.1:\(fake.port)")
    let request = HTTPRequest(
      method: "GET", url: try #require(URL(string: "\(org)/api/v1/org")),
      headers: ["Authorization": "SSWS \(Self.token)"])
    do {
      _ = try CurlTransport().send(request, timeout: 10)
      Issue.record("a self-signed certificate was accepted")
    } catch {
      guard case .tls(let message) = error else {
        Issue.record("not .tls: \(error)")
        return
      }
      #expect(message.contains("127.0.0.1") && message.lowercased().contains("certificate"))
      #expect(!message.contains(Self.token))
    }
    let sleep = RecordingSleep()
    let okta = OktaClient(
      org: org, credential: .apiToken(Self.token), scopes: [], transport: CurlTransport(),
      sleep: sleep.function)
    do {
      _ = try okta.get("/api/v1/org")
      Issue.record("a self-signed certificate was accepted")
    } catch {
      #expect(error.exitStatus.rawValue == 69 && error.message.contains("TLS failed"))
      #expect(!error.message.contains(Self.token))
    }
    #expect(sleep.waits.isEmpty)
  }

  @Test func libcurlsErrorsMapToTransportErrors() {
    let host = "acme.okta.com"
    #expect(CurlErrorMapping.map(code: 28, osErrno: 0, detail: "x", host: host) == .timedOut)
    #expect(
      CurlErrorMapping.map(code: 6, osErrno: 0, detail: "x", host: host)
        == .unreachable("acme.okta.com could not be resolved (DNS)"))
    #expect(
      CurlErrorMapping.map(code: 7, osErrno: ECONNREFUSED, detail: "x", host: host)
        == .unreachable("the connection to acme.okta.com was refused"))
    #expect(
      CurlErrorMapping.map(code: 7, osErrno: ENETUNREACH, detail: "x", host: host)
        == .unreachable("this machine is not connected to a network"))
    for lost in [18, 52, 55, 56] {
      #expect(
        CurlErrorMapping.map(code: lost, osErrno: 0, detail: "x", host: host)
          == .unreachable(
            "the connection to acme.okta.com was lost before the response was complete"))
    }
    #expect(
      CurlErrorMapping.map(
        code: 60, osErrno: 0, detail: "SSL certificate problem: certificate has expired",
        host: host)
        == .tls("acme.okta.com: SSL certificate problem: certificate has expired (curl error 60)"))
    #expect(
      CurlErrorMapping.map(code: 35, osErrno: 0, detail: "handshake failed", host: host)
        == .tls("acme.okta.com: handshake failed (curl error 35)"))
    #expect(
      CurlErrorMapping.map(code: 97, osErrno: 0, detail: "proxy refused", host: host)
        == .unreachable("acme.okta.com: proxy refused (curl error 97)"))
  }
}

/// Results stored from several threads.
final class LockedResults: Sendable {
  private let results = Mutex<[Int: Result<HTTPResponse, TransportError>]>([:])

  func set(_ index: Int, _ result: Result<HTTPResponse, TransportError>) {
    results.withLock { $0[index] = result }
  }

  func get(_ index: Int) -> Result<HTTPResponse, TransportError>? {
    results.withLock { $0[index] }
  }
}
