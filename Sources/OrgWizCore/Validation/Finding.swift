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

/// A validation rule: an id, a title, the text users read, and a check over the whole model.
///
/// Each rule lives in its own file and is listed once in ``ValidationRegistry``.
public protocol ValidationRule: Sendable {
  /// Kebab-case id, shown with each finding.
  var id: String { get }
  /// A short title.
  var title: String { get }
  /// Why the rule exists, for users.
  var rationale: String { get }
  /// The severity of the rule's findings.
  var severity: Finding.Severity { get }
  /// Collects every finding of the rule in the model.
  func check(_ model: OrgModel) -> [Finding]
}

extension ValidationRule {
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
  }

  public var results: [RuleResult]

  public var findings: [Finding] { results.flatMap(\.findings) }
  public var errors: [Finding] { findings.filter { $0.severity == .error } }
  public var warnings: [Finding] { findings.filter { $0.severity == .warning } }
  public var hasErrors: Bool { !errors.isEmpty }
}
