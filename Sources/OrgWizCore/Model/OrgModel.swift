import OrgWizJSON

/// One Okta org as the wizard sees it: the whole JSON document, plus typed views of the parts
/// the procedure reads.
///
/// The document is the source of truth. Every edit goes to the document and the typed views are
/// derived from it again, so fields the tool does not understand are never lost.
public struct OrgModel: Sendable, Equatable {
  /// The newest model format version this build reads and writes.
  public static let supportedFormatVersion = 1

  public private(set) var document: JSONValue
  public private(set) var formatVersion: Int
  public private(set) var org: OrgInfo
  /// The org-wide "Embedded widget sign-in support" checkbox.
  public private(set) var interactionCodeEnabled: Bool
  public private(set) var admins: [Admin]
  public private(set) var groups: [OrgGroup]
  public private(set) var orgAuthorizationServerIssuer: String?
  public private(set) var servers: [CustomServer]
  public private(set) var apps: [OrgApp]
  /// Each app's group assignments, by app id, as `pull` read them (`appGroupAssignments`);
  /// an app without an entry was not read (an older model, or an app pull did not read), so
  /// who may sign in to it is unknown.
  public private(set) var appGroupAssignments: [String: AppGroupAssignments]
  /// The org's Trusted Origins (`trustedOrigins`), or nil when the model does not hold them.
  public private(set) var trustedOrigins: [TrustedOrigin]?

  /// Reads a model from bytes.
  /// - Parameter source: the file name used in error messages.
  public static func load(_ bytes: [UInt8], source: String) throws(ModelLoadError) -> OrgModel {
    let document: JSONValue
    do {
      document = try JSONParser.parse(bytes)
    } catch {
      throw ModelLoadError(source: source, reason: .malformedJSON(error))
    }
    return try OrgModel(document: document, source: source)
  }

  /// Reads a model from bytes that the parse may give back as it goes (see
  /// `JSONParser.parse(_:releasing:)`); a failure's position is that of the bytes as they then
  /// are, so a caller that released any reads the file again to report it.
  public static func load(
    _ bytes: UnsafeBufferPointer<UInt8>, source: String, releasing release: (Int) -> Void
  ) throws(ModelLoadError) -> OrgModel {
    let document: JSONValue
    do {
      document = try JSONParser.parse(bytes, releasing: release)
    } catch {
      throw ModelLoadError(source: source, reason: .malformedJSON(error))
    }
    return try OrgModel(document: document, source: source)
  }

  /// Derives the typed views of a parsed document.
  public init(document: JSONValue, source: String = "model") throws(ModelLoadError) {
    try self.init(document: document, source: source, reusing: nil)
  }

  /// Derives the typed views of `document`; a server or an app whose JSON is still the very
  /// same value as in `previous` (see `JSONValue.isKnownIdentical(to:)`) keeps the view derived
  /// from it then, at the same index, so an edit pays only for what it changed.
  private init(
    document: JSONValue, source: String, reusing previous: OrgModel?
  ) throws(ModelLoadError) {
    var reader = ShapeReader()
    guard let root = document.objectValue else {
      reader.wrongType(.root, expected: "an object", found: document)
      throw ModelLoadError(source: source, reason: .shape(reader.issues))
    }
    let version = reader.int(root, "formatVersion", at: .root) ?? 1
    if version > Self.supportedFormatVersion {
      throw ModelLoadError(source: source, reason: .newerFormat(found: version))
    }
    if version < 1 {
      reader.fail(.root / "formatVersion", "must be 1 or higher, found \(version)")
    }
    self.document = document
    self.formatVersion = version
    self.org = Self.readOrg(root, &reader)
    self.interactionCodeEnabled = Self.readSetting(root, &reader)
    self.admins = Self.readAdmins(root, &reader)
    self.groups = reader.objects(root, "groups", at: .root).compactMap { object, pointer in
      guard let id = reader.string(object, "id", at: pointer, required: true, what: "group")
      else { return nil }
      let profile = reader.object(object, "profile", at: pointer)
      let name = profile.flatMap { reader.string($0, "name", at: pointer / "profile") }
      return OrgGroup(id: id, name: name, pointer: pointer)
    }
    if let orgServer = reader.object(root, "orgAuthorizationServer", at: .root) {
      self.orgAuthorizationServerIssuer = reader.string(
        orgServer, "issuer", at: .root / "orgAuthorizationServer")
    } else {
      self.orgAuthorizationServerIssuer = nil
    }
    self.servers =
      Self.readReusing(
        root, "authorizationServers", previous: previous, views: previous?.servers, &reader,
        read: Self.readServer)
      ?? reader.objects(root, "authorizationServers", at: .root).compactMap {
        Self.readServer($0, at: $1, &reader)
      }
    self.apps =
      Self.readReusing(
        root, "apps", previous: previous, views: previous?.apps, &reader, read: Self.readApp)
      ?? reader.objects(root, "apps", at: .root).compactMap { Self.readApp($0, at: $1, &reader) }
    self.appGroupAssignments = Self.readAssignments(root, &reader)
    self.trustedOrigins = Self.readTrustedOrigins(root, &reader)
    if !reader.issues.isEmpty {
      throw ModelLoadError(source: source, reason: .shape(reader.issues))
    }
  }

  // MARK: Reading

  private static func readOrg(_ root: JSONObject, _ reader: inout ShapeReader) -> OrgInfo {
    let pointer = JSONPointer.root / "org"
    guard let org = reader.object(root, "org", at: .root, required: true, what: "model") else {
      return OrgInfo(id: nil, name: "", domain: "", engine: .identityEngine)
    }
    let name = reader.string(org, "name", at: pointer, required: true, what: "org") ?? ""
    let domain = reader.string(org, "domain", at: pointer, required: true, what: "org") ?? ""
    var engine = OrgInfo.Engine.identityEngine
    if let text = reader.string(org, "engine", at: pointer, required: true, what: "org") {
      if let value = OrgInfo.Engine(rawValue: text) {
        engine = value
      } else {
        reader.fail(
          pointer / "engine", "expected \"identity-engine\" or \"classic\", found \"\(text)\"")
      }
    }
    return OrgInfo(
      id: reader.string(org, "id", at: pointer), name: name, domain: domain, engine: engine)
  }

  /// `appGroupAssignments`: an object whose members are app ids, each an array of
  /// `ApplicationGroupAssignment` objects (`id` is the group's id). Optional: a model without it
  /// (older ones) loads, and simulate then says assignment was not checked.
  private static func readAssignments(
    _ root: JSONObject, _ reader: inout ShapeReader
  ) -> [String: AppGroupAssignments] {
    guard let byApp = reader.object(root, "appGroupAssignments", at: .root) else { return [:] }
    var result: [String: AppGroupAssignments] = [:]
    for (appID, _) in byApp.members {
      let pointer = JSONPointer.root / "appGroupAssignments"
      var ids: [String] = []
      var everyone: [String] = []
      for (object, elementPointer) in reader.objects(byApp, appID, at: pointer) {
        guard
          let id = reader.string(
            object, "id", at: elementPointer, required: true, what: "group assignment")
        else { continue }
        ids.append(id)
        if object["_embedded"]?["group"]?["type"]?.stringValue == "BUILT_IN" {
          everyone.append(id)
        }
      }
      result[appID] = AppGroupAssignments(
        appID: appID, groupIDs: ids, everyoneGroupIDs: everyone, pointer: pointer / appID)
    }
    return result
  }

  /// `trustedOrigins`: `TrustedOrigin` objects as `GET /api/v1/trustedOrigins` lists them;
  /// nil when the model has no such member.
  private static func readTrustedOrigins(
    _ root: JSONObject, _ reader: inout ShapeReader
  ) -> [TrustedOrigin]? {
    guard root["trustedOrigins"] != nil else { return nil }
    return reader.objects(root, "trustedOrigins", at: .root).compactMap { object, pointer in
      let what = "trusted origin"
      let id = reader.string(object, "id", at: pointer, required: true, what: what)
      let origin = reader.string(object, "origin", at: pointer, required: true, what: what)
      var types: [String] = []
      for (scope, scopePointer) in reader.objects(object, "scopes", at: pointer) {
        if let type = reader.string(scope, "type", at: scopePointer) { types.append(type) }
      }
      guard let id, let origin else { return nil }
      return TrustedOrigin(
        id: id, name: reader.string(object, "name", at: pointer), origin: origin,
        status: reader.string(object, "status", at: pointer) ?? Okta.active, scopeTypes: types,
        pointer: pointer)
    }
  }

  private static func readSetting(_ root: JSONObject, _ reader: inout ShapeReader) -> Bool {
    guard let settings = reader.object(root, "settings", at: .root),
      let widget = reader.object(
        settings, "embeddedWidgetSignInSupport", at: .root / "settings")
    else { return false }
    return reader.bool(
      widget, "interactionCode", at: .root / "settings" / "embeddedWidgetSignInSupport") ?? false
  }

  private static func readAdmins(_ root: JSONObject, _ reader: inout ShapeReader) -> [Admin] {
    reader.objects(root, "admins", at: .root).compactMap { object, pointer in
      let id = reader.string(object, "id", at: pointer, required: true, what: "admin")
      let login = reader.string(object, "login", at: pointer, required: true, what: "admin")
      let roles = readRoles(object, at: pointer, &reader)
      guard let id, let login else { return nil }
      return Admin(
        id: id, login: login, displayName: reader.string(object, "displayName", at: pointer),
        roles: roles, pointer: pointer)
    }
  }

  /// Role types: strings, or role objects as `GET /api/v1/users/{id}/roles` returns them
  /// (read by their `type`).
  private static func readRoles(
    _ object: JSONObject, at pointer: JSONPointer, _ reader: inout ShapeReader
  ) -> [String] {
    readNames(
      object, "roles", by: "type", what: "role", expected: "a string or a role object",
      at: pointer, &reader) ?? []
  }

  /// `scopes[].name` of a server (objects as `GET .../scopes` returns them, or plain names);
  /// nil when the server carries no `scopes` member.
  private static func readScopes(
    _ object: JSONObject, at pointer: JSONPointer, _ reader: inout ShapeReader
  ) -> [String]? {
    readNames(
      object, "scopes", by: "name", what: "scope", expected: "a scope object", at: pointer,
      &reader)
  }

  /// The list under `key`, each element a name or an object named by its `field` (a
  /// `what`, whose `field` is required); an element of neither kind is reported as not
  /// `expected`. Nil when there is no list.
  private static func readNames(
    _ object: JSONObject, _ key: String, by field: String, what: String, expected: String,
    at pointer: JSONPointer, _ reader: inout ShapeReader
  ) -> [String]? {
    guard let values = reader.array(object, key, at: pointer) else { return nil }
    var names: [String] = []
    for (index, value) in values.enumerated() {
      let elementPointer = pointer / key / index
      if let text = value.stringValue {
        names.append(text)
      } else if let element = value.objectValue {
        if let name = reader.string(
          element, field, at: elementPointer, required: true, what: what)
        {
          names.append(name)
        }
      } else {
        reader.wrongType(elementPointer, expected: expected, found: value)
      }
    }
    return names
  }

  /// The views of the objects listed under `key`, reusing `views` (derived from `previous`)
  /// for every element whose JSON is still the same value at the same index; nil when there is
  /// nothing to reuse, and the caller reads the whole list.
  private static func readReusing<View>(
    _ root: JSONObject, _ key: String, previous: OrgModel?, views: [View]?,
    _ reader: inout ShapeReader,
    read: (JSONObject, JSONPointer, inout ShapeReader) -> View?
  ) -> [View]? {
    // Each element of a model that loaded has exactly one view, at its own index.
    guard let previous, let views, let old = previous.document[key]?.arrayValue,
      old.count == views.count, let new = root[key]?.arrayValue
    else { return nil }
    // The list itself untouched (the edit was elsewhere): every view stands, and none is
    // copied one by one.
    if JSONValue.array(new).isKnownIdentical(to: .array(old)) { return views }
    let base = JSONPointer.root / key
    var result: [View] = []
    result.reserveCapacity(new.count)
    for (index, value) in new.enumerated() {
      if index < old.count, value.isKnownIdentical(to: old[index]) {
        result.append(views[index])
      } else if let object = value.objectValue {
        if let view = read(object, base / index, &reader) { result.append(view) }
      } else {
        reader.wrongType(base / index, expected: "an object", found: value)
      }
    }
    return result
  }

  private static func readServer(
    _ object: JSONObject, at pointer: JSONPointer, _ reader: inout ShapeReader
  ) -> CustomServer? {
    let named = readNamed(object, at: pointer, what: "authorization server", &reader)
    let issuer = reader.string(object, "issuer", at: pointer)
    let audiences = reader.strings(object, "audiences", at: pointer) ?? []
    let scopes = readScopes(object, at: pointer, &reader)
    let policies = reader.objects(object, "policies", at: pointer).compactMap {
      readPolicy($0, at: $1, &reader)
    }
    guard let named else { return nil }
    return CustomServer(
      id: named.id, name: named.name, status: named.status, issuer: issuer, audiences: audiences,
      policies: policies, pointer: pointer, scopes: scopes)
  }

  private static func readPolicy(
    _ object: JSONObject, at pointer: JSONPointer, _ reader: inout ShapeReader
  ) -> ServerPolicy? {
    let ranked = readRanked(object, at: pointer, what: "policy", &reader)
    var clients: [String] = []
    if let conditions = reader.object(object, "conditions", at: pointer),
      let clientCondition = reader.object(conditions, "clients", at: pointer / "conditions")
    {
      clients =
        reader.strings(clientCondition, "include", at: pointer / "conditions" / "clients") ?? []
    }
    let rules = reader.objects(object, "rules", at: pointer).compactMap {
      readRule($0, at: $1, &reader)
    }
    guard let ranked else { return nil }
    return ServerPolicy(
      id: ranked.id, name: ranked.name, status: ranked.status, priority: ranked.priority,
      clients: clients, rules: rules, pointer: pointer)
  }

  /// What a server, a policy, a rule and an app all have: `id` and a name (`nameKey`; an
  /// app's is its `label`), both required, and `status` (ACTIVE when missing). Nil when a
  /// required one is missing (and reported as a `what`'s).
  private static func readNamed(
    _ object: JSONObject, at pointer: JSONPointer, what: String, nameKey: String = "name",
    _ reader: inout ShapeReader
  ) -> (id: String, name: String, status: String)? {
    let id = reader.string(object, "id", at: pointer, required: true, what: what)
    let name = reader.string(object, nameKey, at: pointer, required: true, what: what)
    let status = reader.string(object, "status", at: pointer) ?? Okta.active
    guard let id, let name else { return nil }
    return (id, name, status)
  }

  /// ``readNamed(_:at:what:nameKey:_:)`` and the required `priority`, which a policy and a rule
  /// have.
  private static func readRanked(
    _ object: JSONObject, at pointer: JSONPointer, what: String, _ reader: inout ShapeReader
  ) -> (id: String, name: String, status: String, priority: Int)? {
    let named = readNamed(object, at: pointer, what: what, &reader)
    let priority = reader.int(object, "priority", at: pointer, required: true, what: what)
    guard let named, let priority else { return nil }
    return (named.id, named.name, named.status, priority)
  }

  private static func readRule(
    _ object: JSONObject, at pointer: JSONPointer, _ reader: inout ShapeReader
  ) -> PolicyRule? {
    let ranked = readRanked(object, at: pointer, what: "rule", &reader)
    var grants: [String] = []
    var groups: [String] = []
    var users: [String] = []
    var groupsExclude: [String] = []
    var usersExclude: [String] = []
    var scopes: [String] = []
    // Pointers are written out where they are given (not kept in variables): the reader builds
    // one only for a field it reports.
    if let conditions = reader.object(object, "conditions", at: pointer) {
      if let grantTypes = reader.object(conditions, "grantTypes", at: pointer / "conditions") {
        grants =
          reader.strings(grantTypes, "include", at: pointer / "conditions" / "grantTypes") ?? []
      }
      if let scopeCondition = reader.object(conditions, "scopes", at: pointer / "conditions") {
        scopes =
          reader.strings(scopeCondition, "include", at: pointer / "conditions" / "scopes") ?? []
      }
      if let people = reader.object(conditions, "people", at: pointer / "conditions") {
        (groups, groupsExclude, users, usersExclude) = readPeople(
          people, at: pointer / "conditions" / "people", &reader)
      }
    }
    guard let ranked else { return nil }
    return PolicyRule(
      id: ranked.id, name: ranked.name, status: ranked.status, priority: ranked.priority,
      grantTypes: grants,
      groupsInclude: groups, usersInclude: users, scopes: scopes, pointer: pointer,
      groupsExclude: groupsExclude, usersExclude: usersExclude)
  }

  /// A rule's `conditions.people`: the groups and users it includes and excludes.
  private static func readPeople(
    _ people: JSONObject, at pointer: @autoclosure () -> JSONPointer, _ reader: inout ShapeReader
  ) -> (groups: [String], groupsExclude: [String], users: [String], usersExclude: [String]) {
    var result:
      (groups: [String], groupsExclude: [String], users: [String], usersExclude: [String]) =
        ([], [], [], [])
    if let groupCondition = reader.object(people, "groups", at: pointer()) {
      result.groups = reader.strings(groupCondition, "include", at: pointer() / "groups") ?? []
      result.groupsExclude =
        reader.strings(groupCondition, "exclude", at: pointer() / "groups") ?? []
    }
    if let userCondition = reader.object(people, "users", at: pointer()) {
      result.users = reader.strings(userCondition, "include", at: pointer() / "users") ?? []
      result.usersExclude = reader.strings(userCondition, "exclude", at: pointer() / "users") ?? []
    }
    return result
  }

  private static func readApp(
    _ object: JSONObject, at pointer: JSONPointer, _ reader: inout ShapeReader
  ) -> OrgApp? {
    let named = readNamed(object, at: pointer, what: "app", nameKey: "label", &reader)
    let mode = reader.string(object, "signOnMode", at: pointer)
    var clientID: String?
    var authMethod: String?
    var pkceRequired: Bool?
    if let credentials = reader.object(object, "credentials", at: pointer),
      let client = reader.object(credentials, "oauthClient", at: pointer / "credentials")
    {
      // Pointers are written out where they are given: the reader builds one only for a field
      // it reports.
      clientID = reader.string(client, "client_id", at: pointer / "credentials" / "oauthClient")
      authMethod = reader.string(
        client, "token_endpoint_auth_method", at: pointer / "credentials" / "oauthClient")
      pkceRequired = reader.bool(
        client, "pkce_required", at: pointer / "credentials" / "oauthClient")
    }
    var grants: [String] = []
    var redirects: [String] = []
    var applicationType: String?
    if let settings = reader.object(object, "settings", at: pointer),
      let client = reader.object(settings, "oauthClient", at: pointer / "settings")
    {
      grants = reader.strings(client, "grant_types", at: pointer / "settings" / "oauthClient") ?? []
      redirects =
        reader.strings(client, "redirect_uris", at: pointer / "settings" / "oauthClient") ?? []
      applicationType = reader.string(
        client, "application_type", at: pointer / "settings" / "oauthClient")
    }
    guard let named else { return nil }
    return OrgApp(
      id: named.id, name: reader.string(object, "name", at: pointer), label: named.name,
      status: named.status,
      signOnMode: mode, clientID: clientID ?? named.id, grantTypes: grants,
      applicationType: applicationType, pointer: pointer, tokenEndpointAuthMethod: authMethod,
      pkceRequired: pkceRequired, redirectURIs: redirects)
  }

  // MARK: Editing

  /// Edits the document and derives the typed views again.
  ///
  /// Edits are made by the steps, which only write values of the right type, so deriving
  /// cannot fail; should it ever, the model is left as it was and the problem is returned.
  public mutating func edit(_ body: (inout JSONValue) -> Void) -> ModelLoadError? {
    let previous = self
    var copy = document
    body(&copy)
    do {
      self = try OrgModel(document: copy, source: "edited model", reusing: previous)
      return nil
    } catch {
      return error
    }
  }

  /// The custom servers a user may choose: every one except an entry that carries the Org
  /// Authorization Server's issuer (a misplaced copy of it; `check` reports it) or its answer
  /// `org-authorization-server` as an id (no Okta id looks like that).
  public var choosableServers: [CustomServer] {
    let issuer = orgAuthorizationServerIssuer
    return servers.filter {
      $0.id != Okta.orgAuthorizationServer && (issuer == nil || $0.issuer != issuer)
    }
  }

  /// The Org Authorization Server's issuer: the model's, else the org's URL (which is what
  /// Okta uses).
  public var orgAuthorizationServerIssuerOrOrgURL: String {
    orgAuthorizationServerIssuer ?? "https://\(org.domain)"
  }

  /// Whether `text` names the Org Authorization Server: `org-authorization-server`, its name,
  /// or its issuer URL (with or without a trailing slash, in any case).
  public func namesOrgAuthorizationServer(_ text: String) -> Bool {
    let given = text.trimmingWhitespace()
    if [Okta.orgAuthorizationServer, "org authorization server"].contains(given.lowercased()) {
      return true
    }
    func bare(_ url: String) -> String {
      (url.hasSuffix("/") ? String(url.dropLast()) : url).lowercased()
    }
    return bare(given) == bare(orgAuthorizationServerIssuerOrOrgURL)
  }

  /// The server with this id.
  public func server(id: String) -> CustomServer? { servers.first { $0.id == id } }
  /// The app with this id.
  public func app(id: String) -> OrgApp? { apps.first { $0.id == id } }

  /// The admins who hold the Super Admin role.
  public var superAdmins: [Admin] { admins.filter(\.isSuperAdmin) }

  /// Every app that lists the grant, whatever its sign-on mode: what turning its org switch
  /// off strips, and what validation looks at.
  public func appsListing(_ grant: GrantFacts) -> [OrgApp] { apps.filter { $0.lists(grant) } }

  /// The OpenID Connect apps that list the grant: the apps that use it, as the Admin Console
  /// counts them (only `OPENID_CONNECT` apps take part in OAuth).
  public func appsUsing(_ grant: GrantFacts) -> [OrgApp] {
    apps.filter { $0.isOIDC && $0.lists(grant) }
  }

  /// The custom servers with at least one rule that lists the grant.
  public func serversUsing(_ grant: GrantFacts) -> [CustomServer] {
    servers.filter { $0.uses(grant) }
  }

  /// Whether the org switch is on in the model.
  public func isOn(_ orgSwitch: OrgSwitch) -> Bool {
    orgSwitch == Grants.embeddedWidgetSwitch
      ? interactionCodeEnabled : document[orgSwitch.pointer]?.boolValue ?? false
  }

  /// Whether the grant's org switch, if it has one, is on: true for a grant without one.
  public func switchAllows(_ grant: GrantFacts) -> Bool {
    grant.orgSwitch.map(isOn) ?? true
  }

  /// Every rule of every server, with the server and policy it belongs to.
  public var allRules: [(server: CustomServer, policy: ServerPolicy, rule: PolicyRule)] {
    servers.flatMap { server in
      server.policies.flatMap { policy in policy.rules.map { (server, policy, $0) } }
    }
  }

  /// Encodes the model as the tool writes it: pretty-printed, keys sorted.
  public func encoded() -> [UInt8] { JSONWriter.write(document, style: .pretty) }
}
