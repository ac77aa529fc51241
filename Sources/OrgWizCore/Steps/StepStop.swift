/// Why a run stopped before its end.
public struct StepStop: UserFacingError, Equatable {
  /// The kinds of stop.
  public enum Kind: Sendable, Equatable {
    /// A precondition does not hold (classic engine, operator not a Super Admin).
    case precondition
    /// A step would leave the model broken; the findings are listed.
    case brokenState([Finding])
    /// The operator declined a confirmation.
    case declined
    /// Ctrl-C or end of input at a prompt.
    case interrupted
    /// Answers are missing or invalid and nobody can be asked.
    case usage
    /// The operator chose to go back to the step of this kind.
    case goBack(toKind: String)
  }

  public var kind: Kind
  public var message: String
  public var nextStep: String

  public init(_ kind: Kind, _ message: String, next nextStep: String) {
    self.kind = kind
    self.message = message
    self.nextStep = nextStep
  }

  public var exitStatus: ExitStatus {
    switch kind {
    case .precondition, .brokenState, .goBack: .failure
    case .declined: .declined
    case .interrupted: .interrupted
    case .usage: .usage
    }
  }
}
