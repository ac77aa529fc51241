import OrgWizJSON

/// The change record as JSON, with the same content as the Markdown (`run --json`).
///
/// Field names are stable; new fields may be added, none are renamed or removed within a
/// major version.
public enum SummaryJSON {
  /// The whole record.
  public static func value(_ summary: RunSummary) -> JSONValue {
    let changeSet = summary.changeSet
    let meta = summary.metadata
    var root = JSONObject()
    root["title"] = .string(summary.title)
    root["status"] = .string(SummaryRenderer.status(summary))
    root["changed"] = .bool(changeSet.changed)
    root["dryRun"] = .bool(meta.dryRun)
    root["createdModel"] = .bool(meta.createdModel)
    root["inOkta"] = .bool(false)
    root["summary"] = summarySection(summary)
    root["answers"] = .object(
      JSONObject(changeSet.answers.map { ($0.key, .string($0.value)) }))
    // The change set itself: every step's typed effects, in order.
    root["changeSet"] = .array(
      changeSet.steps.map { step in
        .object(
          JSONObject(
            stepHead(step.number, step.id, step.title, step.heading)
              + [("effects", .array(step.effects.map(\.json)))]))
      })
    root["resultingConfiguration"] = configuration(summary)
    root["changes"] = .array(
      changeSet.steps.filter { !$0.changes.isEmpty }.map { step in
        .object(
          JSONObject([
            ("step", .number(JSONNumber(step.number))),
            ("stepID", .string(step.id)),
            ("title", .string(step.heading)),
            ("objects", .array(step.changes.map { change($0, grant: changeSet.grant) })),
          ]))
      })
    root["verification"] = verification(summary)
    root["implementationSteps"] = implementationSteps(summary)
    root["backoutPlan"] = backoutPlan(summary)
    root["riskAndImpact"] = riskAndImpact(summary)
    return .object(root)
  }

  private static func summarySection(_ summary: RunSummary) -> JSONValue {
    let changeSet = summary.changeSet
    let meta = summary.metadata
    return .object(
      JSONObject([
        ("procedure", .string(changeSet.procedure.id)),
        ("procedureTitle", .string(changeSet.procedure.title)),
        ("procedureVersion", .string(changeSet.procedure.version)),
        ("procedureSHA256", .string(changeSet.procedure.sha256)),
        ("modelPath", .string(meta.modelPath)),
        ("modelSHA256Before", meta.createdModel ? .null : .string(meta.modelSHA256Before)),
        ("modelSHA256After", .string(meta.modelSHA256After)),
        ("operator", summary.operatorLogin.map { .string($0) } ?? .null),
        ("operatorID", changeSet.selections.operatorAdmin.map { .string($0.id) } ?? .null),
        ("orgName", .string(changeSet.org.name)),
        ("orgDomain", .string(changeSet.org.domain)),
        ("startedAt", .string(meta.startedAt)),
        ("endedAt", .string(meta.endedAt)),
        ("toolVersion", .string(meta.toolVersion)),
      ]))
  }

  private static func implementationSteps(_ summary: RunSummary) -> JSONValue {
    .array(
      summary.performed.map { step in
        let answers = JSONObject(step.answers.map { ($0.key, .string($0.value)) })
        return .object(
          JSONObject(
            stepHead(step.number, step.id, step.title, step.heading) + [
              ("performed", .string(step.performed)), ("adminConsole", .string(step.console)),
              ("answers", .object(answers)),
            ]))
      })
  }

  /// The members a step's entry begins with, in `changeSet` and in `implementationSteps`.
  private static func stepHead(
    _ number: Int, _ id: String, _ title: String, _ heading: String
  ) -> [(key: String, value: JSONValue)] {
    [
      ("step", .number(JSONNumber(number))), ("stepID", .string(id)), ("title", .string(title)),
      ("heading", .string(heading)),
    ]
  }

  private static func backoutPlan(_ summary: RunSummary) -> JSONValue {
    let meta = summary.metadata
    var backout = JSONObject()
    backout["createdModel"] = .bool(meta.createdModel)
    backout["backupPath"] = meta.backupPath.map { .string($0) } ?? .null
    backout["backupSHA256"] =
      meta.backupPath.map { _ in .string(meta.backupSHA256 ?? meta.modelSHA256Before) } ?? .null
    backout["undoCommand"] = meta.undoCommand.map { .string($0) } ?? .null
    backout["restoreCommand"] =
      meta.backupPath.map {
        .string(SummaryRenderer.restoreCommand(backup: $0, model: meta.modelPath))
      } ?? .null
    backout["adminConsoleSteps"] = .array(
      summary.backout.map { step in
        .object(
          JSONObject([
            ("object", step.object.json), ("adminConsole", .string(step.console)),
            ("action", .string(step.action)),
          ]))
      })
    return .object(backout)
  }

  private static func riskAndImpact(_ summary: RunSummary) -> JSONValue {
    .object(
      JSONObject([
        ("objectsChanged", .number(JSONNumber(summary.changeSet.changes.count))),
        ("removedAnything", .bool(summary.removedAnything)),
        ("appsChanged", .array(summary.changedApps.map(\.json))),
        (
          "appsAffected",
          .array(
            summary.affectedApps.map { entry in
              .object(JSONObject([("object", entry.app.json), ("reason", .string(entry.reason))]))
            })
        ),
        ("preexistingErrors", .array(summary.preexistingErrors.map(finding))),
        // A scoped pull: what the model leaves out, so appsAffected is not read as complete.
        ("partialModel", summary.changeSet.partialModel.map(JSONValue.string) ?? .null),
      ]))
  }

  private static func configuration(_ summary: RunSummary) -> JSONValue {
    let facts = summary.changeSet.configuration
    let grant = summary.changeSet.grant
    var object = JSONObject()
    object["grant"] = .string(grant.type)
    object["embeddedWidgetSignInSupport"] = .bool(facts.embeddedWidgetOn)
    object["orgAuthorizationServer"] = .object(
      JSONObject([
        // The issuer used everywhere: the model's, else the org's URL (issuerRecorded false).
        ("issuer", .string(facts.orgServerIssuerOrOrgURL)),
        ("issuerRecorded", .bool(facts.orgServerIssuer != nil)),
        ("offersGrant", .bool(facts.orgServerOffersGrant)),
      ]))
    if let server = facts.server {
      object["server"] = .object(
        JSONObject([
          ("id", .string(server.ref.id)),
          ("name", .string(server.name)),
          ("status", .string(server.status)),
          (
            "policies",
            .array(
              server.policies.map { policy in
                let rules: [JSONValue] = policy.rules.map { rule in
                  .object(
                    JSONObject(
                      ranked(rule.id, rule.name, rule.status, rule.priority)
                        + [("grantTypes", .strings(rule.grantTypes))]))
                }
                return .object(
                  JSONObject(
                    ranked(policy.id, policy.name, policy.status, policy.priority)
                      + [("clients", .strings(policy.clients)), ("rules", .array(rules))]))
              })
          ),
        ]))
    } else if case .orgAuthorizationServer(let ref)? = summary.changeSet.selections.server {
      object["server"] = .object(
        JSONObject([
          ("id", .string(ref.id)),
          ("name", .string(ref.name)),
          ("issuer", .string(facts.orgServerIssuerOrOrgURL)),
          ("policies", .array([])),
        ]))
    } else {
      object["server"] = .null
    }
    object["appsUsingGrant"] = .array(
      facts.appsUsingGrant.map { app in
        .object(JSONObject([("id", .string(app.id)), ("label", .string(app.label))]))
      })
    object["counts"] = .object(
      JSONObject([
        ("apps", .number(JSONNumber(facts.appsUsingGrant.count))),
        ("authorizationServers", .number(JSONNumber(facts.serversUsingGrant))),
      ]))
    return .object(object)
  }

  private static func change(_ change: ObjectChange, grant: GrantFacts) -> JSONValue {
    .object(
      JSONObject([
        ("object", change.ref.json),
        ("adminConsole", .string(change.consolePath(for: grant))),
        ("fields", fields(change)),
      ]))
  }

  /// A change's fields as JSON (`field`, `pointer`, `before`, `after`), secrets withheld; the
  /// run's record and undo's share it.
  static func fields(_ change: ObjectChange) -> JSONValue {
    .array(
      change.fields.map { field in
        .object(
          JSONObject([
            ("field", .string(change.fieldName(field))),
            ("pointer", .string(field.pointer.description)),
            ("before", safe(field.before, field.pointer)),
            ("after", safe(field.after, field.pointer)),
          ]))
      })
  }

  static func safe(_ value: JSONValue?, _ pointer: JSONPointer) -> JSONValue {
    guard let value else { return .null }
    if let last = pointer.tokens.last, Okta.secretFieldNames.contains(last) {
      return .string(Redaction.placeholder)
    }
    return Redaction.redact(value) ?? .null
  }

  private static func verification(_ summary: RunSummary) -> JSONValue {
    let validation = summary.changeSet.validation
    var object = JSONObject()
    object["rules"] = .array(
      validation.results.map { result in
        var rule = ruleResult(result)
        rule["findings"] = .array(result.findings.map(finding))
        return .object(rule)
      })
    if let simulation = summary.simulation {
      object["simulation"] = .object(
        JSONObject([
          ("app", .string(simulation.appID)), ("server", .string(simulation.serverID)),
          ("grant", .string(simulation.grant)), ("allowed", .bool(simulation.allowed)),
          ("error", simulation.error.map { .string($0) } ?? .null),
          ("errorDescription", simulation.errorDescription.map { .string($0) } ?? .null),
          ("policy", simulation.policyID.map { .string($0) } ?? .null),
          ("rule", simulation.ruleID.map { .string($0) } ?? .null),
          ("explanation", .string(simulation.explanation)),
        ]))
    } else {
      object["simulation"] = .null
    }
    return .object(object)
  }

  /// The members a policy and a rule both begin with.
  private static func ranked(
    _ id: String, _ name: String, _ status: String, _ priority: Int
  ) -> [(key: String, value: JSONValue)] {
    [
      ("id", .string(id)), ("name", .string(name)), ("status", .string(status)),
      ("priority", .number(JSONNumber(priority))),
    ]
  }

  /// A rule's result as JSON, without its findings (shared with `check --json`, which lists
  /// them apart).
  public static func ruleResult(_ result: ValidationReport.RuleResult) -> JSONObject {
    JSONObject([
      ("id", .string(result.id)), ("title", .string(result.title)),
      ("severity", .string(result.severity.rawValue)), ("passed", .bool(result.passed)),
    ])
  }

  /// A finding as JSON (shared with `check --json`).
  public static func finding(_ finding: Finding) -> JSONValue {
    .object(
      JSONObject([
        ("rule", .string(finding.ruleID)), ("severity", .string(finding.severity.rawValue)),
        ("pointer", .string(finding.pointer.description)), ("message", .string(finding.message)),
      ]))
  }
}
