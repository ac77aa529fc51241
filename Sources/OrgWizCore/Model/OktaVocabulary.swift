/// Names and values from Okta's Management API that the model uses.
public enum Okta {
  /// The role needed to change the org-wide Embedded widget sign-in support setting.
  public static let superAdmin = "SUPER_ADMIN"
  /// The client condition value that makes a policy apply to every client.
  public static let allClients = "ALL_CLIENTS"
  /// The group condition value that matches every user.
  public static let everyone = "EVERYONE"
  /// The status of an object that takes part in evaluation.
  public static let active = "ACTIVE"
  /// The sign-on mode of apps that take part in OAuth.
  public static let openIDConnect = "OPENID_CONNECT"

  /// Every `GrantType` value of the Management API.
  public static var grantTypes: [String] { Grants.specGrantTypes }

  /// Every `RoleType` value of the Management API, and the role types Okta returns from
  /// `GET /api/v1/users/{id}/roles` that the enum lacks (`MOBILE_ADMIN`, in that response's
  /// `type` discriminator mapping).
  public static let roleTypes: [String] = [
    "ACCESS_CERTIFICATIONS_ADMIN", "ACCESS_REQUESTS_ADMIN", "API_ACCESS_MANAGEMENT_ADMIN",
    "APP_ADMIN", "CUSTOM", "GROUP_MEMBERSHIP_ADMIN", "HELP_DESK_ADMIN", "MOBILE_ADMIN",
    "ORG_ADMIN", "READ_ONLY_ADMIN", "REPORT_ADMIN", "SUPER_ADMIN", "USER_ADMIN",
    "WORKFLOWS_ADMIN",
  ]

  /// The `server` answer and `--server` value that name the Org Authorization Server.
  public static let orgAuthorizationServer = "org-authorization-server"
  /// The scope condition value that allows every scope (`conditions.scopes.include`).
  public static let anyScope = "*"
  /// The OpenID Connect scopes every Okta authorization server offers, the Org Authorization
  /// Server included (which offers no custom scopes).
  public static let openIDConnectScopes: Set<String> = [
    "openid", "profile", "email", "address", "phone", "offline_access", "device_sso", "groups",
  ]

  /// Field names whose values are secrets and never appear in a summary or in `--json`.
  public static let secretFieldNames: Set<String> = [
    "client_secret", "secret", "sharedSecret", "password", "private_key", "privateKey", "apiToken",
    "access_token", "refresh_token_value", "id_token", "d", "p", "q", "dp", "dq", "qi", "k",
  ]
}
