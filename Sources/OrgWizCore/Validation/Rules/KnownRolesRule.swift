import OrgWizJSON

/// Admin roles are values of the Management API's `RoleType`.
struct KnownRolesRule: ValidationRule {
  let id = "known-roles"
  let title = "Admin roles are Okta role types"
  let rationale =
    "The permission check looks for SUPER_ADMIN; a misspelt role would hide a Super Admin or "
    + "invent one."
  let severity = Finding.Severity.warning

  func check(_ model: OrgModel) -> [Finding] {
    let known = Set(Okta.roleTypes)
    return model.admins.flatMap { admin in
      admin.roles.enumerated().filter { !known.contains($0.element) }.map { index, role in
        finding(admin.pointer / "roles" / index, "unknown role type \"\(role)\"")
      }
    }
  }
}
