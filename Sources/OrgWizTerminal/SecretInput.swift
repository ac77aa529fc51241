#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Reads a secret at a terminal: echo off, no history, the terminal put back however the read
/// ends (Ctrl-C included, through ``InterruptCleanup``).
public enum SecretInput {
  /// The most bytes of one secret line.
  public static let maximumBytes = 4096

  /// One line from standard input with echo off, after `prompt` on `output`; nil at end of
  /// input.
  public static func readLine(prompt: String, output: any TextSink) -> String? {
    InterruptCleanup.whileReading {
      var saved = termios()
      let isTerminal = tcgetattr(0, &saved) == 0
      // Echo goes off (and what was typed before is thrown away) before the prompt shows:
      // a secret typed or pasted as soon as the prompt appears is neither shown nor lost.
      if isTerminal {
        var quiet = saved
        quiet.c_lflag &= ~tcflag_t(ECHO)
        _ = tcsetattr(0, TCSAFLUSH, &quiet)
      }
      output.write(prompt)
      defer {
        if isTerminal { _ = tcsetattr(0, TCSAFLUSH, &saved) }
        output.write("\n")
      }
      return readOneLine()
    }
  }

  private static func readOneLine() -> String? {
    var bytes: [UInt8] = []
    var byte: UInt8 = 0
    while read(0, &byte, 1) == 1 {
      if byte == 0x0A { return String(decoding: bytes, as: UTF8.self) }
      if bytes.count < maximumBytes { bytes.append(byte) }
    }
    return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self)
  }
}
