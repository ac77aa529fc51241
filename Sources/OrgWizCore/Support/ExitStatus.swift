/// The process exit statuses of `orgwiz`, as the command-line contract fixes them.
public enum ExitStatus: Int32, Sendable, CaseIterable {
  /// Success; for `check`, no error findings; for `simulate`, the request is allowed.
  case success = 0
  /// Error findings, a denied simulation, or a precondition stopped the procedure.
  case failure = 1
  /// The operator declined a confirmation; nothing was written.
  case declined = 2
  /// Usage error: a bad flag, answer key or value, missing answers, or a missing `--yes`.
  case usage = 64
  /// The model or answers file is malformed.
  case dataError = 65
  /// An input file does not exist, or is not a regular file.
  case noInput = 66
  /// Okta could not be reached, TLS failed, or it kept answering 5xx (or malformed responses).
  case unavailable = 69
  /// An output file cannot be written.
  case cannotCreate = 73
  /// The model is locked by another run.
  case locked = 75
  /// Okta refused the credentials (401) or the permission (403).
  case noPermission = 77
  /// A procedure document is malformed.
  case config = 78
  /// Interrupted (Ctrl-C, or end of input at a prompt); nothing was written.
  case interrupted = 130

  /// One line (at most 73 characters, so the table fits 80 columns) for the root `--help`.
  public var meaning: String {
    switch self {
    case .success: "success (check: no errors; simulate: the request is allowed)"
    case .failure: "check found errors, simulate denied, or a precondition stopped the run"
    case .declined: "a confirmation was declined at a prompt; nothing was written"
    case .usage: "usage: bad flag or answer, missing answers, or a missing --yes"
    case .dataError: "the model or answers file is malformed"
    case .noInput: "an input file does not exist or is not a regular file"
    case .unavailable: "Okta could not be reached, TLS failed, or it kept answering 5xx"
    case .cannotCreate: "an output file cannot be written"
    case .locked: "the model is locked by another run, or Okta rate-limits past the retries"
    case .noPermission: "Okta refused the credentials (401) or a permission (403)"
    case .config: "a procedure document is malformed"
    case .interrupted: "interrupted (Ctrl-C, or end of input at a prompt); nothing written"
    }
  }
}

/// An error shown to the user: what went wrong, where, and what to do next.
public protocol UserFacingError: Error, CustomStringConvertible, Sendable {
  /// The exit status the error ends the process with.
  var exitStatus: ExitStatus { get }
  /// What went wrong and where, in full sentences.
  var message: String { get }
  /// The next action for the user.
  var nextStep: String { get }
}

extension UserFacingError {
  public var description: String {
    nextStep.isEmpty ? message : "\(message)\n\(nextStep)"
  }
}

/// A generic user-facing error for the cases that need no type of their own.
public struct OrgWizFailure: UserFacingError {
  public var exitStatus: ExitStatus
  public var message: String
  public var nextStep: String

  public init(_ exitStatus: ExitStatus, _ message: String, next nextStep: String) {
    self.exitStatus = exitStatus
    self.message = message
    self.nextStep = nextStep
  }
}
