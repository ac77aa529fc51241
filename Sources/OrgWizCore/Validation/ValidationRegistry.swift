import OrgWizJSON

/// Every validation rule, in the order they run and are reported.
public enum ValidationRegistry {
  public static let all: [any ValidationRule] = [
    EngineSupportsGrantRule(),
    GrantNeedsOrgSettingRule(),
    UniqueIDsRule(),
    UniquePrioritiesRule(),
    OrgServerNotCustomRule(),
    SuperAdminExistsRule(),
    KnownGrantTypesRule(),
    KnownRolesRule(),
    PolicyClientsExistRule(),
    GrantUsableRule(),
    GrantAppTypeRule(),
    GrantClientAuthRule(),
    GrantClientPKCERule(),
    SPATrustedOriginRule(),
  ]

  /// Every rule's descriptor, in the order they run.
  public static var descriptors: [RuleDescriptor] { all.map(\.descriptor) }

  /// The rule with this id.
  public static func rule(id: String) -> (any ValidationRule)? {
    all.first { $0.id == id }
  }

  /// Runs every rule (or the `rules` given) on the model.
  public static func validate(
    _ model: OrgModel, rules: [any ValidationRule] = all
  ) -> ValidationReport {
    ValidationReport(results: rules.map { result(of: $0, on: model) })
  }

  /// Validates `model`, which is the model `previous` was made from with changes at `changed`
  /// (as `JSONDiff.changedPointers` finds them): a rule that declares what it reads
  /// (``ValidationRule/reads``) and reads nothing that changed keeps its earlier findings;
  /// every other rule, and every rule that declares nothing, is run again. Gives the same
  /// report as ``validate(_:)``.
  public static func validate(
    _ model: OrgModel, after previous: ValidationReport, changed: [JSONPointer],
    rules: [any ValidationRule] = all
  ) -> ValidationReport {
    ValidationReport(
      results: rules.map { rule in
        if let earlier = previous.results.first(where: { $0.id == rule.id }),
          let reads = type(of: rule).reads,
          !changed.contains(where: { pointer in reads.contains { $0.isAffected(by: pointer) } })
        {
          return earlier
        }
        return result(of: rule, on: model)
      })
  }

  private static func result(
    of rule: any ValidationRule, on model: OrgModel
  ) -> ValidationReport.RuleResult {
    ValidationReport.RuleResult(
      id: rule.id, title: rule.title, severity: rule.severity, findings: rule.check(model))
  }
}
