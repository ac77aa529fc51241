/// Every step kind a procedure document may use, in one explicit list.
public enum StepRegistry {
  public static let all: [any StepHandler] = [
    VerifyPermissionsStep(),
    OrgSettingStep(),
    ChooseServerStep(),
    SelectPolicyRuleStep(),
    AppGrantStep(),
    RuleScopeStep(),
  ]

  /// The handler of the kind with this id.
  public static func handler(for kind: String) -> (any StepHandler)? {
    all.first { type(of: $0).descriptor.id == kind }
  }
}
