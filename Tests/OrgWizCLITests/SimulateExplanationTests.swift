import Foundation
import OrgWizCore
import OrgWizJSON
import OrgWizTestSupport
import Testing

/// `simulate`: a grant Okta knows, a denial that explains itself, the Org Authorization Server.
@Suite struct SimulateExplanationTests {
  // cli.md: `--grant` is a grant type Okta knows (GrantType in management-openapi.yaml);
  // anything else is 64.
  @Test func aGrantOktaDoesNotKnowIsAUsageErrorWithASuggestion() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let typo = CLIRunner.run(
      [
        "simulate", "--example", "--app", "Acme Mobile", "--server", "api", "--grant",
        "interation_code",
      ],
      in: directory.path)
    #expect(typo.status == 64)
    #expect(typo.stderr.contains("not a grant type Okta knows"))
    #expect(typo.stderr.contains("Did you mean \"interaction_code\"?"))
  }

  // org-model.md semantics 11: each policy and rule tried, in order, and why.
  @Test func aDenialListsEachPolicyAndRuleTriedInTextAndJSON() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let arguments = [
      "simulate", "--example", "--app", "Acme Mobile", "--server", "api", "--grant",
      "refresh_token",
    ]
    let text = CLIRunner.run(arguments, in: directory.path)
    #expect(text.status == 1)
    #expect(text.stdout.contains("tried, in order:"))
    #expect(text.stdout.contains("policy \"Mobile Apps\" (00p2mob, priority 1): applies"))
    #expect(
      text.stdout.contains("rule \"Testers, long sessions\" (0pr3tst, priority 2): not ACTIVE"))
    #expect(text.stdout.contains("grant not included (refresh_token is not in"))
    let json = CLIRunner.run(arguments + ["--json"], in: directory.path)
    #expect(json.status == 1)
    let value = try JSONParser.parse(json.stdout)
    let tried = try #require(value["tried"]?.arrayValue)
    #expect(tried.count == 5)
    #expect(tried[2]["reasons"] == ["not-active"])
    #expect(tried[1]["reasons"] == ["grant-not-included"])
  }

  // org-model.md semantics 10 / 6: on Identity Engine the Org Authorization Server needs only
  // the org setting and the app's grant.
  @Test func theOrgAuthorizationServerNeedsOnlyTheSettingAndTheAppsGrant() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let arguments = [
      "simulate", "--example", "--app", "Acme Mobile", "--server", "org-authorization-server",
      "--grant", "authorization_code",
    ]
    let allowed = CLIRunner.run(arguments, in: directory.path)
    #expect(allowed.status == 0)
    #expect(allowed.stdout.contains("the Org Authorization Server"))
    let byIssuer = CLIRunner.run(
      [
        "simulate", "--example", "--app", "Acme Mobile", "--server", "https://acme.okta.com",
        "--grant", "interaction_code", "--json",
      ],
      in: directory.path)
    #expect(byIssuer.status == 1)
    #expect(try JSONParser.parse(byIssuer.stdout)["server"] == "org-authorization-server")
  }
}
