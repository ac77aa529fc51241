import OrgWizJSON

/// Someone must be able to change the org setting.
struct SuperAdminExistsRule: ValidationRule {
  let id = "super-admin-exists"
  let title = "A Super Admin exists"
  let rationale =
    "Only a Super Admin can change Embedded widget sign-in support; a model without one cannot "
    + "be taken through the procedure."
  let severity = Finding.Severity.warning

  func check(_ model: OrgModel) -> [Finding] {
    model.superAdmins.isEmpty
      ? [finding(.root / "admins", "no admin holds SUPER_ADMIN")] : []
  }
}
