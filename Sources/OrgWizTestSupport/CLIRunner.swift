import Foundation
import OrgWizCLI
import OrgWizCore
import OrgWizTerminal

/// Runs `orgwiz` in-process with captured streams.
public struct CLIRun {
  public var status: Int32
  public var stdout: String
  public var stderr: String
}

public enum CLIRunner {
  /// The fixed clock of in-process runs: 2026-11-25T01:45:00Z.
  public static let fixedDate = Date(timeIntervalSince1970: 1_795_571_100)

  /// Runs `orgwiz` with arguments.
  /// - Parameters:
  ///   - directory: the working directory.
  ///   - prompter: when given, the run behaves as in a terminal and this prompter answers.
  ///   - environment: extra environment variables.
  ///   - terminal: which streams count as terminals; by default all of them with a prompter,
  ///     none without.
  ///   - stdout: where standard output goes; by default a buffer, returned in the result.
  public static func run(
    _ arguments: [String], in directory: String, prompter: (any Prompter)? = nil,
    environment: [String: String] = [:], terminal: TerminalInfo? = nil,
    stdout: (any TextSink)? = nil
  ) -> CLIRun {
    let buffer = BufferSink()
    let out: any TextSink = stdout ?? buffer
    let err = BufferSink()
    var env = ["ORGWIZ_CONTENT": Fixtures.contentDirectory]
    env.merge(environment) { $1 }
    let terminal =
      terminal
      ?? (prompter == nil
        ? TerminalInfo.none
        : TerminalInfo(
          stdinIsTerminal: true, stdoutIsTerminal: true, stderrIsTerminal: false, width: 100))
    let context = CommandContext(
      stdout: out, stderr: err, environment: env, workingDirectory: directory, terminal: terminal,
      makeInteractivePrompter: { _ in
        prompter ?? ScriptedPrompter([])
      },
      now: { fixedDate })
    let status = OrgWizCLI.main(arguments: arguments, context: context)
    return CLIRun(status: status, stdout: buffer.text, stderr: err.text)
  }
}
