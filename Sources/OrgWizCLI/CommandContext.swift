import Foundation
import OrgWizCore
import OrgWizOkta
import OrgWizTerminal
import SystemPackage

/// Everything a command touches outside the core: streams, environment, terminal, clock and
/// the prompter for a person. Tests build one with buffers and a scripted prompter.
public struct CommandContext {
  public var stdout: any TextSink
  public var stderr: any TextSink
  public var environment: [String: String]
  public var workingDirectory: String
  public var terminal: TerminalInfo
  /// The prompter used when a person can answer.
  public var makeInteractivePrompter: (Style) -> any Prompter
  public var now: () -> Date
  /// The path of the running executable, used to find the bundled Content directory.
  public var executablePath: String?
  /// Ends the process once a command's output is complete (live runs only).
  public var exitAfterOutput: ((ExitStatus) -> Never)?
  /// How HTTP requests reach the org (`pull`, `apply`): libcurl, loaded on the first request,
  /// behind a small protocol.
  public var transport: () -> any HTTPTransport = { CurlTransport() }
  /// Reads a secret (a confidential app's client secret for `verify`) at the terminal, echo
  /// off, after the prompt; nil at end of input.
  public var readSecret: (String) -> String? = { prompt in
    SecretInput.readLine(prompt: prompt, output: FileDescriptorSink.standardError)
  }

  public init(
    stdout: any TextSink, stderr: any TextSink, environment: [String: String],
    workingDirectory: String, terminal: TerminalInfo,
    makeInteractivePrompter: @escaping (Style) -> any Prompter,
    now: @escaping () -> Date = Date.init, executablePath: String? = nil,
    exitAfterOutput: ((ExitStatus) -> Never)? = nil
  ) {
    self.stdout = stdout
    self.stderr = stderr
    self.environment = environment
    self.workingDirectory = workingDirectory
    self.terminal = terminal
    self.makeInteractivePrompter = makeInteractivePrompter
    self.now = now
    self.executablePath = executablePath
    self.exitAfterOutput = exitAfterOutput
  }

  /// The context of the real process.
  public static func live() -> CommandContext {
    holdClosedStandardDescriptors()
    // A reader that goes away (`orgwiz ... | head`) makes writes fail with EPIPE, which orgwiz
    // reports, instead of killing it part-way through a write.
    signal(SIGPIPE, SIG_IGN)
    let environment = ProcessInfo.processInfo.environment
    let terminal = TerminalInfo.current(environment: environment)
    let stderr = FileDescriptorSink.standardError
    return CommandContext(
      stdout: FileDescriptorSink.standardOutput, stderr: stderr, environment: environment,
      workingDirectory: FileManager.default.currentDirectoryPath, terminal: terminal,
      makeInteractivePrompter: { style in
        // Prompting only happens when stdin and stdout are terminals, so readline is safe;
        // on a dumb terminal (TERM=dumb), which cannot show line editing, plain lines are read.
        // Prompts go to standard error; when that is redirected to a file, to the terminal
        // itself, as ssh and git do for passwords, so that the user still sees what is asked.
        let tty =
          terminal.stderrIsTerminal
          ? -1 : (try? FileIO.open("/dev/tty", .writeOnly, [.closeOnExec]).get()) ?? -1
        let descriptor: Int32 = tty >= 0 ? tty : 2
        let output: any TextSink =
          descriptor == 2 ? stderr : FileDescriptorSink(descriptor: descriptor)
        let reader: any LineReader =
          environment["TERM"] == "dumb"
          ? PlainLineReader(output: output)
          : ReadlineLineReader(output: descriptor, environment: environment)
        let startWidth = terminal.width
        return LinePrompter(
          input: reader, output: output, style: style,
          width: { TerminalInfo.measuredWidth(of: descriptor) ?? startWidth })
      },
      executablePath: Self.executablePathOfProcess(),
      exitAfterOutput: { status in
        exit(
          OrgWizCLI.finish(status, stdout: FileDescriptorSink.standardOutput, stderr: stderr))
      })
  }

  /// Fills a standard descriptor the process was started without (`orgwiz run >&-`) with
  /// /dev/null opened the other way round, so that writing to it (or reading from it) fails
  /// as on a closed one. Left free, it went to the first file orgwiz opened, the model's lock,
  /// and the output meant for standard output was written into that file.
  private static func holdClosedStandardDescriptors() {
    for descriptor: Int32 in 0...2 where fcntl(descriptor, F_GETFD) == -1 && errno == EBADF {
      // open returns the lowest free descriptor: this one, as the lower ones are open.
      _ = open("/dev/null", (descriptor == 0 ? O_WRONLY : O_RDONLY) | O_CLOEXEC)
    }
  }

  private static func executablePathOfProcess() -> String? {
    let path = "/proc/self/exe"
    if let resolved = try? FileManager.default.destinationOfSymbolicLink(atPath: path) {
      return resolved
    }
    return CommandLine.arguments.first
  }

  /// Resolves a path given on the command line against the working directory.
  /// The model's path as orgwiz works on it: absolute, and through any symbolic links, so that
  /// a link to the model stays a link, its target is what gets written, and every name of the
  /// model shares one lock.
  public func modelPath(_ path: String) -> String { canonicalFile(path) }

  /// A file's one true path: absolute, `.` and `..` gone, its directory's links resolved, and
  /// the file itself followed through symbolic links (also to a target that does not exist
  /// yet), so that two spellings of one file compare equal.
  public func canonicalFile(_ path: String) -> String {
    var current = absolute(path)
    for _ in 0..<40 {
      current = Self.realDirectory(current)
      guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: current)
      else { return current }
      current =
        target.hasPrefix("/")
        ? target
        : ((current as NSString).deletingLastPathComponent as NSString)
          .appendingPathComponent(target)
    }
    return current
  }

  /// The path with its directory resolved by `realpath` when that directory exists.
  private static func realDirectory(_ path: String) -> String {
    let directory = (path as NSString).deletingLastPathComponent
    let name = (path as NSString).lastPathComponent
    guard let resolved = realpath(directory.isEmpty ? "/" : directory, nil) else {
      return (path as NSString).standardizingPath
    }
    defer { free(resolved) }
    return (String(cString: resolved) as NSString).appendingPathComponent(name)
  }

  public func absolute(_ path: String) -> String {
    if path.hasPrefix("/") { return path }
    return URL(fileURLWithPath: workingDirectory).appendingPathComponent(path).standardizedFileURL
      .path
  }

  /// Whether a person can be asked: not `--no-input` or `ORGWIZ_NO_INPUT`, and standard input
  /// and output are terminals.
  func canPrompt(noInput: Bool) -> Bool {
    let variable = environment["ORGWIZ_NO_INPUT"] ?? ""
    return !noInput && (variable.isEmpty || variable == "0") && terminal.stdinIsTerminal
      && terminal.stdoutIsTerminal
  }

  /// `<model name without .json>.<YYYYMMDDTHHMMSSZ><suffix>` beside the model (an undo or
  /// apply record), `-2`, `-3`, … before the suffix rather than replace an earlier one.
  static func recordPath(model: String, date: Date, suffix: String) -> String {
    var name = (model as NSString).lastPathComponent
    if name.lowercased().hasSuffix(".json") { name = String(name.dropLast(5)) }
    let stem =
      ((model as NSString).deletingLastPathComponent as NSString).appendingPathComponent(name)
      + ".\(Timestamps(date: date).compact)"
    return unusedPath(stem: stem, suffix: suffix)
  }

  /// `<stem><suffix>`, or `<stem>-2<suffix>`, `-3`, … when that is taken: a record never
  /// replaces an earlier one (two runs within one second share a timestamp).
  static func unusedPath(stem: String, suffix: String) -> String {
    var candidate = stem + suffix
    var number = 2
    while FileManager.default.fileExists(atPath: candidate) {
      candidate = stem + "-\(number)" + suffix
      number += 1
    }
    return candidate
  }

  /// Writes "Note: …" on standard error.
  func note(_ text: String, style: Style) {
    stderr.write(style.yellow("Note: ") + text + "\n")
  }

  /// Whether colour may be used (on standard error, where orgwiz's coloured text goes): only
  /// when standard output is a terminal too, so that `orgwiz ... > file` or a pipe, as in
  /// scripts and CI logs, never gets escape sequences (`cli.md`).
  func style(noColor: Bool) -> Style {
    Style(
      enabled: TerminalInfo.colorEnabled(
        streamIsTerminal: terminal.stderrIsTerminal && terminal.stdoutIsTerminal,
        noColorFlag: noColor, environment: environment))
  }
}
