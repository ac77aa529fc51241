import OrgWizJSON

/// Renders the change record as GitHub-flavoured Markdown, one `##` section per ticket field.
public enum SummaryRenderer {
  /// The longest title, in UTF-16 units as written (which bounds its code points too).
  public static let titleLimit = 159
  /// How many affected apps are listed by name before the rest are counted.
  static let listLimit = 25

  /// The whole summary.
  public static func markdown(_ summary: RunSummary) -> String {
    [
      "# " + Markdown.truncate(escaped: Markdown.escape(summary.title), limit: titleLimit),
      summarySection(summary),
      configurationSection(summary),
      changesSection(summary),
      verificationSection(summary),
      implementationSection(summary),
      backoutSection(summary),
      riskSection(summary),
    ].joined(separator: "\n\n") + "\n"
  }

  private static func summarySection(_ summary: RunSummary) -> String {
    let record = summary.record
    let meta = summary.metadata
    let org = record.finalState.model.org
    let procedure = record.procedure
    let operatorText =
      record.finalState.operatorAdmin.map {
        "\(Markdown.escape($0.login)) (\(Markdown.escape($0.id)))"
      }
      ?? "not recorded"
    let rows: [[String]] = [
      [
        "Procedure",
        "\(Markdown.escape(procedure.id)): \(Markdown.escape(procedure.title)), version \(Markdown.escape(procedure.version))",
      ],
      ["Procedure document SHA-256", procedure.sha256],
      ["Model file", Markdown.escape(meta.modelPath)],
      ["Model SHA-256 before", meta.modelSHA256Before],
      ["Model SHA-256 after", meta.modelSHA256After + (record.changed ? "" : " (unchanged)")],
      ["Operator", operatorText],
      ["Org", "\(Markdown.escape(org.name)) (\(Markdown.escape(org.domain)))"],
      ["Started (UTC)", meta.startedAt],
      ["Ended (UTC)", meta.endedAt],
      ["Tool version", "orgwiz \(Markdown.escape(meta.toolVersion))"],
      ["Mode", meta.dryRun ? "dry run: nothing was written" : "applied"],
    ]
    // What this run did comes first; the procedure's own purpose is labelled as such, since a
    // run may do something else with it (turn the setting off, or find nothing to change).
    var text = "## Summary\n\n"
    text += "Outcome: \(Markdown.escape(summary.title)).\n\n"
    if !procedure.summary.isEmpty {
      text += "Purpose of the procedure: " + Markdown.escape(procedure.summary) + "\n\n"
    }
    return text + Markdown.table(["Field", "Value"], rows)
  }

  private static func configurationSection(_ summary: RunSummary) -> String {
    let state = summary.record.finalState
    let model = state.model
    var parts = ["## Resulting configuration"]
    let on = model.interactionCodeEnabled
    parts.append(
      "- Embedded widget sign-in support (Settings > Account): **\(on ? "on" : "off")**")
    let issuer = model.orgAuthorizationServerIssuer.map(Markdown.escape) ?? "issuer not recorded"
    let offers = on && model.org.engine == .identityEngine
    parts[1] +=
      "\n- Org Authorization Server (\(issuer)): "
      + (offers
        ? "offers interaction_code (Identity Engine, setting on); nothing to configure there"
        : "does not offer interaction_code while the setting is off")
    let apps = model.appsUsingInteractionCode
    let servers = model.serversUsingInteractionCode
    parts[1] +=
      "\n- Counts the Admin Console shows next to the setting: \(Phrase.count(apps.count, "app")) "
      + "and \(Phrase.count(servers.count, "authorization server")) use the Interaction Code grant"
    if let server = state.server {
      var text =
        "### Custom authorization server \(Markdown.escape(server.name)) (\(Markdown.escape(server.id)))\n\n"
        + "Policies in the order Okta tries them:\n\n"
      var rows: [[String]] = []
      for policy in summary.policies {
        let clients = Markdown.escape(Phrase.list(policy.clients))
        rows.append([
          "\(policy.priority)", Markdown.escape(policy.name), Markdown.escape(policy.status),
          clients, "", "",
        ])
        for rule in policy.rules {
          rows.append([
            "\(policy.priority).\(rule.priority)", "↳ rule \(Markdown.escape(rule.name))",
            Markdown.escape(rule.status), "", Markdown.escape(Phrase.list(rule.grantTypes)),
            rule.id == state.answers["rule"] ? "chosen" : "",
          ])
        }
      }
      text += Markdown.table(
        ["Priority", "Policy / rule", "Status", "Clients", "Grant types", "Note"], rows)
      parts.append(text)
    } else {
      parts.append("No custom authorization server was chosen in this run.")
    }
    var appsText = "### Apps that use interaction_code\n\n"
    if apps.isEmpty {
      appsText += "None."
    } else {
      appsText += apps.prefix(listLimit).map {
        "- \(Markdown.escape($0.label)) (\(Markdown.escape($0.id)))"
      }.joined(separator: "\n")
      if apps.count > listLimit { appsText += "\n- … and \(apps.count - listLimit) more" }
    }
    parts.append(appsText)
    return parts.joined(separator: "\n\n")
  }

  private static func changesSection(_ summary: RunSummary) -> String {
    let record = summary.record
    guard record.changed else { return "## Changes\n\nNo changes." }
    var parts = ["## Changes"]
    for step in record.steps where !step.changes.isEmpty {
      var text = "### Step \(step.number): \(Markdown.escape(step.step.title))\n"
      for change in step.changes {
        text +=
          "\n- \(Markdown.escape(change.object)), at \(Markdown.escape(change.pointer.description))\n\n"
        let rows = change.fields.map { field in
          [
            Markdown.escape(field.pointer.description), renderValue(field.before, field.pointer),
            renderValue(field.after, field.pointer),
          ]
        }
        text += Markdown.table(["Field", "Before", "After"], rows).split(separator: "\n").map {
          "  " + $0
        }.joined(separator: "\n")
        text += "\n"
      }
      parts.append(text.trimmingWhitespace())
    }
    return parts.joined(separator: "\n\n")
  }

  /// A value for the record, with secrets withheld.
  static func renderValue(_ value: JSONValue?, _ pointer: JSONPointer) -> String {
    if let last = pointer.tokens.last, Okta.secretFieldNames.contains(last), value != nil {
      return "(secret, not shown)"
    }
    return Markdown.value(Redaction.redact(value))
  }

  private static func verificationSection(_ summary: RunSummary) -> String {
    let validation = summary.record.validation
    var text = "## Verification\n\nValidation rules run on the resulting model:\n\n"
    let rows = validation.results.map { result in
      [
        Markdown.escape(result.id), Markdown.escape(result.title), result.severity.rawValue,
        result.passed ? "pass" : "fail (\(result.findings.count))",
      ]
    }
    text += Markdown.table(["Rule", "Checks", "Severity", "Result"], rows)
    let findings = validation.findings
    if !findings.isEmpty {
      text += "\n\nFindings:\n\n"
      text += findings.prefix(listLimit).map { finding in
        "- \(finding.severity.rawValue) \(Markdown.escape(finding.pointer.description)) "
          + "(\(Markdown.escape(finding.ruleID))): \(Markdown.escape(finding.message))"
      }.joined(separator: "\n")
      if findings.count > listLimit { text += "\n- … and \(findings.count - listLimit) more" }
    }
    text += "\n\nToken request simulation:\n\n"
    if let simulation = summary.simulation {
      text +=
        "- Request: grant interaction_code from app \(Markdown.escape(simulation.appLabel)) "
        + "(\(Markdown.escape(simulation.appID))) to server \(Markdown.escape(simulation.serverName)) "
        + "(\(Markdown.escape(simulation.serverID)))\n"
      if simulation.allowed {
        text +=
          "- Result: **allowed**, by policy \(Markdown.escape(simulation.policyName ?? "")) "
          + "and rule \(Markdown.escape(simulation.ruleName ?? ""))"
      } else {
        text +=
          "- Result: **denied**, \(Markdown.escape(simulation.error ?? "")): "
          + Markdown.escape(simulation.errorDescription ?? "")
          + "\n- Why: \(Markdown.escape(simulation.explanation))"
      }
    } else {
      text += "- No app was chosen in this run, so no request was simulated."
    }
    return text
  }

  private static func implementationSection(_ summary: RunSummary) -> String {
    var text = "## Implementation steps\n\n"
    if summary.performed.isEmpty { return text + "No steps were performed." }
    text += summary.performed.map { step in
      var line =
        "\(step.number). **\(Markdown.escape(step.title))**: \(Markdown.escape(step.performed))"
      line += "\n   Admin Console: \(step.console)"
      if !step.answers.isEmpty {
        line +=
          "\n   Answers: "
          + step.answers.map { "\(Markdown.escape($0.key)) = \(Markdown.escape($0.label))" }
          .joined(separator: "; ")
      }
      return line
    }.joined(separator: "\n")
    return text
  }

  private static func backoutSection(_ summary: RunSummary) -> String {
    let meta = summary.metadata
    var text = "## Backout plan\n\n"
    guard summary.record.changed else {
      return text + "Nothing was changed, so there is nothing to back out."
    }
    if let backup = meta.backupPath {
      let restore = Markdown.codeBlock(
        restoreCommand(backup: backup, model: meta.modelPath), language: "sh")
      text +=
        "- Backup of the model before this run: \(Markdown.escape(backup)) "
        + "(SHA-256 \(meta.backupSHA256 ?? meta.modelSHA256Before))\n"
      if let undo = meta.undoCommand {
        text +=
          "- Restore it with orgwiz, which shows the changes first and refuses if the model was "
          + "changed since:\n\n\(Markdown.codeBlock(undo, language: "sh"))\n\n"
          + "- Or copy it back by hand:\n\n"
          + "\(restore)\n"
      } else {
        text += "- Restore it with:\n\n\(restore)\n"
      }
    } else {
      text += "- Dry run: the model was not written, so no backup was needed.\n"
    }
    text += "\nTo undo the changes in the Admin Console:\n\n"
    var undo: [String] = []
    for change in summary.record.changes.reversed() {
      let added = change.fields.contains { field in
        (field.after?.arrayValue?.count ?? 0) > (field.before?.arrayValue?.count ?? 0)
          || field.after == true
      }
      let action = added ? "clear" : "select again"
      if change.consolePath.isEmpty { continue }
      undo.append(
        "- \(Markdown.escape(change.consolePath)): \(action) **Interaction Code** "
          + "(\(Markdown.escape(change.object)))")
    }
    text += undo.isEmpty ? "- Nothing to undo by hand." : undo.joined(separator: "\n")
    return text
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

  private static func riskSection(_ summary: RunSummary) -> String {
    let changes = summary.record.changes
    var text = "## Risk and impact\n\n"
    text += "- Objects changed: \(changes.count)\n"
    text +=
      "- Anything removed: "
      + (summary.removedAnything
        ? "**yes**: interaction_code was removed; turning the setting on again restores nothing"
        : "no; the changes only add the grant") + "\n"
    text +=
      "- Risk: \(summary.removedAnything ? "high (removes a sign-in flow)" : changes.isEmpty ? "none" : "low (additive)")\n"
    let apps = summary.affectedApps
    text += "- Apps affected: "
    if apps.isEmpty {
      text += "none"
    } else {
      text += apps.prefix(listLimit).map(Markdown.escape).joined(separator: ", ")
      if apps.count > listLimit { text += ", and \(apps.count - listLimit) more" }
    }
    return text
  }
}

extension String {
  /// The string with every occurrence of `target` replaced.
  func replacingAll(_ target: String, with replacement: String) -> String {
    split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
  }
}
