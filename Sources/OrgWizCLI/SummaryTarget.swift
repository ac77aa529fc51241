import Foundation
import OrgWizCore
import OrgWizOkta
import OrgWizTerminal
import SystemPackage

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

  /// Resolves `--summary` to what it really names: every spelling (`..`, links, `/proc`
  /// and `/dev` names) is followed to the file it leads to before anything else. Only a real
  /// character device or a pipe is a stream; a path that leads to a regular file is that file,
  /// so the overlap check sees it.
  /// - Parameters:
  ///   - option: the value given, or nil for the default.
  ///   - defaultName: the default summary path for a directory (the model's, or one given).
  static func resolve(
    option: String?, context: CommandContext, defaultName: (String) -> String,
    modelDirectory: String
  ) throws(OrgWizFailure) -> SummaryTarget {
    guard let option else { return .file(defaultName(modelDirectory)) }
    if option == "-" { return .standardOutput }
    let given = context.absolute(option)
    var status = stat()
    guard stat(given, &status) == 0 else {
      if option.hasSuffix("/") {
        throw OrgWizFailure(
          .cannotCreate, "--summary: the directory \(given) does not exist.",
          next: "Create it first, or name a file in an existing directory.")
      }
      let path = context.canonicalFile(given)
      var parent = stat()
      let directory = (path as NSString).deletingLastPathComponent
      guard stat(directory, &parent) == 0, parent.st_mode & S_IFMT == S_IFDIR else {
        throw OrgWizFailure(
          .cannotCreate, "--summary: the directory \(directory) does not exist.",
          next: "Create it first, or name a file in an existing directory.")
      }
      return .file(path)
    }
    switch status.st_mode & S_IFMT {
    case S_IFCHR, S_IFIFO:
      return .stream(given)
    case S_IFDIR, S_IFREG:
      // The name a person would read, checked to be the very file the given path leads to.
      let path = context.canonicalFile(given)
      var resolved = stat()
      guard stat(path, &resolved) == 0, resolved.st_dev == status.st_dev,
        resolved.st_ino == status.st_ino
      else {
        throw OrgWizFailure(
          .usage,
          "--summary: cannot tell which file \(given) names (it leads through a name that "
            + "is not a plain path).",
          next: "Name the summary file by its own path.")
      }
      return status.st_mode & S_IFMT == S_IFDIR ? .file(defaultName(path)) : .file(path)
    default:
      throw OrgWizFailure(
        .usage, "--summary: \(given) is \(FileIO.kind(of: status)); orgwiz cannot write to it.",
        next: "Name a regular file, a directory, a FIFO, a terminal or - for standard output.")
    }
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

  /// "Change record: …" for the end of a run (the words every command that writes or adds to
  /// the record uses).
  var writtenLine: String {
    switch self {
    case .file(let path), .stream(let path): "Change record: \(path)"
    case .standardOutput: "Change record written to standard output."
    }
  }

  /// A stream target opened before anything is replaced (so that a pipe with no reader or a
  /// device that cannot be opened changes nothing), written only after the write is complete:
  /// a stream cannot be taken back, so it never carries a record of a write that then failed.
  final class OpenStream {
    let target: SummaryTarget
    private var descriptor: Int32

    fileprivate init(target: SummaryTarget, descriptor: Int32) {
      self.target = target
      self.descriptor = descriptor
    }

    deinit { release() }

    func release() {
      if descriptor > 2 { close(descriptor) }
      descriptor = -1
    }

    /// Writes the summary; the reason it failed, or nil.
    func write(_ markdown: String, context: CommandContext) -> String? {
      defer { release() }
      if case .standardOutput = target {
        guard let sink = ScrubbingSink.descriptorSink(context.stdout) else {
          context.stdout.write(markdown)
          return nil
        }
        return sink.writeAll(HeldSecrets.scrub(markdown))
      }
      return FileDescriptorSink(descriptor: descriptor).writeAll(markdown)
    }
  }

  /// Opens a stream target; nil for a file target.
  func openStream() throws(OrgWizFailure) -> OpenStream? {
    switch self {
    case .file: return nil
    case .standardOutput: return OpenStream(target: self, descriptor: 1)
    case .stream(let path):
      // Opened without waiting, so that a pipe with no reader is an error, not a hang.
      let opened = FileIO.open(
        path, .writeOnly, [.append, .noControllingTerminal, .nonBlocking, .closeOnExec])
      guard case .success(let descriptor) = opened else {
        let failure =
          opened.failure == .noSuchAddressOrDevice
          ? "no program is reading from it" : opened.failure.map { "\($0)" } ?? ""
        throw OrgWizFailure(
          .cannotCreate,
          "Cannot write the summary to \(path): \(failure). Nothing was written.",
          next: "Start the program that reads it first, name a file with --summary, or leave it "
            + "out for the default file.")
      }
      _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) & ~O_NONBLOCK)
      var status = stat()
      guard fstat(descriptor, &status) == 0,
        [S_IFCHR, S_IFIFO].contains(status.st_mode & S_IFMT)
      else {
        close(descriptor)
        throw OrgWizFailure(
          .cannotCreate, "--summary: \(path) is no longer a device or a pipe. Nothing was written.",
          next: "Run orgwiz again.")
      }
      return OpenStream(target: self, descriptor: descriptor)
    }
  }
}
