import Foundation
import OrgWizCore
import OrgWizTerminal

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Where `run` puts the Markdown summary, decided before anything is written so that a bad
/// `--summary` cannot fail the write half-way.
enum SummaryTarget: Equatable {
  /// A regular file, written like the model: staged beside it, then renamed into place.
  case file(String)
  /// Standard output (`--summary -`).
  case standardOutput
  /// A device or pipe (`/dev/stdout`, `/dev/tty`, a FIFO): written to directly once the model
  /// is in place, never replaced by a file.
  case stream(String)

  /// Resolves `--summary`.
  /// - Parameters:
  ///   - option: the value given, or nil for the default.
  ///   - defaultName: the default summary path for a directory (the model's, or one given).
  static func resolve(
    option: String?, context: CommandContext, defaultName: (String) -> String,
    modelDirectory: String
  ) throws(OrgWizFailure) -> SummaryTarget {
    guard let option else { return .file(defaultName(modelDirectory)) }
    if option == "-" { return .standardOutput }
    let path = context.absolute(option)
    if path.hasPrefix("/dev/") || path.hasPrefix("/proc/") { return .stream(path) }
    var status = stat()
    if stat(path, &status) == 0 {
      switch status.st_mode & S_IFMT {
      case S_IFDIR: return .file(defaultName(context.canonicalFile(path)))
      case S_IFREG: return .file(context.canonicalFile(path))
      default: return .stream(path)
      }
    }
    if option.hasSuffix("/") {
      throw OrgWizFailure(
        .cannotCreate, "--summary: the directory \(path) does not exist.",
        next: "Create it first, or name a file in an existing directory.")
    }
    return .file(context.canonicalFile(path))
  }

  /// The path for messages and records; nil for standard output.
  var path: String? {
    switch self {
    case .file(let path), .stream(let path): path
    case .standardOutput: nil
    }
  }

  /// The regular file the summary is written to, if it is one.
  var filePath: String? {
    if case .file(let path) = self { return path }
    return nil
  }

  /// "Summary written: …" for the end of a run.
  var writtenLine: String {
    switch self {
    case .file(let path), .stream(let path): "Summary written: \(path)"
    case .standardOutput: "Summary written to standard output."
    }
  }

  /// Writes the summary to a stream target. A run does this after everything is staged and
  /// before anything is replaced, so that a stream that fails (a full device, a pipe nobody
  /// reads) leaves every file as it was.
  func writeStream(_ markdown: String, context: CommandContext) throws(OrgWizFailure) {
    let failure: String?
    switch self {
    case .file: return
    case .standardOutput:
      if let sink = context.stdout as? FileDescriptorSink {
        failure = sink.writeAll(markdown)
      } else {
        context.stdout.write(markdown)
        failure = nil
      }
    case .stream(let path):
      // Opened without waiting, so that a pipe with no reader is an error, not a hang.
      let descriptor = open(path, O_WRONLY | O_APPEND | O_NOCTTY | O_NONBLOCK | O_CLOEXEC)
      if descriptor < 0 {
        failure =
          errno == ENXIO ? "no program is reading from it" : String(cString: strerror(errno))
      } else {
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) & ~O_NONBLOCK)
        failure = FileDescriptorSink(descriptor: descriptor).writeAll(markdown)
        close(descriptor)
      }
    }
    if let failure {
      throw OrgWizFailure(
        .cannotCreate,
        "Cannot write the summary to \(path ?? "standard output"): \(failure). Nothing was "
          + "written.",
        next: "Name a file with --summary, or leave it out for the default file.")
    }
  }
}
