import Foundation
import OrgWizJSON
import Testing

@testable import OrgWizOkta

/// The client's answers to numbers no Okta would send, and to lists that never end, without a
/// server (the built binary meets the same through `HostileNetworkTests`).
@Suite struct HostileNumberTests {
  let org: OrgURL

  init() throws {
    org = try OrgURL.parse("https://acme.okta.com")
  }

  func client(_ transport: StubTransport, sleep: RecordingSleep) -> OktaClient {
    OktaClient(
      org: org, credential: .apiToken("00tokenVALUE"), scopes: [], transport: transport,
      retryBudget: 100_000, sleep: sleep.function)
  }

  @Test func retryAfterOfAnyShapeIsBounded() {
    let cases: [(String, Double?)] = [
      ("1e300", OktaError.unreachableWait), ("inf", OktaError.unreachableWait),
      ("99999999999999999999999", OktaError.unreachableWait), ("nan", nil), ("-5", nil),
      ("soon", nil), ("", nil), ("3", 3), ("1, 7", 7),
    ]
    for (text, expected) in cases {
      #expect(OktaClient.retryAfter(["retry-after": text], localNow: 0) == expected, "\(text)")
    }
    // An HTTP-date counts from the response's Date.
    let dated = [
      "retry-after": "Sun, 06 Nov 1994 08:50:37 GMT", "date": "Sun, 06 Nov 1994 08:49:37 GMT",
    ]
    #expect(OktaClient.retryAfter(dated, localNow: 0) == 60)
  }

  @Test func durationsAndTimesOfAnySizeCanBeSaid() {
    for value in [Double.nan, .infinity, -.infinity, 1e300, -1e300, 9.3e18, 0, 2.5] {
      #expect(!OktaError.duration(value).isEmpty)
      #expect(OktaError.clockTime(value).hasSuffix("UTC"))
    }
    let error = OktaError.rateLimited(request: "GET /x", resetIn: 1e300, resetAt: 1e300)
    #expect(error.exitStatus.rawValue == 75 && !error.message.isEmpty)
  }

  @Test func aWaitOverFiveMinutesFailsAtOnceWithoutSleeping() {
    let transport = StubTransport([StubTransport.json(429, "{}", ["Retry-After": "301"])])
    let sleep = RecordingSleep()
    #expect(throws: OktaError.self) { try client(transport, sleep: sleep).get("/api/v1/org") }
    #expect(sleep.waits.isEmpty)
  }

  @Test func endlessPagesStopAtThePageBound() {
    let pages = (1...5).map { page in
      StubTransport.json(
        200, "[\(page)]",
        ["Link": "<https://acme.okta.com/api/v1/apps?after=\(page)>; rel=\"next\""])
    }
    let okta = client(StubTransport(pages), sleep: RecordingSleep())
    okta.maximumPages = 3
    do {
      _ = try okta.getAll("/api/v1/apps")
      Issue.record("read past the page bound")
    } catch {
      #expect(error.exitStatus.rawValue == 69 && error.message.contains("3 of them"))
    }
  }

  @Test func theTotalReadIsBoundedBeforeParsing() {
    let body = "[" + String(repeating: "1,", count: 600) + "1]"
    let transport = StubTransport([StubTransport.json(200, body), StubTransport.json(200, body)])
    let okta = client(transport, sleep: RecordingSleep())
    okta.maximumTotalBytes = 2_000
    #expect((try? okta.getAll("/api/v1/apps")) != nil)
    do {
      _ = try okta.getAll("/api/v1/groups")
      Issue.record("read past the byte bound")
    } catch {
      #expect(error.exitStatus.rawValue == 69 && error.message.contains("the most orgwiz reads"))
    }
  }
}
