/// One answer a question accepts.
public struct Choice: Sendable, Equatable {
  /// The canonical answer recorded for this choice (an object id, `enable`, `yes`, `none`).
  public var value: String
  /// What the user sees: a name or label.
  public var label: String
  /// A short note shown after the label, such as an id or a status.
  public var detail: String
  /// Other unique keys of this choice, matched exactly (a login, a client id).
  public var aliases: [String]
  /// Other names of this choice (an admin's display name, an app's catalog name): matched like
  /// the label, so a name two choices share is ambiguous.
  public var otherNames: [String]

  public init(
    value: String, label: String, detail: String = "", aliases: [String] = [],
    otherNames: [String] = []
  ) {
    self.value = value
    self.label = label
    self.detail = detail
    self.aliases = aliases
    self.otherNames = otherNames
  }

  /// Every text that completes to this choice.
  public var completions: [String] {
    var result = [label]
    for text in [value] + aliases + otherNames where !result.contains(text) { result.append(text) }
    return result
  }
}

/// An object a question recognises but does not accept (a service app as the app that needs the
/// Interaction Code grant): naming it is answered with the reason, never taken.
public struct RefusedChoice: Sendable, Equatable {
  /// The object as a choice would name it (value, label, aliases, other names).
  public var choice: Choice
  /// Why it cannot be chosen, completing "\"Acme Reports\" cannot be chosen: …".
  public var reason: String

  public init(_ choice: Choice, reason: String) {
    self.choice = choice
    self.reason = reason
  }
}

/// A question the wizard asks, built by a step from the procedure document and the model.
public struct Question: Sendable, Equatable {
  /// What kind of answer the question takes.
  public enum Kind: Sendable, Equatable {
    /// One of the listed choices, by number, value, alias or label.
    case choice
    /// Yes or no.
    case yesNo
  }

  /// The question key shared by `--set`, answers files and `--record-answers`.
  public var key: String
  /// The question, from the procedure document.
  public var prompt: String
  /// Longer help, from the procedure document.
  public var help: String
  public var kind: Kind
  public var choices: [Choice]
  /// Objects that are recognised but refused with a reason; never listed, numbered or
  /// completed.
  public var refused: [RefusedChoice]
  /// The canonical value Enter accepts at a prompt.
  public var defaultValue: String?
  /// Whether the default is also taken when nobody can be asked.
  public var defaultAppliesWithoutPrompt: Bool
  /// Whether the answer may hold a secret (never put into history or records).
  public var isSecret: Bool

  public init(
    key: String, prompt: String, help: String, kind: Kind = .choice, choices: [Choice],
    refused: [RefusedChoice] = [], defaultValue: String? = nil,
    defaultAppliesWithoutPrompt: Bool = false, isSecret: Bool = false
  ) {
    self.key = key
    self.prompt = prompt
    self.help = help
    self.kind = kind
    self.choices = choices
    self.refused = refused
    self.defaultValue = defaultValue
    self.defaultAppliesWithoutPrompt = defaultAppliesWithoutPrompt
    self.isSecret = isSecret
  }

  /// A yes/no question.
  public static func yesNo(
    key: String, prompt: String, help: String, defaultYes: Bool?
  )
    -> Question
  {
    Question(
      key: key, prompt: prompt, help: help, kind: .yesNo,
      choices: [Choice(value: "yes", label: "yes"), Choice(value: "no", label: "no")],
      defaultValue: defaultYes.map { $0 ? "yes" : "no" })
  }

  /// The choice of the default value, if any.
  public var defaultChoice: Choice? {
    defaultValue.flatMap { value in choices.first { $0.value == value } }
  }

  /// Turns an answer's text into the chosen value.
  /// - Parameters:
  ///   - text: what the user typed or the answers file held.
  ///   - allowNumbers: whether the answer was typed at a prompt: then `3` means the third
  ///     listed choice, and an unambiguous beginning of a name or of a login's local part
  ///     (`bob` for `bob@acme.example`) is taken for it. Given answers must match in full.
  /// - Returns: the canonical value, or a message saying what is wrong and listing the choices.
  /// The one refused object (with a reason) whose label begins with `text` (ignoring case), or
  /// nil when none or several do.
  func refusedStarting(with text: String) -> RefusedChoice? {
    let folded = text.lowercased()
    var found: RefusedChoice?
    for item in refused
    where !item.reason.isEmpty && item.choice.label.lowercased().hasPrefix(folded) {
      guard found == nil else { return nil }
      found = item
    }
    return found
  }

  public func resolve(_ text: String, allowNumbers: Bool) -> Result<String, AnswerProblem> {
    let trimmed = text.trimmingWhitespace()
    if trimmed.isEmpty {
      if let defaultValue { return .success(defaultValue) }
      return .failure(
        AnswerProblem(key: key, given: text, reason: "an answer is needed", question: self))
    }
    switch kind {
    case .yesNo:
      switch trimmed.lowercased() {
      case "y", "yes", "true": return .success("yes")
      case "n", "no", "false": return .success("no")
      default:
        return .failure(
          AnswerProblem(
            key: key, given: trimmed, reason: "\"\(Self.shown(trimmed))\" is not yes or no",
            question: self))
      }
    case .choice:
      if allowNumbers, let number = Int(trimmed), choices.indices.contains(number - 1) {
        return .success(choices[number - 1].value)
      }
      // Refused objects are looked up with the choices, so a name that a refused object shares
      // with a choice is ambiguous rather than silently the other one. They are looked up by
      // position (the choices, then the refused objects), so that neither list is copied.
      let count = choices.count
      let found = Lookup.find(
        text, kind: "choice", in: 0..<(count + refused.count),
        anyID: { index, test in
          index < count
            ? test(choices[index].value) || choices[index].aliases.contains(where: test)
            : test(refused[index - count].choice.value)
              || refused[index - count].choice.aliases.contains(where: test)
        },
        anyName: { index, test in
          index < count
            ? test(choices[index].label) || choices[index].otherNames.contains(where: test)
            : test(refused[index - count].choice.label)
              || refused[index - count].choice.otherNames.contains(where: test)
        },
        candidate: { index in
          let choice = index < count ? choices[index] : refused[index - count].choice
          return LookupFailure.Candidate(id: choice.value, name: choice.label)
        }, listsCandidates: false)
      switch found {
      case .success(let index) where index < choices.count: return .success(choices[index].value)
      case .success(let index) where refused[index - choices.count].reason.isEmpty:
        return .success(refused[index - choices.count].choice.value)
      case .success(let index):
        let hit = refused[index - choices.count]
        // Named by an id or alias rather than its label: say which object that is.
        let label = "\"\(Self.shown(hit.choice.label))\""
        let named =
          hit.choice.label.lowercased() == trimmed.lowercased()
          ? label
          : "\"\(Self.shown(trimmed))\" names \(label) (\(Self.shown(hit.choice.value))), which"
        return .failure(
          AnswerProblem(
            key: key, given: trimmed, reason: "\(named) cannot be chosen: \(hit.reason)",
            question: self))
      case .failure(let failure):
        let reason: String
        switch failure {
        case .notFound where allowNumbers:
          let started = prefixMatches(trimmed)
          if started.count == 1 { return .success(started[0].value) }
          if started.isEmpty, let hit = refusedStarting(with: trimmed) {
            // The beginning of an object that cannot be chosen: its reason, as for its name.
            reason =
              "\"\(Self.shown(trimmed))\" begins \"\(Self.shown(hit.choice.label))\", which cannot "
              + "be chosen: \(hit.reason)"
          } else if started.isEmpty {
            reason = "\"\(Self.shown(trimmed))\" is not one of the choices"
          } else {
            reason =
              "\"\(Self.shown(trimmed))\" could be \(started.count) choices ("
              + started.map { VisibleText.short($0.label) }.joined(separator: ", ")
              + "); type more of the name, or the number"
          }
        case .notFound: reason = "\"\(Self.shown(trimmed))\" is not one of the choices"
        case .ambiguous(_, _, let matches):
          reason =
            "\"\(Self.shown(trimmed))\" names \(matches.count) choices ("
            + matches.map(\.id).joined(separator: ", ") + "); use the id"
        }
        return .failure(AnswerProblem(key: key, given: trimmed, reason: reason, question: self))
      }
    }
  }

  /// The choices that a typed beginning names: a name's beginning (ignoring case), or the
  /// beginning of a login's part before the `@`.
  func prefixMatches(_ text: String) -> [Choice] {
    let folded = text.lowercased()
    func loginStarts(_ text: String) -> Bool {
      // Only a text with an `@` byte can hold an `@` character.
      guard text.utf8.contains(UInt8(ascii: "@")), text.contains("@") else { return false }
      return String(text.prefix { $0 != "@" }).lowercasedHasPrefix(folded)
    }
    return choices.filter { choice in
      choice.label.lowercasedHasPrefix(folded)
        || choice.otherNames.contains { $0.lowercasedHasPrefix(folded) }
        || loginStarts(choice.label) || choice.aliases.contains(where: loginStarts)
    }
  }

  /// An answer as messages quote it: a very long one (a paste gone wrong) is cut short.
  static func shown(_ text: String) -> String { VisibleText.short(text) }

  /// The choices as "label (detail)" texts for messages, each label quoted short.
  public var choiceList: String {
    choices.map { choice in
      let label = VisibleText.short(choice.label)
      return choice.detail.isEmpty ? label : "\(label) (\(VisibleText.short(choice.detail)))"
    }.joined(separator: ", ")
  }
}

/// An answer that does not fit its question.
public struct AnswerProblem: Error, Sendable, Equatable {
  public var key: String
  public var given: String
  public var reason: String
  public var question: Question

  /// "server: "apii" is not one of the choices; choose one of: api (aus1api), ..."
  public var message: String {
    "\(key): \(reason); choose one of: \(question.choiceList)"
  }
}
