#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Somewhere text goes: a standard stream, or a buffer in tests.
public protocol TextSink: AnyObject {
  func write(_ text: String)
}

/// A POSIX file descriptor as a sink (standard output or standard error).
public final class FileDescriptorSink: TextSink, Sendable {
  public let descriptor: Int32

  public init(descriptor: Int32) { self.descriptor = descriptor }

  public static let standardOutput = FileDescriptorSink(descriptor: 1)
  public static let standardError = FileDescriptorSink(descriptor: 2)

  public func write(_ text: String) { _ = writeAll(text) }

  /// Writes all of the text.
  /// - Returns: why it could not be written, or nil.
  public func writeAll(_ text: String) -> String? {
    var bytes = Array(text.utf8)
    var offset = 0
    while offset < bytes.count {
      let written = bytes.withUnsafeMutableBytes { buffer in
        Glibc.write(descriptor, buffer.baseAddress.map { $0 + offset }, buffer.count - offset)
      }
      if written < 0 {
        if errno == EINTR { continue }
        return String(cString: strerror(errno))
      }
      offset += written
    }
    return nil
  }
}

/// Collects text in memory, for tests.
public final class BufferSink: TextSink {
  public private(set) var text = ""

  public init() {}

  public func write(_ text: String) { self.text += text }
}
