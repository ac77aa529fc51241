import OrgWizJSON

/// Removes secrets (an API token, an access token, a client assertion, a private key) from text
/// and JSON before orgwiz prints or writes them: Okta, a proxy or an error page can echo back
/// what orgwiz sent, and nothing orgwiz holds may leave it that way. Pure: it knows only the
/// secrets it is given.
public struct SecretScrubber: Sendable, Equatable {
  /// What stands where a secret was.
  public static let mark = "[redacted]"
  /// Shorter pieces are not looked for: they would match ordinary text.
  public static let minimumLength = 8

  /// Every form a secret is looked for in, longest first, so that a longer form is replaced
  /// before a piece of it.
  public private(set) var forms: [String] = []

  public init() {}

  public init(secrets: [String]) {
    for secret in secrets { add(secret) }
  }

  public var isEmpty: Bool { forms.isEmpty }

  /// Adds a secret in the forms it may come back in: as sent, JSON-escaped, percent-encoded
  /// (a form body), and for a PEM key each line of its base64 body.
  public mutating func add(_ secret: String) {
    var candidates = [secret, Self.jsonEscaped(secret), Self.percentEncoded(secret)]
    if secret.contains("-----BEGIN") {
      candidates += secret.split(whereSeparator: \.isNewline).map(String.init).filter {
        !$0.hasPrefix("-----") && !$0.contains(":")
      }
    }
    for form in candidates where form.utf8.count >= Self.minimumLength && !forms.contains(form) {
      forms.append(form)
    }
    forms.sort { $0.utf8.count > $1.utf8.count }
  }

  /// The text with every form of every secret replaced by ``mark``, and the beginning of a
  /// secret that was cut off (text clipped for a message ends in `…`) too.
  public func scrub(_ text: String) -> String {
    guard !forms.isEmpty else { return text }
    var result = text
    for form in forms where result.contains(form) {
      result = result.replacingAll(form, with: Self.mark)
    }
    return result.contains(Self.ellipsis) ? scrubCutOff(result) : result
  }

  /// Whether the text holds any form of a secret (or the cut-off beginning of one).
  public func finds(_ text: String) -> Bool {
    forms.contains { text.contains($0) }
      || (text.contains(Self.ellipsis) && scrubCutOff(text) != text)
  }

  static let ellipsis = "…"

  /// Every `…` preceded by the beginning of a secret (at least ``minimumLength`` bytes of
  /// it): the text was cut in the middle of the secret, so what is left of it goes too.
  private func scrubCutOff(_ text: String) -> String {
    var result = ""
    var rest = Substring(text)
    while let range = rest.range(of: Self.ellipsis) {
      var before = Array(rest[..<range.lowerBound].utf8)
      for form in forms {
        let length = Self.cutOffLength(of: Array(form.utf8), endingAt: before)
        if length > 0 {
          before.removeLast(length)
          before += Array(Self.mark.utf8)
        }
      }
      result += String(decoding: before, as: UTF8.self) + Self.ellipsis
      rest = rest[range.upperBound...]
    }
    return result + rest
  }

  /// The longest proper beginning of `secret`, at least ``minimumLength`` bytes, that `text`
  /// ends with; 0 when none.
  private static func cutOffLength(of secret: [UInt8], endingAt text: [UInt8]) -> Int {
    let longest = min(secret.count - 1, text.count)
    guard longest >= minimumLength else { return 0 }
    for length in stride(from: longest, through: minimumLength, by: -1)
    where text[(text.count - length)...].elementsEqual(secret[..<length]) {
      return length
    }
    return 0
  }

  /// Bytes (UTF-8 text) with every secret replaced; the same bytes when none is there.
  public func scrub(bytes: [UInt8]) -> [UInt8] {
    guard !forms.isEmpty else { return bytes }
    let text = String(decoding: bytes, as: UTF8.self)
    guard finds(text) else { return bytes }
    return Array(scrub(text).utf8)
  }

  /// A JSON value with every string (and member name) scrubbed, and how many were changed.
  public func scrub(_ value: JSONValue) -> (value: JSONValue, count: Int) {
    guard !forms.isEmpty else { return (value, 0) }
    var count = 0
    let result = scrub(value, count: &count)
    return (result, count)
  }

  private func scrub(_ value: JSONValue, count: inout Int) -> JSONValue {
    switch value {
    case .string(let text):
      guard finds(text) else { return value }
      count += 1
      return .string(scrub(text))
    case .array(let items):
      return .array(items.map { scrub($0, count: &count) })
    case .object(let object):
      var copy = JSONObject()
      for (key, member) in object {
        var name = key
        if finds(key) {
          count += 1
          name = scrub(key)
        }
        copy[name] = scrub(member, count: &count)
      }
      return .object(copy)
    default:
      return value
    }
  }

  static func jsonEscaped(_ text: String) -> String {
    let quoted = JSONWriter.string(.string(text))
    return String(quoted.dropFirst().dropLast())
  }

  static func percentEncoded(_ text: String) -> String {
    var result = ""
    for byte in text.utf8 {
      let unreserved =
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A)
        || (byte >= 0x61 && byte <= 0x7A) || byte == 0x2D || byte == 0x2E || byte == 0x5F
        || byte == 0x7E
      result += unreserved ? String(UnicodeScalar(byte)) : "%" + hex(byte)
    }
    return result
  }

  private static func hex(_ byte: UInt8) -> String {
    let digits = Array("0123456789ABCDEF")
    return String([digits[Int(byte >> 4)], digits[Int(byte & 0xF)]])
  }
}
