import ArgumentParser
import OrgWizCore
import OrgWizJSON

/// `orgwiz simulate`: evaluates one token request the way Okta does.
struct SimulateCommand: ContextCommand {
  static let configuration = CommandConfiguration(
    commandName: "simulate",
    abstract:
      "Evaluate one token request and print the outcome and the policy and rule that decided it.",
    discussion: """
      Policies of the server are tried by priority; a policy applies when its client condition \
      holds the app or ALL_CLIENTS; its rules are tried by priority, and when none matches \
      evaluation moves on to the next policy. A denial lists each policy and rule tried, in \
      order, and why it did not apply or match. --server org-authorization-server (or its \
      issuer URL) evaluates against the Org Authorization Server, which has no policies: the \
      app's grant is enough (and for Interaction Code the org setting), and it offers only \
      OpenID Connect and okta.* scopes. With --user or --group, a user in none of the groups \
      assigned the app is denied as Okta denies them (access_denied, "User is not assigned to \
      the client application."), when the model holds the app's group assignments (orgwiz pull \
      reads them); when it does not, the output says assignment was not checked. Without \
      --grant, the grant is the one the procedure turns on (--procedure, default \
      interaction-code). Exit 0 when the request is allowed, 1 when denied.

      \(OrgWiz.exitCodes(.success, .failure, .usage, .dataError, .noInput, .cannotCreate, .config))
      """)

  @OptionGroup var options: ModelOptions

  @Option(help: ArgumentHelp("The app: id, label or client id.", valueName: "app"))
  var app: String

  @Option(
    help: ArgumentHelp(
      "The custom authorization server (id or name), or org-authorization-server (also its "
        + "issuer URL).", valueName: "server"))
  var server: String

  @Option(
    help: ArgumentHelp(
      "The grant type, one Okta knows (default: the procedure's grant).", valueName: "grant"))
  var grant: String?

  @Option(
    help: ArgumentHelp(
      "The procedure whose grant is simulated when --grant is not given.", valueName: "id"))
  var procedure: String = ContentLocator.defaultProcedure

  @Option(
    name: .customLong("scope"),
    help: ArgumentHelp("A requested scope (repeatable).", valueName: "scope"))
  var scopes: [String] = []

  @Option(
    name: .customLong("group"),
    help: ArgumentHelp("A group of the user, by id or name (repeatable).", valueName: "group"))
  var groups: [String] = []

  @Option(help: ArgumentHelp("The user's id.", valueName: "id"))
  var user: String?

  func execute(_ context: CommandContext) throws -> ExitStatus {
    let model = try ModelStore.readOnly(options, context: context).model
    let app = try ModelChoice.app(self.app, in: model)
    let grant = try self.grant.map(knownGrant) ?? procedureGrant(context)
    let server = try ModelChoice.server(self.server, in: model)
    guard app.isOIDC else {
      throw OrgWizFailure(
        .usage,
        "--app: \"\(VisibleText.short(app.label))\" (\(VisibleText.short(app.id))) signs on with "
          + "\(VisibleText.short(app.signOnMode ?? "no sign-on mode")); "
          + "only OPENID_CONNECT apps request tokens from an authorization server.",
        next: "Name an OpenID Connect app in --app.")
    }
    let groupIDs = try self.groupIDs(in: model, context: context)
    let request = TokenRequest(
      appID: app.id, serverID: server?.id ?? Okta.orgAuthorizationServer, grant: grant,
      scopes: scopes, groups: groupIDs, userID: user)
    let evaluation =
      if let server {
        TokenEvaluator.explain(app: app, server: server, request: request, in: model)
      } else {
        TokenEvaluator.explainOrgServer(app: app, request: request, in: model)
      }
    let outcome = evaluation.outcome
    let serverName =
      server.map { "server \"\(VisibleText.short($0.name, limit: 200))\"" }
      ?? "the Org Authorization Server"
    if options.json {
      var object = JSONObject()
      object["app"] = .string(app.id)
      object["server"] = .string(server?.id ?? Okta.orgAuthorizationServer)
      object["grant"] = .string(grant)
      object["scopes"] = .strings(scopes)
      object["groups"] = .strings(groupIDs)
      object["user"] = user.map { .string($0) } ?? .null
      object["allowed"] = .bool(outcome.isAllowed)
      object["error"] = outcome.errorCode.map { .string($0) } ?? .null
      object["errorDescription"] = outcome.errorDescription.map { .string($0) } ?? .null
      // The case's name in Okta's error catalogue (shared/reference/okta-oauth-errors.md).
      object["oktaInternal"] = outcome.oktaInternal.map { .string($0) } ?? .null
      if case .allowed(let policy, let rule) = outcome {
        object["policy"] = .object(
          JSONObject([("id", .string(policy.id)), ("name", .string(policy.name))]))
        object["rule"] = .object(
          JSONObject([("id", .string(rule.id)), ("name", .string(rule.name))]))
      } else {
        object["policy"] = .null
        object["rule"] = .null
      }
      if case .unauthorizedClient(let grants, _, _) = outcome {
        object["appGrantTypes"] = .strings(grants)
      }
      if case .invalidScope(let undefined) = outcome {
        object["undefinedScopes"] = .strings(undefined)
      }
      object["explanation"] = .string(outcome.explanation)
      // Whether the user is assigned the app: assigned, not-assigned, not-checked (the model
      // holds no group assignments for the app), or null when no --user or --group was given.
      object["assignment"] = evaluation.assignment.map { .string($0.result) } ?? .null
      object["tried"] = .array(evaluation.trace.map(\.json))
      context.stdout.write(JSONWriter.string(.object(object)))
    } else {
      // Every line as one line: a name (or any text of the model) with a line break or a
      // control character is shown (^J, ^[), so it cannot print a line of its own.
      context.stdout.write(
        "\(outcome.isAllowed ? "allowed" : "denied"): \(grant) from "
          + "\"\(VisibleText.short(app.label, limit: 200))\" to \(serverName)\n"
          + evaluation.lines.map { "  \(VisibleText.visibleOnOneLine($0))\n" }.joined())
    }
    return outcome.isAllowed ? .success : .failure
  }

  /// The ids of the `--group` options: a group of the model by id or name, else the id given.
  private func groupIDs(in model: OrgModel, context: CommandContext) throws -> [String] {
    var groupIDs: [String] = []
    for group in groups {
      switch Lookup.find(
        group, kind: "group", in: model.groups, ids: { [$0.id] }, names: { [$0.name ?? $0.id] })
      {
      case .success(let found): groupIDs.append(found.id)
      case .failure(let failure) where failure.isAmbiguous:
        throw OrgWizFailure(
          .usage, "--group: \(failure.message).", next: "Name the group by its id in --group.")
      case .failure:
        // Groups in the model are only there to resolve names; an id of any other group is
        // taken as given.
        let trimmed = group.trimmingWhitespace()
        context.stderr.write(
          "Note: no group in the model is called or has the id \"\(VisibleText.short(trimmed))\"; "
            + "taking it as a group id.\n")
        groupIDs.append(trimmed)
      }
    }
    return groupIDs
  }

  /// The grant, when it is a `GrantType` value Okta knows; otherwise a usage error.
  /// The grant of the procedure named by --procedure.
  private func procedureGrant(_ context: CommandContext) throws -> String {
    let directory = try ContentLocator.directory(option: options.content, context: context)
    return try ContentLocator.procedure(id: procedure, in: directory).grant.type
  }

  private func knownGrant(_ text: String) throws(OrgWizFailure) -> String {
    let given = text.trimmingWhitespace()
    if Okta.grantTypes.contains(given) { return given }
    let hint = Suggestion.closest(to: given, among: Okta.grantTypes).map {
      " Did you mean \"\($0)\"?"
    }
    throw OrgWizFailure(
      .usage,
      "--grant: \"\(given)\" is not a grant type Okta knows.\(hint ?? "")",
      next: "Name one of: \(Okta.grantTypes.joined(separator: ", ")).")
  }
}
