import Foundation
import OrgWizJSON
import OrgWizTestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The FakeOkta harness works, and tools/fake-okta is a faithful validator: it serves the model
/// in Okta's shapes, pages, records and refuses what Okta's spec refuses, and obeys faults and
/// drift. Each test starts its own fake (about 0.5 s once the spec cache is warm).
@Suite struct FakeOktaTests {
  private let rulePath = "/api/v1/authorizationServers/aus1api/policies/00p1def/rules/0pr1def"

  @Test func servesTheExampleOrgWithTheToken() async throws {
    let okta = try await FakeOkta.start()
    defer { okta.stop() }
    #expect(okta.url == "http://127.0.0.1:\(okta.port)")
    #expect(okta.token == FakeOkta.defaultToken)

    let wellKnown = try await okta.send(
      "GET", "/.well-known/okta-organization", authorization: .none)
    #expect(wellKnown.status == 200)
    let organization = try wellKnown.json()
    #expect(organization["id"]?.stringValue == "00o1acme")
    #expect(organization["pipeline"]?.stringValue == "idx")
    #expect(wellKnown.header("X-Okta-Request-Id") != nil)

    let apps = try await okta.send("GET", "/api/v1/apps")
    #expect(apps.status == 200)
    let ids = try apps.json().arrayValue?.compactMap { $0["id"]?.stringValue }
    #expect(ids == ["0oa1mob", "0oa2web", "0oa3rpt", "0oa4hr", "0oa5tv", "0oa6ord"])
    #expect(apps.header("x-rate-limit-limit") == "600")

    // Without a token, and with a wrong one: Okta's 401.
    for authorization in [FakeOkta.Authorization.none, .header("SSWS wrong")] {
      let refused = try await okta.send("GET", "/api/v1/apps", authorization: authorization)
      #expect(refused.status == 401)
      #expect(try refused.json()["errorCode"]?.stringValue == "E0000011")
    }

    let log = try await okta.requests()
    #expect(
      log.map(\.path) == [
        "/.well-known/okta-organization", "/api/v1/apps", "/api/v1/apps", "/api/v1/apps",
      ])
    #expect(log[1].headers["Authorization"] == "SSWS <redacted>")
    #expect(log[1].operation == "/api/v1/apps")
    #expect(log.map(\.status) == [200, 200, 401, 401])
    #expect(try await okta.violations().isEmpty)
    let health = try await okta.health()
    #expect(health["ok"]?.boolValue == true)
    #expect(health["port"]?.intValue == okta.port)

    // Paging: `limit` is honoured, the next page is in a Link header.
    #expect(try await Self.pageThroughApps(okta, from: "/api/v1/apps?limit=1") == 6)
    // The admin-role assignees page by a link in the body instead.
    let assignees = try await okta.send("GET", "/api/v1/iam/assignees/users?limit=1")
    #expect(assignees.status == 200)
    let body = try assignees.json()
    #expect(body["value"]?.arrayValue?.count == 1)
    #expect(body["_links"]?["next"]?["href"]?.stringValue?.hasPrefix(okta.url) == true)
    // `limit` above the spec's maximum (200) breaks the spec.
    #expect(try await okta.send("GET", "/api/v1/apps?limit=500").status == 400)
    let violations = try await okta.violations()
    #expect(violations.map(\.path) == ["/api/v1/apps"], "\(violations)")
  }

  @Test func refusesAndRecordsANonConformingPut() async throws {
    let okta = try await FakeOkta.start()
    defer { okta.stop() }
    let rule = try await okta.send("GET", rulePath).json()
    #expect(rule["id"]?.stringValue == "0pr1def")

    // A PUT of the rule as read, read-only `id` and all: Okta's spec refuses it.
    let refused = try await okta.send("PUT", rulePath, body: rule)
    #expect(refused.status == 400)
    let error = try refused.json()
    #expect(error["errorCode"]?.stringValue == "E0000001")
    #expect(error["errorSummary"]?.stringValue?.contains("body/id") == true)
    let violations = try await okta.violations()
    #expect(violations.count == 1)
    #expect(violations.first?.method == "PUT")
    #expect(violations.first?.path == rulePath)
    #expect(violations.first?.violations.contains { $0.contains("body/id") } == true)

    // A required field missing is a violation too.
    var nameless = Self.writable(rule)
    _ = nameless.removeValue(forKey: "name")
    let missing = try await okta.send("PUT", rulePath, body: .object(nameless))
    #expect(missing.status == 400)
    #expect(try await okta.violations().count == 2)

    // The same rule without its read-only fields conforms and is stored.
    var edited = Self.writable(rule)
    edited["name"] = "Renamed"
    let stored = try await okta.send("PUT", rulePath, body: .object(edited))
    #expect(stored.status == 200, "\(stored.text)")
    #expect(try stored.json()["name"]?.stringValue == "Renamed")
    #expect(try await okta.violations().count == 2)
    let state = try await okta.state()
    let rules = state["authorizationServers"]?[0]?["policies"]?[0]?["rules"]
    #expect(rules?[0]?["name"]?.stringValue == "Renamed")
  }

  @Test func faultsAnswerBeforeTheOrg() async throws {
    let okta = try await FakeOkta.start()
    defer { okta.stop() }
    let fault = try await okta.fault(
      method: "GET", pathRegex: "^/api/v1/apps", status: 429, count: 1, resetSeconds: 3)
    let limited = try await okta.send("GET", "/api/v1/apps")
    #expect(limited.status == 429)
    #expect(try limited.json()["errorCode"]?.stringValue == "E0000047")
    #expect(limited.header("X-Rate-Limit-Remaining") == "0")
    let reset = Int(limited.header("X-Rate-Limit-Reset") ?? "") ?? 0
    // Against the response's own Date, as a client must compare it (not this machine's clock,
    // which may have moved on under load).
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "GMT")
    formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
    let sent = try #require(formatter.date(from: limited.header("Date") ?? ""), "no Date header")
    #expect(abs(reset - Int(sent.timeIntervalSince1970) - 3) <= 1)
    #expect(try await okta.send("GET", "/api/v1/apps").status == 200)

    try await okta.fault(pathRegex: "/rules/", status: 503, count: -1)
    #expect(try await okta.send("GET", rulePath).status == 503)
    #expect(try await okta.send("GET", rulePath).status == 503)
    try await okta.clearFaults()
    #expect(try await okta.send("GET", rulePath).status == 200)

    // A dropped connection (count -1: URLSession on Linux retries a request once when a kept-
    // alive connection closes without an answer, so one close alone would not be seen).
    try await okta.fault(pathRegex: "^/api/v1/org$", count: -1, kind: .close)
    await #expect(throws: FakeOktaError.self) {
      _ = try await okta.send("GET", "/api/v1/org", timeout: 5)
    }
    try await okta.clearFaults()
    try await okta.fault(pathRegex: "^/api/v1/org$", delaySeconds: 0.3)
    let started = Date()
    #expect(try await okta.send("GET", "/api/v1/org").status == 200)
    #expect(Date().timeIntervalSince(started) >= 0.3)

    let log = try await okta.requests()
    #expect(log.first?.fault == fault["id"]?.intValue)
    #expect(log.first?.status == 429)
    #expect(log.contains { $0.path == "/api/v1/org" && $0.status == nil })
    #expect(try await okta.violations().isEmpty)

    // Drift: an edit made elsewhere shows in what the org sends.
    let before = try await okta.send("GET", "/api/v1/apps/0oa1mob").json()
    let drifted = try await okta.drift(
      path: "/api/v1/apps/0oa1mob",
      set: ["label": "Drifted", "settings.oauthClient.grant_types": ["authorization_code"]])
    #expect(drifted["label"]?.stringValue == "Drifted")
    let after = try await okta.send("GET", "/api/v1/apps/0oa1mob").json()
    #expect(after["label"]?.stringValue == "Drifted")
    #expect(after["settings"]?["oauthClient"]?["grant_types"] == ["authorization_code"])
    let oldTime = before["lastUpdated"]?.stringValue ?? ""
    #expect((after["lastUpdated"]?.stringValue ?? "") > oldTime)

    #expect(try await Self.interactionCode(okta) == false)
    let settings = try await okta.driftSettings(interactionCode: true)
    #expect(settings["interactionCode"]?.boolValue == true)
    #expect(try await Self.interactionCode(okta) == true)

    try await okta.reset()
    #expect(try await okta.requests().isEmpty)
    let restored = try await okta.send("GET", "/api/v1/apps/0oa1mob").json()
    #expect(restored["label"]?.stringValue == "Acme Mobile")
    #expect(try await Self.interactionCode(okta) == false)
    #expect(try await okta.violations().isEmpty)
  }

  @Test func servesAGivenModelWithItsFlags() async throws {
    var document = try JSONParser.parse(Fixtures.exampleBytes())
    document.set("Other Corp", at: "/org/name")
    let okta = try await FakeOkta.start(
      model: .json(document),
      options: .init(
        tokens: ["tokenOne", "tokenTwo@00u2bob"], pageSize: 1, interactionCode: true))
    defer { okta.stop() }
    #expect(okta.token == "tokenOne")
    let org = try await okta.send("GET", "/api/v1/org").json()
    #expect(org["companyName"]?.stringValue == "Other Corp")
    let me = try await okta.send(
      "GET", "/api/v1/users/me", authorization: .header("SSWS tokenTwo"))
    #expect(try me.json()["id"]?.stringValue == "00u2bob")
    #expect(try await Self.interactionCode(okta) == true)
    // --page-size 1 pages whatever `limit` asks.
    #expect(try await Self.pageThroughApps(okta, from: "/api/v1/apps?limit=200") == 6)
    #expect(try await okta.violations().isEmpty)
  }

  @Test func stopLeavesNoProcess() async throws {
    let okta = try await FakeOkta.start()
    let pid = okta.pid
    let url = okta.url
    #expect(FakeOkta.processExists(pid))
    #expect(okta.isRunning)
    okta.stop()
    #expect(!okta.isRunning)
    #expect(!FakeOkta.processExists(pid))
    okta.stop()
    await #expect(throws: FakeOktaError.self) {
      _ = try await okta.send("GET", url + "/__fake/health", timeout: 3)
    }

    // Released without stop(): deinit stops it.
    var released: Int32 = 0
    do {
      let forgotten = try await FakeOkta.start()
      released = forgotten.pid
      #expect(FakeOkta.processExists(released))
    }
    #expect(!FakeOkta.processExists(released))
  }

  @Test func failsLoudlyWithoutItsPythonPackages() async throws {
    // `python3 -S` has no site-packages, so none of the fake's requirements.
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let wrapper = directory.file("python-without-site")
    try ProcessRunner.writeProgram("#!/bin/sh\nexec python3 -S \"$@\"\n", to: wrapper)
    let error = await #expect(throws: FakeOktaError.self) {
      _ = try await FakeOkta.start(options: .init(python: wrapper))
    }
    let message = error?.description ?? ""
    #expect(message.contains("openapi_core"), "\(message)")
    #expect(message.contains("python3 -m pip install -r tools/fake-okta/requirements.txt"))

    let noPython = await #expect(throws: FakeOktaError.self) {
      _ = try await FakeOkta.start(options: .init(python: directory.file("no-such-python")))
    }
    #expect(noPython?.description.contains("no-such-python") == true)

    let noSpec = await #expect(throws: FakeOktaError.self) {
      _ = try await FakeOkta.start(options: .init(spec: directory.file("missing.yaml")))
    }
    #expect(
      noSpec?.description.contains("exited with status") == true, "\(noSpec?.description ?? "")")
  }

  /// What makes the fakes start fast: a start finds Okta's spec parsed and cached (as JSON,
  /// in the temp directory) by an earlier one, and reads it without writing it again. (How
  /// fast a cold and a warm start are is a figure for the bench, not a test.)
  @Test func aStartReusesTheSpecCacheAnEarlierStartWrote() async throws {
    let system = NSTemporaryDirectory()
    func cached(_ directory: String) -> [String] {
      ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter {
        $0.hasPrefix("fake-okta-spec-") && $0.hasSuffix(".json")
      }.sorted()
    }
    // Any earlier start (this one, when none has run yet) leaves the cache in the temp dir.
    let first = try await FakeOkta.start(options: .init(startTimeout: 300))
    first.stop()
    let names = cached(system)
    try #require(!names.isEmpty, "no spec cache in \(system)")
    let cache = try TemporaryDirectory()
    defer { cache.remove() }
    for name in names {
      try FileManager.default.copyItem(atPath: system + "/" + name, toPath: cache.file(name))
    }
    func identity() -> [String] {
      cached(cache.path).map { name in
        let attributes =
          (try? FileManager.default.attributesOfItem(atPath: cache.file(name))) ?? [:]
        return
          ([name]
          + [FileAttributeKey.systemFileNumber, .size, .modificationDate]
          .map { "\(attributes[$0] ?? "none")" }).joined(separator: " ")
      }
    }
    let before = identity()
    let okta = try await FakeOkta.start(
      options: .init(environment: ["TMPDIR": cache.path], startTimeout: 120))
    let reported = try await okta.health()["startupSeconds"]?.numberValue?.doubleValue
    okta.stop()
    #expect((reported ?? -1) >= 0, "the fake reports no start-up time")
    #expect(identity() == before, "the start wrote the spec cache again (or another one)")
    #expect(cache.listing(all: true).allSatisfy { !$0.hasSuffix(".tmp") })
  }

  /// Follows the apps' Link headers from `path`, expecting one app a page; returns the pages.
  private static func pageThroughApps(_ okta: FakeOkta, from path: String) async throws -> Int {
    var next: String? = path
    var ids: [String] = []
    var pages = 0
    while let page = next, pages < 10 {
      let response = try await okta.send("GET", page)
      #expect(response.status == 200)
      let items = try response.json().arrayValue ?? []
      #expect(items.count == 1)
      ids += items.compactMap { $0["id"]?.stringValue }
      let link = response.header("Link") ?? ""
      #expect(link.contains("rel=\"self\""))
      next = nextLink(link)
      pages += 1
    }
    #expect(ids == ["0oa1mob", "0oa2web", "0oa3rpt", "0oa4hr", "0oa5tv", "0oa6ord"])
    return pages
  }

  /// The org's Embedded widget sign-in support setting, as the fake holds it.
  private static func interactionCode(_ okta: FakeOkta) async throws -> Bool? {
    try await okta.state()["settings"]?["embeddedWidgetSignInSupport"]?["interactionCode"]?
      .boolValue
  }

  /// The read-only fields of a rule left out, as a client must before a PUT.
  private static func writable(_ rule: JSONValue) -> JSONObject {
    var object = rule.objectValue ?? [:]
    for key in ["id", "created", "lastUpdated", "_links", "status", "system"] {
      _ = object.removeValue(forKey: key)
    }
    return object
  }

  /// The `rel="next"` URL of a Link header, which may hold several links.
  private static func nextLink(_ header: String) -> String? {
    for part in header.split(separator: ",") where part.contains("rel=\"next\"") {
      guard let open = part.firstIndex(of: "<"), let close = part.firstIndex(of: ">") else {
        continue
      }
      return String(part[part.index(after: open)..<close])
    }
    return nil
  }
}
