import OrgWizJSON

/// The change record as JSON, with the same content as the Markdown (`run --json`).
///
/// Field names are stable; new fields may be added, none are renamed or removed within a
/// major version.
public enum SummaryJSON {
  /// The whole record.
  public static func value(_ summary: RunSummary) -> JSONValue {
    let record = summary.record
    let meta = summary.metadata
    let model = record.finalState.model
    let state = record.finalState
    var root = JSONObject()
    root["title"] = .string(summary.title)
    root["changed"] = .bool(record.changed)
    root["dryRun"] = .bool(meta.dryRun)
    root["summary"] = .object(
      JSONObject([
        ("procedure", .string(record.procedure.id)),
        ("procedureTitle", .string(record.procedure.title)),
        ("procedureVersion", .string(record.procedure.version)),
        ("procedureSHA256", .string(record.procedure.sha256)),
        ("modelPath", .string(meta.modelPath)),
        ("modelSHA256Before", .string(meta.modelSHA256Before)),
        ("modelSHA256After", .string(meta.modelSHA256After)),
        ("operator", state.operatorAdmin.map { .string($0.login) } ?? .null),
        ("operatorID", state.operatorAdmin.map { .string($0.id) } ?? .null),
        ("orgName", .string(model.org.name)),
        ("orgDomain", .string(model.org.domain)),
        ("startedAt", .string(meta.startedAt)),
        ("endedAt", .string(meta.endedAt)),
        ("toolVersion", .string(meta.toolVersion)),
      ]))
    root["answers"] = .object(
      JSONObject(record.answers.map { ($0.key, .string($0.value)) }))
    root["resultingConfiguration"] = configuration(summary)
    root["changes"] = .array(
      record.steps.filter { !$0.changes.isEmpty }.map { step in
        .object(
          JSONObject([
            ("step", .number(JSONNumber(step.number))),
            ("stepID", .string(step.step.id)),
            ("title", .string(step.step.title)),
            ("objects", .array(step.changes.map(change))),
          ]))
      })
    root["verification"] = verification(summary)
    root["implementationSteps"] = .array(
      summary.performed.map { step in
        .object(
          JSONObject([
            ("step", .number(JSONNumber(step.number))),
            ("stepID", .string(step.id)),
            ("title", .string(step.title)),
            ("performed", .string(step.performed)),
            ("adminConsole", .string(step.console)),
            (
              "answers",
              .object(JSONObject(step.answers.map { ($0.key, .string($0.value)) }))
            ),
          ]))
      })
    var backout = JSONObject()
    backout["backupPath"] = meta.backupPath.map { .string($0) } ?? .null
    backout["backupSHA256"] =
      meta.backupPath.map { _ in .string(meta.backupSHA256 ?? meta.modelSHA256Before) } ?? .null
    backout["undoCommand"] = meta.undoCommand.map { .string($0) } ?? .null
    backout["restoreCommand"] =
      meta.backupPath.map {
        .string(SummaryRenderer.restoreCommand(backup: $0, model: meta.modelPath))
      } ?? .null
    root["backoutPlan"] = .object(backout)
    root["riskAndImpact"] = .object(
      JSONObject([
        ("objectsChanged", .number(JSONNumber(record.changes.count))),
        ("removedAnything", .bool(summary.removedAnything)),
        ("affectedApps", .strings(summary.affectedApps)),
      ]))
    return .object(root)
  }

  private static func configuration(_ summary: RunSummary) -> JSONValue {
    let model = summary.record.finalState.model
    var object = JSONObject()
    object["embeddedWidgetSignInSupport"] = .bool(model.interactionCodeEnabled)
    object["orgAuthorizationServer"] = .object(
      JSONObject([
        ("issuer", model.orgAuthorizationServerIssuer.map { .string($0) } ?? .null),
        (
          "offersInteractionCode",
          .bool(model.interactionCodeEnabled && model.org.engine == .identityEngine)
        ),
      ]))
    if let server = summary.record.finalState.server {
      object["server"] = .object(
        JSONObject([
          ("id", .string(server.id)),
          ("name", .string(server.name)),
          ("status", .string(server.status)),
          (
            "policies",
            .array(
              summary.policies.map { policy in
                .object(
                  JSONObject([
                    ("id", .string(policy.id)), ("name", .string(policy.name)),
                    ("status", .string(policy.status)),
                    ("priority", .number(JSONNumber(policy.priority))),
                    ("clients", .strings(policy.clients)),
                    (
                      "rules",
                      .array(
                        policy.rules.map { rule in
                          .object(
                            JSONObject([
                              ("id", .string(rule.id)), ("name", .string(rule.name)),
                              ("status", .string(rule.status)),
                              ("priority", .number(JSONNumber(rule.priority))),
                              ("grantTypes", .strings(rule.grantTypes)),
                            ]))
                        })
                    ),
                  ]))
              })
          ),
        ]))
    } else {
      object["server"] = .null
    }
    object["appsUsingInteractionCode"] = .array(
      model.appsUsingInteractionCode.map { app in
        .object(JSONObject([("id", .string(app.id)), ("label", .string(app.label))]))
      })
    object["counts"] = .object(
      JSONObject([
        ("apps", .number(JSONNumber(model.appsUsingInteractionCode.count))),
        ("authorizationServers", .number(JSONNumber(model.serversUsingInteractionCode.count))),
      ]))
    return .object(object)
  }

  private static func change(_ change: ObjectChange) -> JSONValue {
    .object(
      JSONObject([
        ("pointer", .string(change.pointer.description)),
        ("object", .string(change.object)),
        ("adminConsole", .string(change.consolePath)),
        (
          "fields",
          .array(
            change.fields.map { field in
              .object(
                JSONObject([
                  ("pointer", .string(field.pointer.description)),
                  ("before", safe(field.before, field.pointer)),
                  ("after", safe(field.after, field.pointer)),
                ]))
            })
        ),
      ]))
  }

  private static func safe(_ value: JSONValue?, _ pointer: JSONPointer) -> JSONValue {
    guard let value else { return .null }
    if let last = pointer.tokens.last, Okta.secretFieldNames.contains(last) {
      return .string(Redaction.placeholder)
    }
    return Redaction.redact(value) ?? .null
  }

  private static func verification(_ summary: RunSummary) -> JSONValue {
    let validation = summary.record.validation
    var object = JSONObject()
    object["rules"] = .array(
      validation.results.map { result in
        .object(
          JSONObject([
            ("id", .string(result.id)), ("title", .string(result.title)),
            ("severity", .string(result.severity.rawValue)), ("passed", .bool(result.passed)),
            ("findings", .array(result.findings.map(finding))),
          ]))
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

  /// A finding as JSON (shared with `check --json`).
  public static func finding(_ finding: Finding) -> JSONValue {
    .object(
      JSONObject([
        ("rule", .string(finding.ruleID)), ("severity", .string(finding.severity.rawValue)),
        ("pointer", .string(finding.pointer.description)), ("message", .string(finding.message)),
      ]))
  }
}
