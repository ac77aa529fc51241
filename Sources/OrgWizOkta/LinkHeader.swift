/// Parses an HTTP `Link` header (RFC 8288): `<url>; rel="next", <url>; rel="self"`.
///
/// Okta sends `self` and `next` as separate `Link` headers, which arrive joined with ", ". A URL
/// is taken verbatim from between `<` and `>` (so commas and semicolons inside it are kept) and
/// followed as an opaque URL.
public enum LinkHeader {
  public struct Link: Sendable, Equatable {
    public var target: String
    /// The `rel` values, lowercased.
    public var relations: [String]
  }

  public static func links(in header: String) -> [Link] {
    var result: [Link] = []
    var scalars = Substring(header).unicodeScalars[...]
    while let open = scalars.firstIndex(of: "<") {
      let afterOpen = scalars.index(after: open)
      guard let close = scalars[afterOpen...].firstIndex(of: ">") else { break }
      let target = String(String.UnicodeScalarView(scalars[afterOpen..<close]))
      scalars = scalars[scalars.index(after: close)...]
      // Parameters run to the next comma outside quotes.
      var parameters = ""
      var quoted = false
      var escaped = false
      var end = scalars.endIndex
      for index in scalars.indices {
        let character = scalars[index]
        if escaped {
          escaped = false
        } else if quoted && character == "\\" {
          escaped = true
        } else if character == "\"" {
          quoted.toggle()
        } else if character == "," && !quoted {
          end = index
          break
        }
        parameters.unicodeScalars.append(character)
      }
      scalars = end == scalars.endIndex ? scalars[end...] : scalars[scalars.index(after: end)...]
      result.append(Link(target: target, relations: relations(in: parameters)))
    }
    return result
  }

  /// The target of the first link whose `rel` includes `next`.
  public static func next(in header: String?) -> String? {
    guard let header else { return nil }
    return links(in: header).first { $0.relations.contains("next") }?.target
  }

  private static func relations(in parameters: String) -> [String] {
    for parameter in parameters.split(separator: ";") {
      let pair = parameter.split(separator: "=", maxSplits: 1)
      guard pair.count == 2,
        pair[0].trimmingSpaces().lowercased() == "rel"
      else { continue }
      var value = pair[1].trimmingSpaces()
      if value.hasPrefix("\"") && value.hasSuffix("\"") && value.count >= 2 {
        value = String(value.dropFirst().dropLast())
      }
      return value.lowercased().split(separator: " ").map(String.init)
    }
    return []
  }
}

extension Substring {
  fileprivate func trimmingSpaces() -> String {
    String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
  }
}
