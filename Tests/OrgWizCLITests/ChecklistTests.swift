import Foundation
import OrgWizCore
import OrgWizJSON
import OrgWizTerminal
import OrgWizTestSupport
import Testing

/// `orgwiz checklist` of the bundled procedure, read as a new admin would read it. The
/// checklist's mechanics on test-only documents are in ChecklistMechanicsTests.
@Suite struct ChecklistTests {
  @Test func noGenericWordsBesideRealNames() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    // No server named (the example has two): nothing after it is named either.
    let unknown = CLIRunner.run(["checklist", "--example"], in: directory.path)
    #expect(unknown.status == 0, "\(unknown.stderr)")
    #expect(unknown.stdout.contains("your custom authorization server"))
    #expect(!unknown.stdout.contains("Default Policy Rule"), "\(unknown.stdout)")
    #expect(!unknown.stdout.contains("> Default Policy"))
    #expect(unknown.stdout.contains("the access policy that serves your app"))
    // A server named: every placeholder is the org's own object.
    let known = CLIRunner.run(
      ["checklist", "--example", "--set", "server=api", "--set", "app=Acme Mobile"],
      in: directory.path)
    #expect(!known.stdout.contains("your custom authorization server"))
    #expect(!known.stdout.contains("your app"))
    #expect(!known.stdout.contains("that serves your app"))
    #expect(
      known.stdout.contains(
        "Security > API > Authorization Servers > api (aus1api) > Access Policies > Mobile Apps "
          + "> Mobile sign-in"))
  }

  @Test func onlyWhatTheModelProvesIsTicked() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    try Data(Fixtures.exampleBytes()).write(to: URL(fileURLWithPath: directory.file("org.json")))
    let answers = [
      "--operator", "ada@acme.example", "--set", "server=api", "--set", "app=Acme Mobile",
    ]
    let run = CLIRunner.run(
      ["run", "--no-input", "--set", "org-setting=enable", "--set", "app-grant=yes"] + answers,
      in: directory.path)
    #expect(run.status == 0, "\(run.stderr)")
    let after = CLIRunner.run(["checklist"] + answers, in: directory.path)
    #expect(after.status == 0, "\(after.stderr)")
    // Signing in is something nobody can see in the model.
    #expect(after.stdout.contains("- [ ] Sign in to the Admin Console as ada@acme.example."))
    #expect(after.stdout.contains("- [x] Open Security > Administrators and check that"))
    // Choosing a server changes nothing in the model.
    #expect(after.stdout.contains("- [ ] Click the pencil icon next to api (aus1api)."))
    #expect(after.stdout.contains("cannot be checked from the model"))
    #expect(after.stdout.contains("- [x] Go to Applications > Applications and open Acme Mobile."))
    // Without an operator the role cannot be checked, and the step says so.
    let anonymous = CLIRunner.run(["checklist", "--set", "server=api"], in: directory.path)
    #expect(!anonymous.stdout.contains("- [x] Open Security > Administrators"))
    #expect(anonymous.stdout.contains("--operator"))
  }

  @Test func saysWhereOktaHidesTheCheckboxes() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let run = CLIRunner.run(
      ["checklist", "--example", "--set", "server=api", "--set", "app=Acme Mobile"],
      in: directory.path)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout.contains("IF Grant type is"))
    #expect(run.stdout.contains("Advanced"))
    #expect(
      run.stdout.contains(
        "In the Edit Rule dialog, find IF Grant type is and expand Advanced under it; select the "
          + "Interaction Code checkbox there"))
    #expect(run.stdout.contains("Acme Mobile > General > General Settings > Edit > Grant type"))
    #expect(run.stdout.contains("Grant type section"))
    // The app's Interaction Code checkbox is under Advanced in the Grant type section too
    // (okta/okta-developer-docs, docs/guides/oie-embedded-common-org-setup/main/index.md,
    // "Create an application": click Advanced in the Grant type section). Issue 22, point 6.
    #expect(
      run.stdout.contains(
        "in the Grant type section, expand Advanced and select the Interaction Code checkbox"))
  }
}
