import OrgWizCore
import OrgWizJSON
import OrgWizTestSupport
import Testing

/// After a step, the wizard re-runs only the rules that read what the step changed, and an
/// edit derives again only the servers and apps it changed. Both must give exactly what the
/// full work gives: checked here on generated models with random step-like edits (a seeded
/// generator, so a failure names the seed that reproduces it).
@Suite struct IncrementalValidationTests {
  @Test func incrementalAndFullValidationAgreeOnGeneratedModels() throws {
    let problem = try Self.firstDisagreement(rules: ValidationRegistry.all, seeds: 0..<500)
    #expect(problem == nil, "\(problem ?? "")")
  }

  /// The check above can fail: a rule that reads app labels but declares only app ids keeps
  /// stale findings, and the generated edits find it.
  @Test func aRuleThatUnderDeclaresWhatItReadsIsCaught() throws {
    let rules = ValidationRegistry.all + [UnderDeclaredLabelRule()]
    let problem = try Self.firstDisagreement(rules: rules, seeds: 0..<500)
    #expect(problem?.contains("test-label-prefix") == true, "\(problem ?? "no disagreement")")
  }

  @Test func aRuleThatDeclaresNothingIsAlwaysRunAgain() throws {
    let model = try Fixtures.exampleModel()
    let rule = UndeclaredCountingRule()
    let stale = ValidationReport(results: [
      .init(
        id: rule.id, title: rule.title, severity: rule.severity,
        findings: [
          Finding(ruleID: rule.id, severity: .warning, pointer: .root, message: "stale")
        ])
    ])
    // Even a change nobody reads re-runs it.
    let report = ValidationRegistry.validate(
      model, after: stale, changed: [.root / "x-unread"], rules: [rule])
    #expect(report == ValidationRegistry.validate(model, rules: [rule]))
    #expect(report.findings.isEmpty)
  }

  @Test func aDeclaredRuleKeepsItsFindingsWhenNothingItReadsChanged() throws {
    let model = try Fixtures.exampleModel(edits: [.root / "apps" / 1 / "id": "0oa1mob"])
    let full = ValidationRegistry.validate(model)
    let unique = try #require(full.results.first { $0.id == "unique-ids" })
    #expect(!unique.findings.isEmpty)
    // A label is not read by unique-ids: its findings stand as they were.
    var edited = model
    #expect(edited.edit { $0.set("Renamed", at: .root / "apps" / 0 / "label") } == nil)
    let changed = JSONDiff.changedPointers(from: model.document, to: edited.document)
    #expect(changed == [.root / "apps" / 0 / "label"])
    let report = ValidationRegistry.validate(edited, after: full, changed: changed)
    #expect(report == ValidationRegistry.validate(edited))
  }

  // MARK: The generator

  /// Runs random steps on generated models; returns the first case where the incremental
  /// validation (or the incrementally derived model) differs from the full one.
  static func firstDisagreement(
    rules: [any ValidationRule], seeds: Range<UInt64>
  ) throws -> String? {
    let example = try Fixtures.exampleModel().document
    for seed in seeds {
      var random = SplitMix(seed: seed)
      // A generated model: the example with extra apps, then random edits (so it has findings
      // to go stale), kept only when it still loads.
      var document = example
      for number in 0..<random.below(8) { Self.addApp(number, to: &document, &random) }
      for _ in 0..<random.below(5) { Self.randomEdit(&document, &random) }
      guard var model = try? OrgModel(document: document) else { continue }
      var report = ValidationRegistry.validate(model, rules: rules)
      for step in 0..<(1 + random.below(4)) {
        let before = model
        let edits = 1 + random.below(3)
        let failure = model.edit { document in
          for _ in 0..<edits { Self.randomEdit(&document, &random) }
        }
        if failure != nil { continue }
        let rederived = try OrgModel(document: model.document)
        if model != rederived {
          return "seed \(seed), step \(step): the edited model's views differ from a fresh load"
        }
        let changed = JSONDiff.changedPointers(from: before.document, to: model.document)
        let incremental = ValidationRegistry.validate(
          model, after: report, changed: changed, rules: rules)
        let full = ValidationRegistry.validate(model, rules: rules)
        if incremental != full {
          let differing = zip(incremental.results, full.results).filter { $0 != $1 }.map {
            "\($0.0.id): kept \($0.0.findings.map(\.message)) but a full run finds "
              + "\($0.1.findings.map(\.message))"
          }
          return "seed \(seed), step \(step), changed \(changed): "
            + differing.joined(separator: "; ")
        }
        report = incremental
      }
    }
    return nil
  }

  static let grants = ["authorization_code", "refresh_token", "interaction_code", "bogus_grant"]

  static func addApp(_ number: Int, to document: inout JSONValue, _ random: inout SplitMix) {
    guard let apps = document["apps"]?.arrayValue, !apps.isEmpty else { return }
    var app = apps[random.below(apps.count)]
    app.set(.string("0oaGen\(number)"), at: .root / "id")
    if random.below(2) == 0 {
      app.set(
        .string("clientGen\(number)"), at: .root / "credentials" / "oauthClient" / "client_id")
    }
    app.set(.string("Generated \(number)"), at: .root / "label")
    document.set(.array(apps + [app]), at: .root / "apps")
  }

  /// One edit of the kind steps make (and a few they do not), somewhere in the model.
  static func randomEdit(_ document: inout JSONValue, _ random: inout SplitMix) {
    let apps = document["apps"]?.arrayValue ?? []
    let servers = document["authorizationServers"]?.arrayValue ?? []
    let admins = document["admins"]?.arrayValue ?? []
    func pick<T>(_ items: [T]) -> T? { items.isEmpty ? nil : items[random.below(items.count)] }
    /// One of a list that is never empty.
    func one<T>(_ items: [T]) -> T { items[random.below(items.count)] }
    let app = apps.isEmpty ? nil : JSONPointer.root / "apps" / random.below(apps.count)
    var rule: JSONPointer?
    var policy: JSONPointer?
    let serverIndex = servers.isEmpty ? nil : random.below(servers.count)
    let server = serverIndex.map { JSONPointer.root / "authorizationServers" / $0 }
    if let server, let serverIndex,
      let policies = servers[serverIndex]["policies"]?.arrayValue, !policies.isEmpty
    {
      let policyIndex = random.below(policies.count)
      policy = server / "policies" / policyIndex
      if let rules = policies[policyIndex]["rules"]?.arrayValue, !rules.isEmpty {
        rule = policy.map { $0 / "rules" / random.below(rules.count) }
      }
    }
    let ids =
      (apps.compactMap { $0["id"]?.stringValue }
        + apps.compactMap { $0["credentials"]?["oauthClient"]?["client_id"]?.stringValue }
        + admins.compactMap { $0["id"]?.stringValue } + ["0oaFresh", "bogus-client"])
    let grantList = JSONValue.array(
      Self.grants.filter { _ in random.below(2) == 0 }.map { .string($0) })
    let text = JSONValue.string(one(["Label A", "Label B", "Portal", "Zoë"]))
    switch random.below(29) {
    case 0:
      document.set(
        .bool(random.below(2) == 0),
        at: .root / "settings" / "embeddedWidgetSignInSupport" / "interactionCode")
    case 1:
      document.set(.string(one(["classic", "identity-engine"])), at: .root / "org" / "engine")
    case 2:
      if let app { document.set(grantList, at: app / "settings" / "oauthClient" / "grant_types") }
    case 3: if let app { document.set(.string(one(ids)), at: app / "id") }
    case 4: if let app { document.set(text, at: app / "label") }
    case 5:
      if let app {
        document.set(.string(one(ids)), at: app / "credentials" / "oauthClient" / "client_id")
      }
    case 6: if let app { document.set(.string(one(["ACTIVE", "INACTIVE"])), at: app / "status") }
    case 7:
      if let rule { document.set(grantList, at: rule / "conditions" / "grantTypes" / "include") }
    case 8:
      if let rule { document.set(.number(JSONNumber(1 + random.below(3))), at: rule / "priority") }
    case 9: if let rule { document.set(text, at: rule / "name") }
    case 10: if let rule { document.set(.string(one(ids)), at: rule / "id") }
    case 11:
      if let policy {
        document.set(.number(JSONNumber(1 + random.below(3))), at: policy / "priority")
      }
    case 12:
      let clients = (0..<(1 + random.below(2))).map { _ in
        JSONValue.string(one(ids + ["ALL_CLIENTS"]))
      }
      if let policy {
        document.set(.array(clients), at: policy / "conditions" / "clients" / "include")
      }
    case 13: if let policy { document.set(text, at: policy / "name") }
    case 14:
      if !admins.isEmpty {
        let roles = one([["SUPER_ADMIN"], [], ["BOGUS_ROLE"], ["ORG_ADMIN", "APP_ADMIN"]])
        document.set(
          .array(roles.map { .string($0) }),
          at: .root / "admins" / random.below(admins.count) / "roles")
      }
    case 15:
      let issuer = document["orgAuthorizationServer"]?["issuer"] ?? .string("https://x.example")
      if let server { document.set(random.below(2) == 0 ? issuer : text, at: server / "issuer") }
    case 16: if let server { document.set(text, at: server / "name") }
    case 17:
      if apps.count > 1 {
        var fewer = apps
        fewer.remove(at: random.below(apps.count))
        document.set(.array(fewer), at: .root / "apps")
      }
    case 18: if let copy = pick(apps) { document.set(.array(apps + [copy]), at: .root / "apps") }
    case 19:
      if let policy, var rules = document[policy / "rules"]?.arrayValue, !rules.isEmpty {
        rules.remove(at: random.below(rules.count))
        document.set(.array(rules), at: policy / "rules")
      }
    case 20: if let app { document.set(text, at: app / "x-unread-note") }
    case 21: document.set(text, at: .root / "orgAuthorizationServer" / "issuer")
    case 24:
      if let app {
        document.set(
          .string(one(["native", "browser", "web", "service", "NATIVE"])),
          at: app / "settings" / "oauthClient" / "application_type")
      }
    case 25:
      if let app {
        document.set(
          .string(one(["none", "client_secret_basic", "private_key_jwt"])),
          at: app / "credentials" / "oauthClient" / "token_endpoint_auth_method")
      }
    case 26:
      if let app {
        document.set(
          .bool(random.below(2) == 0), at: app / "credentials" / "oauthClient" / "pkce_required")
      }
    case 27:
      if let app {
        document.set(.string(one(["OPENID_CONNECT", "SAML_2_0"])), at: app / "signOnMode")
      }
    case 28:
      if let server {
        document.set(.string(one(["org-authorization-server", "ausGen"])), at: server / "id")
      }
    case 22:
      let target = random.below(2) == 0 ? rule : policy
      if let target { document.set(.string(one(["ACTIVE", "INACTIVE"])), at: target / "status") }
    default:
      if let rule {
        document.set(
          .array([.string(one(["EVERYONE", "00g2mob", "00gNone"]))]),
          at: rule / "conditions" / "people" / "groups" / "include")
      }
    }
  }
}

/// A small seeded generator (SplitMix64), so that a failing case can be named by its seed.
struct SplitMix: RandomNumberGenerator {
  private var state: UInt64
  init(seed: UInt64) { state = seed &* 0x9E37_79B9_7F4A_7C15 &+ 1 }
  /// Starts from `state` itself, not from a seed.
  init(state: UInt64) { self.state = state }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var value = state
    value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
    value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
    return value ^ (value >> 31)
  }
  /// A number in 0..<bound.
  mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(max(bound, 1))) }
  /// One of `values`, which must not be empty.
  mutating func pick<Value>(_ values: [Value]) -> Value {
    values[Int.random(in: values.indices, using: &self)]
  }
}

/// Reads app labels but declares only app ids: the kind of mistake the agreement test exists
/// to catch.
private struct UnderDeclaredLabelRule: ValidationRule {
  static let descriptor = RuleDescriptor(
    id: "test-label-prefix", severity: .warning, title: "test", rationale: "test", examples: [])
  static let reads: [ModelRead]? = ["/apps/*/id"]
  func check(_ model: OrgModel) -> [Finding] {
    model.apps.filter { $0.label.hasPrefix("Label") }.map {
      Finding(ruleID: id, severity: severity, pointer: $0.pointer / "label", message: $0.label)
    }
  }
}

/// Declares nothing: it must be run after every change.
private struct UndeclaredCountingRule: ValidationRule {
  static let descriptor = RuleDescriptor(
    id: "test-undeclared", severity: .warning, title: "test", rationale: "test", examples: [])
  func check(_ model: OrgModel) -> [Finding] { [] }
}
