import OrgWizJSON

/// Renders the change record: one content (``document(_:)``), written as GitHub-flavoured
/// Markdown or as plain text, one `##` section per ticket field.
public enum SummaryRenderer {
  /// The longest title, in UTF-16 units as written (which bounds its code points too).
  public static let titleLimit = 159
  /// How many affected apps are listed by name before the rest are counted.
  static let listLimit = 25

  /// The whole summary as Markdown.
  public static func markdown(_ summary: RunSummary) -> String {
    render(summary, as: .markdown)
  }

  /// The whole summary in a format.
  public static func render(_ summary: RunSummary, as format: RecordFormat) -> String {
    format.render(document(summary), titleLimit: titleLimit)
  }

  /// The record's content as blocks.
  public static func document(_ summary: RunSummary) -> [Block] {
    [.heading(level: 1, summary.title)] + summarySection(summary)
      + configurationSection(summary) + changesSection(summary) + verificationSection(summary)
      + implementationSection(summary) + backoutSection(summary) + riskSection(summary)
  }

  /// Where the change stands, in one sentence: in the model file only, never "in Okta".
  static func status(_ summary: RunSummary) -> String {
    let meta = summary.metadata
    if meta.dryRun { return "Dry run: nothing was written; this record shows what a run would do." }
    guard summary.changeSet.changed else {
      return "Nothing needed changing; the model file was left as it was, and Okta is not touched."
    }
    let file =
      meta.createdModel
      ? "The change is in the model file \(meta.modelPath), which this run created. "
      : "The change is in the model file \(meta.modelPath). "
    if let org = summary.pulledFrom {
      let setting =
        summary.changedSetting
        ? " The org setting is turned on by hand first (no API can change it)." : ""
      return file + "Okta itself is not changed yet: orgwiz apply --org "
        + SummaryRenderer.shellQuote(meta.modelPath) + " sends the grant changes to \(org) "
        + "after a review (or an admin makes them by hand with the implementation steps "
        + "below)." + setting + " Then orgwiz verify --org "
        + SummaryRenderer.shellQuote(meta.modelPath) + " asks Okta whether the app can use the "
        + "grant. What reaches Okta, its verification and any backout are added to this record."
    }
    return file + "Okta itself is not changed yet: an admin makes the same change in the Admin "
      + "Console with the implementation steps below."
  }

  private static func summarySection(_ summary: RunSummary) -> [Block] {
    let changeSet = summary.changeSet
    let meta = summary.metadata
    let org = changeSet.org
    let procedure = changeSet.procedure
    let admin = changeSet.selections.operatorAdmin
    func row(_ name: String, _ value: String) -> [[Inline]] { [[.text(name)], [.text(value)]] }
    let rows: [[[Inline]]] = [
      row(
        "Procedure",
        "\(procedure.id): \(procedure.title), version \(procedure.version)"),
      row("Procedure document SHA-256", procedure.sha256),
      row("Model file", meta.modelPath),
      row(
        "Model SHA-256 before",
        meta.createdModel ? "none: the file did not exist before this run" : meta.modelSHA256Before
      ),
      row(
        "Model SHA-256 after", meta.modelSHA256After + (changeSet.changed ? "" : " (unchanged)")),
      row("Operator", admin.map { "\($0.name) (\($0.id))" } ?? "not recorded"),
      row("Org", "\(org.name) (\(org.domain))"),
      row("Started (UTC)", meta.startedAt),
      row("Ended (UTC)", meta.endedAt),
      row("Tool version", "orgwiz \(meta.toolVersion)"),
      row(
        "Where the change is",
        meta.dryRun
          ? "nowhere: dry run"
          : changeSet.changed ? "in the model file; not yet in Okta" : "nowhere"),
    ]
    var blocks: [Block] = [.heading(level: 2, "Summary"), .paragraph(.plain(status(summary)))]
    if !procedure.summary.isEmpty {
      blocks.append(.paragraph(.plain("Purpose of the procedure: " + procedure.summary)))
    }
    blocks.append(.table(header: ["Field", "Value"], rows: rows))
    return blocks
  }

  /// The org-wide facts of the resulting configuration: the grant's org setting, what the Org
  /// Authorization Server offers, and the counts of apps and servers using the grant.
  private static func settingItems(
    _ facts: ChangeSet.Configuration, grant: GrantFacts
  ) -> [ListItem] {
    let issuer =
      facts.orgServerIssuer
      ?? "\(facts.orgServerIssuerOrOrgURL), the org's URL: the model records no issuer"
    let offers = facts.orgServerOffersGrant
    let apps = facts.appsUsingGrant.count
    let servers = facts.serversUsingGrant
    let why =
      !grant.orgServer
      ? "does not serve \(grant.type) (only a custom authorization server does)"
      : offers
        ? "offers \(grant.type)"
          + (grant.orgSwitch == nil ? "" : " (Identity Engine, setting on)")
          + "; nothing to configure there"
        : "does not offer \(grant.type) while the setting is off"
    var items: [ListItem] = []
    if let setting = grant.orgSwitch {
      items.append(
        ListItem([
          .text(
            "\(setting.name) (\(setting.consolePath.components(separatedBy: " > ").dropLast().joined(separator: " > "))): "
          ),
          .strong(facts.switchOn == true ? "on" : "off"),
        ]))
    }
    items.append(ListItem(.plain("Org Authorization Server (\(issuer)): " + why)))
    let counts =
      grant.orgSwitch == nil
      ? "Apps and custom authorization servers that list the grant: "
      : "Counts the Admin Console shows next to the setting: "
    items.append(
      ListItem(
        .plain(
          counts + "\(Phrase.count(apps, "app")) and "
            + "\(Phrase.count(servers, "authorization server")) use the \(grant.name) grant")))
    return items
  }

  private static func configurationSection(_ summary: RunSummary) -> [Block] {
    let facts = summary.changeSet.configuration
    let grant = summary.changeSet.grant
    let apps = facts.appsUsingGrant
    var blocks: [Block] = [
      .heading(level: 2, "Resulting configuration"),
      .list(settingItems(facts, grant: grant), ordered: false),
    ]
    if let server = summary.chosenServer {
      var rows: [[[Inline]]] = []
      for policy in summary.policies {
        rows.append(
          [
            "\(policy.priority)", policy.name, policy.status, Phrase.list(policy.clients), "", "",
          ].map(Inline.plain))
        for rule in policy.rules {
          rows.append(
            [
              "\(policy.priority).\(rule.priority)", "↳ rule \(rule.name)", rule.status, "",
              Phrase.list(rule.grantTypes), rule.id == summary.chosenRule?.id ? "chosen" : "",
            ].map(Inline.plain))
        }
      }
      blocks += [
        .heading(level: 3, "Custom authorization server \(server.name) (\(server.id))"),
        .paragraph(.plain("Policies in the order Okta tries them:")),
        .table(
          header: ["Priority", "Policy / rule", "Status", "Clients", "Grant types", "Note"],
          rows: rows),
      ]
    } else if summary.usedOrgServer {
      blocks.append(
        .paragraph(
          .plain(
            "The Org Authorization Server was chosen in this run. It has no access policies or "
              + "rules. \(ChooseServerStep.orgServerOffers(grant)).")))
    } else {
      blocks.append(.paragraph(.plain("No custom authorization server was chosen in this run.")))
    }
    blocks.append(.heading(level: 3, "Apps that use \(grant.type)"))
    if apps.isEmpty {
      blocks.append(.paragraph(.plain("None.")))
    } else {
      var items = apps.prefix(listLimit).map {
        ListItem(.plain("\(VisibleText.name($0.label)) (\($0.id))"))
      }
      if apps.count > listLimit {
        items.append(ListItem(.plain("… and \(apps.count - listLimit) more")))
      }
      blocks.append(.list(items, ordered: false))
    }
    return blocks
  }

  private static func changesSection(_ summary: RunSummary) -> [Block] {
    var blocks: [Block] = [.heading(level: 2, "Changes")]
    guard summary.changeSet.changed else { return blocks + [.paragraph(.plain("No changes."))] }
    blocks.append(
      .paragraph(
        .plain(
          "Made to the model file, step by step (each object by name; the JSON pointer locates "
            + "the field in the file).")))
    for step in summary.changeSet.steps where !step.changes.isEmpty {
      let stamps = step.changes.compactMap(\.stamp)
      blocks += [
        .heading(level: 3, "Step \(step.number): \(step.heading)"), changesTable(step.changes),
      ]
      if let stamp = stamps.first {
        blocks.append(
          .paragraph(
            .plain(
              "lastUpdated of \(Phrase.count(stamps.count, "changed object")) set to the run's time, "
                + "\(stamp).")))
      }
    }
    return blocks
  }

  /// Object, field, before, after and pointer of each meaningful field (the `lastUpdated`
  /// stamps are said apart); the run's record and undo's share it.
  static func changesTable(_ changes: [ObjectChange]) -> Block {
    let rows: [[[Inline]]] = changes.flatMap { change in
      change.meaningfulFields.map { field in
        [
          .plain(change.object), .plain(change.fieldName(field)),
          .plain(renderValue(field.before, field.pointer)),
          .plain(renderValue(field.after, field.pointer)), .plain(field.pointer.description),
        ]
      }
    }
    return .table(header: ["Object", "Field", "Before", "After", "JSON pointer"], rows: rows)
  }

  /// A value for the record as plain text, with secrets withheld.
  static func renderValue(_ value: JSONValue?, _ pointer: JSONPointer) -> String {
    if let last = pointer.tokens.last, Okta.secretFieldNames.contains(last), value != nil {
      return "(secret, not shown)"
    }
    guard let value = Redaction.redact(value) else { return "(absent)" }
    switch value {
    case .string(let text): return text
    case .array(let items) where items.allSatisfy({ $0.stringValue != nil }):
      return items.isEmpty ? "(empty)" : items.compactMap(\.stringValue).joined(separator: ", ")
    default: return JSONWriter.string(value, style: .compact)
    }
  }

  private static func verificationSection(_ summary: RunSummary) -> [Block] {
    let validation = summary.changeSet.validation
    // Rules that pass are one line; the table lists only the rules with findings.
    let failing = validation.results.filter { !$0.passed }
    let count = validation.results.count
    var blocks: [Block] = [
      .heading(level: 2, "Verification"),
      .paragraph(
        .plain(
          "Validation rules run on the resulting model: \(count), "
            + (failing.isEmpty
              ? "all pass (\(validation.results.map(\.id).joined(separator: ", ")))."
              : "\(count - failing.count) pass; these have findings:"))),
    ]
    if !failing.isEmpty {
      blocks.append(
        .table(
          header: ["Rule", "Checks", "Severity", "Result"],
          rows: failing.map { result in
            [
              result.id, result.title, result.severity.rawValue,
              "fail (\(result.findings.count))",
            ].map(Inline.plain)
          }))
    }
    let findings = validation.findings
    if !findings.isEmpty {
      var items = findings.prefix(listLimit).map { finding in
        ListItem(
          .plain(
            "\(finding.severity.rawValue) \(finding.pointer) (\(finding.ruleID)): \(finding.message)"
          ))
      }
      if findings.count > listLimit {
        items.append(ListItem(.plain("… and \(findings.count - listLimit) more")))
      }
      blocks += [.paragraph(.plain("Findings:")), .list(items, ordered: false)]
    }
    blocks.append(.paragraph(.plain("Token request simulation (on the resulting model):")))
    if let simulation = summary.simulation {
      var items = [
        ListItem(
          .plain(
            "Request: grant \(simulation.grant) from app \(simulation.appLabel) "
              + "(\(simulation.appID)) to server \(simulation.serverName) (\(simulation.serverID))")
        )
      ]
      if simulation.allowed {
        items.append(
          ListItem([
            .text("Result: "), .strong("allowed"),
            .text(
              simulation.policyName.map { policy in
                ", by policy \(policy) and rule \(simulation.ruleName ?? "")"
              } ?? ", by the Org Authorization Server (it has no policy or rule to match)"),
          ]))
      } else {
        items.append(
          ListItem([
            .text("Result: "), .strong("denied"),
            .text(", \(simulation.error ?? ""): \(simulation.errorDescription ?? "")"),
          ]))
        items.append(ListItem(.plain("Why: \(simulation.explanation)")))
      }
      blocks.append(.list(items, ordered: false))
    } else {
      blocks.append(
        .list(
          [ListItem(.plain("No app was chosen in this run, so no request was simulated."))],
          ordered: false))
    }
    return blocks
  }

  private static func implementationSection(_ summary: RunSummary) -> [Block] {
    var blocks: [Block] = [.heading(level: 2, "Implementation steps")]
    if summary.performed.isEmpty {
      return blocks + [.paragraph(.plain("No steps were performed."))]
    }
    blocks.append(
      .paragraph(
        .plain(
          summary.changeSet.changed && !summary.metadata.dryRun
            ? "The steps as orgwiz performed them on the model file. To make the change in Okta, "
              + "an admin does the same in the Admin Console, at the path under each step."
            : "The steps as orgwiz went through them, with the Admin Console path of each.")))
    let items = summary.performed.map { step in
      var details: [[Inline]] = []
      if !step.console.isEmpty { details.append(.plain("Admin Console: \(step.console)")) }
      if !step.answers.isEmpty {
        details.append(
          .plain(
            "Answers: " + step.answers.map { "\($0.key) = \($0.label)" }.joined(separator: "; ")))
      }
      let performed = step.performed.isEmpty ? "Nothing to do in this run." : step.performed
      return ListItem([.strong(step.heading), .text(": " + performed)], details: details)
    }
    blocks.append(.list(items, ordered: true))
    return blocks
  }

  private static func backoutSection(_ summary: RunSummary) -> [Block] {
    let meta = summary.metadata
    var blocks: [Block] = [.heading(level: 2, "Backout plan")]
    guard summary.changeSet.changed else {
      return blocks + [.paragraph(.plain("Nothing was changed, so there is nothing to back out."))]
    }
    var items: [ListItem] = []
    var code: [Block] = []
    if meta.dryRun {
      items.append(
        ListItem(.plain("Dry run: nothing was written, so there is nothing to back out.")))
    } else if meta.createdModel {
      items.append(
        ListItem(
          .plain(
            "This run created the model file \(meta.modelPath); there was no earlier version. "
              + "Back it out with the command below, which shows the file, asks, and sets it "
              + "aside as \(meta.modelPath).bak (so nothing is lost):")))
      if let undo = meta.undoCommand { code.append(.code(undo, language: "sh")) }
    } else if let backup = meta.backupPath, summary.pulledFrom != nil {
      // A pulled model's backup carries the pull record of its time; copied back by hand it
      // would hide from apply what is in Okta now, so only undo (which keeps it) is offered.
      items.append(
        ListItem(
          .plain(
            "Backup of the model before this run: \(backup) (SHA-256 "
              + "\(meta.backupSHA256 ?? meta.modelSHA256Before)). Restore it with orgwiz undo, "
              + "which shows the changes first, refuses if the model was changed since, and keeps "
              + "the model's record of what orgwiz apply sent; do not copy the backup back by "
              + "hand, since its older record would hide that from orgwiz apply:")))
      if let undo = meta.undoCommand { code.append(.code(undo, language: "sh")) }
    } else if let backup = meta.backupPath {
      items.append(
        ListItem(
          .plain(
            "Backup of the model before this run: \(backup) (SHA-256 "
              + "\(meta.backupSHA256 ?? meta.modelSHA256Before)). Restore it with orgwiz, which "
              + "shows the changes first and refuses if the model was changed since, or copy it "
              + "back by hand:")))
      if let undo = meta.undoCommand { code.append(.code(undo, language: "sh")) }
      code.append(.code(restoreCommand(backup: backup, model: meta.modelPath), language: "sh"))
    }
    blocks.append(.list(items, ordered: false))
    blocks += code
    if summary.pulledFrom != nil && !meta.dryRun {
      let model = SummaryRenderer.shellQuote(meta.modelPath)
      var steps = [
        ListItem(.plain("orgwiz undo --org \(model): puts the model back as it was.")),
        ListItem(
          .plain(
            "orgwiz apply --org \(model): sends the restored grant types to Okta, and adds "
              + "\"Backed out\" to this record.")),
      ]
      if summary.changedSetting {
        steps.append(
          ListItem(
            .plain(
              "By hand, last: Settings > Account > Embedded widget sign-in support: clear the "
                + "checkbox to turn it off again (no API can; Okta lets no app or rule keep the "
                + "grant while it is off, so after the grants are removed).")))
      }
      blocks += [
        .paragraph(.plain("Once the change is in Okta, back it out with orgwiz:")),
        .list(steps, ordered: true),
        .paragraph(.plain("Or by hand in the Admin Console, in this order:")),
      ]
    } else {
      blocks.append(
        .paragraph(
          .plain(
            "Once the change is in Okta, undo it in the Admin Console in this order"
              // Only an org-wide switch orders the steps.
              + (summary.backout.contains { $0.object.kind == .orgSetting }
                ? " (Okta lets no app or rule have the grant while the setting is off):" : ":"))))
    }
    let steps = summary.backout.map { step in
      ListItem(.plain("\(step.console): \(step.action) (\(step.object.phrase))"))
    }
    blocks.append(
      .list(steps.isEmpty ? [ListItem(.plain("Nothing to undo by hand."))] : steps, ordered: true))
    return blocks
  }

  /// The shell command that puts the backup back in place.
  public static func restoreCommand(backup: String, model: String) -> String {
    "cp -p -- \(shellQuote(backup)) \(shellQuote(model))"
  }

  /// Quotes a word for the shell: bare when it is plain, else in single quotes; a word with a
  /// character that cannot be shown as it is (a line break, a control character, a
  /// bidirectional or zero-width character) or a `<` (which a ticket system could read as
  /// HTML) in bash's `$'…'` quoting, those characters written as `\xHH` bytes, so that the
  /// command is one visible line that still names the exact file.
  public static func shellQuote(_ text: String) -> String {
    let safe = text.unicodeScalars.allSatisfy { scalar in
      (scalar.properties.isAlphabetic && !VisibleText.needsShowing(scalar))
        || ("0"..."9").contains(scalar) || "-_./:@+".unicodeScalars.contains(scalar)
    }
    if safe && !text.isEmpty { return text }
    let showable = text.unicodeScalars.allSatisfy { scalar in
      scalar != "<" && scalar != "\n" && scalar != "\t" && !VisibleText.needsShowing(scalar)
    }
    if showable { return "'" + text.replacingAll("'", with: "'\\''") + "'" }
    var quoted = "$'"
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\\": quoted += "\\\\"
      case "'": quoted += "\\'"
      case "\n": quoted += "\\n"
      case "\t": quoted += "\\t"
      case _ where scalar == "<" || VisibleText.needsShowing(scalar):
        for byte in String(scalar).utf8 {
          quoted += "\\x" + (byte < 16 ? "0" : "") + String(byte, radix: 16)
        }
      default: quoted.unicodeScalars.append(scalar)
      }
    }
    return quoted + "'"
  }

  private static func riskSection(_ summary: RunSummary) -> [Block] {
    let changes = summary.changeSet.changes
    let errors = summary.preexistingErrors
    let partial = summary.changeSet.partialModel
    var risk =
      summary.removedAnything
      ? "high (removes a sign-in flow)" : changes.isEmpty ? "none" : "low (additive)"
    if !errors.isEmpty { risk += "; the model already had error findings before this run" }
    func names(_ refs: [ObjectRef]) -> String {
      refs.isEmpty
        ? "none"
        : refs.prefix(listLimit).map { "\($0.name) (\($0.id))" }.joined(separator: ", ")
          + (refs.count > listLimit ? ", and \(refs.count - listLimit) more" : "")
    }
    var items = [
      ListItem(.plain("Objects changed in the model: \(changes.count)")),
      ListItem(
        .plain(
          "Anything removed: "
            + (summary.removedAnything
              ? "yes: \(summary.changeSet.grant.type) was removed; turning the setting on "
                + "again restores nothing"
              : changes.isEmpty ? "no; nothing changed" : "no; the changes only add the grant"))),
      ListItem(.plain("Risk: \(risk)")),
      ListItem(.plain("Apps changed: \(names(summary.changedApps))")),
      ListItem(
        .plain(
          "Apps affected without being changed: "
            + (summary.affectedApps.isEmpty
              ? "none"
              : summary.affectedApps.prefix(listLimit).map {
                "\($0.app.name) (\($0.app.id)): \($0.reason)"
              }.joined(separator: "; ")
                + (summary.affectedApps.count > listLimit
                  ? "; and \(summary.affectedApps.count - listLimit) more" : ""))
            + (partial != nil
              ? " among the apps pulled; the others were not pulled, so whether "
                + "the change affects them is not known" : "")
        )),
    ]
    // A scoped pull: what the model leaves out, so no absence above reads as a fact.
    if let partial { items.append(ListItem(.plain(partial))) }
    items += summary.trustedOriginLines.map { ListItem(.plain($0)) }
    if summary.pulledFrom != nil && summary.changeSet.changed && !summary.metadata.dryRun {
      // The line later commands update (ChangeRecord): where the change is now.
      items.append(
        ListItem(
          .plain(
            String(ChangeRecord.whereLine.dropFirst(2)) + ChangeRecord.Stage.modelOnly.rawValue)))
    }
    if !errors.isEmpty {
      items.append(
        ListItem(
          .plain(
            "Findings the model had before this run (not caused or fixed by it): "
              + errors.prefix(listLimit).map { "[\($0.ruleID)] \($0.pointer): \($0.message)" }
              .joined(separator: "; "))))
    }
    return [.heading(level: 2, "Risk and impact"), .list(items, ordered: false)]
  }
}

extension String {
  /// The string with every occurrence of `target` replaced.
  func replacingAll(_ target: String, with replacement: String) -> String {
    split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
  }
}
