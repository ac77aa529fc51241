import Foundation
import Testing

@testable import OrgWizOkta

@Suite struct LinkHeaderTests {
  @Test func nextAmongSeparateHeadersJoinedWithCommas() {
    let header =
      "<https://acme.okta.com/api/v1/apps?limit=1>; rel=\"self\", "
      + "<https://acme.okta.com/api/v1/apps?after=0oa1mob&limit=1>; rel=\"next\""
    #expect(
      LinkHeader.next(in: header) == "https://acme.okta.com/api/v1/apps?after=0oa1mob&limit=1")
    #expect(LinkHeader.links(in: header).map(\.relations) == [["self"], ["next"]])
  }

  @Test func urlsKeepTheirCommasAndSemicolonsVerbatim() {
    let header = "<https://a.okta.com/x?q=a,b;c&after=x%2Cy>; rel=next"
    #expect(LinkHeader.next(in: header) == "https://a.okta.com/x?q=a,b;c&after=x%2Cy")
  }

  @Test func relationsAreCaseInsensitiveAndMayBeSeveral() {
    #expect(LinkHeader.next(in: "<https://a/x>; REL=\"prev NEXT\"") == "https://a/x")
    #expect(LinkHeader.next(in: "<https://a/x>; title=\"a, rel=next\"; rel=\"last\"") == nil)
    #expect(LinkHeader.next(in: "<https://a/x> ; type=\"text\" ; rel = \"next\"") == "https://a/x")
  }

  @Test func noNextLink() {
    #expect(LinkHeader.next(in: nil) == nil)
    #expect(LinkHeader.next(in: "") == nil)
    #expect(LinkHeader.next(in: "<https://a/x>; rel=\"self\"") == nil)
    #expect(LinkHeader.next(in: "garbage, <unterminated; rel=next") == nil)
  }
}

@Suite struct OrgURLTests {
  @Test func bareHostMeansHTTPS() throws {
    #expect(try OrgURL.parse("acme.okta.com").url.absoluteString == "https://acme.okta.com")
    #expect(
      try OrgURL.parse("https://acme.okta.com/").url.absoluteString == "https://acme.okta.com")
    #expect(
      try OrgURL.parse(" https://ACME.okta.com// ").url.absoluteString == "https://acme.okta.com")
    #expect(
      try OrgURL.parse("https://acme.oktapreview.com:8443").url.absoluteString
        == "https://acme.oktapreview.com:8443")
  }

  @Test func plainHTTPOnlyOnLoopback() throws {
    for text in [
      "http://127.0.0.1:8080", "http://127.9.8.7", "http://localhost:1", "http://[::1]:9",
    ] {
      #expect(try OrgURL.parse(text).url.scheme == "http", "\(text)")
    }
    for text in [
      "http://acme.okta.com", "http://128.0.0.1", "http://127.0.0.1.evil.com", "http://10.0.0.1",
      "http://localhost.evil.com", "http://[::2]",
    ] {
      #expect(throws: OktaError.insecureURL(text), "\(text)") { try OrgURL.parse(text) }
      #expect(OktaError.insecureURL(text).exitStatus.rawValue == 64)
    }
  }

  @Test func refusesPathsQueriesUserInfoAndOtherSchemes() {
    for text in [
      "", "https://acme.okta.com/admin", "https://acme.okta.com?x=1", "https://u:p@acme.okta.com",
      "ftp://acme.okta.com", "https://acme.okta.com#f", "https://", "https://acme okta.com",
      "https://acme.okta.com:99999",
    ] {
      do {
        _ = try OrgURL.parse(text)
        Issue.record("\(text) was accepted")
      } catch {
        #expect(error.exitStatus.rawValue == 64, "\(text)")
        #expect(!error.message.isEmpty && !error.nextStep.isEmpty)
      }
    }
  }

  @Test func userInfoIsNeverEchoed() {
    do {
      _ = try OrgURL.parse("https://admin:hunter2@acme.okta.com")
      Issue.record("accepted")
    } catch {
      // The URL is quoted back, but the reason tells the admin to take the password out.
      #expect(error.message.contains("user name or password"))
    }
  }

  @Test func sameOrigin() throws {
    let org = try OrgURL.parse("https://acme.okta.com")
    #expect(org.isSameOrigin(URL(string: "https://acme.okta.com/api/v1/apps?after=x")!))
    #expect(org.isSameOrigin(URL(string: "https://ACME.okta.com:443/x")!))
    #expect(!org.isSameOrigin(URL(string: "http://acme.okta.com/x")!))
    #expect(!org.isSameOrigin(URL(string: "https://acme.okta.com:444/x")!))
    #expect(!org.isSameOrigin(URL(string: "https://evil.com/x")!))
    #expect(!org.isSameOrigin(URL(string: "https://acme.okta.com.evil.com/x")!))
  }
}

@Suite struct RateLimitTests {
  @Test func httpDate() {
    #expect(HTTPDate.epochSeconds("Sun, 06 Nov 1994 08:49:37 GMT") == 784_111_777)
    #expect(HTTPDate.epochSeconds("Thu, 01 Jan 1970 00:00:00 GMT") == 0)
    #expect(HTTPDate.epochSeconds("Tue, 29 Feb 2028 23:59:59 GMT") == 1_835_481_599)
    #expect(HTTPDate.epochSeconds("Sunday, 06-Nov-94 08:49:37 GMT") == nil)
    #expect(HTTPDate.epochSeconds("garbage") == nil)
  }

  @Test func resetIsMeasuredAgainstTheServersDate() {
    let reading = RateLimitReading(
      headers: [
        "x-rate-limit-limit": "600", "x-rate-limit-remaining": "120",
        "x-rate-limit-reset": "784111797", "date": "Sun, 06 Nov 1994 08:49:37 GMT",
      ])
    #expect(reading?.secondsToReset(localNow: 0) == 20)
    #expect(reading?.isLow == false)
    #expect(RateLimitReading(limit: 600, remaining: 60, reset: 0, serverDate: nil).isLow)
    #expect(RateLimitReading(limit: 10, remaining: 1, reset: 0, serverDate: nil).isLow)
    #expect(RateLimitReading(headers: ["x-rate-limit-limit": "600"]) == nil)
  }
}

@Suite struct ScopeTests {
  @Test func scopeOfEachCall() {
    #expect(OktaScopes.needed(method: "GET", path: "/api/v1/apps") == "okta.apps.read")
    #expect(OktaScopes.needed(method: "PUT", path: "/api/v1/apps/0oa1") == "okta.apps.manage")
    #expect(
      OktaScopes.needed(method: "PUT", path: "/api/v1/authorizationServers/a/policies/p/rules/r")
        == "okta.authorizationServers.manage")
    #expect(
      OktaScopes.needed(method: "GET", path: "/api/v1/iam/assignees/users") == "okta.roles.read")
    #expect(OktaScopes.needed(method: "GET", path: "/api/v1/users/00u1/roles") == "okta.roles.read")
    #expect(OktaScopes.needed(method: "GET", path: "/api/v1/users/me") == "okta.users.read")
    #expect(OktaScopes.needed(method: "GET", path: "/api/v1/groups/00g1") == "okta.groups.read")
    #expect(OktaScopes.needed(method: "GET", path: "/api/v1/org") == "okta.orgs.read")
    #expect(OktaScopes.needed(method: "GET", path: "/.well-known/okta-organization") == nil)
  }
}
