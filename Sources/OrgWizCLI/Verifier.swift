import Foundation
import OrgWizCore
import OrgWizJSON
import OrgWizOkta
import OrgWizTerminal

/// The probe of `orgwiz verify` (and of `apply --verify`): asks Okta itself whether the app can
/// start the Interaction Code flow on the server, without signing anyone in and without any
/// Management API credential. Facts: `../shared/reference/okta-oauth-errors.md`.
struct Verifier {
  var model: OrgModel
  var modelPath: String
  var context: CommandContext
  /// `--client-secret-file`.
  var secretFile: String?
  var noInput = false
  /// The overall deadline, in seconds.
  var timeout: Double = 600

  /// The app and server named (a label, id or client id; a name, id or
  /// `org-authorization-server`), resolved in the model as `simulate` does.
  /// The grant whose flow the probe starts (`POST …/v1/interact`): the one grant the facts
  /// table says can be asked about without signing anyone in.
  static let grant = Grants.all.first(where: \.verifiableByInteract) ?? Grants.interactionCode

  func target(app: String, server: String, redirectURI: String?) throws -> VerifyTarget {
    let found = try ModelChoice.app(app, in: model)
    let custom = try ModelChoice.server(server, in: model)
    if let refusal = found.refusal(for: Self.grant) {
      throw OrgWizFailure(
        .usage,
        "--app: \(VisibleText.short(found.label)) cannot use \(Self.grant.phrase): "
          + "\(refusal).",
        next: "Name one of the \(Self.grant.appTypesInWords) (OpenID Connect) in --app.")
    }
    return VerifyTarget(
      appID: found.id, appLabel: found.label, clientID: found.clientID, serverID: custom?.id,
      serverName: custom?.name ?? "Org Authorization Server",
      redirectURI: try redirect(redirectURI, of: found),
      confidential: !found.isPublicClient)
  }

  /// `--redirect-uri`, else the app's first login redirect URI.
  private func redirect(_ given: String?, of app: OrgApp) throws(OrgWizFailure) -> String {
    if let given, !given.trimmingWhitespace().isEmpty { return given.trimmingWhitespace() }
    let listed = model.document[app.pointer / "settings" / "oauthClient" / "redirect_uris"]?
      .arrayValue?.compactMap(\.stringValue).filter { !$0.isEmpty }
    guard let first = listed?.first else {
      throw OrgWizFailure(
        .usage,
        "The app \(VisibleText.short(app.label)) (\(app.id)) has no sign-in redirect URI in "
          + "the model, and the probe needs one.",
        next: "Add one in the Admin Console (Applications > Applications > "
          + "\(VisibleText.short(app.label)) > General > General Settings > Login > Sign-in "
          + "redirect URIs), pull again, or pass --redirect-uri URI.")
    }
    return first
  }

  /// The client secret of a confidential app: `--client-secret-file`, `ORGWIZ_CLIENT_SECRET`,
  /// else asked with echo off at a terminal. Held from then on (scrubbed, no core dumps).
  func clientSecret(for target: VerifyTarget) throws -> String? {
    guard target.confidential else { return nil }
    try Self.refuseUnsupportedAuth(target, model: model)
    let secret: String
    if let secretFile {
      secret = try CredentialSource.clientSecret(
        file: context.absolute(secretFile), warn: { context.stderr.write("Warning: \($0)\n") })
    } else if let variable = context.environment["ORGWIZ_CLIENT_SECRET"],
      !variable.trimmingWhitespace().isEmpty
    {
      secret = variable.trimmingWhitespace()
    } else if context.canPrompt(noInput: noInput) {
      let prompt = "Client secret of \(target.appPhrase) (not shown as you type; ? for help): "
      var typed = context.readSecret(prompt)?.trimmingWhitespace()
      // A lone ? asks what to type; it is never sent as the secret.
      for _ in 0..<3 where typed == "?" {
        context.stderr.write(
          "Type the app's client secret (Applications > Applications > the app > General > "
            + "Client Credentials); it is sent only to Okta's /v1/interact and never shown or "
            + "kept. An empty answer stops.\n")
        typed = context.readSecret(prompt)?.trimmingWhitespace()
      }
      guard let typed, !typed.isEmpty, typed != "?" else {
        throw Self.needsSecret(target, typed: true)
      }
      secret = typed
    } else {
      throw Self.needsSecret(target, typed: false)
    }
    HeldSecrets.hold(secret)
    return secret
  }

  static func needsSecret(_ target: VerifyTarget, typed: Bool) -> OrgWizFailure {
    OrgWizFailure(
      .usage,
      (typed
        ? "No client secret was typed"
        : "\(target.appPhrase) is a confidential app and no client secret was given; nobody "
          + "can be asked here")
        + ". The probe sent nothing.",
      next: "Pass --client-secret-file FILE (a file holding only the app's client secret, mode "
        + "600), or set ORGWIZ_CLIENT_SECRET.")
  }

  /// An app that authenticates with a key (or a JWT signed with its secret) cannot be probed
  /// with a secret alone.
  static func refuseUnsupportedAuth(_ target: VerifyTarget, model: OrgModel) throws {
    let method = model.apps.first { $0.id == target.appID }?.tokenEndpointAuthMethod
    guard let method, ["private_key_jwt", "client_secret_jwt"].contains(method) else { return }
    throw OrgWizFailure(
      .usage,
      "\(target.appPhrase) authenticates with \(method); orgwiz verify can authenticate an app "
        + "only with a client secret (client_secret_basic or client_secret_post).",
      next: "Verify with a public (native or single-page) app, or sign in with the app itself.")
  }

  /// Runs the probe: `/v1/interact`, then on success `/idp/idx/introspect`.
  func run(_ target: VerifyTarget, org: OrgURL) throws -> VerifyResult {
    let secret = try clientSecret(for: target)
    guard let interactPath = target.interactPath else {
      throw OrgWizFailure(
        .dataError,
        "The server id \(OktaID.shown(target.serverID ?? "")) is not an Okta id (letters and "
          + "digits only), so no request is built from it.",
        next: "Pull the org again into a new model (orgwiz pull --org NEW.json).")
    }
    let client = makeClient(org)
    let started = DispatchTime.now().uptimeNanoseconds
    let pkce = PKCE.make()
    let state = PKCE.randomToken()
    HeldSecrets.hold(pkce.verifier)
    HeldSecrets.hold(state)
    var form = [
      ("client_id", target.clientID), ("scope", "openid"), ("redirect_uri", target.redirectURI),
      ("code_challenge", pkce.challenge), ("code_challenge_method", "S256"), ("state", state),
    ]
    if let secret { form.append(("client_secret", secret)) }
    let interact = try client.postForm(interactPath, form: form)
    let first = Self.answer(interact, stage: .interact, request: "POST \(interactPath)")
    guard interact.status == 200, let handle = interact.json["interaction_handle"]?.stringValue,
      !handle.isEmpty
    else {
      return result(target, answers: [first])
    }
    HeldSecrets.hold(handle)
    try checkDeadline(started)
    let introspect = try client.postJSON(
      "/idp/idx/introspect", body: .object(JSONObject([("interactionHandle", .string(handle))])),
      contentType: Self.ion)
    if let stateHandle = introspect.json["stateHandle"]?.stringValue {
      HeldSecrets.hold(stateHandle)
    }
    let second = Self.answer(
      introspect, stage: .introspect, request: "POST /idp/idx/introspect")
    return result(target, answers: [first, second])
  }

  static let ion = "application/ion+json; okta-version=1.0.0"

  private func result(_ target: VerifyTarget, answers: [ProbeAnswer]) -> VerifyResult {
    let last = answers[answers.count - 1]
    let works = last.stage == .introspect && last.status == 200 && last.remediation != nil
    let reason =
      works
      ? VerifyReason.ok
      : ProbeMapping.reason(
        last, confidential: target.confidential, customServer: target.serverID != nil)
    return VerifyResult(target: target, reason: reason, answers: answers, modelPath: modelPath)
  }

  /// What a record keeps of an answer: OAuth's `error` and `error_description`, an introspect
  /// message and its key, or the first remediation offered.
  static func answer(
    _ response: OktaResponse, stage: ProbeAnswer.Stage, request: String
  ) -> ProbeAnswer {
    var answer = ProbeAnswer(
      stage: stage, request: request, status: response.status, requestID: response.requestID)
    let json = response.json
    let message = json["messages"]?["value"]?.arrayValue?.first
    answer.error =
      json["error"]?.stringValue ?? message?["i18n"]?["key"]?.stringValue
      ?? json["errorCode"]?.stringValue
    answer.description =
      json["error_description"]?.stringValue ?? message?["message"]?.stringValue
      ?? json["errorSummary"]?.stringValue
    if stage == .introspect, response.status == 200 {
      answer.remediation = json["remediation"]?["value"]?.arrayValue?.first?["name"]?.stringValue
    }
    return answer
  }

  private func makeClient(_ org: OrgURL) -> OktaClient {
    let progress: ((String) -> Void)? =
      context.terminal.stderrIsTerminal ? { line in context.stderr.write(line + "\n") } : nil
    let retry = Double(context.environment["ORGWIZ_RETRY_SECONDS"] ?? "") ?? 60
    // The same bounds as pull and apply: waits over 2 s announced, reads bounded, one deadline.
    let stderr = LockedSink(context.stderr)
    let client = OktaClient.probe(
      org: org, transport: context.transport(), progress: progress,
      notice: { line in stderr.write(line + "\n") },
      retryBudget: min(retry, timeout / 2), userAgent: "orgwiz/\(orgwizVersion)")
    client.timeout = max(1, min(client.timeout, timeout / 4))
    client.maximumTotalBytes = FileIO.modelSizeLimit
    client.startDeadline(seconds: timeout)
    return client
  }

  private func checkDeadline(_ started: UInt64) throws(OktaError) {
    let spent = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
    guard spent < timeout else {
      throw .unreachable(
        host: "Okta", reason: "the probe passed its deadline of \(Int(timeout)) s (--timeout)")
    }
  }
}

/// A PKCE S256 pair (RFC 7636) and random tokens, from the system's random source.
enum PKCE {
  static func make() -> (verifier: String, challenge: String) {
    let verifier = randomToken(bytes: 32)
    return (verifier, base64URL(SHA256.digest(Array(verifier.utf8))))
  }

  static func randomToken(bytes count: Int = 24) -> String {
    var generator = SystemRandomNumberGenerator()
    return base64URL((0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
  }

  static func base64URL(_ bytes: [UInt8]) -> String {
    Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
      .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
  }
}
