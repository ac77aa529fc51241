import OrgWizJSON

/// One result of a validation rule: where, how bad, and what.
public struct Finding: Sendable, Equatable, Hashable {
  /// How bad a finding is.
  public enum Severity: String, Sendable, Equatable, Hashable, Comparable {
    case warning
    case error

    public static func < (lhs: Severity, rhs: Severity) -> Bool {
      lhs == .warning && rhs == .error
    }
  }

  public var ruleID: String
  public var severity: Severity
  public var pointer: JSONPointer
  public var message: String

  public init(ruleID: String, severity: Severity, pointer: JSONPointer, message: String) {
    self.ruleID = ruleID
    self.severity = severity
    self.pointer = pointer
    self.message = message
  }

  /// "error org.json#/apps/0/settings/oauthClient/grant_types [grant-needs-org-setting]: ..."
  public func line(source: String) -> String {
    "\(severity.rawValue): \(source)#\(pointer) [\(ruleID)]: \(message)"
  }
}

/// A validation rule: its descriptor (id, severity, title, rationale, examples) and a check
/// over the whole model.
///
/// Each rule lives in its own file and is listed once in ``ValidationRegistry``; its examples
/// run as tests.
public protocol ValidationRule: Sendable {
  /// The rule in words, with its worked examples.
  static var descriptor: RuleDescriptor { get }
  /// Collects every finding of the rule in the model.
  func check(_ model: OrgModel) -> [Finding]
  /// Every place in the model the check reads, through the typed views or the document (an
  /// app's `status` is `/apps/*/status`, its client id `/apps/*/credentials/oauthClient/client_id`
  /// and `/apps/*/id`); findings' messages count too. After a step, the rule is run again only
  /// when the step changed a place listed here (or something containing one, such as a whole
  /// app), and otherwise keeps its findings. Nil, the default, means "not declared": the rule
  /// is run again after every change. A rule that under-declares keeps stale findings, which
  /// `IncrementalValidationTests` catches for the rules it knows.
  static var reads: [ModelRead]? { get }
}

extension ValidationRule {
  /// Not declared: the rule is run again after every change.
  public static var reads: [ModelRead]? { nil }

  /// The rule in words, with its worked examples.
  public var descriptor: RuleDescriptor { Self.descriptor }
  /// Kebab-case id, shown with each finding.
  public var id: String { Self.descriptor.id }
  /// A short title.
  public var title: String { Self.descriptor.title }
  /// Why the rule exists, for users.
  public var rationale: String { Self.descriptor.rationale }
  /// The severity of the rule's findings.
  public var severity: Finding.Severity { Self.descriptor.severity }

  /// A finding of this rule.
  func finding(_ pointer: JSONPointer, _ message: String) -> Finding {
    Finding(ruleID: id, severity: severity, pointer: pointer, message: message)
  }
}

/// The outcome of running every rule on a model.
public struct ValidationReport: Sendable, Equatable {
  /// One rule's outcome.
  public struct RuleResult: Sendable, Equatable {
    public var id: String
    public var title: String
    public var severity: Finding.Severity
    public var findings: [Finding]
    public var passed: Bool { findings.isEmpty }

    public init(id: String, title: String, severity: Finding.Severity, findings: [Finding]) {
      self.id = id
      self.title = title
      self.severity = severity
      self.findings = findings
    }
  }

  public var results: [RuleResult]

  public init(results: [RuleResult]) { self.results = results }

  public var findings: [Finding] { results.flatMap(\.findings) }
  public var errors: [Finding] { findings.filter { $0.severity == .error } }
  public var warnings: [Finding] { findings.filter { $0.severity == .warning } }
  public var hasErrors: Bool { !errors.isEmpty }
}
