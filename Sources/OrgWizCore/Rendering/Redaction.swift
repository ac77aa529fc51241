import OrgWizJSON

/// Withholds secrets from anything the tool prints or records.
public enum Redaction {
  /// The text that replaces a secret.
  public static let placeholder = "(secret, not shown)"

  /// The value with every member named like a secret replaced by ``placeholder``.
  public static func redact(_ value: JSONValue?) -> JSONValue? {
    guard let value else { return nil }
    switch value {
    case .object(let object):
      var copy = JSONObject()
      for (key, member) in object.members {
        copy[key] =
          Okta.secretFieldNames.contains(key) ? .string(placeholder) : redact(member) ?? .null
      }
      return .object(copy)
    case .array(let items):
      return .array(items.map { redact($0) ?? .null })
    default:
      return value
    }
  }
}
