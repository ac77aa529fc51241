import OrgWizJSON

/// What a validation rule is, in words: its id, severity, title, why Okta cares, and worked
/// examples. `orgwiz rules` prints it; the tests run every example.
public struct RuleDescriptor: Sendable {
  /// Kebab-case id, shown with each finding.
  public var id: String
  /// The severity of the rule's findings.
  public var severity: Finding.Severity
  /// A short title: what the rule checks.
  public var title: String
  /// Why the rule exists, naming the Okta behaviour it follows.
  public var rationale: String
  /// Models the rule accepts and models it reports, as edits to the bundled example org.
  public var examples: [RuleExample]

  public init(
    id: String, severity: Finding.Severity, title: String, rationale: String,
    examples: [RuleExample]
  ) {
    self.id = id
    self.severity = severity
    self.title = title
    self.rationale = rationale
    self.examples = examples
  }
}

/// A worked example of a validation rule: the bundled example org with some edits, and whether
/// the rule accepts it or where its finding must point.
public struct RuleExample: Sendable {
  /// What the rule must make of the example.
  public enum Expectation: Sendable, Equatable {
    /// The rule reports nothing.
    case passes
    /// The rule reports a finding at this pointer (others may come too).
    case fails(at: JSONPointer)
  }

  /// What the example shows, in words.
  public var name: String
  /// The model: the bundled example org with these values set (applied in pointer order).
  public var edits: [JSONPointer: JSONValue]
  public var expectation: Expectation

  public init(_ name: String, edits: [JSONPointer: JSONValue], expect expectation: Expectation) {
    self.name = name
    self.edits = edits
    self.expectation = expectation
  }

  /// An example the rule accepts.
  public static func passes(
    _ name: String, edits: [JSONPointer: JSONValue] = [:]
  ) -> RuleExample {
    RuleExample(name, edits: edits, expect: .passes)
  }

  /// An example the rule reports, with the pointer its finding names.
  public static func fails(
    _ name: String, edits: [JSONPointer: JSONValue], at pointer: JSONPointer
  ) -> RuleExample {
    RuleExample(name, edits: edits, expect: .fails(at: pointer))
  }

  /// Whether the rule must accept the example.
  public var passes: Bool { expectation == .passes }

  /// The pointer a failing example's finding names; nil for a passing one.
  public var findingPointer: JSONPointer? {
    if case .fails(let pointer) = expectation { return pointer }
    return nil
  }
}

/// Pointers into the bundled example org that rule examples edit.
enum ExampleOrg {
  static let setting =
    JSONPointer.root / "settings" / "embeddedWidgetSignInSupport" / "interactionCode"
  static let engine = JSONPointer.root / "org" / "engine"
  /// Acme Mobile (0oa1mob, client id 0oa1mob).
  static let mobileApp = JSONPointer.root / "apps" / 0
  static let mobileGrants = mobileApp / "settings" / "oauthClient" / "grant_types"
  /// Acme Web (0oa2web, client id 0oa2webclient).
  static let webApp = JSONPointer.root / "apps" / 1
  static let webGrants = webApp / "settings" / "oauthClient" / "grant_types"
  /// Acme Reports (service) (0oa3rpt), a service app.
  static let reportsApp = JSONPointer.root / "apps" / 2
  static let reportsGrants = reportsApp / "settings" / "oauthClient" / "grant_types"
  /// The server "api" (aus1api).
  static let apiServer = JSONPointer.root / "authorizationServers" / 0
  /// "Default Policy" (00p1def, priority 2, ALL_CLIENTS) of "api".
  static let defaultPolicy = apiServer / "policies" / 0
  static let defaultRuleGrants =
    defaultPolicy / "rules" / 0 / "conditions" / "grantTypes" / "include"
  /// "Mobile Apps" (00p2mob, priority 1, clients 0oa1mob) of "api".
  static let mobilePolicy = apiServer / "policies" / 1
  static let mobilePolicyClients = mobilePolicy / "conditions" / "clients" / "include"
  /// "Mobile sign-in" (0pr2mob, priority 1) of "Mobile Apps".
  static let mobileRule = mobilePolicy / "rules" / 0
  static let mobileRuleGrants = mobileRule / "conditions" / "grantTypes" / "include"
  /// The server "partners" (aus2prt).
  static let partnersServer = JSONPointer.root / "authorizationServers" / 1
  static func admin(_ index: Int) -> JSONPointer { .root / "admins" / index }
}
