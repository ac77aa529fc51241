import OrgWizJSON

/// The error `JSONParser.parse` throws for `bytes`, or nil if it parses.
func parseError(_ bytes: [UInt8]) -> JSONParseError? {
  do {
    _ = try JSONParser.parse(bytes)
    return nil
  } catch {
    return error
  }
}

/// The error `JSONParser.parse` throws for `text`, or nil if it parses.
func parseError(_ text: String) -> JSONParseError? {
  parseError(Array(text.utf8))
}

/// Pretty output as a string.
func pretty(_ value: JSONValue) -> String {
  JSONWriter.string(value, style: .pretty)
}

/// Compact output as a string.
func compact(_ value: JSONValue) -> String {
  JSONWriter.string(value, style: .compact)
}
