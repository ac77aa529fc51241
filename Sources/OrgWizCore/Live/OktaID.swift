import OrgWizJSON

/// Okta's object ids, and the request paths built from them.
///
/// Every id that goes into a Management API path (a server, policy, rule, app, user or group)
/// must be one Okta could have made: ASCII letters and digits only, as in `0oa1mob` or
/// `aus0snVG9x0qGYaKthre` (the default custom server's id is the word `default`). An id from a
/// model file or from a response that is anything else (`../users/00u1`, `a/b`, `%2e%2e`, an
/// empty string) is refused before any request is built, so that no id can steer a request,
/// and a token with it, to another object.
public enum OktaID {
  /// Okta's ids are 20 characters; the bound leaves room without letting a planted value grow.
  public static let maximumLength = 64

  /// Whether `id` fits Okta's id grammar.
  public static func isValid(_ id: String) -> Bool {
    let bytes = id.utf8
    guard !bytes.isEmpty, bytes.count <= maximumLength else { return false }
    return bytes.allSatisfy { byte in
      (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A)
        || (byte >= 0x61 && byte <= 0x7A)
    }
  }

  /// An id for a message: what it is, escaped and clipped, never raw.
  public static func shown(_ id: String) -> String {
    let scalars = id.unicodeScalars.prefix(80).map { scalar in
      scalar.isASCII && scalar.value >= 0x20 && scalar.value < 0x7F && scalar != "\""
        ? Character(scalar) : "?"
    }
    return "\"" + String(scalars) + (id.unicodeScalars.count > 80 ? "…" : "") + "\""
  }

  /// A path from literal parts and ids: every id is checked and percent-encoded as one segment
  /// (which, for a valid id, changes nothing).
  /// - Returns: nil when an id is not valid.
  public static func path(_ parts: [PathPart]) -> String? {
    var path = ""
    for part in parts {
      switch part {
      case .literal(let text): path += text
      case .id(let id):
        guard isValid(id) else { return nil }
        path += "/" + id
      }
    }
    return path
  }

  /// A part of a path: a fixed piece such as `/api/v1/apps`, or an id segment.
  public enum PathPart: Sendable {
    case literal(String)
    case id(String)
  }
}

/// An id of a model or a response that is not one Okta could have made.
public struct InvalidOktaID: Sendable, Equatable {
  /// Where it is: a JSON pointer in the model, or the request that answered it.
  public var place: String
  /// What the id names (`app`, `rule`, `authorization server`, ...).
  public var what: String
  public var id: String
  /// What is wrong with it.
  public var problem: String

  public init(
    place: String, what: String, id: String,
    problem: String = "is not an Okta id (letters and digits only)"
  ) {
    self.place = place
    self.what = what
    self.id = id
    self.problem = problem
  }

  /// One line for a message.
  public var sentence: String {
    "the \(what) id \(OktaID.shown(id)) at \(place) \(problem)"
  }
}
