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
  ]

  /// Every rule's descriptor, in the order they run.
  public static var descriptors: [RuleDescriptor] { all.map(\.descriptor) }

  /// The rule with this id.
  public static func rule(id: String) -> (any ValidationRule)? {
    all.first { $0.id == id }
  }

  /// Runs every rule on the model.
  public static func validate(_ model: OrgModel) -> ValidationReport {
    ValidationReport(
      results: all.map { rule in
        ValidationReport.RuleResult(
          id: rule.id, title: rule.title, severity: rule.severity, findings: rule.check(model))
      })
  }
}
