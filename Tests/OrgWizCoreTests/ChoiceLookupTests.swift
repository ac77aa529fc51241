import OrgWizJSON
import OrgWizTestSupport
import Testing

@testable import OrgWizCore

/// The app question of a large org is made, and its answer looked up, without copying or
/// lowercasing every choice; these tests hold the faster code to the results of the code it
/// replaced (kept below as `Reference`), on generated choices, answers and apps.
@Suite struct ChoiceLookupTests {
  /// The core tests' seeded generator, so that every run checks the same cases.
  typealias Seeded = SplitMix

  /// Pieces that lowercase, compare or show in surprising ways: a Kelvin sign lowercases to
  /// "k", U+037E is canonically ";", CR LF is one character, "e" + U+0301 is "é".
  static let pieces = [
    "a", "A", "k", "K", "\u{212A}", "z", "Z", "0", "9", " ", "\t", "\r", "\n", "\r\n", "@", ";",
    "\u{037E}", "é", "e\u{301}", "É", "İ", "ß", "SS", "^", "<", "\u{1B}", "\u{202E}", "\u{200D}",
    "東", "👩‍👩‍👧", "-", "_",
  ]

  static func text(_ random: inout Seeded, length: ClosedRange<Int> = 0...5) -> String {
    (0..<Int.random(in: length, using: &random)).map { _ in random.pick(pieces) }
      .joined()
  }

  @Test func foldedComparisonsEqualLowercasing() {
    var random = Seeded(state: 14)
    for _ in 0..<20_000 {
      let text = Self.text(&random)
      let other = Self.text(&random)
      for folded in [other, other.lowercased(), String(text.lowercased().prefix(2))] {
        #expect(
          text.lowercasedEquals(folded) == (text.lowercased() == folded),
          "\(text.debugDescription) = \(folded.debugDescription)")
        #expect(
          text.lowercasedHasPrefix(folded) == text.lowercased().hasPrefix(folded),
          "\(text.debugDescription) begins with \(folded.debugDescription)")
      }
    }
    // The cases the byte comparison must leave to the full one.
    #expect(!"A\r\nB".lowercasedHasPrefix("a\r"))
    #expect("\u{212A}".lowercasedEquals("k"))
    #expect(";".lowercasedEquals("\u{037E}"))
    #expect("Acme Mobile".lowercasedHasPrefix("acme m"))
    #expect(!"Acme".lowercasedHasPrefix("acme mobile"))
  }

  /// A question whose choices share names, ids and logins with each other and with refused
  /// objects, from a small pool, so that lookups are often ambiguous, refused or prefixes.
  static func question(_ random: inout Seeded) -> Question {
    let names = [
      "Acme Mobile", "acme mobile", "Acme Web", "Acme", "ACME MOBILE", "Tab\tName", "Line\nBreak",
      "Bell\u{7}", "Zoë", "Zoe\u{308}", "\u{212A}elvin", "kelvin", "ada@acme.example",
      "bob@acme.example", "Bob", "none", "0oa1", "Trailing ", " Leading", "東京", "\u{202E}evil",
    ]
    let ids = ["0oa1", "0oa2", "0oa3", "0OA1", "none", "aus1", "ada@acme.example", "Acme Web"]
    func choice(_ number: Int) -> Choice {
      let label =
        Int.random(in: 0..<4, using: &random) == 0
        ? text(&random, length: 1...4) : random.pick(names)
      return Choice(
        value: Int.random(in: 0..<3, using: &random) == 0
          ? random.pick(ids) : "id\(number)",
        label: label,
        detail: "detail \(number)",
        aliases: (0..<Int.random(in: 0...2, using: &random)).map { _ in
          Bool.random(using: &random)
            ? random.pick(ids) : random.pick(names)
        },
        otherNames: (0..<Int.random(in: 0...2, using: &random)).map { _ in
          random.pick(names)
        })
    }
    let choices = (0..<Int.random(in: 0...9, using: &random)).map(choice)
    let refused = (0..<Int.random(in: 0...3, using: &random)).map { number in
      RefusedChoice(
        choice(100 + number),
        reason: Int.random(in: 0..<5, using: &random) == 0 ? "" : "it is refused \(number)")
    }
    return Question(
      key: "app", prompt: "Which app?", help: "", choices: choices, refused: refused,
      defaultValue: Bool.random(using: &random) ? choices.first?.value : nil)
  }

  /// Answers a person might type for a question: its names and ids as they are, in other
  /// cases, shown visibly, padded, cut to a beginning, numbers, and other text.
  static func answers(for question: Question, _ random: inout Seeded) -> [String] {
    let all = question.choices + question.refused.map(\.choice)
    let variants: [(String) -> String] = [
      { $0.uppercased() }, { $0.lowercased() }, VisibleText.visibleOnOneLine,
      { " " + $0 + "\t" }, { $0 + "\t" }, { String($0.prefix(3)) }, { String($0.prefix(1)) },
      { VisibleText.visibleOnOneLine($0).uppercased() },
    ]
    var texts: [String] = []
    for text in all.flatMap({ [$0.value, $0.label] + $0.aliases + $0.otherNames }) {
      texts.append(text)
      for _ in 0..<3 { texts.append(random.pick(variants)(text)) }
    }
    texts += ["1", "2", "0", "\(question.choices.count)", "99", "", "  ", "bob", "ada", "acme"]
    texts += (0..<5).map { _ in text(&random, length: 1...4) }
    return texts
  }

  @Test func answersResolveAsTheyDidBeforeLookupsStoppedCopying() {
    var random = Seeded(state: 2_026)
    var checked = 0
    for _ in 0..<150 {
      let question = Self.question(&random)
      for answer in Self.answers(for: question, &random) {
        for allowNumbers in [true, false] {
          let new = question.resolve(answer, allowNumbers: allowNumbers)
          let old = Reference.resolve(question, answer, allowNumbers: allowNumbers)
          let among = question.choices.map(\.label)
          let refused = question.refused.map(\.choice.label)
          #expect(
            new == old,
            "\(answer.debugDescription) (numbers: \(allowNumbers)) among \(among), refused \(refused)"
          )
          checked += 1
        }
      }
    }
    #expect(checked > 20_000)
  }

  @Test func lookupsByIdAndNameFindWhatTheyFoundBefore() {
    var random = Seeded(state: 7)
    for _ in 0..<100 {
      let items = Self.question(&random).choices
      for query in Self.answers(
        for: Question(key: "k", prompt: "", help: "", choices: items), &random)
      {
        let new = Lookup.find(
          query, kind: "app", in: items, ids: { [$0.value] + $0.aliases },
          names: { [$0.label] + $0.otherNames })
        let old = Reference.find(
          query, kind: "app", in: items, ids: { [$0.value] + $0.aliases },
          names: { [$0.label] + $0.otherNames })
        #expect(new == old, "\(query.debugDescription) among \(items.map(\.label))")
      }
    }
  }

  /// A large org whose apps vary in everything the app question reads.
  static func largeModel(apps count: Int) throws -> OrgModel {
    var random = Seeded(state: UInt64(count))
    let types: [String?] = ["native", "browser", "web", "service", "Web", nil]
    let apps: [JSONValue] = (0..<count).map { index in
      let id = "0oa\(index)app"
      let oidc = index % 9 != 0
      var members: [(String, JSONValue)] = [
        ("id", .string(id)),
        // Repeated labels make some names ambiguous; some are not ASCII.
        (
          "label",
          .string(
            index % 50 == 0
              ? "Shared Label" : index % 7 == 0 ? "Café \(index)" : "App \(index) Portal")
        ),
        ("status", .string(index % 5 == 0 ? "INACTIVE" : "ACTIVE")),
        ("signOnMode", .string(oidc ? "OPENID_CONNECT" : "SAML_2_0")),
      ]
      if index % 3 != 0 { members.append(("name", .string("oidc_client"))) }
      if oidc {
        let client = index % 4 == 0 ? id : "0oc\(index)client"
        members.append(
          (
            "credentials",
            .object(
              JSONObject([("oauthClient", .object(JSONObject([("client_id", .string(client))])))]))
          ))
        var oauth: [(String, JSONValue)] = [
          ("grant_types", .array([.string("authorization_code")]))
        ]
        if let type = random.pick(types) {
          oauth.append(("application_type", .string(type)))
        }
        members.append(
          ("settings", .object(JSONObject([("oauthClient", .object(JSONObject(oauth)))]))))
      }
      return .object(JSONObject(members))
    }
    var document = try Fixtures.exampleModel().document
    document.set(.array(apps), at: .root / "apps")
    // The second policy names clients: some apps', one nobody has, and one two apps share.
    document.set(
      .array([.string("0oc1client"), .string("0oc2client"), .string("nobody"), .string("0oa8app")]),
      at: .root / "authorizationServers" / 0 / "policies" / 1 / "conditions" / "clients"
        / "include")
    document.set(
      .string("0oa8app"), at: .root / "apps" / 16 / "credentials" / "oauthClient" / "client_id")
    return try OrgModel(document: document)
  }

  static func text(_ key: String) -> QuestionText {
    QuestionText(key: key, prompt: "Which \(key)?", help: "Help for \(key).")
  }

  @Test func theAppQuestionOfALargeOrgIsTheOneMadeBefore() throws {
    let model = try Self.largeModel(apps: 600)
    let step = SelectPolicyRuleStep()
    let question = step.appQuestion(
      "app", text: Self.text("app"), model: model, grant: Grants.interactionCode)
    #expect(question == Reference.appQuestion("app", text: Self.text("app"), model: model))
    #expect(question.choices.count > 300 && question.refused.count > 100)

    // Every choice answers by number and by each id no other object has; by its label or the
    // label's beginning when no other choice has that label.
    let all = question.choices + question.refused.map(\.choice)
    let ids = Dictionary(grouping: all.flatMap { [$0.value] + $0.aliases }, by: { $0 })
    let labels = Dictionary(grouping: all.map { $0.label.lowercased() }, by: { $0 })
    var prefixes = 0
    for (index, choice) in question.choices.enumerated() {
      #expect(try question.resolve("\(index + 1)", allowNumbers: true).get() == choice.value)
      for id in [choice.value] + choice.aliases where ids[id]?.count == 1 {
        #expect(try question.resolve(id, allowNumbers: false).get() == choice.value)
      }
      guard labels[choice.label.lowercased()]?.count == 1 else { continue }
      #expect(try question.resolve(choice.label, allowNumbers: false).get() == choice.value)
      #expect(
        try question.resolve(choice.label.uppercased(), allowNumbers: false).get() == choice.value)
      if choice.label.hasSuffix(" Portal") {
        // "App 12 Port" begins only "App 12 Portal".
        let beginning = String(choice.label.dropLast(2)).lowercased()
        #expect(try question.resolve(beginning, allowNumbers: true).get() == choice.value)
        #expect(question.resolve(beginning, allowNumbers: false).isFailure)
        prefixes += 1
      }
    }
    #expect(prefixes > 150)
    #expect(try question.resolve("none", allowNumbers: false).get() == "none")
    // A refused app is named and refused, by id or label.
    let service = try #require(model.apps.first { $0.applicationType == "service" && $0.isOIDC })
    guard case .failure(let problem) = question.resolve(service.id, allowNumbers: true) else {
      Issue.record("a service app was accepted")
      return
    }
    #expect(problem.reason.contains("service app"), "\(problem.reason)")
    // An ambiguous label and an ambiguous beginning say so.
    #expect(question.resolve("shared label", allowNumbers: true).isFailure)
    #expect(question.resolve("App 1", allowNumbers: true).isFailure)
  }

  @Test func thePolicyQuestionNamesClientsByTheFirstAppWithTheirId() throws {
    let model = try Self.largeModel(apps: 2_000)
    var state = RunState(model: model, answers: ["server": model.servers[0].id, "app": "none"])
    let step = SelectPolicyRuleStep()
    let question = try #require(step.question("policy", text: Self.text("policy"), state: state))
    let server = model.servers[0]
    #expect(
      question.choices.map(\.detail)
        == server.policiesInOrder.map { Reference.describe($0, state: state) })
    let detail = try #require(question.choices.first { $0.detail.contains("clients:") }?.detail)
    #expect(detail.contains("App 1 Portal") && detail.contains("nobody"), "\(detail)")
    #expect(detail.contains("App 8 Portal") && !detail.contains("App 16 Portal"), "\(detail)")
    // A server whose policies are all for all clients looks no app up.
    state.answers["server"] = model.servers[1].id
    let other = try #require(step.question("policy", text: Self.text("policy"), state: state))
    #expect(other.choices.allSatisfy { $0.detail.contains("all clients") })
  }
}

/// The code the faster lookups and question replaced, as it was: the oracle of these tests.
private enum Reference {
  static func find<Item>(
    _ query: String, kind: String, in items: [Item], ids: (Item) -> [String],
    names: (Item) -> [String]
  ) -> Result<Item, LookupFailure> {
    if query != query.trimmingWhitespace() {
      if let hit = items.first(where: { ids($0).contains(query) }) { return .success(hit) }
      let exact = items.filter { names($0).contains(query) }
      if exact.count == 1 { return .success(exact[0]) }
    }
    let trimmed = query.trimmingWhitespace()
    if let hit = items.first(where: { ids($0).contains(trimmed) }) { return .success(hit) }
    func shownNames(_ item: Item) -> [String] {
      names(item).flatMap { name in
        let shown = VisibleText.visibleOnOneLine(name)
        return shown == name ? [name] : [name, shown]
      }
    }
    let exact = items.filter { shownNames($0).contains(trimmed) }
    if exact.count == 1 { return .success(exact[0]) }
    let folded = trimmed.lowercased()
    let loose =
      exact.isEmpty ? items.filter { shownNames($0).contains { $0.lowercased() == folded } } : exact
    if loose.count == 1 { return .success(loose[0]) }
    let candidate = { (item: Item) in
      let name = names(item).first ?? ""
      return LookupFailure.Candidate(id: ids(item).first ?? name, name: name)
    }
    if loose.isEmpty {
      return .failure(.notFound(query: trimmed, kind: kind, candidates: items.map(candidate)))
    }
    return .failure(.ambiguous(query: trimmed, kind: kind, matches: loose.map(candidate)))
  }

  static func resolve(
    _ question: Question, _ text: String, allowNumbers: Bool
  ) -> Result<String, AnswerProblem> {
    let key = question.key
    let choices = question.choices
    let trimmed = text.trimmingWhitespace()
    if trimmed.isEmpty {
      if let defaultValue = question.defaultValue { return .success(defaultValue) }
      return .failure(
        AnswerProblem(key: key, given: text, reason: "an answer is needed", question: question))
    }
    if allowNumbers, let number = Int(trimmed), choices.indices.contains(number - 1) {
      return .success(choices[number - 1].value)
    }
    let candidates = choices.map { RefusedChoice($0, reason: "") } + question.refused
    let found = find(
      text, kind: "choice", in: candidates, ids: { [$0.choice.value] + $0.choice.aliases },
      names: { [$0.choice.label] + $0.choice.otherNames })
    switch found {
    case .success(let hit) where hit.reason.isEmpty: return .success(hit.choice.value)
    case .success(let hit):
      let label = "\"\(Question.shown(hit.choice.label))\""
      let named =
        hit.choice.label.lowercased() == trimmed.lowercased()
        ? label
        : "\"\(Question.shown(trimmed))\" names \(label) (\(Question.shown(hit.choice.value))), which"
      return .failure(
        AnswerProblem(
          key: key, given: trimmed, reason: "\(named) cannot be chosen: \(hit.reason)",
          question: question))
    case .failure(let failure):
      let reason: String
      switch failure {
      case .notFound where allowNumbers:
        let started = prefixMatches(choices, trimmed)
        if started.count == 1 { return .success(started[0].value) }
        let refusedStarts = question.refused.filter {
          !$0.reason.isEmpty && $0.choice.label.lowercased().hasPrefix(trimmed.lowercased())
        }
        if started.isEmpty, refusedStarts.count == 1 {
          reason =
            "\"\(Question.shown(trimmed))\" begins \"\(Question.shown(refusedStarts[0].choice.label))\", "
            + "which cannot be chosen: \(refusedStarts[0].reason)"
        } else if started.isEmpty {
          reason = "\"\(Question.shown(trimmed))\" is not one of the choices"
        } else {
          reason =
            "\"\(Question.shown(trimmed))\" could be \(started.count) choices ("
            + started.map { VisibleText.short($0.label) }.joined(separator: ", ")
            + "); type more of the name, or the number"
        }
      case .notFound: reason = "\"\(Question.shown(trimmed))\" is not one of the choices"
      case .ambiguous(_, _, let matches):
        reason =
          "\"\(Question.shown(trimmed))\" names \(matches.count) choices ("
          + matches.map(\.id).joined(separator: ", ") + "); use the id"
      }
      return .failure(
        AnswerProblem(key: key, given: trimmed, reason: reason, question: question))
    }
  }

  static func prefixMatches(_ choices: [Choice], _ text: String) -> [Choice] {
    let folded = text.lowercased()
    return choices.filter { choice in
      let names = [choice.label] + choice.otherNames
      let logins = ([choice.label] + choice.aliases).filter { $0.contains("@") }.map {
        String($0.prefix { $0 != "@" })
      }
      return (names + logins).contains { $0.lowercased().hasPrefix(folded) }
    }
  }

  static func appQuestion(_ key: String, text: QuestionText, model: OrgModel) -> Question {
    func choice(_ app: OrgApp) -> Choice {
      Choice(
        value: app.id, label: app.label,
        detail: [
          app.id, app.clientID == app.id ? nil : "client id \(app.clientID)",
          app.applicationType,
          app.isActive ? nil : app.status,
        ].compactMap { $0 }.joined(separator: ", "),
        aliases: app.isOIDC ? [app.clientID] : [], otherNames: app.name.map { [$0] } ?? [])
    }
    var choices: [Choice] = []
    var refused: [RefusedChoice] = []
    for app in model.apps {
      if let reason = interactionCodeRefusal(app) {
        refused.append(RefusedChoice(choice(app), reason: reason))
      } else {
        choices.append(choice(app))
      }
    }
    return Question(
      key: key, prompt: text.prompt, help: text.help,
      choices: choices + [Choice(value: "none", label: "none", detail: "no particular app")],
      refused: refused)
  }

  static func interactionCodeRefusal(_ app: OrgApp) -> String? {
    guard app.isOIDC else {
      return "it is a \(app.signOnMode ?? "non-OAuth") app, and only OpenID Connect apps take "
        + "part in OAuth"
    }
    guard let applicationType = app.applicationType, !app.canUse(Grants.interactionCode) else {
      return nil
    }
    let what =
      applicationType == "service"
      ? "it is a service app (application_type service)"
      : "its application_type is \"\(VisibleText.short(applicationType, limit: 30))\" (Okta's "
        + "values are lowercase: native, browser, web, service)"
    return what
      + ", and the Interaction Code grant is only for native, single-page (browser) and web apps"
  }

  static func describe(_ policy: ServerPolicy, state: RunState) -> String {
    let clients =
      policy.appliesToAllClients
      ? "all clients"
      : "clients: "
        + Phrase.list(
          policy.clients.map { client in
            state.model.apps.first { $0.clientID == client }?.label ?? client
          })
    return "\(policy.id), priority \(policy.priority), \(clients)"
      + (policy.isActive ? "" : ", \(policy.status)")
  }
}
