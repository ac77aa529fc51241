import OrgWizJSON
import Yams

/// Why an answers file or a `--set` value was refused.
public struct AnswersError: UserFacingError, Equatable {
  public var exitStatus: ExitStatus
  public var message: String
  public var nextStep: String
}

/// Answers files (`--answers`, `--record-answers`): a YAML or JSON mapping from question key to
/// answer.
public enum AnswersFile {
  /// Reads an answers file. Booleans become `yes`/`no`; numbers keep their text.
  /// - Parameters:
  ///   - text: the file's contents.
  ///   - file: its path, for messages.
  ///   - validKeys: the procedure's question keys; any other key is an error.
  public static func parse(
    _ text: String, file: String, validKeys: [String]
  ) throws(AnswersError)
    -> [String: String]
  {
    var answers: [String: String] = [:]
    var lines: [String: Int] = [:]
    // A byte order mark, as some editors write, is no part of the text (as for models).
    let text =
      text.unicodeScalars.first == "\u{FEFF}" ? String(text.unicodeScalars.dropFirst()) : text
    let trimmed = text.trimmingWhitespace()
    if trimmed.hasPrefix("{") {
      let value: JSONValue
      do {
        value = try JSONParser.parse(text)
      } catch {
        throw malformed(
          file, "\(file):\(error.line):\(error.column): malformed JSON: \(error.message)")
      }
      guard let object = value.objectValue else {
        throw malformed(file, "\(file): expected a mapping from question key to answer")
      }
      for (key, member) in object.members {
        switch member {
        case .string(let text): answers[key] = text
        case .bool(let flag): answers[key] = flag ? "yes" : "no"
        case .number(let number): answers[key] = number.literal
        default:
          throw malformed(
            file, "\(file)#/\(key): expected a single value, found \(member.briefDescription)")
        }
      }
    } else if !trimmed.isEmpty {
      if let (line, kind) = YAMLGuard.firstReference(in: text) {
        let (what, marker) = kind == .alias ? ("aliases (*name)", "*") : ("anchors (&name)", "&")
        throw malformed(
          file,
          "\(file):\(line): YAML \(what) are not allowed in answers files; if '\(marker)' is "
            + "part of an answer, write every line as KEY: \"VALUE\" (as --record-answers "
            + "does), write the file as JSON, or give that answer with --set")
      }
      let node: Node?
      do {
        node = try Yams.compose(yaml: text)
      } catch let error as YamlError {
        let problem = ProcedureParser.yamlProblem(error, firstLine: 1, file: file, what: "the file")
        throw malformed(file, "\(file):\(problem.line): \(problem.problem)")
      } catch {
        throw malformed(file, "\(file): not valid YAML: \(error)")
      }
      guard case .mapping(let mapping)? = node else {
        throw malformed(file, "\(file): expected a mapping of 'key: answer' lines")
      }
      for (keyNode, valueNode) in mapping {
        let line = keyNode.mark?.line ?? 1
        guard let key = keyNode.scalar?.string, let scalar = valueNode.scalar else {
          throw malformed(file, "\(file):\(line): each answer must be one value on its key's line")
        }
        lines[key] = line
        if scalar.style == .plain, let flag = valueNode.bool {
          answers[key] = flag ? "yes" : "no"
        } else {
          answers[key] = scalar.string
        }
      }
    }
    let unknown = answers.keys.filter { !validKeys.contains($0) }.sorted()
    if let first = unknown.first {
      let place = lines[first].map { "\(file):\($0)" } ?? file
      throw AnswersError(
        exitStatus: .usage,
        message: "\(place): unknown answer key\(unknown.count == 1 ? "" : "s") "
          + unknown.joined(separator: ", ") + "; the keys of this procedure are: "
          + validKeys.joined(separator: ", ") + ".",
        nextStep: "Rename or remove the key in \(file).")
    }
    return answers
  }

  /// Writes answers in the same format, keys in procedure order.
  /// - Parameter json: JSON instead of YAML.
  public static func render(_ answers: [GivenAnswer], json: Bool, procedure: Procedure) -> String {
    if json {
      let object = JSONObject(answers.map { ($0.key, JSONValue.string($0.value)) })
      return JSONWriter.string(.object(object), style: .pretty)
    }
    var text =
      YAMLWriter.comment(
        "Answers for orgwiz procedure \(procedure.id) \(procedure.version); replay with "
          + "`orgwiz run \(procedure.id) --answers FILE`.") + "\n"
    for answer in answers {
      text +=
        YAMLWriter.entry(
          key: answer.key, value: answer.value,
          comment: answer.label != answer.value ? answer.label : nil) + "\n"
    }
    return text
  }

  /// Parses one `--set KEY=VALUE`.
  public static func parseSet(
    _ text: String, validKeys: [String]
  ) throws(AnswersError) -> (
    String, String
  ) {
    guard let equals = text.firstIndex(of: "=") else {
      throw AnswersError(
        exitStatus: .usage, message: "--set \(text): expected KEY=VALUE",
        nextStep:
          "For example: --set server=api. The keys are: \(validKeys.joined(separator: ", ")).")
    }
    let key = String(text[..<equals]).trimmingWhitespace()
    let value = String(text[text.index(after: equals)...])
    guard validKeys.contains(key) else {
      throw AnswersError(
        exitStatus: .usage,
        message: "--set \(text): unknown answer key \(key); the keys of this procedure are: "
          + validKeys.joined(separator: ", ") + ".",
        nextStep: "Use one of those keys.")
    }
    return (key, value)
  }

  private static func malformed(_ file: String, _ message: String) -> AnswersError {
    AnswersError(
      exitStatus: .dataError, message: message,
      nextStep: "Fix \(file): it must map question keys to answers, e.g. `server: api`.")
  }
}
