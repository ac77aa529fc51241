/// Why and where a document failed to parse.
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
  /// A lowercase fragment such as `unterminated string` or `duplicate key "id" in object`.
  public let message: String
  /// 1-based line of the offending byte. LF, CRLF and a lone CR each end a line.
  public let line: Int
  /// 1-based column of the offending byte, counted in Unicode scalars of that line (not bytes).
  public let column: Int
  /// 0-based byte offset of the offending byte (equal to the input length at end of input).
  public let offset: Int

  public init(message: String, line: Int, column: Int, offset: Int) {
    self.message = message
    self.line = line
    self.column = column
    self.offset = offset
  }

  /// `line L, column C: message`.
  public var description: String {
    "line \(line), column \(column): \(message)"
  }

  /// Builds an error for `offset` in `bytes`, computing line and column by rescanning (this is
  /// only done when an error happens, so the parser's hot path never counts lines).
  static func at(
    _ offset: Int, in bytes: UnsafeBufferPointer<UInt8>, message: String
  ) -> JSONParseError {
    let end = Swift.min(Swift.max(offset, 0), bytes.count)
    var line = 1
    var lineStart = 0
    // A leading byte order mark is not part of the first line's columns.
    if bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF {
      lineStart = Swift.min(3, end)
    }
    var index = lineStart
    while index < end {
      let byte = bytes[index]
      if byte == 0x0A {
        line += 1
        lineStart = index + 1
      } else if byte == 0x0D {
        if index + 1 < bytes.count && bytes[index + 1] == 0x0A {
          // CRLF: the LF ends the line.
        } else {
          line += 1
          lineStart = index + 1
        }
      }
      index += 1
    }
    var column = 1
    index = lineStart
    while index < end {
      // Count every byte that is not a UTF-8 continuation byte: one per scalar.
      if bytes[index] & 0xC0 != 0x80 { column += 1 }
      index += 1
    }
    return JSONParseError(message: message, line: line, column: column, offset: offset)
  }
}
