import OrgWizJSON

/// A place in the model that a validation rule reads: a JSON pointer in which a `*` token
/// stands for any one token (any array index or member name), as in
/// `/apps/*/settings/oauthClient/grant_types`.
///
/// A rule that lists every place its check reads (``ValidationRule/reads``) is run again after
/// a step only when the step changed one of them; a rule that lists none is always run again.
public struct ModelRead: Sendable, Hashable, CustomStringConvertible, ExpressibleByStringLiteral {
  /// The tokens; nil is `*`.
  public let tokens: [String?]

  /// `text` must be a JSON pointer (`/apps/*/id`); `*` tokens match any token.
  public init(stringLiteral text: String) {
    guard let pointer = JSONPointer(parsing: text) else {
      preconditionFailure("not a JSON pointer: \(text)")
    }
    tokens = pointer.tokens.map { $0 == "*" ? nil : $0 }
  }

  public var description: String {
    tokens.isEmpty ? "" : "/" + tokens.map { $0 ?? "*" }.joined(separator: "/")
  }

  /// Whether a change at `pointer` can change what is read here: the two agree token by token
  /// as far as the shorter one goes, so the change is at the place read, inside it, or around
  /// it (a whole app, or the whole `apps` list, replaced).
  public func isAffected(by pointer: JSONPointer) -> Bool {
    for (token, changed) in zip(tokens, pointer.tokens) {
      if let token, token != changed { return false }
    }
    return true
  }
}

extension OrgModel {
  /// Every app and every rule that lists the grant, as the pointer of its grant type list and
  /// the object in words (`app "Acme Mobile"`, `rule "Mobile sign-in" of server "api"`): what a
  /// rule about where a grant may be listed reports.
  /// The apps and rules are read in place: a copy of each of 20,000 apps (or of every rule)
  /// would retain and release each of its fields.
  func listings(of grant: GrantFacts) -> [(pointer: JSONPointer, object: String)] {
    var result: [(pointer: JSONPointer, object: String)] = []
    for index in apps.indices where apps[index].lists(grant) {
      result.append((apps[index].grantTypesPointer, "app \"\(apps[index].label)\""))
    }
    for server in servers {
      for policy in server.policies {
        for index in policy.rules.indices where policy.rules[index].lists(grant) {
          let rule = policy.rules[index]
          result.append(
            (rule.grantTypesPointer, "rule \"\(rule.name)\" of server \"\(server.name)\""))
        }
      }
    }
    return result
  }

  /// The positions in ``apps`` of the apps that list the grant (only the OpenID Connect ones
  /// when `oidcOnly`, as ``appsUsing(_:)``), found without copying any app: a rule reads the
  /// few it reports in place.
  func appIndices(listing grant: GrantFacts, oidcOnly: Bool = false) -> [Int] {
    apps.indices.filter { index in
      (!oidcOnly || apps[index].isOIDC) && apps[index].lists(grant)
    }
  }
}
