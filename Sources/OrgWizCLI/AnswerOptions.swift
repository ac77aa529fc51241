import ArgumentParser
import Foundation
import OrgWizCore

/// Answers given on the command line or in a file.
struct AnswerOptions: ParsableArguments {
  @Option(
    name: .long,
    help: ArgumentHelp(
      "A YAML or JSON file mapping question keys to answers.", valueName: "file"))
  var answers: String?

  @Option(
    name: .customLong("set"),
    help: ArgumentHelp(
      "One answer, KEY=VALUE (repeatable; wins over --answers).", valueName: "key=value"),
    completion: .custom { words, _, prefix in SetCompletion.candidates(words: words, prefix: prefix)
    })
  var sets: [String] = []

  @Option(
    name: .customLong("operator"),
    help: ArgumentHelp(
      "The admin making the change; same as --set operator=LOGIN.", valueName: "login"))
  var operatorLogin: String?

  /// The answers, merged: the file, then `--operator`, then `--set`.
  func collect(for procedure: Procedure, context: CommandContext) throws -> [String: String] {
    let keys = procedure.questionKeys
    var result: [String: String] = [:]
    if let answers {
      let path = context.absolute(answers)
      let bytes = try FileIO.read(
        path, what: "answers file", hint: "Name an existing file with --answers.")
      guard let text = String(validating: bytes, as: UTF8.self) else {
        throw OrgWizFailure(.dataError, "\(answers) is not UTF-8 text.", next: "Save it as UTF-8.")
      }
      result = try AnswersFile.parse(text, file: answers, validKeys: keys)
    }
    if let operatorLogin {
      guard keys.contains("operator") else {
        throw OrgWizFailure(
          .usage, "--operator: procedure \(procedure.id) asks no 'operator' question.",
          next: "Leave out --operator.")
      }
      result["operator"] = operatorLogin
    }
    for item in sets {
      let (key, value) = try AnswersFile.parseSet(item, validKeys: keys)
      result[key] = value
    }
    return result
  }
}
