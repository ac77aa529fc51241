import OrgWizCore
import OrgWizTestSupport
import Testing

@Suite struct SupportTests {
  @Test func markdownEscapingKeepsWordsReadable() {
    #expect(Markdown.escape("authorization_code") == "authorization_code")
    #expect(Markdown.escape("_x_") == "\\_x\\_")
    #expect(Markdown.escape("a|b") == "a\\|b")
    #expect(Markdown.escape("<b>&") == "&lt;b>&amp;")
    #expect(Markdown.escape("one\ntwo\r\nthree") == "one two three")
    #expect(Markdown.escape("Zoë 😀") == "Zoë 😀")
  }

  @Test func answersFilesInYAMLAndJSON() throws {
    let keys = ["operator", "app-grant", "server"]
    let yaml = try AnswersFile.parse(
      "operator: ada\napp-grant: yes\nserver: \"api\"\n", file: "a.yaml", validKeys: keys)
    #expect(yaml == ["operator": "ada", "app-grant": "yes", "server": "api"])
    let yamlBool = try AnswersFile.parse("app-grant: true\n", file: "a.yaml", validKeys: keys)
    #expect(yamlBool == ["app-grant": "yes"])
    let json = try AnswersFile.parse(
      #"{"operator": "ada", "app-grant": false}"#, file: "a.json", validKeys: keys)
    #expect(json == ["operator": "ada", "app-grant": "no"])
  }

  @Test func answersFileErrorsSayWhere() {
    #expect {
      _ = try AnswersFile.parse(
        "operator: ada\nsevrer: api\n", file: "a.yaml", validKeys: ["operator", "server"])
    } throws: { error in
      guard let error = error as? AnswersError else { return false }
      return error.exitStatus == .usage && error.message.contains("a.yaml:2")
        && error.message.contains("sevrer")
        && error.message.contains("operator, server")
    }
    #expect {
      _ = try AnswersFile.parse("operator: [ada\n", file: "a.yaml", validKeys: ["operator"])
    } throws: { error in
      (error as? AnswersError)?.exitStatus == .dataError
    }
    #expect {
      _ = try AnswersFile.parse("{\"operator\": }", file: "a.json", validKeys: ["operator"])
    } throws: { error in
      (error as? AnswersError)?.message.hasPrefix("a.json:1:") ?? false
    }
  }

  @Test func recordedAnswersReadBack() throws {
    let procedure = try Fixtures.testProcedure()
    let given = [
      GivenAnswer(key: "operator", value: "00u1ada", label: "ada@acme.example"),
      GivenAnswer(key: "app-grant", value: "yes", label: "yes"),
      GivenAnswer(key: "server", value: "odd \"name\": yes", label: "odd"),
    ]
    for json in [false, true] {
      let text = AnswersFile.render(given, json: json, procedure: procedure)
      let back = try AnswersFile.parse(text, file: "r", validKeys: procedure.questionKeys)
      #expect(back == ["operator": "00u1ada", "app-grant": "yes", "server": "odd \"name\": yes"])
    }
  }
}

@Suite struct AnswerResolutionTests {
  let question = Question(
    key: "server", prompt: "Which server?", help: "",
    choices: [Choice(value: "aus1api", label: "api"), Choice(value: "aus2prt", label: "partners")])

  @Test func aVeryLongWrongAnswerIsQuotedShort() {
    let pasted = String(repeating: "x", count: 5000)
    guard case .failure(let problem) = question.resolve(pasted, allowNumbers: true) else {
      Issue.record("a wrong answer was accepted")
      return
    }
    #expect(problem.reason.count < 120)
    #expect(problem.reason.hasSuffix("x… (5000 characters)\" is not one of the choices"))
    #expect(problem.given == pasted)
  }

  @Test func answersMayBeNumbersIdsOrNamesInAnyCase() {
    #expect(question.resolve("2", allowNumbers: true) == .success("aus2prt"))
    #expect(question.resolve("2", allowNumbers: false).isFailure)
    #expect(question.resolve(" aus1api ", allowNumbers: false) == .success("aus1api"))
    #expect(question.resolve("PARTNERS", allowNumbers: false) == .success("aus2prt"))
  }
}

extension Result {
  var isFailure: Bool {
    if case .failure = self { return true }
    return false
  }
}
