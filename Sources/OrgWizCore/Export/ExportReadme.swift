/// The README that `orgwiz export` writes into its directory: the manual org-setting step
/// first, then how to apply the files, then what adopting them means.
public enum ExportReadme {
  /// Text on one line: control characters (newlines too) as spaces, and Markdown's code
  /// marks kept from closing a code span.
  static func line(_ text: String) -> String {
    String(
      text.unicodeScalars.map { scalar -> Character in
        scalar.value < 0x20 || scalar.value == 0x7F ? " " : Character(scalar)
      })
  }

  static func header(
    _ plan: ExportPlan, title: String, modelName: String, version: String
  )
    -> String
  {
    var text = "# \(title)\n\n"
    text +=
      "Exported by orgwiz \(version) from `\(line(modelName).replacingAll("`", with: "'"))`, "
      + "pulled from \(line(plan.record.orgURL)) at \(line(plan.record.pulledAt)). "
      + "These files come from the model alone: nothing was read from Okta to write them.\n\n"
    text += "The change (\(plan.entries.count) object\(plan.entries.count == 1 ? "" : "s")):\n\n"
    for entry in plan.entries {
      text += "- \(Markdown.escape(entry.item.sentence)): grant types "
      text += "\(list(entry.before)) → \(list(entry.grants))"
      if entry.item.changesScopes, let before = entry.item.object.scopes {
        text += "; scopes \(list(before)) → "
        text += list(ApplyPlan.scopes(ofLive: entry.body))
      }
      text += "\n"
    }
    let switched = plan.entries.contains { entry in
      (entry.item.added + entry.item.removed).contains { Grants.facts(for: $0)?.orgSwitch != nil }
    }
    guard switched else {
      // A grant without an org-wide switch: the requests are the whole change.
      return text + "\n## 1. First, by hand: no org setting\n\n"
        + "The grants this change adds or removes have no org-wide setting, so nothing is "
        + "needed by hand before the files below.\n"
    }
    text += "\n## 1. First, by hand: the org setting\n\n"
    let governed = Grants.embeddedWidgetSwitch.governs
    if plan.addsGrant {
      text +=
        "In the Admin Console, turn on **Settings > Account > Embedded widget sign-in support** "
        + "before anything below. Okta accepts `\(governed)` on a rule or an app only while "
        + "it is on, and no public API can read or change it, so neither Terraform nor these "
        + "requests can do it for you.\n"
      if !plan.record.setting {
        text +=
          "\nThe model records the setting as **off** in this org (\(plan.record.settingSource.rawValue)), "
          + "so this step is needed.\n"
      }
    } else if !plan.entries.contains(where: { $0.item.removed.contains(governed) }) {
      text +=
        "Nothing: no grant in this change needs an org-wide setting (only "
        + "`\(governed)` needs **Settings > Account > Embedded widget sign-in support**).\n"
    } else {
      text +=
        "This change only removes `\(governed)`, so it does not depend on **Settings > "
        + "Account > Embedded widget sign-in support** (no API can read or change that "
        + "setting). Turn it off by hand afterwards only if nothing else uses the grant.\n"
    }
    return text
  }

  static func list(_ grants: [String]) -> String {
    grants.isEmpty ? "(none)" : grants.map(Markdown.codeSpan).joined(separator: ", ")
  }

  /// The README of `--terraform DIR`.
  public static func terraform(
    _ plan: ExportPlan, resources: [TerraformExport.Resource], modelName: String, version: String
  ) -> String {
    var text = header(
      plan, title: "The change orgwiz planned, as Terraform", modelName: modelName,
      version: version)
    text += """

      ## 2. Plan, read the plan, apply

      Terraform \(TerraformExport.terraformConstraint) (for `import {}` blocks; OpenTofu >= 1.6) \
      with the `okta/okta` provider \(TerraformExport.providerConstraint). The provider reads the \
      token from the environment; never write it into a file:

      ```sh
      export OKTA_API_TOKEN=...   # an API token of an admin who may change these objects
      terraform init
      terraform plan
      ```

      **Read the plan before you apply it.** Its last line must be \
      `Plan: \(resources.count) to import, 0 to add, \(resources.count) to change, 0 to destroy.`, \
      and these are the only lines it may show:

      """
    // The resources are the plan's entries, in its order.
    for (resource, entry) in zip(resources, plan.entries) {
      text += "- `# \(resource.address) will be imported` (from `\(line(resource.importID))`), "
      if resource.type == "okta_app_oauth" {
        text +=
          "updated in-place with `grant_types` changed as above, "
          + "`+ omit_secret = true` (the provider never reads it back on import)"
        if resource.attributes.contains(where: {
          if case .attribute("app_links_json", _) = $0 { return true }
          return false
        }) {
          text += " and `+ app_links_json` (the app's links as pulled; the provider sends them "
          text += "but does not read them back)"
        }
        text += "\n"
      } else {
        text +=
          "updated in-place with `grant_type_whitelist`"
          + (entry.item.changesScopes ? " and `scope_whitelist`" : "") + " changed as above\n"
      }
    }
    text += """

      Stop, and do not apply, if the plan shows anything else, in particular:

      - `must be replaced`, `forces replacement`, `will be destroyed`, or any `to add` or \
      `to destroy` other than 0: Terraform would delete the object and make a new one (a new \
      client id, a new secret, lost assignments);
      - a change to a name, `status`, `priority`, `type`, groups, users, scopes (but \
      a scope the change adds), token lifetimes, an inline hook, redirect URIs, `token_endpoint_auth_method`, \
      `authentication_policy`, `hide_ios`/`hide_web` or anything else written in `main.tf`: \
      the object changed in Okta since the pull, or the provider reads a field differently;
      - an error that an address is already managed, or a resource that already exists: your \
      configuration already manages the object; use the section below instead of these files.

      Pull again (`orgwiz pull --force`), run the wizard again and export again, or make the \
      `.tf` match Okta, before you apply. Everything the provider manages that `main.tf` does \
      not write (for an app its groups claim, `app_settings_json`, the logo, secrets, and any \
      setting the pulled object left out) is listed in the resource's \
      `lifecycle { ignore_changes }`, so Terraform keeps what Okta has for it. Then:

      ```sh
      terraform apply
      ```

      After the first successful `terraform apply`, the objects are in Terraform's state: \
      **delete `imports.tf`** (HashiCorp documents that import blocks may be removed once \
      imported). Kept, it would import again into any new state, and it clashes with a \
      configuration that already manages the objects.

      ## If your configuration already manages these objects

      Do not use `imports.tf` or `main.tf`: they would declare the objects a second time. \
      Find each resource in your configuration by its import id (`terraform state list`, then \
      `terraform state show ADDRESS` shows `id`), change the one attribute below to the new \
      value, and run `terraform plan`; it must show that one change per object and nothing \
      else.

      | object | resource type | import id | attribute | new value |
      |---|---|---|---|---|

      """
    for (resource, entry) in zip(resources, plan.entries) {
      let attribute = resource.type == "okta_app_oauth" ? "grant_types" : "grant_type_whitelist"
      let value = "[" + entry.grants.map { HCL.quoted($0) }.joined(separator: ", ") + "]"
      text +=
        "| \(Markdown.escape(entry.item.sentence)) | `\(resource.type)` "
        + "| \(Markdown.codeSpan(resource.importID)) | `\(attribute)` "
        + "| \(Markdown.codeSpan(value)) |\n"
      if entry.item.changesScopes {
        let scopes = ApplyPlan.scopes(ofLive: entry.body).map { HCL.quoted($0) }
        text +=
          "| (the same rule) | `\(resource.type)` | \(Markdown.codeSpan(resource.importID)) "
          + "| `scope_whitelist` | \(Markdown.codeSpan("[" + scopes.joined(separator: ", ") + "]")) |\n"
      }
    }
    text += """

      ## Adopting these objects: what to know

      - After `terraform apply` Terraform manages these objects. A later change made in the \
      Admin Console shows as drift, and the next `terraform apply` reverts it.
      - Deleting a resource block later **destroys** the object in Okta. To let go of it \
      instead, use a `removed` block with `lifecycle { destroy = false }` (Terraform >= 1.7) \
      or `terraform state rm`.
      - `omit_secret = true` keeps the app's client secret out of Terraform's state; the \
      secret in Okta is left as it is. Changing `token_endpoint_auth_method` makes Okta \
      generate a new secret: do not change it here.
      - `authentication_policy` is the app's sign-in policy (from `_links.accessPolicy`). \
      Leaving it out would re-associate the default policy; where the model did not have it, \
      `main.tf` says so above the resource, and the plan must be read for it.
      - Token lifetimes, groups, users and scopes of a rule are carried over as pulled (with \
      the scope the change adds); leaving any out would reset it.
      - The provider sends the whole object on update (a full replacement), as `orgwiz apply` \
      does; it does not check `lastUpdated`, so drift since the pull is caught only by \
      reading the plan.
      - The model does not learn of a change made through Terraform: afterwards, pull again \
      (`orgwiz pull --force`) before the next `orgwiz run`, and do not also `orgwiz apply` \
      this change.

      """
    return text
  }

  /// The README of `--requests DIR`.
  public static func requests(
    _ plan: ExportPlan, requests: [RequestExport.Request], modelName: String, version: String
  ) -> String {
    var text = header(
      plan, title: "The change orgwiz planned, as API requests", modelName: modelName,
      version: version)
    text += """

      ## 2. Send the requests

      Each file is the full-replacement body `orgwiz apply` would send (no read-only fields, \
      no secrets), in the order it would send them:

      | # | request | body |
      |---|---|---|

      """
    for (index, request) in requests.enumerated() {
      text +=
        "| \(index + 1) | `\(request.method) \(line(request.path).replacingAll("|", with: "%7C"))` "
        + "| `\(request.file)` |\n"
    }
    text += """

      `send.sh` sends them with curl, one at a time, and stops at the first failure. It reads \
      the token from `$OKTA_API_TOKEN` (never from a file or an argument) and the org from its \
      first argument or `$OKTA_ORG_URL`, and prints each response's status and \
      `X-Okta-Request-Id` (keep them for the change ticket):

      ```sh
      export OKTA_API_TOKEN=...   # an API token of an admin who may change these objects
      ./send.sh \(line(plan.record.orgURL))
      ```

      ## What to know

      - Unlike `orgwiz apply`, `send.sh` does not first check that the objects are unchanged \
      in Okta since the pull (`lastUpdated`), and does not read them back. A full \
      replacement built from an old copy undoes changes made since: run \
      `orgwiz apply --dry-run` first (it reads the objects and reports drift, sending \
      nothing), or pull again and export again.
      - If a request fails, the ones before it are in Okta and the ones after it are not; \
      the output says which.
      - Responses are not kept (an app's response holds its client secret); only an error's \
      body is printed.
      - The model does not learn of what `send.sh` sent: afterwards, pull again \
      (`orgwiz pull --force`) before the next `orgwiz run`, and do not also `orgwiz apply` \
      this change.

      """
    return text
  }
}
