/// The OAuth scope and the kind of admin role each Management API call orgwiz makes needs, as
/// the operations' `security` in Okta's spec names them.
public enum OktaScopes {
  /// What `orgwiz pull` requests for a service app: the contract's six scopes (okta-api.md).
  /// Not `okta.trustedOrigins.read`: Okta refuses a token request for a scope the app was not
  /// granted, so asking for it would stop every service app set up by the contract; pull reads
  /// the Trusted Origins when the credentials may (an API token of a Read-Only Administrator
  /// may) and says so when they may not.
  public static let pull = [
    "okta.orgs.read", "okta.authorizationServers.read", "okta.apps.read", "okta.roles.read",
    "okta.users.read", "okta.groups.read",
  ]
  /// What `orgwiz apply` requests for a service app (reads again, then writes).
  public static let apply = [
    "okta.authorizationServers.manage", "okta.apps.manage", "okta.authorizationServers.read",
    "okta.apps.read",
  ]

  /// The scope `method path` needs, or nil for a path orgwiz does not know.
  public static func needed(method: String, path: String) -> String? {
    let write = method.uppercased() != "GET" && method.uppercased() != "HEAD"
    let suffix = write ? "manage" : "read"
    let segments = path.split(separator: "?", maxSplits: 1)[0].split(separator: "/")
    guard segments.count >= 3, segments[0] == "api", segments[1] == "v1" else { return nil }
    switch segments[2] {
    case "apps": return "okta.apps.\(suffix)"
    case "authorizationServers": return "okta.authorizationServers.\(suffix)"
    case "iam": return "okta.roles.\(suffix)"
    case "users":
      return segments.count >= 5 && segments[4] == "roles"
        ? "okta.roles.\(suffix)" : "okta.users.\(suffix)"
    case "groups": return "okta.groups.\(suffix)"
    case "org": return "okta.orgs.\(suffix)"
    case "trustedOrigins": return "okta.trustedOrigins.\(suffix)"
    default: return nil
    }
  }

  /// The admin roles that can make `method path` with an API token, in the Admin Console's words.
  static func roles(method: String, path: String) -> String {
    let write = method.uppercased() != "GET" && method.uppercased() != "HEAD"
    guard write else {
      return "an admin role that can read it (Read-Only Administrator is enough)"
    }
    if path.hasPrefix("/api/v1/apps") {
      return "Super Administrator, Organization Administrator or Application Administrator"
    }
    if path.hasPrefix("/api/v1/authorizationServers") {
      return "Super Administrator or API Access Management Administrator"
    }
    return "Super Administrator"
  }
}
