import OrgWizCore
import Testing

/// The export README against what `terraform plan` really shows after an import (issue 22,
/// points 2 and 3): the lines to expect, the ones that mean stop, `imports.tf` after the first
/// apply, and the change for a configuration that already manages the objects.
struct TerraformReadmeTests {
  static func readme() throws -> String {
    let export = try #require(ExportPlan.make(try ExportTests.pulledModel()))
    let files = TerraformExport.files(export, modelName: "org.json", version: "0.1.0")
    return try #require(files.first { $0.name == "README.md" }?.text)
  }

  @Test func theReadmeListsThePlanLinesToExpectAndTheOnesThatMeanStop() throws {
    let text = try Self.readme()
    #expect(text.contains("`Plan: 2 to import, 0 to add, 2 to change, 0 to destroy.`"))
    #expect(text.contains("`+ omit_secret = true`"), "import never reads omit_secret back")
    #expect(!text.contains("change only the grant types"), "the old, impossible promise")
    for stop in ["must be replaced", "forces replacement", "will be destroyed"] {
      #expect(text.contains(stop))
    }
    #expect(text.contains("**delete `imports.tf`**"))
    #expect(text.contains("ignore_changes"))
  }

  @Test func theReadmeGivesTheOneAttributeForAConfigurationThatAlreadyManagesTheObjects() throws {
    let text = try Self.readme()
    #expect(text.contains("## If your configuration already manages these objects"))
    #expect(
      text.contains(
        "| `okta_auth_server_policy_rule` | `aus1api/00p2mob/0pr2mob` | `grant_type_whitelist` "
          + "| `[\"authorization_code\", \"interaction_code\"]` |"))
    #expect(
      text.contains(
        "| `okta_app_oauth` | `0oa1mob` | `grant_types` "
          + "| `[\"authorization_code\", \"refresh_token\", \"interaction_code\"]` |"))
  }
}
