/// Text from a model or an answer as it may be shown: every character that a terminal, a
/// Markdown renderer or a reader would act on instead of showing is made visible, as `git` and
/// `less` do. The stored value is never changed; only how it is shown.
///
/// - C0 controls other than newline and tab, in caret notation: ESC is `^[`, NUL `^@`, BEL `^G`,
///   CR `^M`; DEL is `^?`.
/// - C1 controls (U+0080–U+009F), bidirectional controls (U+061C, U+200E, U+200F,
///   U+202A–U+202E, U+2066–U+2069), zero-width characters (U+200B–U+200D, U+2060, U+FEFF) and
///   the line and paragraph separators (U+2028, U+2029) as `<U+202E>`.
public enum VisibleText {
  /// The text with its invisible and controlling characters made visible; newlines and tabs
  /// are kept.
  public static func visible(_ text: String) -> String {
    // Most text has nothing to show differently; keep it as it is, without copying.
    guard text.unicodeScalars.contains(where: needsShowing) else { return text }
    return shown(text, oneLine: false)
  }

  /// The text on one line: as ``visible(_:)``, with newlines shown as `^J` and tabs as `^I`.
  public static func visibleOnOneLine(_ text: String) -> String {
    guard text.unicodeScalars.contains(where: { needsShowing($0) || $0 == "\n" || $0 == "\t" })
    else { return text }
    return shown(text, oneLine: true)
  }

  /// The text with every scalar that needs showing shown, character by character: a zero-width
  /// joiner or non-joiner inside a character (an emoji sequence such as 👩‍👩‍👧, or a conjunct of
  /// an Indic script) joins what it should and is kept; one that joins nothing is shown.
  private static func shown(_ text: String, oneLine: Bool) -> String {
    var result = ""
    result.reserveCapacity(text.utf8.count + 8)
    for character in text {
      let scalars = character.unicodeScalars
      guard scalars.contains(where: { needsShowing($0) || (oneLine && ($0 == "\n" || $0 == "\t")) })
      else {
        result.append(character)
        continue
      }
      for (index, scalar) in zip(scalars.indices, scalars) {
        let joins =
          (scalar == "\u{200C}" || scalar == "\u{200D}")
          && scalars.index(after: index) != scalars.endIndex
        if joins {
          result.unicodeScalars.append(scalar)
        } else if oneLine && (scalar == "\n" || scalar == "\t") {
          result += caret(scalar)
        } else {
          append(scalar, to: &result)
        }
      }
    }
    return result
  }

  /// Whether a scalar is shown as something else (newline and tab are not).
  public static func needsShowing(_ scalar: Unicode.Scalar) -> Bool {
    let value = scalar.value
    if value < 0x20 { return scalar != "\n" && scalar != "\t" }
    if value < 0x7F { return false }
    return value <= 0x9F || isInvisibleFormat(value)
  }

  /// A name as the wizard's lines, the records and JSON show it: the name itself, or for one
  /// longer than `limit` characters (a paste gone wrong, a planted model) its beginning and how
  /// long it was, so a megabyte label is not repeated through every line and record. Lookups
  /// always match the whole name; renderers still make what is shown visible and escaped.
  public static func name(_ text: String, limit: Int = 200) -> String {
    if text.utf8.count <= limit { return text }
    // Counting a 20 MB value would take as long as showing it; stop once it is too long.
    var end = text.startIndex
    var count = 0
    while end < text.endIndex, count < limit {
      text.formIndex(after: &end)
      count += 1
    }
    if end == text.endIndex { return text }
    return String(text[..<end]) + "… (\(text.count) characters)"
  }

  /// A value as a message quotes it: visible, on one line, and a long one cut to its first
  /// `limit` characters followed by how long it was, e.g. `Acme…(20000000 characters)`.
  public static func short(_ text: String, limit: Int = 60) -> String {
    visibleOnOneLine(name(text, limit: limit))
  }

  private static func isInvisibleFormat(_ value: UInt32) -> Bool {
    switch value {
    case 0x061C, 0x200B...0x200F, 0x2028...0x202E, 0x2060, 0x2066...0x2069, 0xFEFF: true
    default: false
    }
  }

  private static func append(_ scalar: Unicode.Scalar, to result: inout String) {
    guard needsShowing(scalar) else {
      result.unicodeScalars.append(scalar)
      return
    }
    if scalar.value < 0x20 || scalar.value == 0x7F {
      result += caret(scalar)
    } else {
      result += codePoint(scalar)
    }
  }

  /// Caret notation: `^@` for NUL … `^_`, `^?` for DEL.
  private static func caret(_ scalar: Unicode.Scalar) -> String {
    let shown = scalar.value == 0x7F ? "?" : Character(Unicode.Scalar(UInt8(scalar.value + 0x40)))
    return "^\(shown)"
  }

  /// `<U+202E>`: the code point in at least four upper-case hex digits.
  private static func codePoint(_ scalar: Unicode.Scalar) -> String {
    let hex = String(scalar.value, radix: 16, uppercase: true)
    return "<U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex + ">"
  }
}
