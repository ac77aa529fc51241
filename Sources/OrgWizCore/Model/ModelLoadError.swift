import OrgWizJSON

/// A problem with one field of the model, located by its JSON pointer.
public struct ModelIssue: Sendable, Equatable, CustomStringConvertible {
  public var pointer: JSONPointer
  public var message: String

  public init(_ pointer: JSONPointer, _ message: String) {
    self.pointer = pointer
    self.message = message
  }

  public var description: String {
    "\(pointer.description.isEmpty ? "(top level)" : pointer.description): \(message)"
  }
}

/// Why a model file could not be read.
public struct ModelLoadError: UserFacingError, Equatable {
  /// The kinds of load failure.
  public enum Reason: Sendable, Equatable {
    case malformedJSON(JSONParseError)
    case newerFormat(found: Int)
    case shape([ModelIssue])
  }

  /// The file (or other source) the model came from.
  public var source: String
  public var reason: Reason

  public init(source: String, reason: Reason) {
    self.source = source
    self.reason = reason
  }

  public var exitStatus: ExitStatus { .dataError }

  public var message: String {
    switch reason {
    case .malformedJSON(let error):
      return "\(source):\(error.line):\(error.column): malformed JSON: \(error.message)."
    case .newerFormat(let found):
      return
        "\(source) uses org model format version \(found), but this orgwiz reads format "
        + "version \(OrgModel.supportedFormatVersion) and older."
    case .shape(let issues):
      let noun = issues.count == 1 ? "problem" : "problems"
      let lines = issues.prefix(50).map { "  \(source)#\($0)" }.joined(separator: "\n")
      let more = issues.count > 50 ? "\n  ... and \(issues.count - 50) more" : ""
      return "\(source) is not a valid org model (\(issues.count) \(noun)):\n\(lines)\(more)"
    }
  }

  public var nextStep: String {
    switch reason {
    case .malformedJSON:
      return "Fix the JSON at that line and column, or restore the file from its .bak copy."
    case .newerFormat:
      return "Upgrade orgwiz, or use a model written in format version "
        + "\(OrgModel.supportedFormatVersion)."
    case .shape:
      return "Correct the fields named above; docs/model.md (\"The org model\") lists each "
        + "field and its type."
    }
  }
}
