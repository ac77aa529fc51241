/// A procedure document that cannot be used, with the place of the problem.
public struct ProcedureError: UserFacingError, Equatable {
  public var file: String
  public var line: Int
  public var problem: String

  public init(file: String, line: Int, _ problem: String) {
    self.file = file
    self.line = line
    self.problem = problem
  }

  public var exitStatus: ExitStatus { .config }
  public var message: String { "\(file):\(line): procedure document error: \(problem)" }
  public var nextStep: String {
    "Fix the document (Content/README.md describes the format), or point --content at a "
      + "directory of working procedures."
  }
}
