import OrgWizJSON

/// The facts of a change set that need the model before and after the run: worked out once by
/// the change set's builder (`ChangeSet.init(review:procedure:...)`), never by a rendering.
extension ChangeSet {
  /// For each single-page (browser) app the run chose or changed that lists the grant: the
  /// Trusted Origin with CORS its embedded Sign-In Widget needs (okta-developer-docs,
  /// `oie-embedded-common-org-setup`), and whether the model shows it.
  static func trustedOriginLines(
    _ model: OrgModel, effects: [Effect], grant: GrantFacts
  ) -> [String] {
    guard grant.embedsSignIn else { return [] }
    var ids: [String] = []
    for ref in effects.compactMap(\.object) where ref.kind == .app && !ids.contains(ref.id) {
      ids.append(ref.id)
    }
    let cors = model.trustedOrigins.map { origins in
      Set(
        origins.filter { $0.isActive && $0.allowsCORS }.compactMap {
          TrustedOrigin.origin(of: $0.origin)
        })
    }
    return ids.compactMap { id -> String? in
      guard let app = model.app(id: id), app.isOIDC, app.lists(grant),
        app.applicationType == "browser"
      else { return nil }
      var origins: [String] = []
      for origin in app.redirectURIs.compactMap(TrustedOrigin.origin(of:))
      where !origins.contains(origin) {
        origins.append(origin)
      }
      let shown = origins.isEmpty ? "its origin" : Phrase.list(origins)
      let state =
        if let cors {
          origins.allSatisfy(cors.contains)
            ? "the model shows it trusted for CORS"
            : "the model shows no active Trusted Origin with CORS for "
              + Phrase.list(origins.filter { !cors.contains($0) })
        } else {
          "the model holds no Trusted Origins (pull again to read them)"
        }
      return "Single-page app \(VisibleText.name(app.label)) (\(app.id)) needs a Trusted Origin "
        + "with CORS for \(shown) to embed the Sign-In Widget (Security > API > Trusted Origins "
        + "tab, Add Origin, tick CORS and Redirect): \(state)"
    }
  }

  /// What to do in the Admin Console to back the change out, in an order Okta allows: the
  /// setting is turned back on before any grant is given back, and turned off only after
  /// every grant added to it has been taken away again.
  static func backout(_ effects: [Effect], grant facts: GrantFacts) -> [BackoutStep] {
    var first: [BackoutStep] = []
    var middle: [BackoutStep] = []
    var last: [BackoutStep] = []
    for effect in effects.reversed() {
      switch effect {
      case .settingChanged(let ref, _, let to):
        let step = BackoutStep(
          object: ref, console: ref.consolePath(for: facts),
          action: to
            ? "clear the checkbox to turn it off again (last, once the grants above are removed)"
            : "select the checkbox to turn it on again (first: while it is off no app or rule "
              + "can be given the grant)")
        if to { last.append(step) } else { first.append(step) }
      case .grantAdded(let grant, let ref, _, _):
        middle.append(
          BackoutStep(
            object: ref, console: ref.consolePath(for: facts),
            action: "clear \(Self.checkbox(grant))"))
      case .grantRemoved(let grant, let ref, _, _):
        middle.append(
          BackoutStep(
            object: ref, console: ref.consolePath(for: facts),
            action: "select \(Self.checkbox(grant)) again"))
      case .scopeAdded(let scope, let ref, _, _):
        middle.append(
          BackoutStep(
            object: ref, console: ref.scopesConsolePath,
            action: "remove \(scope) from the scopes requested"))
      default: continue
      }
    }
    return first + middle + last
  }

  /// The Admin Console's checkbox for a grant type.
  static func checkbox(_ grant: String) -> String {
    "the \(Grants.facts(for: grant)?.name ?? grant) checkbox"
  }

  /// The apps whose sign-in a changed rule or the changed setting affects, beyond those
  /// `changed` (app ids) names.
  static func affectedApps(
    _ effects: [Effect], before: OrgModel, after: OrgModel, changed: Set<String>,
    grant: GrantFacts
  ) -> [AffectedApp] {
    var result: [AffectedApp] = []
    var seen = changed
    for effect in effects where effect.changesModel {
      guard let object = effect.object else { continue }
      switch object.kind {
      case .rule:
        guard let server = after.server(id: object.serverID ?? ""),
          let policy = server.policies.first(where: { $0.id == object.policyID })
        else { continue }
        // Every app the policy applies to is listed, even one an earlier rule serves first: a
        // risk list that errs on the side of naming too many. (The reason is made once, and
        // the apps are read in place: a policy for all clients lists every app of the model.)
        let reason =
          "policy \"\(policy.name)\" applies to it, and its rule \"\(object.name)\" changed"
        let apps = after.apps
        for index in apps.indices
        where apps[index].isOIDC && policy.applies(toClient: apps[index].clientID)
          && seen.insert(apps[index].id).inserted
        {
          result.append(AffectedApp(app: after.ref(apps[index]), reason: reason))
        }
      case .orgSetting:
        for app in before.appsListing(grant) where seen.insert(app.id).inserted {
          result.append(
            AffectedApp(
              app: before.ref(app), reason: "lists \(grant.type), which the setting governs"))
        }
      default: continue
      }
    }
    return result
  }
}
