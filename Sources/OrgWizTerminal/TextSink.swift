import OrgWizCore
import Synchronization
import SystemPackage

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Somewhere text goes: a standard stream, or a buffer in tests.
///
/// Every `write` shows text through ``TerminalText/visible(_:)``: a control character from a
/// model or an answer (an escape sequence in a label, a NUL, a bidirectional override) is shown
/// visibly instead of acting on the terminal; only the colours of ``Style`` pass. A conforming
/// type must do the same (``FileDescriptorSink`` and ``BufferSink`` do).
public protocol TextSink: AnyObject {
  func write(_ text: String)
  /// Why an earlier write did not arrive (a full disk), or nil. A reader that closed its end
  /// of a pipe (`orgwiz rules | head -1`) is not a failure: it has read all it wanted.
  var writeFailure: String? { get }
}

extension TextSink {
  public var writeFailure: String? { nil }
}

/// What the sinks write: text with its control characters made visible (``VisibleText``),
/// then ``Style``'s own marks turned into its colours, as `less -R` lets colours through. No
/// escape sequence in the text itself ever reaches the terminal.
public enum TerminalText {
  public static func visible(_ text: String) -> String {
    var result =
      text.unicodeScalars.contains(where: VisibleText.needsShowing)
      ? VisibleText.visible(text) : text
    guard result.unicodeScalars.contains("\u{F8FF}") else { return result }
    for (mark, sequence) in Style.marks {
      result = result.replacingOccurrencesOf(mark, with: sequence)
    }
    return result
  }
}

extension String {
  fileprivate func replacingOccurrencesOf(_ target: String, with replacement: String) -> String {
    split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
  }
}

/// A POSIX file descriptor as a sink (standard output or standard error).
public final class FileDescriptorSink: TextSink, Sendable {
  public let descriptor: Int32
  private let firstFailure = Mutex<String?>(nil)

  public init(descriptor: Int32) { self.descriptor = descriptor }

  /// Why the first write that failed did not arrive, or nil when every one did.
  public var writeFailure: String? { firstFailure.withLock { $0 } }

  public static let standardOutput = FileDescriptorSink(descriptor: 1)
  public static let standardError = FileDescriptorSink(descriptor: 2)

  /// Writes the text as the terminal should show it (``TerminalText/visible(_:)``).
  public func write(_ text: String) {
    if let failure = write(bytes: TerminalText.visible(text)), failure != .brokenPipe {
      firstFailure.withLock { first in first = first ?? "\(failure)" }
    }
  }

  /// Writes all of the text as it is, byte for byte: for a file's contents (a summary sent to
  /// standard output or a device), never for messages.
  /// - Returns: why it could not be written, or nil.
  public func writeAll(_ text: String) -> String? {
    write(bytes: text).map { "\($0)" }
  }

  /// Writes all of the text's bytes (swift-system: a short write goes on, an interrupted one is
  /// retried); why it could not, or nil.
  private func write(bytes text: String) -> Errno? {
    do {
      _ = try FileDescriptor(rawValue: descriptor).writeAll(text.utf8)
      return nil
    } catch let error as Errno {
      return error
    } catch {
      return Errno(rawValue: errno)
    }
  }
}

/// Collects text in memory, for tests; shows it as ``FileDescriptorSink`` does.
public final class BufferSink: TextSink {
  public private(set) var text = ""

  public init() {}

  public func write(_ text: String) { self.text += TerminalText.visible(text) }
}

/// A sink for a terminal that wraps each complete line at word boundaries to the terminal's
/// width, so that the terminal never breaks a word or a path in two ("Embedded widget si /
/// gn-in"). A line that is still being written (a prompt, or a progress line redrawn with a
/// carriage return) passes as it is.
public final class WrappingSink: TextSink {
  let inner: any TextSink
  let width: Int
  /// Whether the next write starts a line (the last one ended with a newline).
  private var atLineStart = true

  public init(_ inner: any TextSink, width: Int) {
    self.inner = inner
    self.width = width
  }

  public func write(_ text: String) {
    guard !text.isEmpty else { return }
    guard !text.contains("\r"), let last = text.lastIndex(of: "\n") else {
      inner.write(text)
      atLineStart = text.hasSuffix("\n")
      return
    }
    let rest = text[text.index(after: last)...]
    var lines = text[..<last].split(separator: "\n", omittingEmptySubsequences: false).map(
      String.init)
    var out: [String] = []
    // A line an earlier write began is not wrapped: its start is already on the screen.
    if !atLineStart { out.append(lines.removeFirst()) }
    out += lines.map { TextWrapper.wrapLines($0, width: width) }
    inner.write(out.joined(separator: "\n") + "\n" + rest)
    atLineStart = rest.isEmpty
  }

  public var writeFailure: String? { inner.writeFailure }
}
