import Foundation
import OrgWizJSON
import Synchronization
import Testing

@testable import OrgWizOkta

/// Answers from a script, and records what was sent.
final class StubTransport: HTTPTransport, Sendable {
  private let state: Mutex<(script: [Result<HTTPResponse, TransportError>], sent: [HTTPRequest])>

  init(_ script: [Result<HTTPResponse, TransportError>]) {
    state = Mutex((script, []))
  }

  var sent: [HTTPRequest] { state.withLock { $0.sent } }

  func send(_ request: HTTPRequest, timeout: Double) throws(TransportError) -> HTTPResponse {
    let next: Result<HTTPResponse, TransportError> = state.withLock {
      $0.sent.append(request)
      return $0.script.isEmpty ? .failure(.unreachable("script ended")) : $0.script.removeFirst()
    }
    return try next.get()
  }

  static func json(
    _ status: Int, _ body: String, _ headers: [String: String] = [:]
  ) -> Result<HTTPResponse, TransportError> {
    .success(HTTPResponse(status: status, headers: headers, body: Array(body.utf8)))
  }
}

@Suite struct StubTransportTests {
  let org: OrgURL

  init() throws {
    org = try OrgURL.parse("https://acme.okta.com")
  }
  let token = "00SECRETtokenVALUE"

  func client(_ transport: StubTransport, sleep: RecordingSleep = RecordingSleep()) -> OktaClient {
    OktaClient(
      org: org, credential: .apiToken(token), scopes: [], transport: transport,
      retryBudget: 60, sleep: sleep.function, userAgent: "orgwiz/9.9.9")
  }

  @Test func headersOnEveryRequest() throws {
    let transport = StubTransport([
      StubTransport.json(200, "{\"id\":\"00o1\"}", ["X-Okta-Request-Id": "req-1"]),
      StubTransport.json(200, "{}"),
    ])
    let okta = client(transport)
    let response = try okta.get("/api/v1/org")
    #expect(response.requestID == "req-1" && response.json == ["id": "00o1"])
    _ = try okta.put("/api/v1/apps/0oa1", body: ["label": "x", "a": [1, 2]])
    let get = transport.sent[0]
    #expect(get.method == "GET" && get.url.absoluteString == "https://acme.okta.com/api/v1/org")
    #expect(get.headers["Authorization"] == "SSWS \(token)")
    #expect(get.headers["Accept"] == "application/json")
    #expect(get.headers["User-Agent"] == "orgwiz/9.9.9")
    #expect(get.headers["Content-Type"] == nil && get.body == nil)
    #expect(get.redactedHeaders["Authorization"] == "SSWS <redacted>")
    let put = transport.sent[1]
    #expect(put.headers["Content-Type"] == "application/json")
    #expect(put.body.map { String(decoding: $0, as: UTF8.self) } == "{\"a\":[1,2],\"label\":\"x\"}")
    #expect(okta.requestCount == 2)
  }

  @Test func queryParametersAreEncoded() throws {
    let transport = StubTransport([StubTransport.json(200, "[]")])
    _ = try client(transport).getAll("/api/v1/apps", query: [("filter", "name eq \"oidc_client\"")])
    #expect(
      transport.sent[0].url.absoluteString
        == "https://acme.okta.com/api/v1/apps?filter=name%20eq%20%22oidc_client%22")
  }

  @Test func aNextLinkOffTheOrgIsNotFollowed() {
    for next in ["https://evil.example/api/v1/apps?after=1", "http://acme.okta.com/api/v1/apps"] {
      let transport = StubTransport([
        StubTransport.json(200, "[{\"id\":1}]", ["Link": "<\(next)>; rel=\"next\""])
      ])
      do {
        _ = try client(transport).getAll("/api/v1/apps")
        Issue.record("followed \(next)")
      } catch {
        #expect(error.exitStatus.rawValue == 69)
        #expect(error.message.contains("not a URL on https://acme.okta.com"))
      }
      #expect(transport.sent.count == 1)
    }
  }

  @Test func aPagingLoopStops() {
    let link = ["Link": "<https://acme.okta.com/api/v1/apps?after=a>; rel=\"next\""]
    let transport = StubTransport([
      StubTransport.json(200, "[1]", link), StubTransport.json(200, "[2]", link),
    ])
    #expect(throws: OktaError.self) { try client(transport).getAll("/api/v1/apps") }
  }

  @Test func notJSONOrNotAListIsMalformed() {
    for (body, what) in [("<html>login</html>", "not JSON"), ("{\"a\":1}", "value")] {
      let transport = StubTransport([StubTransport.json(200, body)])
      do {
        _ = try client(transport).getAll("/api/v1/apps")
        Issue.record("accepted \(body)")
      } catch {
        #expect(error.exitStatus.rawValue == 69 && error.message.contains(what))
      }
    }
  }

  @Test func pacesByTheServersDateWhenFewRequestsAreLeft() throws {
    let headers = [
      "X-Rate-Limit-Limit": "100", "X-Rate-Limit-Remaining": "5",
      // The server's clock is far from this machine's; only the difference counts.
      "X-Rate-Limit-Reset": "784111794", "Date": "Sun, 06 Nov 1994 08:49:37 GMT",
    ]
    let transport = StubTransport([
      StubTransport.json(200, "{}", headers), StubTransport.json(200, "{}"),
      StubTransport.json(200, "{}"),
    ])
    let sleep = RecordingSleep()
    let okta = client(transport, sleep: sleep)
    _ = try okta.get("/api/v1/apps/1")
    _ = try okta.get("/api/v1/apps/2")
    _ = try okta.get("/api/v1/apps/3")
    #expect(sleep.waits.count == 1)
    #expect((sleep.waits.first ?? 0) > 16 && (sleep.waits.first ?? 0) <= 17)
  }

  @Test func networkErrorsAreRetriedThenReported() throws {
    let sleep = RecordingSleep()
    let transport = StubTransport([
      .failure(.unreachable("the connection to acme.okta.com was refused")), .failure(.timedOut),
      StubTransport.json(200, "{}"),
    ])
    _ = try client(transport, sleep: sleep).get("/api/v1/org")
    #expect(sleep.waits.count == 2)
    let tls = StubTransport([.failure(.tls("certificate has expired"))])
    do {
      _ = try client(tls).get("/api/v1/org")
      Issue.record("TLS failure accepted")
    } catch {
      #expect(error.exitStatus.rawValue == 69 && error.message.contains("TLS"))
      #expect(tls.sent.count == 1)
    }
    let big = StubTransport([.failure(.tooLarge)])
    #expect(throws: OktaError.self) { try client(big).get("/api/v1/org") }
  }

  @Test func fourHundredsAreNeverRetriedAndShowOktasError() {
    let body = """
      {"errorCode":"E0000001","errorSummary":"Api validation failed: name",\
      "errorLink":"E0000001","errorId":"oaeXYZ","errorCauses":[{"errorSummary":"name: required"}]}
      """
    for status in [400, 404, 409] {
      let transport = StubTransport([StubTransport.json(status, body)])
      do {
        _ = try client(transport).put("/api/v1/apps/0oa1", body: [:])
        Issue.record("accepted \(status)")
      } catch {
        #expect(error.exitStatus.rawValue == 1)
        #expect(error.message.contains("PUT /api/v1/apps/0oa1"))
        #expect(error.message.contains("E0000001: Api validation failed: name"))
        #expect(error.message.contains("name: required") && error.message.contains("oaeXYZ"))
        #expect(!error.nextStep.isEmpty)
      }
      #expect(transport.sent.count == 1)
    }
  }

  @Test func aRedirectIsNotFollowed() {
    let transport = StubTransport([
      StubTransport.json(302, "", ["Location": "https://login.example/"])
    ])
    do {
      _ = try client(transport).get("/api/v1/org")
      Issue.record("followed")
    } catch {
      #expect(error.exitStatus.rawValue == 69 && error.message.contains("redirect"))
    }
  }

  @Test func tokenIdentityIsLearnedFromUsersMe() throws {
    let transport = StubTransport([
      StubTransport.json(200, "{\"id\":\"00u1\",\"profile\":{\"login\":\"ada@acme.example\"}}")
    ])
    let okta = client(transport)
    #expect(okta.identity == nil)
    _ = try okta.get("/api/v1/users/me")
    #expect(okta.identity == "ada@acme.example")
  }
}
