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
    root["status"] = .string(SummaryRenderer.status(summary))
    root["changed"] = .bool(record.changed)
    root["dryRun"] = .bool(meta.dryRun)
    root["createdModel"] = .bool(meta.createdModel)
    root["inOkta"] = .bool(false)
    root["summary"] = .object(
      JSONObject([
        ("procedure", .string(record.procedure.id)),
        ("procedureTitle", .string(record.procedure.title)),
        ("procedureVersion", .string(record.procedure.version)),
        ("procedureSHA256", .string(record.procedure.sha256)),
        ("modelPath", .string(meta.modelPath)),
        ("modelSHA256Before", meta.createdModel ? .null : .string(meta.modelSHA256Before)),
        ("modelSHA256After", .string(meta.modelSHA256After)),
        ("operator", summary.operatorLogin.map { .string($0) } ?? .null),
        ("operatorID", state.operatorAdmin.map { .string($0.id) } ?? .null),
        ("orgName", .string(model.org.name)),
        ("orgDomain", .string(model.org.domain)),
        ("startedAt", .string(meta.startedAt)),
        ("endedAt", .string(meta.endedAt)),
        ("toolVersion", .string(meta.toolVersion)),
      ]))
    root["answers"] = .object(
      JSONObject(record.answers.map { ($0.key, .string($0.value)) }))
    // The change set itself: every step's typed effects, in order.
    root["changeSet"] = .array(
      zip(record.steps, summary.performed).map { step, performed in
        .object(
          JSONObject([
            ("step", .number(JSONNumber(step.number))),
            ("stepID", .string(step.step.id)),
            ("title", .string(step.step.title)),
            ("heading", .string(performed.heading)),
            ("effects", .array(step.report.effects.map(\.json))),
          ]))
      })
    root["resultingConfiguration"] = configuration(summary)
    root["changes"] = .array(
      zip(record.steps, summary.performed).filter { !$0.0.changes.isEmpty }.map { step, performed in
        .object(
          JSONObject([
            ("step", .number(JSONNumber(step.number))),
            ("stepID", .string(step.step.id)),
            ("title", .string(performed.heading)),
            (
              "objects",
              .array(step.changes.map { change($0, grant: summary.record.procedure.grant) })
            ),
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
            ("heading", .string(step.heading)),
            ("performed", .string(step.performed)),
            ("adminConsole", .string(step.console)),
            (
              "answers",
              .object(JSONObject(step.answers.map { ($0.key, .string($0.value)) }))
            ),
          ]))
      })
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
    root["backoutPlan"] = .object(backout)
    root["riskAndImpact"] = .object(
      JSONObject([
        ("objectsChanged", .number(JSONNumber(record.changes.count))),
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
      ]))
    return .object(root)
  }

  private static func configuration(_ summary: RunSummary) -> JSONValue {
    let model = summary.record.finalState.model
    let grant = summary.record.procedure.grant
    var object = JSONObject()
    object["grant"] = .string(grant.type)
    object["embeddedWidgetSignInSupport"] = .bool(model.interactionCodeEnabled)
    object["orgAuthorizationServer"] = .object(
      JSONObject([
        // The issuer used everywhere: the model's, else the org's URL (issuerRecorded false).
        ("issuer", .string(model.orgAuthorizationServerIssuerOrOrgURL)),
        ("issuerRecorded", .bool(model.orgAuthorizationServerIssuer != nil)),
        (
          "offersGrant",
          .bool(
            grant.orgServer && model.switchAllows(grant)
              && (model.org.engine == .identityEngine || !grant.identityEngineOnly))
        ),
      ]))
    if let chosen = summary.chosenServer, let server = model.server(id: chosen.id) {
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
    } else if summary.usedOrgServer {
      object["server"] = .object(
        JSONObject([
          ("id", .string(Okta.orgAuthorizationServer)),
          ("name", .string(model.orgServerRef.name)),
          ("issuer", .string(model.orgAuthorizationServerIssuerOrOrgURL)),
          ("policies", .array([])),
        ]))
    } else {
      object["server"] = .null
    }
    object["appsUsingGrant"] = .array(
      model.appsUsing(grant).map { app in
        .object(JSONObject([("id", .string(app.id)), ("label", .string(app.label))]))
      })
    object["counts"] = .object(
      JSONObject([
        ("apps", .number(JSONNumber(model.appsUsing(grant).count))),
        ("authorizationServers", .number(JSONNumber(model.serversUsing(grant).count))),
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
