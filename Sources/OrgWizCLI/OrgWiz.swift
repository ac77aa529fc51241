import ArgumentParser
import OrgWizCore
import OrgWizOkta
import OrgWizTerminal

/// The version `orgwiz --version` prints and the change record names.
public let orgwizVersion = "0.1.0"

/// A command that runs against an explicit context, so tests can run it in-process.
protocol ContextCommand: ParsableCommand {
  func execute(_ context: CommandContext) throws -> ExitStatus
}

extension ContextCommand {
  mutating func run() throws {
    let status = try execute(.live())
    if status != .success { throw ExitCode(status.rawValue) }
  }
}

/// The root command: `orgwiz`, running `run` by default.
public struct OrgWiz: ParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "orgwiz",
    abstract:
      "Turn on an Okta OAuth grant (Interaction Code by default) correctly, and keep a change "
      + "record.",
    discussion: """
      orgwiz walks a documented procedure step by step against a local org model (a JSON file \
      in Okta's API shapes), validates the model after every step, writes it back safely, and \
      writes a Markdown change record.

      Examples:
        orgwiz                           the wizard on ./org.json (or the example)
        orgwiz run --example --dry-run   try it on the bundled example org
        orgwiz run --org org.json --no-input --answers answers.yaml --yes
        orgwiz pull --okta-url acme.okta.com --embedded-widget off
        orgwiz apply --dry-run           show what apply would send to Okta
        orgwiz apply                     send the change to Okta, after a review
        orgwiz verify                    ask Okta whether the app can use the grant
        orgwiz check --org org.json
        orgwiz rules unique-ids          why a rule exists, with examples
        orgwiz simulate --example --app "Acme Mobile" --server api --grant password
        orgwiz checklist --org org.json > checklist.md

      \(exitCodeHelp)
      """,
    version: orgwizVersion,
    subcommands: [
      RunCommand.self, CheckCommand.self, SimulateCommand.self, ChecklistCommand.self,
      UndoCommand.self, PullCommand.self, ApplyCommand.self, VerifyCommand.self, ExportCommand.self,
      ProceduresCommand.self, RulesCommand.self,
    ],
    defaultSubcommand: RunCommand.self)

  public init() {}

  /// The exit codes with their meanings: the root `--help` alone prints this table.
  static var exitCodeHelp: String {
    "Exit codes:\n"
      + ExitStatus.allCases.map { status in
        let code = String(status.rawValue)
        return "  " + code + String(repeating: " ", count: 5 - code.count) + status.meaning
      }.joined(separator: "\n")
  }

  /// The codes one subcommand can return, for its `--help`; their meanings are in the root
  /// help, so the table is printed once.
  static func exitCodes(_ codes: ExitStatus...) -> String {
    "Exit codes: " + codes.map { String($0.rawValue) }.joined(separator: ", ")
      + " (orgwiz --help says what each means)."
  }
}

/// Runs `orgwiz` with arguments in a context and returns the exit status; the executable and
/// the in-process tests both come through here.
public enum OrgWizCLI {
  public static func main(arguments: [String], context: CommandContext) -> Int32 {
    // A credential in the environment is in this process's memory from its first instruction:
    // no core dump from here on, and never printed, whatever the command.
    holdSecrets(of: context.environment)
    // Whatever a command prints passes through the scrubber of the secrets it holds.
    var context = context
    context.stdout = ScrubbingSink(context.stdout)
    // At a terminal, lines are broken between words, never by the terminal inside one.
    context.stderr = ScrubbingSink(
      context.terminal.stderrIsTerminal
        ? WrappingSink(context.stderr, width: context.terminal.width) : context.stderr)
    // `orgwiz --version` alone is answered before the argument parser builds every command's
    // options (most of the time --version took), with the text the parser would print.
    if arguments == ["--version"] {
      context.stdout.write(orgwizVersion + "\n")
      return 0
    }
    let command: ParsableCommand
    do {
      command = try OrgWiz.parseAsRoot(subcommandFirst(arguments))
    } catch {
      return report(parserError: error, context: context)
    }
    do {
      if let runnable = command as? any ContextCommand {
        return finish(try runnable.execute(context), stdout: context.stdout, stderr: context.stderr)
      }
      var other = command
      try other.run()
      return 0
    } catch let error as any UserFacingError {
      return report(error, context: context, noColor: arguments.contains("--no-color"))
    } catch {
      return report(parserError: error, context: context)
    }
  }

  /// The variables that may carry a secret (a private key variable only when it holds the PEM
  /// text, not a path).
  static func holdSecrets(of environment: [String: String]) {
    for name in ["OKTA_API_TOKEN", "OKTA_CLIENT_TOKEN", "ORGWIZ_CLIENT_SECRET"] {
      if let value = environment[name]?.trimmingCharacters(in: .whitespacesAndNewlines),
        !value.isEmpty
      {
        HeldSecrets.hold(value)
      }
    }
    if let key = environment["OKTA_CLIENT_PRIVATEKEY"], key.contains("-----BEGIN") {
      HeldSecrets.hold(key)
    }
  }

  /// The command's status, unless its output never arrived: a full disk or a closed pipe on
  /// standard output is exit 73, said on standard error, instead of a silent success.
  /// (The live process's early exit after output, `exitAfterOutput`, comes through here too.)
  static func finish(
    _ status: ExitStatus, stdout: any TextSink, stderr: any TextSink
  ) -> Int32 {
    guard let failure = stdout.writeFailure else { return status.rawValue }
    stderr.write(
      "orgwiz: error: standard output could not be written (\(failure)), so this command's "
        + "output is lost; what it did is done (a model or record written stays written).\n"
        + "Send standard output where it can be written (a file on a disk with room), and run "
        + "the command again.\n")
    return status == .success ? ExitStatus.cannotCreate.rawValue : status.rawValue
  }

  /// The arguments with a subcommand named after options moved to the front, so that
  /// `orgwiz --no-color run` runs `run` rather than a procedure called "run". A subcommand name
  /// is moved only when the options before it parse on their own with that subcommand (so it
  /// is no option's value, as in `--org run`) and the whole line parses after the move.
  static func subcommandFirst(_ arguments: [String]) -> [String] {
    let names = Set(OrgWiz.configuration.subcommands.map { $0._commandName } + ["help"])
    guard let first = arguments.first, first.hasPrefix("-"), !names.contains(first) else {
      return arguments
    }
    let end = arguments.firstIndex(of: "--") ?? arguments.endIndex
    for index in 1..<end where names.contains(arguments[index]) {
      let before = Array(arguments[..<index])
      let name = arguments[index]
      guard (try? OrgWiz.parseAsRoot([name] + before)) != nil else { continue }
      let moved = [name] + before + arguments[(index + 1)...]
      if (try? OrgWiz.parseAsRoot(moved)) != nil { return moved }
      return arguments
    }
    return arguments
  }

  /// Prints a user-facing error: "orgwiz: error: ..." and the next step.
  static func report(
    _ error: any UserFacingError, context: CommandContext, noColor: Bool
  )
    -> Int32
  {
    let style = context.style(noColor: noColor)
    // Stopping at the user's word (Ctrl-C, Ctrl-D, "no") is no error: one plain line, the same
    // as the one Ctrl-C prints from its signal handler.
    let byTheUser = error.exitStatus == .interrupted || error.exitStatus == .declined
    var text = (byTheUser ? "" : style.red("orgwiz: error:") + " ") + error.message + "\n"
    if !error.nextStep.isEmpty { text += error.nextStep + "\n" }
    // At a terminal, lines are wrapped between words rather than cut by the window's edge.
    if context.terminal.stderrIsTerminal {
      text = text.split(separator: "\n", omittingEmptySubsequences: false).map {
        TextWrapper.wrap(String($0), width: context.terminal.width)
      }.joined(separator: "\n")
    }
    context.stderr.write(text)
    return error.exitStatus.rawValue
  }

  private static func report(parserError error: any Error, context: CommandContext) -> Int32 {
    let code = OrgWiz.exitCode(for: error)
    // Help is laid out for the terminal orgwiz runs in (standard error, else COLUMNS), also
    // when standard output goes to a pager or a file.
    let message = wrappingUsage(
      OrgWiz.fullMessage(for: error, columns: context.terminal.width),
      columns: context.terminal.width)
    if code == .success {
      context.stdout.write(message + "\n")
    } else if !message.isEmpty {
      context.stderr.write(message + "\n")
    }
    return code.rawValue
  }

  /// The help's `USAGE:` line, which swift-argument-parser prints on one line however long,
  /// broken between its arguments (never inside `[--set <key=value> ...]`) to fit `columns`,
  /// each further line indented under the first argument.
  static func wrappingUsage(_ message: String, columns: Int) -> String {
    let prefix = "USAGE: "
    return message.split(separator: "\n", omittingEmptySubsequences: false).map { line in
      guard line.hasPrefix(prefix), line.count > columns else { return String(line) }
      // The arguments: split at spaces outside brackets.
      var words: [String] = []
      var word = ""
      var depth = 0
      for character in line.dropFirst(prefix.count) {
        if character == "[" || character == "<" { depth += 1 }
        if character == "]" || character == ">" { depth = max(0, depth - 1) }
        if character == " " && depth == 0 {
          if !word.isEmpty { words.append(word) }
          word = ""
        } else {
          word.append(character)
        }
      }
      if !word.isEmpty { words.append(word) }
      let indent = String(repeating: " ", count: prefix.count)
      var lines: [String] = []
      var current = prefix
      for word in words {
        if current.count > indent.count, current.count + 1 + word.count > columns {
          lines.append(current)
          current = indent + word
        } else {
          current += (current.count > indent.count && current != prefix ? " " : "") + word
        }
      }
      lines.append(current)
      return lines.joined(separator: "\n")
    }.joined(separator: "\n")
  }
}
