import Foundation
import OrgWizJSON
import Synchronization
import Testing

@testable import OrgWizOkta

/// OktaClient with CurlTransport against tools/fake-okta on 127.0.0.1 (one fake per test).
@Suite struct FakeOktaClientTests {
  static let token = "00fakeTOKENfor-orgwiz_tests42"

  func tokenClient(
    _ fake: FakeOktaServer, token: String = Self.token, retryBudget: Double = 60,
    sleep: RecordingSleep = RecordingSleep(), progress: (@Sendable (String) -> Void)? = nil
  ) -> OktaClient {
    OktaClient(
      org: fake.org, credential: .apiToken(token), scopes: [], transport: CurlTransport(),
      progress: progress, retryBudget: retryBudget, sleep: sleep.function,
      userAgent: "orgwiz/0.1.0-test")
  }

  /// Every error message and next step seen, to check that no secret is in any.
  func expectNoSecret(_ error: OktaError, _ secrets: [String]) {
    for secret in secrets {
      #expect(!error.description.contains(secret), "a secret is in: \(error.description)")
    }
  }

  @Test func pagesByLinkHeaderAndByBodyLinks() throws {
    let fake = try FakeOktaServer(["--token", Self.token, "--page-size", "1"])
    defer { fake.stop() }
    let lines = LockedLines()
    let okta = tokenClient(fake, progress: lines.append)
    let servers = try okta.getAll("/api/v1/authorizationServers")
    #expect(servers.compactMap { $0["id"]?.stringValue } == ["aus1api", "aus2prt", "aus3inv"])
    let apps = try okta.getAll("/api/v1/apps")
    #expect(
      apps.compactMap { $0["id"]?.stringValue } == [
        "0oa1mob", "0oa2web", "0oa3rpt", "0oa4hr", "0oa5tv", "0oa6ord",
      ])
    let filtered = try okta.getAll("/api/v1/apps", query: [("filter", "name eq \"oidc_client\"")])
    #expect(filtered.count >= 1 && filtered.count < 6)
    // The assignees list has its next page in the body.
    let admins = try okta.getAll("/api/v1/iam/assignees/users")
    #expect(admins.compactMap { $0["id"]?.stringValue } == ["00u1ada", "00u2bob", "00u3zoe"])
    #expect(okta.requestCount >= 2 + 4 + 3 + filtered.count)
    #expect(lines.lines.contains("Reading /api/v1/apps: 2 so far"))
    let log = try fake.requests()
    #expect(log.contains { ($0["query"]?["after"]?[0]) != nil })
    for entry in log {
      #expect(entry["headers"]?["Authorization"] == "SSWS <redacted>")
      #expect(entry["headers"]?["User-Agent"] == "orgwiz/0.1.0-test")
      #expect(entry["headers"]?["Accept"] == "application/json")
    }
    #expect(try fake.violations().isEmpty)
  }

  @Test func singleObjectsTheUnauthenticatedCallAndAPut() throws {
    let fake = try FakeOktaServer(["--token", Self.token])
    defer { fake.stop() }
    let okta = tokenClient(fake)
    let wellKnown = try okta.getUnauthenticated("/.well-known/okta-organization")
    #expect(wellKnown.json["pipeline"] == "idx")
    let org = try okta.get("/api/v1/org")
    #expect(org.status == 200 && org.requestID != nil && org.json["id"] != nil)
    let me = try okta.get("/api/v1/users/me")
    #expect(
      me.json["id"] == "00u1ada" && okta.identity == me.json["profile"]?["login"]?.stringValue)
    // A rule PUT: the live rule without its read-only fields.
    let path = "/api/v1/authorizationServers/aus1api/policies/00p1def/rules/0pr1def"
    var rule = try #require(try okta.get(path).json.objectValue)
    for field in ["id", "created", "lastUpdated", "_links"] { _ = rule.removeValue(forKey: field) }
    let put = try okta.put(path, body: .object(rule))
    #expect(put.status == 200 && put.json["id"] == "0pr1def")
    // An object that is not there: rejected (1) with Okta's E0000007.
    do {
      _ = try okta.get("/api/v1/apps/0oa0none")
      Issue.record("a missing app was found")
    } catch {
      #expect(error.exitStatus.rawValue == 1)
      #expect(
        error.message.contains("GET /api/v1/apps/0oa0none") && error.message.contains("E0000007"))
      expectNoSecret(error, [Self.token])
    }
    let sent = try fake.requests()
    let putEntry = try #require(sent.first { $0["method"] == "PUT" })
    #expect(putEntry["headers"]?["Content-Type"] == "application/json")
    #expect(
      sent.first { $0["path"] == "/.well-known/okta-organization" }?["headers"]?["Authorization"]
        == nil)
    #expect(try fake.violations().isEmpty)
  }

  @Test func aBadTokenIs77AndNeverShown() throws {
    let fake = try FakeOktaServer(["--token", Self.token])
    defer { fake.stop() }
    let wrong = "00wrongTOKENnotAccepted99"
    do {
      _ = try tokenClient(fake, token: wrong).get("/api/v1/org")
      Issue.record("a bad token was accepted")
    } catch {
      #expect(error.exitStatus.rawValue == 77)
      #expect(error.message.contains("401") && error.message.contains("E0000011"))
      #expect(error.nextStep.contains("Security > API > Tokens"))
      expectNoSecret(error, [wrong, Self.token])
    }
    #expect(try fake.requests().count == 1)
  }

  @Test func aForbiddenCallNamesTheScopeOrRole() throws {
    let fake = try FakeOktaServer(["--token", Self.token])
    defer { fake.stop() }
    try fake.addFault(["method": "PUT", "path": "^/api/v1/apps/", "status": 403])
    do {
      _ = try tokenClient(fake).put("/api/v1/apps/0oa1mob", body: [:])
      Issue.record("accepted")
    } catch {
      #expect(error.exitStatus.rawValue == 77)
      guard case .forbidden(_, _, let scope, _) = error else {
        Issue.record("not forbidden: \(error)")
        return
      }
      #expect(scope == "okta.apps.manage")
      #expect(error.message.contains("okta.apps.manage") && error.message.contains("E0000006"))
      #expect(error.nextStep.contains("Application Administrator"))
      expectNoSecret(error, [Self.token])
    }
  }

  @Test func aServiceAppSignsInAndIsToldWhichScopeItLacks() throws {
    let key = try TestKey()
    let fake = try FakeOktaServer([
      "--client-id", "0oa9svcapp", "--public-key", key.publicPEM, "--key-id", "kid-test",
      "--client-scopes", "okta.orgs.read okta.users.read",
    ])
    defer { fake.stop() }
    let okta = OktaClient(
      org: fake.org,
      credential: .serviceApp(
        clientID: "0oa9svcapp", privateKeyPEM: key.privatePEM, keyID: "kid-test"),
      scopes: ["okta.orgs.read"], transport: CurlTransport(), sleep: RecordingSleep().function
    )
    #expect(okta.identity == "0oa9svcapp")
    _ = try okta.get("/api/v1/org")
    _ = try okta.get("/api/v1/org")
    var accessToken = ""
    do {
      _ = try okta.get("/api/v1/apps")
      Issue.record("a call outside the token's scopes was allowed")
    } catch {
      #expect(error.exitStatus.rawValue == 77)
      guard case .forbidden(_, _, let scope, _) = error else {
        Issue.record("not forbidden: \(error)")
        return
      }
      #expect(scope == "okta.apps.read")
      #expect(error.nextStep.contains("Okta API Scopes") && error.nextStep.contains("0oa9svcapp"))
      expectNoSecret(error, key.secretLines)
    }
    let log = try fake.requests()
    let tokenRequests = log.filter { $0["path"] == "/oauth2/v1/token" }
    #expect(tokenRequests.count == 1, "the access token is fetched once")
    let claims = try #require(tokenRequests.first?["body"]?["client_assertion_claims"])
    #expect(claims["iss"] == "0oa9svcapp" && claims["sub"] == "0oa9svcapp")
    #expect(claims["aud"]?.stringValue == "\(fake.org)/oauth2/v1/token")
    #expect(tokenRequests.first?["body"]?["scope"] == "okta.orgs.read")
    for entry in log where entry["path"] != "/oauth2/v1/token" {
      #expect(entry["headers"]?["Authorization"]?.stringValue?.hasPrefix("Bearer") == true)
      accessToken = entry["headers"]?["Authorization"]?.stringValue ?? ""
    }
    #expect(!accessToken.isEmpty)
    #expect(try fake.violations().isEmpty)

    // Scopes the app was not granted: the token request itself is refused (77), naming them.
    let greedy = OktaClient(
      org: fake.org,
      credential: .serviceApp(
        clientID: "0oa9svcapp", privateKeyPEM: key.privatePEM, keyID: "kid-test"),
      scopes: OktaScopes.pull, transport: CurlTransport())
    do {
      _ = try greedy.get("/api/v1/org")
      Issue.record("ungranted scopes were accepted")
    } catch {
      #expect(error.exitStatus.rawValue == 77)
      #expect(error.message.contains("invalid_scope"))
      #expect(error.nextStep.contains("okta.apps.read"))
      expectNoSecret(error, key.secretLines)
    }
    // Another key: invalid_client.
    let other = try TestKey()
    let impostor = OktaClient(
      org: fake.org,
      credential: .serviceApp(clientID: "0oa9svcapp", privateKeyPEM: other.privatePEM, keyID: nil),
      scopes: ["okta.orgs.read"], transport: CurlTransport())
    do {
      _ = try impostor.get("/api/v1/org")
      Issue.record("a wrong key was accepted")
    } catch {
      #expect(error.exitStatus.rawValue == 77 && error.message.contains("invalid_client"))
      expectNoSecret(error, other.secretLines + key.secretLines)
    }
  }

  @Test func anExpiredAccessTokenIsFetchedAgainOnce() throws {
    let key = try TestKey()
    let fake = try FakeOktaServer([
      "--client-id", "0oa9svcapp", "--public-key", key.publicPEM,
    ])
    defer { fake.stop() }
    let okta = OktaClient(
      org: fake.org,
      credential: .serviceApp(clientID: "0oa9svcapp", privateKeyPEM: key.privatePEM, keyID: nil),
      scopes: ["okta.orgs.read"], transport: CurlTransport())
    _ = try okta.get("/api/v1/org")
    try fake.addFault(["path": "^/api/v1/org$", "status": 401])
    _ = try okta.get("/api/v1/org")
    let paths = try fake.requests().compactMap { $0["path"]?.stringValue }
    #expect(
      paths == [
        "/oauth2/v1/token", "/api/v1/org", "/api/v1/org", "/oauth2/v1/token", "/api/v1/org",
      ])
    // A 401 that persists after the new token is reported, not looped on.
    try fake.addFault(["path": "^/api/v1/org$", "status": 401, "count": 5])
    #expect(throws: OktaError.self) { try okta.get("/api/v1/org") }
  }

  @Test func aRateLimitIsWaitedOutByTheResetAgainstDate() throws {
    let fake = try FakeOktaServer(["--token", Self.token])
    defer { fake.stop() }
    try fake.addFault(["path": "^/api/v1/org$", "status": 429, "count": 2, "reset": 3])
    let sleep = RecordingSleep()
    let lines = LockedLines()
    let okta = tokenClient(fake, sleep: sleep, progress: lines.append)
    let org = try okta.get("/api/v1/org")
    #expect(org.status == 200)
    #expect(sleep.waits.count == 2)
    #expect(sleep.waits.allSatisfy { (2...4).contains($0) }, "waits: \(sleep.waits)")
    #expect(okta.requestCount == 3)
    #expect(lines.lines.contains { $0.contains("rate limit") })
    // Still limited when the budget runs out: 75.
    try fake.addFault(["path": "^/api/v1/org$", "status": 429, "count": -1, "reset": 5])
    do {
      _ = try tokenClient(fake, retryBudget: 8, sleep: RecordingSleep()).get("/api/v1/org")
      Issue.record("a persistent 429 succeeded")
    } catch {
      #expect(error.exitStatus.rawValue == 75)
      #expect(error.message.contains("GET /api/v1/org") && error.message.contains("429"))
      expectNoSecret(error, [Self.token])
    }
  }

  @Test func persistentServerErrorsAre69AfterTheBudget() throws {
    let fake = try FakeOktaServer(["--token", Self.token])
    defer { fake.stop() }
    try fake.addFault(["path": "^/api/v1/apps", "status": 503, "count": -1])
    let sleep = RecordingSleep()
    do {
      _ = try tokenClient(fake, retryBudget: 2, sleep: sleep).getAll("/api/v1/apps")
      Issue.record("a persistent 503 succeeded")
    } catch {
      #expect(error.exitStatus.rawValue == 69)
      #expect(error.message.contains("503") && error.message.contains("GET /api/v1/apps"))
      expectNoSecret(error, [Self.token])
    }
    #expect(!sleep.waits.isEmpty && sleep.waits.reduce(0, +) <= 2)
    // Growing waits: each at least as long as half the one before.
    for (before, after) in zip(sleep.waits, sleep.waits.dropFirst()) {
      #expect(after >= before / 2)
    }
    // A transient 502 and a dropped connection are retried and succeed.
    try fake.addFault([
      ["path": "^/api/v1/org$", "status": 502], ["path": "^/api/v1/org$", "kind": "close"],
    ])
    let retried = RecordingSleep()
    let okta = tokenClient(fake, sleep: retried)
    #expect(try okta.get("/api/v1/org").status == 200)
    // libcurl itself resends a request whose reused connection was dropped, so the client may
    // see only the 502; the fake saw all three.
    let statuses = try fake.requests().suffix(3).map { $0["status"] ?? nil }
    #expect(statuses == [502, nil, 200])
    #expect(!retried.waits.isEmpty)
  }

  @Test func aResponseOverTheSizeBoundIsRefused() throws {
    let fake = try FakeOktaServer(["--token", Self.token])
    defer { fake.stop() }
    let small = CurlTransport(maximumResponseBytes: 200)
    let request = HTTPRequest(
      method: "GET", url: fake.org.url.appendingPathComponent("api/v1/apps"),
      headers: ["Authorization": "SSWS \(Self.token)"])
    #expect(throws: TransportError.tooLarge) { try small.send(request, timeout: 10) }
    let okta = OktaClient(
      org: fake.org, credential: .apiToken(Self.token), scopes: [], transport: small)
    do {
      _ = try okta.getAll("/api/v1/apps")
      Issue.record("an oversized response was read")
    } catch {
      #expect(error.exitStatus.rawValue == 69 && error.message.contains("larger than"))
    }
    // The bound is on the body only: a small answer passes.
    #expect(try okta.getUnauthenticated("/.well-known/okta-organization").status == 200)
  }

  @Test func nobodyListeningIs69() throws {
    // A port that was just free: bind, read the port, close.
    let fake = try FakeOktaServer(["--token", Self.token])
    let org = fake.org
    fake.stop()
    let okta = OktaClient(
      org: org, credential: .apiToken(Self.token), scopes: [], transport: CurlTransport(),
      retryBudget: 1, sleep: RecordingSleep().function)
    do {
      _ = try okta.get("/api/v1/org")
      Issue.record("reached a stopped server")
    } catch {
      #expect(error.exitStatus.rawValue == 69)
      #expect(error.message.contains("could not be reached"))
      expectNoSecret(error, [Self.token])
    }
  }
}

/// Progress lines, collected from any thread.
final class LockedLines: Sendable {
  private let collected = Mutex<[String]>([])
  var lines: [String] { collected.withLock { $0 } }
  var append: @Sendable (String) -> Void {
    { [self] line in collected.withLock { $0.append(line) } }
  }
}
