#!/usr/bin/env python3
"""fake-okta: a local stand-in for the Okta Management API, for orgwiz's tests.

It serves an orgwiz model file (see spec/org-model.md) in Okta's live shapes on 127.0.0.1,
checks every request against Okta's published OpenAPI spec with openapi-core, answers a
non-conforming request 400 (Okta's error body) and records it as a violation, and offers a
control API under /__fake/ (request log, fault injection, drift, state, reset).

See README.md beside this file for every flag and the control API.
"""

import argparse
import base64
import copy
import datetime as dt
import email.utils
import hashlib
import http.server
import json
import os
import re
import secrets
import signal
import socket
import sys
import tempfile
import threading
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))

# The spec is looked up here, in order, when --spec is not given.
SPEC_CANDIDATES = [
    os.environ.get("FAKE_OKTA_SPEC", ""),
    os.path.join(REPO, "..", "shared", "okta", "management-openapi.yaml"),
    "/work/shared/okta/management-openapi.yaml",
]
SPEC_HOST = "https://subdomain.okta.com"  # the spec's default server; requests are validated as if sent there
JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
DEFAULT_TIME = "2025-01-01T00:00:00.000Z"

ROLE_LABELS = {
    "SUPER_ADMIN": "Super Organization Administrator",
    "ORG_ADMIN": "Organizational Administrator",
    "APP_ADMIN": "Application Administrator",
    "USER_ADMIN": "Group Administrator",
    "HELP_DESK_ADMIN": "Help Desk Administrator",
    "READ_ONLY_ADMIN": "Read Only Administrator",
    "MOBILE_ADMIN": "Mobile Administrator",
    "API_ACCESS_MANAGEMENT_ADMIN": "API Access Management Administrator",
    "REPORT_ADMIN": "Report Administrator",
    "GROUP_MEMBERSHIP_ADMIN": "Group Membership Administrator",
    "WORKFLOWS_ADMIN": "Workflows Administrator",
    "ACCESS_CERTIFICATIONS_ADMIN": "Access Certifications Administrator",
    "ACCESS_REQUESTS_ADMIN": "Access Requests Administrator",
    "CUSTOM": "Custom Administrator",
}
# Admin roles that may write (an approximation of Okta's standard roles).
WRITE_ROLES = {
    "apps": {"SUPER_ADMIN", "ORG_ADMIN", "APP_ADMIN"},
    "authorizationServers": {"SUPER_ADMIN", "API_ACCESS_MANAGEMENT_ADMIN"},
}
SECRET_AUTH_METHODS = {"client_secret_basic", "client_secret_post", "client_secret_jwt"}
PEOPLE_GRANTS = {"authorization_code", "implicit", "password"}
SYSTEM_SCOPES = ["openid", "profile", "email", "address", "phone", "offline_access", "device_sso"]

ERRORS = {
    400: ("E0000001", "Api validation failed: {0}"),
    401: ("E0000011", "Invalid token provided"),
    403: ("E0000006", "You do not have permission to perform the requested action"),
    404: ("E0000007", "Not found: {0}"),
    405: ("E0000022", "The endpoint does not support the provided HTTP method"),
    429: ("E0000047", "API call exceeded rate limit due to too many requests."),
    500: ("E0000009", "Internal Server Error"),
    501: ("E0000009", "Internal Server Error"),
    503: ("E0000010", "Service is temporarily unavailable"),
}


def log(msg):
    sys.stderr.write("fake-okta: %s\n" % msg)
    sys.stderr.flush()


def now_iso():
    t = dt.datetime.now(dt.timezone.utc)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (t.microsecond // 1000)


def later_iso(previous):
    """now, but strictly after `previous` (an ISO time), so lastUpdated always changes."""
    t = now_iso()
    if previous and t <= previous:
        try:
            p = dt.datetime.strptime(previous, "%Y-%m-%dT%H:%M:%S.%fZ")
        except ValueError:
            return t
        p += dt.timedelta(milliseconds=1)
        t = p.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (p.microsecond // 1000)
    return t


def okta_id(prefix, *parts):
    """A realistic, deterministic 20-character Okta id."""
    h = hashlib.sha256("/".join(parts).encode()).digest()
    alphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
    body = "".join(alphabet[b % len(alphabet)] for b in h)
    return (prefix + body)[:16] + "0g4" + body[-1]


def request_id():
    return secrets.token_urlsafe(20)[:27]


def drop_nulls(v):
    if isinstance(v, dict):
        return {k: drop_nulls(x) for k, x in v.items() if x is not None}
    if isinstance(v, list):
        return [drop_nulls(x) for x in v if x is not None]
    return v


def has_key(v, key):
    if isinstance(v, dict):
        return key in v or any(has_key(x, key) for x in v.values())
    if isinstance(v, list):
        return any(has_key(x, key) for x in v)
    return False


def dotted_set(obj, key, value):
    parts = key.split(".")
    for p in parts[:-1]:
        if not isinstance(obj.get(p), dict):
            obj[p] = {}
        obj = obj[p]
    obj[parts[-1]] = value


def dotted_unset(obj, key):
    parts = key.split(".")
    for p in parts[:-1]:
        obj = obj.get(p)
        if not isinstance(obj, dict):
            return
    obj.pop(parts[-1], None)


def b64url_decode(s):
    s = s.encode() if isinstance(s, str) else s
    return base64.urlsafe_b64decode(s + b"=" * (-len(s) % 4))


# ---------------------------------------------------------------------------------------------
# The spec: loaded once, cached as JSON in the temp dir keyed by the YAML's hash.

def find_spec(path):
    if path:
        return path
    for p in SPEC_CANDIDATES:
        if p and os.path.exists(p):
            return os.path.abspath(p)
    raise SystemExit("fake-okta: Okta's management-openapi.yaml not found; pass --spec PATH")


def load_spec_dict(path):
    with open(path, "rb") as f:
        raw = f.read()
    digest = hashlib.sha256(raw).hexdigest()[:24]
    cache = os.path.join(tempfile.gettempdir(), "fake-okta-spec-%s.json" % digest)
    try:
        with open(cache, "rb") as f:
            return json.loads(f.read())
    except (OSError, ValueError):
        pass
    import yaml  # PyPI's PyYAML, a dependency of openapi-core
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data = yaml.load(raw, Loader=loader)
    text = json.dumps(data, default=str)
    tmp = "%s.%d.tmp" % (cache, os.getpid())
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, cache)
    return json.loads(text)


class SpecChecker:
    """openapi-core validation of requests (every request) and responses (the self-test)."""

    def __init__(self, spec_dict):
        from openapi_core import Config, OpenAPI
        from openapi_core.validation.request.exceptions import (MissingRequestBody,
                                                                RequestBodyValidationError)
        from openapi_core.validation.request.validators import V30RequestValidator

        class NoSecurityRequestValidator(V30RequestValidator):
            # The fake authenticates itself (401/403 come before validation, as on Okta);
            # openapi-core only checks parameters and body.
            def _iter_errors(self, request, operation, path):
                try:
                    self._get_parameters(request.parameters, operation, path)
                except Exception as exc:  # ParametersError carries .errors
                    yield from getattr(exc, "errors", [exc])
                try:
                    self._get_body(request.body, request.content_type, operation)
                except MissingRequestBody:
                    pass
                except RequestBodyValidationError as exc:
                    yield exc

        self.spec = spec_dict
        self.api = OpenAPI.from_dict(spec_dict, config=Config(
            spec_validator_cls=None, request_validator_cls=NoSecurityRequestValidator))

    def _request(self, method, path, query, headers, body, content_type):
        from openapi_core.testing import MockRequest
        return MockRequest(SPEC_HOST, method, path, args=query, headers=headers,
                           data=body, content_type=content_type or "application/json")

    def check_request(self, method, path, query, headers, body, content_type):
        req = self._request(method, path, query, headers, body, content_type)
        return [v for e in self.api.iter_request_errors(req) for v in describe(e)]

    def check_response(self, method, path, query, status, body, content_type="application/json"):
        from openapi_core.testing import MockResponse
        req = self._request(method, path, query, {"Authorization": "SSWS x"}, b"", None)
        if isinstance(body, (dict, list)):
            body = json.dumps(drop_nulls(body)).encode()
        resp = MockResponse(body or b"", status_code=status, content_type=content_type)
        return [v for e in self.api.iter_response_errors(req, resp) for v in describe(e)]

    def check_schema(self, name, value):
        """Validate a value against components/schemas/NAME (e.g. Error for undeclared statuses)."""
        from jsonschema_path import SchemaPath
        from openapi_core.validation.schemas import oas30_read_schema_validators_factory
        root = SchemaPath.from_dict(self.spec)
        v = oas30_read_schema_validators_factory.create(root, root / "components" / "schemas" / name)
        try:
            v.validate(drop_nulls(value))
            return []
        except Exception as exc:
            return [v for v in describe(exc)] or [str(exc)]

    def operation(self, template, method):
        return self.spec.get("paths", {}).get(template, {}).get(method.lower())


def describe(exc, where=None):
    """Short, readable violation strings from an openapi-core exception."""
    out = []
    name = type(exc).__name__
    if where is None:
        where = "body" if "Body" in name else ""
        pname = getattr(exc, "name", None)
        loc = getattr(exc, "location", None)
        if pname and loc:
            where = "%s parameter %s" % (loc, pname)
    seen = set()
    stack = [exc]
    while stack:
        e = stack.pop()
        errs = getattr(e, "schema_errors", None)
        if errs:
            for se in errs:
                p = "/".join(str(x) for x in se.absolute_path)
                out.append("%s%s: %s" % (where, ("/" + p) if p else "", se.message))
            continue
        c = e.__cause__ or e.__context__
        if c is not None and id(c) not in seen:
            seen.add(id(c))
            stack.append(c)
            if not getattr(c, "schema_errors", None) and not (c.__cause__ or c.__context__):
                out.append("%s: %s (%s)" % (where or name, str(exc), c))
    if not out:
        out.append("%s%s" % ((where + ": ") if where else "", exc))
    return out


# ---------------------------------------------------------------------------------------------
# State: the org's objects in Okta's live shapes.

class State:
    def __init__(self, model, opts):
        self.opts = opts
        self.lock = threading.RLock()
        self.load(model)

    # -- loading ---------------------------------------------------------------------------
    def load(self, model):
        self.model = copy.deepcopy(model)
        base = self.opts.base_url
        org = model.get("org") or {}
        self.org_model = dict(org)
        self.engine = org.get("engine", "identity-engine")
        settings = (model.get("settings") or {}).get("embeddedWidgetSignInSupport") or {}
        self.interaction_code = bool(settings.get("interactionCode", False))
        if self.opts.interaction_code is not None:
            self.interaction_code = self.opts.interaction_code == "on"
        self.no_matching_policy_at = self.opts.no_matching_policy_at
        self.servers, self.policies, self.rules, self.scopes = {}, {}, {}, {}
        for s in model.get("authorizationServers") or []:
            s = copy.deepcopy(s)
            sid = s["id"]
            pols = s.pop("policies", None) or []
            scopes = s.pop("scopes", None)
            self.servers[sid] = self._server_defaults(s)
            self.policies[sid] = {}
            for p in pols:
                p = copy.deepcopy(p)
                rules = p.pop("rules", None) or []
                self.policies[sid][p["id"]] = self._policy_defaults(sid, p)
                self.rules[(sid, p["id"])] = {}
                for r in rules:
                    self.rules[(sid, p["id"])][r["id"]] = self._rule_defaults(sid, p["id"], copy.deepcopy(r))
            if scopes is None:
                scopes = [{"name": n, "system": True} for n in SYSTEM_SCOPES]
            self.scopes[sid] = [self._scope_defaults(sid, dict(sc)) for sc in scopes]
        self.apps = {}
        for a in model.get("apps") or []:
            self.apps[a["id"]] = self._app_defaults(copy.deepcopy(a))
        self.users, self.roles = {}, {}
        for adm in model.get("admins") or []:
            uid = adm["id"]
            self.users[uid] = self._user(adm)
            self.roles[uid] = [self._role(uid, r, i) for i, r in enumerate(adm.get("roles") or [])]
        self.groups = {}
        for g in model.get("groups") or []:
            self.groups[g["id"]] = self._group(copy.deepcopy(g))
        # appGroupAssignments: {appId: [ApplicationGroupAssignment]}. A group embedded in an
        # assignment (as `expand=group` sends it, e.g. the BUILT_IN Everyone group) joins the
        # org's groups.
        self.app_groups = {}
        for aid, assigned in (model.get("appGroupAssignments") or {}).items():
            self.app_groups[aid] = []
            for i, x in enumerate(assigned or []):
                x = copy.deepcopy(x)
                embedded = (x.pop("_embedded", None) or {}).get("group")
                if embedded and embedded.get("id") and embedded["id"] not in self.groups:
                    self.groups[embedded["id"]] = self._group(copy.deepcopy(embedded))
                self.app_groups[aid].append(self._assignment(aid, x, i))
        self.trusted_origins = [self._trusted_origin(copy.deepcopy(t)) for t in model.get("trustedOrigins") or []]
        for gid in sorted(self._referenced_groups()):
            if gid not in self.groups:
                self.groups[gid] = self._group({"id": gid, "profile": {"name": gid}})
        del base

    def _assignment(self, aid, x, i):
        x.setdefault("priority", i)
        x.setdefault("lastUpdated", DEFAULT_TIME)
        x.setdefault("profile", {})
        gid = x["id"]
        x["_links"] = {"app": self.link("/api/v1/apps/" + aid),
                       "self": self.link("/api/v1/apps/%s/groups/%s" % (aid, gid)),
                       "group": self.link("/api/v1/groups/" + gid)}
        return x

    def _trusted_origin(self, t):
        self._stamp(t)
        t.setdefault("status", "ACTIVE")
        t.setdefault("scopes", [])
        t.setdefault("name", t.get("origin", t["id"]))
        p = "/api/v1/trustedOrigins/" + t["id"]
        t["_links"] = dict({"self": self.link(p, "GET", "PUT", "DELETE")}, **self._lifecycle_links(p, t["status"]))
        return t

    def _referenced_groups(self):
        out = set()
        for rules in self.rules.values():
            for r in rules.values():
                people = ((r.get("conditions") or {}).get("people") or {}).get("groups") or {}
                for k in ("include", "exclude"):
                    out.update(g for g in people.get(k) or [] if g != "EVERYONE")
        return out

    def link(self, path, *allow):
        d = {"href": self.opts.base_url + path}
        if allow:
            d["hints"] = {"allow": list(allow)}
        return d

    def _lifecycle_links(self, path, status):
        if status == "ACTIVE":
            return {"deactivate": self.link(path + "/lifecycle/deactivate", "POST")}
        return {"activate": self.link(path + "/lifecycle/activate", "POST")}

    def _stamp(self, o):
        o.setdefault("created", DEFAULT_TIME)
        o.setdefault("lastUpdated", o["created"])
        return o

    def _server_defaults(self, s):
        sid = s["id"]
        self._stamp(s)
        s.setdefault("status", "ACTIVE")
        s.setdefault("issuerMode", "ORG_URL")
        s.setdefault("issuer", "https://%s/oauth2/%s" % (self.org_model.get("domain", "example.okta.com"), sid))
        s.setdefault("credentials", {"signing": {"kid": okta_id("k", sid), "rotationMode": "AUTO",
                                                 "lastRotated": s["created"], "nextRotation": "2027-01-01T00:00:00.000Z"}})
        p = "/api/v1/authorizationServers/" + sid
        links = {
            "scopes": self.link(p + "/scopes", "GET"),
            "claims": self.link(p + "/claims", "GET"),
            "policies": self.link(p + "/policies", "GET"),
            "self": self.link(p, "GET", "DELETE", "PUT"),
            "metadata": [dict(self.link("/oauth2/%s/.well-known/oauth-authorization-server" % sid, "GET"), name="oauth-authorization-server"),
                         dict(self.link("/oauth2/%s/.well-known/openid-configuration" % sid, "GET"), name="openid-configuration")],
            "rotateKey": self.link(p + "/credentials/lifecycle/keyRotate", "POST"),
        }
        links.update(self._lifecycle_links(p, s["status"]))
        s["_links"] = links
        return s

    def _policy_defaults(self, sid, p):
        self._stamp(p)
        p.setdefault("type", "OAUTH_AUTHORIZATION_POLICY")
        p.setdefault("status", "ACTIVE")
        p.setdefault("system", False)
        path = "/api/v1/authorizationServers/%s/policies/%s" % (sid, p["id"])
        links = {"self": self.link(path, "GET", "PUT", "DELETE"), "rules": self.link(path + "/rules", "GET")}
        links.update(self._lifecycle_links(path, p["status"]))
        p["_links"] = links
        return p

    def _rule_links(self, sid, pid, r):
        path = "/api/v1/authorizationServers/%s/policies/%s/rules/%s" % (sid, pid, r["id"])
        links = {"self": self.link(path, "GET", "PUT", "DELETE")}
        links.update(self._lifecycle_links(path, r.get("status", "ACTIVE")))
        return links

    def _rule_defaults(self, sid, pid, r):
        self._stamp(r)
        r.setdefault("type", "RESOURCE_ACCESS")
        r.setdefault("status", "ACTIVE")
        r.setdefault("system", False)
        r["_links"] = self._rule_links(sid, pid, r)
        return r

    def _scope_defaults(self, sid, sc):
        sc.setdefault("id", okta_id("scp", sid, sc.get("name", "")))
        sc.setdefault("description", sc.get("name"))
        sc.setdefault("system", False)
        sc.setdefault("default", False)
        sc.setdefault("displayName", sc.get("name"))
        sc.setdefault("consent", "IMPLICIT")
        sc.setdefault("optional", False)
        sc.setdefault("metadataPublish", "ALL_CLIENTS" if sc.get("system") else "NO_CLIENTS")
        sc["_links"] = {"self": self.link("/api/v1/authorizationServers/%s/scopes/%s" % (sid, sc["id"]), "GET", "PUT", "DELETE")}
        return sc

    def _app_links(self, a):
        aid = a["id"]
        p = "/api/v1/apps/" + aid
        links = {
            "appLinks": [dict(self.link("/home/%s/%s/alnk%s" % (a.get("name", "app"), aid, aid[-4:])), name=a.get("name", "app"), type="text/html")],
            "groups": self.link(p + "/groups"),
            "logo": [dict(self.link("/assets/img/logos/default.png"), name="medium", type="image/png")],
            "accessPolicy": self.link("/api/v1/policies/" + okta_id("rst", "default-access-policy")),
            "users": self.link(p + "/users"),
            "self": self.link(p, "GET", "PUT", "DELETE"),
        }
        links.update(self._lifecycle_links(p, a.get("status", "ACTIVE")))
        return links

    def _app_defaults(self, a):
        self._stamp(a)
        a.setdefault("status", "ACTIVE")
        a.setdefault("name", "oidc_client" if a.get("signOnMode") == "OPENID_CONNECT" else "app")
        org_id = self.org_model.get("id", "00o1fake")
        a["orn"] = "orn:okta:idp:%s:apps:%s:%s" % (org_id, a["name"], a["id"])
        a.setdefault("features", [])
        acc = a.setdefault("accessibility", {})
        acc.setdefault("selfService", False)
        acc.setdefault("errorRedirectUrl", None)   # Okta sends nulls for unset fields
        acc.setdefault("loginRedirectUrl", None)
        vis = a.setdefault("visibility", {})
        vis.setdefault("autoSubmitToolbar", False)
        vis.setdefault("hide", {"iOS": False, "web": False})
        vis.setdefault("appLinks", {a["name"]: True})
        creds = a.setdefault("credentials", {})
        creds.setdefault("userNameTemplate", {"template": "${source.login}", "type": "BUILT_IN"})
        settings = a.setdefault("settings", {})
        settings.setdefault("app", {})
        settings.setdefault("notifications", {"vpn": {"network": {"connection": "DISABLED"}, "message": None, "helpUrl": None}})
        settings.setdefault("manualProvisioning", False)
        settings.setdefault("implicitAssignment", False)
        settings.setdefault("notes", {"admin": None, "enduser": None})
        settings["emOptInStatus"] = settings.get("emOptInStatus", "NONE")
        if a.get("signOnMode") == "OPENID_CONNECT":
            oc = creds.setdefault("oauthClient", {})
            oc.setdefault("client_id", a["id"])
            oc.setdefault("autoKeyRotation", True)
            oc.setdefault("token_endpoint_auth_method", "client_secret_basic")
            oc.setdefault("pkce_required", oc.get("token_endpoint_auth_method") == "none")
            if oc["token_endpoint_auth_method"] in SECRET_AUTH_METHODS and not oc.get("client_secret"):
                oc["client_secret"] = secrets.token_urlsafe(30)
            so = settings.setdefault("oauthClient", {})
            so.setdefault("grant_types", ["authorization_code"])
            so.setdefault("application_type", "web")
            so.setdefault("consent_method", "REQUIRED")
            so.setdefault("issuer_mode", "DYNAMIC")
            so.setdefault("wildcard_redirect", "DISABLED")
            so.setdefault("logo_uri", None)
            so.setdefault("client_uri", None)
        a["_links"] = self._app_links(a)
        return a

    def _user(self, adm):
        uid = adm["id"]
        login = adm.get("login") or (uid + "@example.com")
        display = adm.get("displayName")
        first, _, last = (display or login.split("@")[0]).partition(" ")
        created = adm.get("created", DEFAULT_TIME)
        prof = {"firstName": first or login, "lastName": last or first or login, "login": login,
                "email": adm.get("email", login), "displayName": display, "mobilePhone": None, "secondEmail": None}
        p = "/api/v1/users/" + uid
        return {
            "id": uid, "status": "ACTIVE", "created": created, "activated": created,
            "statusChanged": created, "lastLogin": "2026-01-01T00:00:00.000Z",
            "lastUpdated": adm.get("lastUpdated", created), "passwordChanged": created,
            "type": {"id": okta_id("oty", "default-user-type")},
            "profile": prof,
            "credentials": {"password": {}, "emails": [{"value": prof["email"], "status": "VERIFIED", "type": "PRIMARY"}],
                            "provider": {"type": "OKTA", "name": "OKTA"}},
            "_links": {"self": self.link(p), "schema": self.link("/api/v1/meta/schemas/user/" + okta_id("osc", "user")),
                       "type": self.link("/api/v1/meta/types/user/" + okta_id("oty", "default-user-type")),
                       "suspend": self.link(p + "/lifecycle/suspend", "POST"),
                       "resetPassword": self.link(p + "/lifecycle/reset_password", "POST"),
                       "deactivate": self.link(p + "/lifecycle/deactivate", "POST")},
        }

    def _role(self, uid, r, i):
        if isinstance(r, str):
            r = {"type": r}
        r = copy.deepcopy(r)
        t = r.get("type", "CUSTOM")
        r.setdefault("id", okta_id("ra1", uid, t, str(i)))
        r.setdefault("label", ROLE_LABELS.get(t, t))
        r.setdefault("status", "ACTIVE")
        r.setdefault("assignmentType", "USER")
        self._stamp(r)
        assignee = "/api/v1/%s/%s" % ("groups" if r["assignmentType"] == "GROUP" else "users", uid)
        r.setdefault("_links", {"assignee": self.link(assignee)})
        return r

    def _group(self, g):
        gid = g["id"]
        self._stamp(g)
        g.setdefault("lastMembershipUpdated", g["lastUpdated"])
        g.setdefault("objectClass", ["okta:user_group"])
        g.setdefault("type", "OKTA_GROUP")
        prof = g.setdefault("profile", {})
        prof.setdefault("name", gid)
        prof.setdefault("description", None)
        p = "/api/v1/groups/" + gid
        g["_links"] = {"logo": [dict(self.link("/img/logos/groups/okta-medium.png"), name="medium", type="image/png")],
                       "users": self.link(p + "/users"), "apps": self.link(p + "/apps")}
        return g

    # -- views -----------------------------------------------------------------------------
    def served_app(self, a):
        a = copy.deepcopy(a)
        oc = (a.get("credentials") or {}).get("oauthClient") or {}
        if not self.opts.secret_on_get:
            oc.pop("client_secret", None)
        return a

    def org_setting(self):
        o = self.org_model
        domain = o.get("domain", "example.okta.com")
        return {
            "id": o.get("id", "00o1fake"), "companyName": o.get("name", "Example"),
            "subdomain": o.get("subdomain", domain.split(".")[0]), "website": o.get("website", "https://" + domain),
            "status": "ACTIVE", "created": o.get("created", DEFAULT_TIME), "lastUpdated": o.get("lastUpdated", DEFAULT_TIME),
            "expiresAt": None, "address1": None, "address2": None, "city": None, "state": None, "country": None,
            "postalCode": None, "phoneNumber": None, "supportPhoneNumber": None, "endUserSupportHelpURL": None,
            "_links": {"preferences": self.link("/api/v1/org/preferences"),
                       "uploadLogo": self.link("/api/v1/org/logo", "POST"),
                       "oktaCommunication": self.link("/api/v1/org/privacy/oktaCommunication"),
                       "logo": None,
                       "oktaSupport": self.link("/api/v1/org/privacy/oktaSupport"),
                       "contacts": self.link("/api/v1/org/contacts")},
        }

    def snapshot(self):
        """The current objects, in the model's shape (servers with inline policies and rules)."""
        servers = []
        for sid, s in self.servers.items():
            s = copy.deepcopy(s)
            s["policies"] = []
            for pid, p in self.policies[sid].items():
                p = copy.deepcopy(p)
                p["rules"] = [copy.deepcopy(r) for r in self.rules[(sid, pid)].values()]
                s["policies"].append(p)
            s["scopes"] = copy.deepcopy(self.scopes[sid])
            servers.append(s)
        return {
            "org": dict(self.org_model, engine=self.engine),
            "settings": {"embeddedWidgetSignInSupport": {"interactionCode": self.interaction_code},
                         "noMatchingPolicyAt": self.no_matching_policy_at},
            "authorizationServers": servers,
            "apps": [copy.deepcopy(a) for a in self.apps.values()],
            "users": [copy.deepcopy(u) for u in self.users.values()],
            "roles": copy.deepcopy(self.roles),
            "groups": [copy.deepcopy(g) for g in self.groups.values()],
            "appGroupAssignments": copy.deepcopy(self.app_groups),
            "trustedOrigins": copy.deepcopy(self.trusted_origins),
        }


# ---------------------------------------------------------------------------------------------
# Errors

class OktaError(Exception):
    def __init__(self, status, summary_arg=None, causes=(), summary=None, headers=None, code=None):
        super().__init__(summary or summary_arg)
        self.status = status
        c, template = ERRORS.get(status, ("E0000009", "Internal Server Error"))
        self.code = code or c
        self.summary = summary or (template.format(summary_arg) if "{0}" in template else template)
        self.causes = list(causes)
        self.headers = headers or {}

    def body(self):
        return {"errorCode": self.code, "errorSummary": self.summary, "errorLink": self.code,
                "errorId": "oae" + secrets.token_urlsafe(16)[:22],
                "errorCauses": [{"errorSummary": c} for c in self.causes]}


class OAuthFailure(Exception):
    def __init__(self, status, error, description):
        super().__init__(description)
        self.status, self.error, self.description = status, error, description


# ---------------------------------------------------------------------------------------------
# The Interaction Code probe: POST {issuer}/v1/interact and POST /idp/idx/introspect.
#
# Every error text below is verbatim from ../shared/reference/okta-oauth-errors.md (Okta's
# oauth2-error-codes.json), keyed by the catalogue's `internal` name: (status, error,
# error_description). `[en]` is the catalogue's placeholder for the value Okta fills in.
# selftest.py checks each row against that file.

OAUTH_ERRORS = {
    "oie_not_enabled_for_interact": (400, "access_denied",
        "The requested feature (Interaction Code flow) isn't enabled in this environment. Ensure that you have Okta "
        "Identity Engine enabled and the Interaction Code flow enabled for this application and authorization server."),
    "user_not_assigned": (400, "access_denied", "User is not assigned to the client application."),
    "no_matching_policy": (401, "access_denied",
        "Policy evaluation failed for this request, please check the policy configurations."),
    "unauthorized_client": (400, "unauthorized_client",
        "The client is not authorized to use the provided grant type. Configured grant types: [en]."),
    "invalid_redirect_uri": (400, "invalid_redirect_uri",
        "The 'redirect_uri' parameter must be a Login redirect URI in the client app settings."),
    "missing_redirect_uri": (400, "missing_redirect_uri", "redirect_uri is missing."),
    "pkce_challenge_required": (400, "invalid_request",
        "PKCE code challenge is required to use the interaction code flow."),
    "pkce_invalid_challenge": (400, "invalid_request", "PKCE code challenge contains illegal characters."),
    "pkce_missing_challenge": (400, "invalid_request", "PKCE code challenge is required by the application."),
    "pkce_unsupported_code_challenge_method": (400, "invalid_request",
        "PKCE code challenge method is not supported. Valid values: [en]"),
    "missing_client_credentials": (401, "invalid_client", "No client credentials found."),
    "invalid_client_id": (401, "invalid_client", "Invalid value for 'client_id' parameter."),
    "multiple_client_credentials": (401, "invalid_request",
        "Cannot supply multiple client credentials. Use one of the following: credentials in the Authorization "
        "header, credentials in the post body, or a client_assertion in the post body."),
    "client_credentials_in_query": (400, "invalid_request",
        "Client credentials cannot be supplied via query parameters."),
    "invalid_authorization_server": (400, "invalid_request", "The authorization server id is invalid."),
    "missing_scopes": (400, "invalid_scope", "No scopes were requested."),
    "openid_scope_required": (400, "invalid_scope",
        "Requests for ID tokens or access tokens with OpenID scopes require the 'openid' scope."),
    "invalid_interaction_code": (400, "invalid_grant", "The interaction code is invalid or has expired."),
}

# The form fields okta-auth-js's interact() sends (lib/idx/interact.ts), and a confidential
# client's authentication. These endpoints are not in the Management spec: checked by hand.
INTERACT_FIELDS = {"client_id", "scope", "redirect_uri", "code_challenge", "code_challenge_method", "state",
                   "client_secret", "client_assertion", "client_assertion_type", "nonce", "login_hint",
                   "activation_token", "recovery_token", "acr_values", "max_age"}
ION = "application/ion+json; okta-version=1.0.0"
PKCE_CHALLENGE = re.compile(r"^[A-Za-z0-9_-]{43,128}$")


def oauth_failure(internal, fill=None):
    status, error, description = OAUTH_ERRORS[internal]
    if fill is not None:
        description = description.replace("[en]", "[%s]" % fill)
    return OAuthFailure(status, error, description)


class ProbeMixin:
    """The app's own endpoints that `orgwiz verify` probes. They take no Management credential:
    an `SSWS` or `Bearer` Authorization header sent to them is a violation."""

    def management_credential_check(self, ctx, entry):
        h = (ctx["headers"].get("authorization") or "").strip()
        scheme = h.partition(" ")[0]
        if scheme.lower() in ("ssws", "bearer"):
            entry["violations"].append("%s %s: a Management API credential (%s) was sent to an endpoint of the app "
                                       "itself, which takes none" % (ctx["method"], ctx["path"], scheme))

    def _interact_form(self, ctx, entry):
        ctype = ctx["headers"].get("content-type") or ""
        if not ctype.startswith("application/x-www-form-urlencoded"):
            entry["violations"].append("body: Content-Type %r is not application/x-www-form-urlencoded" % ctype)
        for field in ("client_secret", "client_assertion"):
            if field in ctx["query"]:
                entry["violations"].append("query: %s in the query string" % field)
                raise oauth_failure("client_credentials_in_query")
        pairs = urllib.parse.parse_qsl((ctx["raw"] or b"").decode("utf-8", "replace"), keep_blank_values=True)
        form = {}
        for k, v in pairs:
            if k in form:
                entry["violations"].append("body: the field %s is given twice" % k)
            if k not in INTERACT_FIELDS:
                entry["violations"].append("body: %s is not a field of /v1/interact" % k)
            form[k] = v
        return form

    def _client_app(self, client_id):
        for a in self.state.apps.values():
            oc = (a.get("credentials") or {}).get("oauthClient") or {}
            if a.get("signOnMode") == "OPENID_CONNECT" and client_id and oc.get("client_id") == client_id:
                return a
        return None

    def _client_secret(self, ctx, form):
        basic = None
        h = (ctx["headers"].get("authorization") or "").strip()
        if h.partition(" ")[0].lower() == "basic":
            try:
                basic = base64.b64decode(h.partition(" ")[2]).decode().partition(":")[2]
            except Exception:
                basic = ""
        given = [s for s in (basic, form.get("client_secret")) if s is not None]
        if len(given) > 1 or (given and form.get("client_assertion")):
            raise oauth_failure("multiple_client_credentials")
        return given[0] if given else None

    def rule_for_interaction_code(self, sid, app):
        """The rule Okta would pick for this app's interaction_code request with scope openid:
        policies by priority whose clients include the app (or ALL_CLIENTS), then their rules by
        priority, both ACTIVE, as the wizard's simulate evaluates them. None: no_matching_policy."""
        ids = {app["id"], ((app.get("credentials") or {}).get("oauthClient") or {}).get("client_id")}
        order = lambda o: (o.get("priority", 0), o.get("id", ""))
        for pid, p in sorted(self.state.policies.get(sid, {}).items(), key=lambda kv: order(kv[1])):
            clients = ((p.get("conditions") or {}).get("clients") or {}).get("include") or []
            if p.get("status", "ACTIVE") != "ACTIVE" or not ("ALL_CLIENTS" in clients or ids & set(clients)):
                continue
            for r in sorted(self.state.rules.get((sid, pid), {}).values(), key=order):
                cond = r.get("conditions") or {}
                grants = (cond.get("grantTypes") or {}).get("include") or []
                scopes = (cond.get("scopes") or {}).get("include") or []
                if r.get("status", "ACTIVE") == "ACTIVE" and "interaction_code" in grants and \
                        ("*" in scopes or "openid" in scopes):
                    return (pid, r["id"])
        return None

    def interact(self, ctx, entry):
        form = self._interact_form(ctx, entry)
        sid = ctx["params"].get("authServerId")
        if sid is not None:
            server = self.state.servers.get(sid)
            if server is None or server.get("status") != "ACTIVE":
                raise oauth_failure("invalid_authorization_server")
        app = self._client_app(form.get("client_id"))
        if app is None or app.get("status") != "ACTIVE":
            raise oauth_failure("invalid_client_id")
        if self.state.engine == "classic" or not self.state.interaction_code:
            raise oauth_failure("oie_not_enabled_for_interact")
        oc = app["credentials"]["oauthClient"]
        secret = self._client_secret(ctx, form)
        if oc.get("token_endpoint_auth_method") in SECRET_AUTH_METHODS:
            # The catalogue has no text of its own for a wrong secret: Okta's invalid_client
            # with the text of a missing one stands for both.
            if secret is None or not secrets.compare_digest(secret, oc.get("client_secret") or ""):
                raise oauth_failure("missing_client_credentials")
        settings = (app.get("settings") or {}).get("oauthClient") or {}
        grants = settings.get("grant_types") or []
        if "interaction_code" not in grants:
            raise oauth_failure("unauthorized_client", ", ".join(grants))
        if not form.get("redirect_uri"):
            raise oauth_failure("missing_redirect_uri")
        if form["redirect_uri"] not in (settings.get("redirect_uris") or []):
            raise oauth_failure("invalid_redirect_uri")
        if not form.get("code_challenge"):
            raise oauth_failure("pkce_challenge_required")
        if form.get("code_challenge_method") != "S256":
            raise oauth_failure("pkce_unsupported_code_challenge_method", "S256")
        if not PKCE_CHALLENGE.match(form["code_challenge"]):
            raise oauth_failure("pkce_invalid_challenge")
        scopes = (form.get("scope") or "").split()
        if not scopes:
            raise oauth_failure("missing_scopes")
        if "openid" not in scopes:
            raise oauth_failure("openid_scope_required")
        if not form.get("state"):
            entry["notes"].append("no state was sent")
        policy_ok = True
        if sid is not None:
            picked = self.rule_for_interaction_code(sid, app)
            policy_ok = picked is not None
            if picked:
                entry["notes"].append("the rule that lets this app use interaction_code: %s/%s" % picked)
            elif self.state.no_matching_policy_at == "interact":
                raise oauth_failure("no_matching_policy")
        handle = secrets.token_urlsafe(24)
        self.handles[handle] = {"app": app["id"], "server": sid, "policyOk": policy_ok,
                                "expires": time.time() + 600}
        self.probes.append({"handle": handle, "state": form.get("state"), "codeChallenge": form["code_challenge"],
                            "clientId": form.get("client_id"), "server": sid,
                            "clientSecretSent": secret is not None})
        return 200, {"interaction_handle": handle}, []

    def introspect(self, ctx, entry):
        for header in ("content-type", "accept"):
            value = (ctx["headers"].get(header) or "").replace(" ", "")
            if value != ION.replace(" ", ""):
                entry["violations"].append("header %s is %r, not %r" % (header, ctx["headers"].get(header), ION))
        try:
            body = json.loads(ctx["raw"] or b"null")
        except ValueError:
            body = None
        if not isinstance(body, dict) or set(body) != {"interactionHandle"} or \
                not isinstance(body["interactionHandle"], str):
            entry["violations"].append('body: not {"interactionHandle": "..."}')
            raise oauth_failure("invalid_interaction_code")
        probe = self.handles.get(body["interactionHandle"])
        if probe is None or probe["expires"] < time.time():
            raise oauth_failure("invalid_interaction_code")
        ion = [("Content-Type", ION)]
        if not probe["policyOk"]:
            _, _, text = OAUTH_ERRORS["no_matching_policy"]
            return 401, {"version": "1.0.0", "messages": {"type": "array", "value": [
                {"message": text, "i18n": {"key": "idx.error.code.no_matching_policy"}, "class": "ERROR"}]}}, ion
        app = self.state.apps[probe["app"]]
        state_handle = "02" + secrets.token_urlsafe(30)
        self.probes[-1]["stateHandle"] = state_handle
        return 200, {
            "version": "1.0.0", "stateHandle": state_handle, "intent": "LOGIN",
            "expiresAt": dt.datetime.fromtimestamp(probe["expires"], dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            "remediation": {"type": "array", "value": [{
                "rel": ["create-form"], "name": "identify", "href": self.opts.base_url + "/idp/idx/identify",
                "method": "POST", "produces": ION, "accepts": "application/json; okta-version=1.0.0",
                "value": [{"name": "identifier", "label": "Username"},
                          {"name": "stateHandle", "required": True, "value": state_handle, "visible": False,
                           "mutable": False}]}]},
            "app": {"type": "object", "value": {"name": app.get("name"), "label": app.get("label"), "id": app["id"]}},
        }, ion


# ---------------------------------------------------------------------------------------------
# Routes: (method, spec path template, handler name, rate-limit bucket)

ROUTES = [
    ("GET", "/.well-known/okta-organization", "well_known", "wellknown"),
    ("GET", "/api/v1/org", "get_org", "general"),
    ("GET", "/api/v1/authorizationServers", "list_servers", "general"),
    ("GET", "/api/v1/authorizationServers/{authServerId}", "get_server", "general"),
    ("GET", "/api/v1/authorizationServers/{authServerId}/policies", "list_policies", "general"),
    ("GET", "/api/v1/authorizationServers/{authServerId}/policies/{policyId}", "get_policy", "general"),
    ("GET", "/api/v1/authorizationServers/{authServerId}/policies/{policyId}/rules", "list_rules", "general"),
    ("GET", "/api/v1/authorizationServers/{authServerId}/policies/{policyId}/rules/{ruleId}", "get_rule", "general"),
    ("PUT", "/api/v1/authorizationServers/{authServerId}/policies/{policyId}/rules/{ruleId}", "put_rule", "general"),
    ("GET", "/api/v1/authorizationServers/{authServerId}/scopes", "list_scopes", "general"),
    ("GET", "/api/v1/apps", "list_apps", "apps"),
    ("GET", "/api/v1/apps/{appId}", "get_app", "apps"),
    ("PUT", "/api/v1/apps/{appId}", "put_app", "apps"),
    ("GET", "/api/v1/apps/{appId}/groups", "list_app_groups", "apps"),
    ("GET", "/api/v1/trustedOrigins", "list_trusted_origins", "general"),
    ("GET", "/api/v1/iam/assignees/users", "list_assignees", "general"),
    ("GET", "/api/v1/users", "list_users", "users"),
    ("GET", "/api/v1/users/{id}", "get_user", "users"),
    ("GET", "/api/v1/users/{userId}/roles", "list_roles", "general"),
    ("GET", "/api/v1/groups", "list_groups", "general"),
    ("GET", "/api/v1/groups/{groupId}", "get_group", "general"),
    ("POST", "/oauth2/v1/token", "token", "token"),
    ("POST", "/oauth2/v1/interact", "interact", "token"),
    ("POST", "/oauth2/{authServerId}/v1/interact", "interact", "token"),
    ("POST", "/idp/idx/introspect", "introspect", "token"),
]


def template_regex(t):
    return re.compile("^" + re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(t)) + "$")


COMPILED = [(m, t, template_regex(t), h, b) for (m, t, h, b) in ROUTES]


class Router:
    def __init__(self, spec):
        self.spec_paths = [(t, template_regex(t)) for t in spec.get("paths", {})]
        # Literal segments win over templates, as in openapi-core's path finder.
        self.spec_paths.sort(key=lambda tr: tr[0].count("{"))

    def find(self, method, path):
        """-> (route or None, spec template or None, path params)."""
        for m, t, rx, h, b in COMPILED:
            mt = rx.match(path)
            if mt and m == method:
                return (m, t, h, b), t, {k: urllib.parse.unquote(v) for k, v in mt.groupdict().items()}
        for t, rx in self.spec_paths:
            mt = rx.match(path)
            if mt:
                return None, t, {}
        return None, None, {}


# ---------------------------------------------------------------------------------------------
# The server

class Fake(ProbeMixin):
    def __init__(self, opts, model, checker, oauth_checker):
        self.opts = opts
        self.initial_model = copy.deepcopy(model)
        self.checker = checker
        self.oauth_checker = oauth_checker
        self.router = Router(checker.spec)
        self.state = State(model, opts)
        self.log_lock = threading.Lock()
        self.requests = []
        self.seq = 0
        self.faults = []
        self.fault_seq = 0
        self.access_tokens = {}
        self.handles = {}
        self.probes = []
        self.jtis = set()
        self.buckets = {}
        self.last_activity = time.time()
        self.started = time.time()
        self.public_key = load_public_key(opts.public_key) if opts.public_key else None
        self.sswstokens = {}
        for t in opts.token or []:
            tok, _, uid = t.partition("@")
            self.sswstokens[tok] = uid or None
        self.all_scopes = sorted(checker.spec.get("components", {}).get("securitySchemes", {})
                                 .get("oauth2", {}).get("flows", {}).get("authorizationCode", {}).get("scopes", {}))
        self.client_scopes = set(opts.client_scopes.split()) if opts.client_scopes else set(self.all_scopes)

    def reset(self, model=None):
        with self.state.lock:
            if model is not None:
                self.initial_model = copy.deepcopy(model)
            self.state.load(copy.deepcopy(self.initial_model))
        with self.log_lock:
            self.requests = []
            self.faults = []
            self.buckets = {}
            self.jtis = set()
            self.handles = {}
            self.probes = []

    def default_user(self):
        for uid, roles in self.state.roles.items():
            if any(r["type"] == "SUPER_ADMIN" for r in roles):
                return uid
        return next(iter(self.state.users), None)

    # -- rate limits -----------------------------------------------------------------------
    def rate(self, bucket):
        """-> (limit, remaining, reset epoch, exceeded)."""
        limit = (self.opts.rate_limits or {}).get(bucket, self.opts.rate_limit)
        now = time.time()
        with self.log_lock:
            b = self.buckets.get(bucket)
            if b is None or now >= b["reset"]:
                b = {"reset": int(now) + 60, "used": 0}
                self.buckets[bucket] = b
            b["used"] += 1
            exceeded = limit > 0 and b["used"] > limit
            return (limit or 600), max(0, (limit or 600) - b["used"]), b["reset"], exceeded

    # -- faults ----------------------------------------------------------------------------
    def take_fault(self, method, path):
        with self.log_lock:
            for f in self.faults:
                if f["remaining"] == 0:
                    continue
                if f.get("method") and not re.fullmatch(f["method"], method, re.I):
                    continue
                if f.get("path") and not re.search(f["path"], path):
                    continue
                if f.get("skip", 0) > 0:
                    f["skip"] -= 1
                    continue
                if f["remaining"] > 0:
                    f["remaining"] -= 1
                f["hits"] += 1
                return dict(f)
        return None

    @staticmethod
    def _check_tamper(spec):
        """A tamper fault carries the request out and then changes the answer's body: `set` (dotted
        keys to values), `unset` (dotted keys), `replace` (the whole body), or `from` (the body of a
        GET of another path, as this principal would get it)."""
        if spec.get("status") is not None:
            raise ValueError("a tamper fault changes a served answer; it takes no status")
        given = [k for k in ("set", "unset", "replace", "from") if k in spec]
        if not given:
            raise ValueError("a tamper fault needs set, unset, replace or from")
        if "set" in spec and not isinstance(spec["set"], dict):
            raise ValueError("tamper set is an object of dotted keys to values")
        if "unset" in spec and not (isinstance(spec["unset"], list)
                                    and all(isinstance(k, str) for k in spec["unset"])):
            raise ValueError("tamper unset is a list of dotted keys")
        if "from" in spec and not (isinstance(spec["from"], str) and spec["from"].startswith("/")):
            raise ValueError("tamper from is a path on the fake, such as /api/v1/apps/0oa2")

    def add_fault(self, spec):
        if not isinstance(spec, dict):
            raise ValueError("a fault is a JSON object")
        headers, own = self.check_hostile_fault(spec)  # headers, trickle, endless: see below
        if own:
            return self.store_hostile_fault(spec, headers)
        status = spec.get("status")
        kind = spec.get("kind")
        if status is None and kind is None and not spec.get("delay"):
            raise ValueError("a fault needs status, kind (close, validation, lost, redirect, chunked, "
                             "tamper, echo) or delay")
        if kind not in (None, "close", "validation", "lost", "redirect", "chunked", "tamper", "echo", "oauth"):
            raise ValueError("kind must be close, validation, lost, redirect, chunked, tamper, echo or oauth")
        if kind == "oauth":
            if spec.get("internal") not in OAUTH_ERRORS or status is not None:
                raise ValueError("an oauth fault names an internal error of the catalogue (one of %s) and no status"
                                 % ", ".join(sorted(OAUTH_ERRORS)))
        if kind == "tamper":
            self._check_tamper(spec)
        if kind == "echo":
            status = 400 if status is None else status
            if not isinstance(spec.get("errorSummary"), str) or "{" not in spec["errorSummary"]:
                raise ValueError("an echo fault needs an errorSummary with {credential} or {assertion}")
        if kind == "redirect":
            status = 302 if status is None else status
            if int(status) not in (301, 302, 303, 307, 308):
                raise ValueError("a redirect's status must be one of 301 302 303 307 308")
            if not isinstance(spec.get("location"), str) or not spec["location"]:
                raise ValueError("a redirect needs a location (an absolute or relative URL)")
        elif kind == "chunked":
            if status is not None or not isinstance(spec.get("bytes"), int) or spec["bytes"] < 2:
                raise ValueError("a chunked fault needs bytes (at least 2) and no status")
        elif status is not None and int(status) not in (400, 401, 403, 404, 429, 500, 502, 503, 504):
            raise ValueError("status must be one of 400 401 403 404 429 500 502 503 504")
        for k in ("method", "path"):
            if spec.get(k):
                re.compile(spec[k])
        with self.log_lock:
            self.fault_seq += 1
            f = {"id": self.fault_seq, "method": spec.get("method"), "path": spec.get("path"),
                 "status": int(status) if status is not None else (400 if kind == "validation" else None),
                 "kind": kind, "remaining": int(spec.get("count", 1)), "hits": 0,
                 "skip": int(spec.get("skip", 0)),
                 "delay": float(spec.get("delay", 0) or 0), "reset": int(spec.get("reset", 2)),
                 "errorSummary": spec.get("errorSummary"), "errorCauses": spec.get("errorCauses"),
                 "location": spec.get("location"), "bytes": spec.get("bytes"),
                 "internal": spec.get("internal"), "fill": spec.get("fill"),
                 "tamper": {k: spec.get(k) for k in ("set", "unset", "replace", "from") if k in spec}}
            f["headers"] = headers
            self.faults.append(f)
            return f

    # -- hostile faults: headers, trickle, endless ------------------------------------------
    # A fault's `headers` member sets or overrides response headers (any fault); `trickle`
    # sends a body slowly; `endless` pages forever. See README "Hostile faults".
    MAX_TRICKLE_SECONDS = 600
    MAX_ENDLESS_BYTES = 64 << 20

    def check_hostile_fault(self, spec):
        """-> (headers or None, whether this block stores the fault itself)."""
        headers = spec.get("headers")
        if headers is not None:
            if not isinstance(headers, dict) or not headers:
                raise ValueError("headers must be a non-empty object of header names to strings")
            for k, v in headers.items():
                if not re.fullmatch(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+", k):
                    raise ValueError("header name %r is not an HTTP token" % k)
                if not isinstance(v, str) or "\r" in v or "\n" in v:
                    raise ValueError("header %s: the value must be a string without CR or LF" % k)
                try:
                    v.encode("latin-1")
                except UnicodeEncodeError:
                    raise ValueError("header %s: the value must be Latin-1 text" % k)
        kind = spec.get("kind")
        if kind == "trickle":
            size, rate = spec.get("bytes"), spec.get("rate")
            if spec.get("status") is not None or not isinstance(size, int) or size < 2:
                raise ValueError("a trickle fault needs bytes (at least 2) and no status")
            if not isinstance(rate, (int, float)) or isinstance(rate, bool) or rate <= 0:
                raise ValueError("a trickle fault needs rate, bytes a second (more than 0)")
            if size / rate > self.MAX_TRICKLE_SECONDS:
                raise ValueError("a trickle fault may last at most %d s (bytes / rate)" % self.MAX_TRICKLE_SECONDS)
            return headers, True
        if kind == "endless":
            size = spec.get("bytes")
            if spec.get("status") is not None or not isinstance(size, int) or not 2 <= size <= self.MAX_ENDLESS_BYTES:
                raise ValueError("an endless fault needs bytes (2 to %d) and no status" % self.MAX_ENDLESS_BYTES)
            return headers, True
        if headers is not None and spec.get("status") is None and kind is None and not spec.get("delay"):
            return headers, True  # only headers: the request is served normally, with them
        return headers, False

    def store_hostile_fault(self, spec, headers):
        for k in ("method", "path"):
            if spec.get(k):
                re.compile(spec[k])
        with self.log_lock:
            self.fault_seq += 1
            f = {"id": self.fault_seq, "method": spec.get("method"), "path": spec.get("path"),
                 "status": None, "kind": spec.get("kind"), "remaining": int(spec.get("count", 1)),
                 "hits": 0, "skip": int(spec.get("skip", 0)), "delay": float(spec.get("delay", 0) or 0),
                 "reset": 2, "errorSummary": None, "errorCauses": None, "location": None,
                 "bytes": spec.get("bytes"), "rate": spec.get("rate"), "headers": headers}
            self.faults.append(f)
            return f

    # -- auth ------------------------------------------------------------------------------
    def authenticate(self, headers):
        h = headers.get("authorization")
        if not h:
            raise OktaError(401)
        scheme, _, cred = h.strip().partition(" ")
        cred = cred.strip()
        if scheme == "SSWS" and cred in self.sswstokens:
            uid = self.sswstokens[cred] or self.default_user()
            return {"kind": "SSWS", "user": uid}
        if scheme == "Bearer":
            t = self.access_tokens.get(cred)
            if t and t["exp"] > time.time():
                return {"kind": "Bearer", "client": t["client"], "scopes": t["scopes"], "user": None}
        raise OktaError(401)

    def authorize(self, principal, op, template, method):
        sec = (op or {}).get("security")
        if sec == []:
            return
        if principal["kind"] == "Bearer":
            needed = []
            for req in sec or []:
                needed.extend(req.get("oauth2", []))
            have = principal["scopes"]
            ok = any(s in have or s.replace(".read", ".manage") in have for s in needed)
            if needed and not ok:
                raise OktaError(403, headers={"WWW-Authenticate": 'Bearer realm="IdpMyAccountAPI", error="insufficient_scope", '
                                              'error_description="The access token provided does not contain the required scopes.", '
                                              'resource="%s", scope="%s"' % (template, " ".join(needed))})
            return
        uid = principal["user"]
        roles = {r["type"] for r in self.state.roles.get(uid, []) if r.get("status", "ACTIVE") == "ACTIVE"}
        if not roles:
            raise OktaError(403)
        if method != "GET":
            area = "apps" if template.startswith("/api/v1/apps") else "authorizationServers"
            if not roles & WRITE_ROLES[area]:
                raise OktaError(403, causes=["needs one of the admin roles: " + ", ".join(sorted(WRITE_ROLES[area]))])

    # -- paging helpers --------------------------------------------------------------------
    def page(self, items, query, default_limit):
        """items: list of (cursor, obj). -> (page objs, next cursor or None)."""
        limit = default_limit
        if "limit" in query:
            try:
                limit = int(query["limit"][0])
            except ValueError:
                raise OktaError(400, "limit")
        if limit is None or limit <= 0:
            limit = len(items) or 1
        if self.opts.page_size:
            limit = min(limit, self.opts.page_size)
        start = 0
        after = query.get("after", [None])[0]
        if after:
            for i, (cur, _) in enumerate(items):
                if cur == after:
                    start = i + 1
                    break
            else:
                start = len(items)
        chunk = items[start:start + limit]
        nxt = chunk[-1][0] if chunk and start + limit < len(items) else None
        return [o for _, o in chunk], nxt

    def page_url(self, path, query, after):
        q = [(k, v) for k, vs in query.items() for v in vs if k != "after"]
        if after is not None:
            q.append(("after", after))
        return self.opts.base_url + path + ("?" + urllib.parse.urlencode(q) if q else "")

    def link_headers(self, path, query, nxt):
        hs = [("Link", '<%s>; rel="self"' % self.page_url(path, query, query.get("after", [None])[0]))]
        if nxt is not None:
            hs.append(("Link", '<%s>; rel="next"' % self.page_url(path, query, nxt)))
        return hs

    # -- handlers: each returns (status, body, extra headers) ---------------------------------
    def well_known(self, ctx):
        o = self.state.org_model
        return 200, {"id": o.get("id", "00o1fake"), "pipeline": "v1" if self.state.engine == "classic" else "idx",
                     "_links": {"organization": {"href": self.opts.base_url}}}, []

    def get_org(self, ctx):
        return 200, self.state.org_setting(), []

    def _server(self, sid):
        s = self.state.servers.get(sid)
        if s is None:
            raise OktaError(404, "Resource not found: %s (AuthorizationServer)" % sid)
        return s

    def _policy(self, sid, pid):
        self._server(sid)
        p = self.state.policies[sid].get(pid)
        if p is None:
            raise OktaError(404, "Resource not found: %s (Policy)" % pid)
        return p

    def _rule(self, sid, pid, rid):
        self._policy(sid, pid)
        r = self.state.rules[(sid, pid)].get(rid)
        if r is None:
            raise OktaError(404, "Resource not found: %s (PolicyRule)" % rid)
        return r

    def list_servers(self, ctx):
        q = ctx["query"]
        items = list(self.state.servers.values())
        if "q" in q:
            term = q["q"][0].lower()
            items = [s for s in items if term in s.get("name", "").lower() or any(term in a.lower() for a in s.get("audiences", []))]
        objs, nxt = self.page([(s["id"], s) for s in items], q, 200)
        return 200, copy.deepcopy(objs), self.link_headers(ctx["path"], q, nxt)

    def get_server(self, ctx):
        return 200, copy.deepcopy(self._server(ctx["params"]["authServerId"])), []

    def list_policies(self, ctx):
        sid = ctx["params"]["authServerId"]
        self._server(sid)
        return 200, [copy.deepcopy(p) for p in self.state.policies[sid].values()], []

    def get_policy(self, ctx):
        p = ctx["params"]
        return 200, copy.deepcopy(self._policy(p["authServerId"], p["policyId"])), []

    def list_rules(self, ctx):
        p = ctx["params"]
        self._policy(p["authServerId"], p["policyId"])
        return 200, [copy.deepcopy(r) for r in self.state.rules[(p["authServerId"], p["policyId"])].values()], []

    def get_rule(self, ctx):
        p = ctx["params"]
        return 200, copy.deepcopy(self._rule(p["authServerId"], p["policyId"], p["ruleId"])), []

    def _check_interaction_code(self, grants, where):
        if "interaction_code" not in (grants or []):
            return
        if self.state.engine == "classic":
            raise OktaError(400, where, causes=["%s: The 'interaction_code' grant type is only available on Identity Engine orgs." % where])
        if not self.state.interaction_code:
            # Okta does not publish this text; the fake names the grant and stops there (the
            # hint to turn the setting on is orgwiz's to give, okta-api.md apply step 4).
            raise OktaError(400, where, causes=["%s: 'interaction_code' is not enabled for this org." % where])

    def put_rule(self, ctx):
        p = ctx["params"]
        sid, pid, rid = p["authServerId"], p["policyId"], p["ruleId"]
        old = self._rule(sid, pid, rid)
        body = ctx["json"]
        cond = body.get("conditions") or {}
        grants = (cond.get("grantTypes") or {}).get("include") or []
        if not grants:
            raise OktaError(400, "conditions.grantTypes", causes=["conditions.grantTypes.include: The rule must include at least one grant type."])
        known = set(self.checker.spec.get("components", {}).get("schemas", {}).get("GrantType", {}).get("enum", []))
        unknown = [g for g in grants if known and g not in known]
        if unknown:   # the spec leaves rule grant types a plain string (GrantTypePolicyRuleCondition); Okta does not
            raise OktaError(400, "conditions.grantTypes.include", causes=["conditions.grantTypes.include: %s is not a valid grant type." % g for g in unknown])
        if not (cond.get("scopes") or {}).get("include"):
            raise OktaError(400, "conditions.scopes", causes=["conditions.scopes.include: The rule must include at least one scope."])
        if set(grants) & PEOPLE_GRANTS and not cond.get("people"):
            raise OktaError(400, "conditions.people", causes=["conditions.people: The 'people' condition is required when grant types "
                                                              "include authorization_code, implicit or password."])
        self._check_interaction_code(grants, "conditions.grantTypes.include")
        people = cond.get("people") or {}
        for k in ("include", "exclude"):
            for gid in (people.get("groups") or {}).get(k) or []:
                if gid != "EVERYONE" and gid not in self.state.groups:
                    raise OktaError(400, "conditions.people.groups", causes=["conditions.people.groups.%s: Group %s does not exist." % (k, gid)])
        life = ((body.get("actions") or {}).get("token") or {}).get("accessTokenLifetimeMinutes")
        if life is not None and not (5 <= life <= 1440):
            raise OktaError(400, "actions.token.accessTokenLifetimeMinutes",
                            causes=["actions.token.accessTokenLifetimeMinutes: must be between 5 and 1440."])
        new = copy.deepcopy(body)
        new["id"] = old["id"]
        new["created"] = old["created"]
        new["lastUpdated"] = later_iso(old["lastUpdated"])
        new["status"] = old.get("status", "ACTIVE")   # status changes go through lifecycle/ endpoints
        new["system"] = old.get("system", False)
        new["_links"] = self.state._rule_links(sid, pid, new)
        self.state.rules[(sid, pid)][rid] = new
        return 200, copy.deepcopy(new), []

    def list_scopes(self, ctx):
        sid = ctx["params"]["authServerId"]
        self._server(sid)
        q = ctx["query"]
        items = self.state.scopes[sid]
        if "q" in q:
            items = [s for s in items if q["q"][0].lower() in s["name"].lower()]
        objs, nxt = self.page([(s["id"], s) for s in items], q, 200)
        return 200, copy.deepcopy(objs), self.link_headers(ctx["path"], q, nxt)

    FILTER_CLAUSE = re.compile(r'^\s*([\w.]+)\s+eq\s+(?:"([^"]*)"|(true|false))\s*$')
    FILTER_FIELDS = {"id", "status", "name", "credentials.signing.kid", "settings.slo.enabled"}

    def _app_filter(self, expr):
        clauses = []
        for part in re.split(r"\s+and\s+", expr.strip()):
            m = self.FILTER_CLAUSE.match(part)
            if not m or m.group(1) not in self.FILTER_FIELDS:
                raise OktaError(400, summary="Invalid search criteria.", code="E0000031",
                                causes=["filter: unsupported expression %r (supported: <field> eq \"value\" [and ...] "
                                        "on id, status, name, credentials.signing.kid, settings.slo.enabled)" % part])
            val = m.group(2) if m.group(2) is not None else (m.group(3) == "true")
            clauses.append((m.group(1), val))

        def get(o, dotted):
            for k in dotted.split("."):
                o = o.get(k) if isinstance(o, dict) else None
            return o
        return lambda a: all(get(a, f) == v for f, v in clauses)

    def list_apps(self, ctx):
        q = ctx["query"]
        items = list(self.state.apps.values())
        if "filter" in q:
            pred = self._app_filter(q["filter"][0])
            items = [a for a in items if pred(a)]
        if "q" in q:
            term = q["q"][0].lower()
            items = [a for a in items if a.get("name", "").lower().startswith(term) or a.get("label", "").lower().startswith(term)]
        if q.get("includeNonDeleted", ["false"])[0] != "true":
            items = [a for a in items if a.get("status") != "DELETED"]
        objs, nxt = self.page([(a["id"], a) for a in items], q, None)
        return 200, [self.state.served_app(a) for a in objs], self.link_headers(ctx["path"], q, nxt)

    def _app(self, aid):
        a = self.state.apps.get(aid)
        if a is None:
            raise OktaError(404, "Resource not found: %s (AppInstance)" % aid)
        return a

    def get_app(self, ctx):
        return 200, self.state.served_app(self._app(ctx["params"]["appId"])), []

    def put_app(self, ctx):
        aid = ctx["params"]["appId"]
        old = self._app(aid)
        body = ctx["json"]
        if body.get("signOnMode") != old.get("signOnMode"):
            raise OktaError(400, "signOnMode", causes=["signOnMode: The sign-on mode of an app cannot be changed (was %s)." % old.get("signOnMode")])
        new = copy.deepcopy(body)
        for k in ("id", "name", "status", "created", "orn", "features"):   # system-assigned: Okta ignores the body's
            if k in old:
                new[k] = copy.deepcopy(old[k])
        new["lastUpdated"] = later_iso(old["lastUpdated"])
        new.setdefault("settings", {})
        new["settings"]["emOptInStatus"] = old.get("settings", {}).get("emOptInStatus", "NONE")
        if old.get("signOnMode") == "OPENID_CONNECT":
            oc_old = old["credentials"]["oauthClient"]
            oc = new.setdefault("credentials", {}).setdefault("oauthClient", {})
            if "client_id" in oc and oc["client_id"] != oc_old.get("client_id"):
                raise OktaError(400, "client_id", causes=["credentials.oauthClient.client_id: client_id cannot be changed."])
            oc["client_id"] = oc_old.get("client_id", aid)
            method = oc.get("token_endpoint_auth_method", oc_old.get("token_endpoint_auth_method"))
            oc["token_endpoint_auth_method"] = method
            if method in SECRET_AUTH_METHODS:
                if "client_secret" not in oc:
                    if method == oc_old.get("token_endpoint_auth_method") and oc_old.get("client_secret"):
                        oc["client_secret"] = oc_old["client_secret"]
                    else:
                        oc["client_secret"] = secrets.token_urlsafe(30)   # Okta generates a new secret
            else:
                oc.pop("client_secret", None)
            so = (new.get("settings") or {}).get("oauthClient") or {}
            grants = so.get("grant_types") or []
            app_type = so.get("application_type")
            if app_type == "service" and set(grants) - {"client_credentials", "urn:ietf:params:oauth:grant-type:token-exchange",
                                                          "urn:ietf:params:oauth:grant-type:jwt-bearer"}:
                raise OktaError(400, "grant_types", causes=["settings.oauthClient.grant_types: A service application may only use "
                                                            "client_credentials (got %s)." % ", ".join(grants)])
            self._check_interaction_code(grants, "settings.oauthClient.grant_types")
            if set(grants) & {"authorization_code", "implicit"} and not so.get("redirect_uris"):
                raise OktaError(400, "redirect_uris", causes=["settings.oauthClient.redirect_uris: A redirect URI is required for "
                                                              "authorization_code and implicit."])
            if "refresh_token" in grants and not set(grants) & {"authorization_code", "password", "interaction_code",
                                                                 "urn:ietf:params:oauth:grant-type:device_code",
                                                                 "urn:ietf:params:oauth:grant-type:token-exchange"}:
                raise OktaError(400, "grant_types", causes=["settings.oauthClient.grant_types: refresh_token needs another grant type "
                                                            "that issues refresh tokens."])
        new.pop("_links", None)
        new.pop("_embedded", None)
        new = self.state._app_defaults(new)
        self.state.apps[aid] = new
        return 200, copy.deepcopy(new), []   # the secret is returned on update, as Okta does

    def list_assignees(self, ctx):
        q = ctx["query"]
        org_id = self.state.org_model.get("id", "00o1fake")
        items = []
        for uid, roles in self.state.roles.items():
            if roles:
                items.append((uid, {"id": uid, "orn": "orn:okta:directory:%s:users:%s" % (org_id, uid),
                                    "_links": {"self": self.state.link("/api/v1/users/" + uid),
                                               "roles": self.state.link("/api/v1/users/%s/roles" % uid)}}))
        objs, nxt = self.page(items, q, 100)
        links = {}
        if nxt is not None:
            links["next"] = {"href": self.page_url(ctx["path"], q, nxt)}
        return 200, {"value": copy.deepcopy(objs), "_links": links}, []

    def get_user(self, ctx):
        uid = ctx["params"]["id"]
        if uid == "me":
            uid = ctx["principal"].get("user")
            if not uid:
                raise OktaError(404, "Resource not found: me (User)")
        u = self.state.users.get(uid)
        if u is None:
            u = next((x for x in self.state.users.values() if x["profile"]["login"].lower() == uid.lower()), None)
        if u is None:
            raise OktaError(404, "Resource not found: %s (User)" % uid)
        return 200, copy.deepcopy(u), [("ETag", 'W/"%s"' % hashlib.sha1(u["lastUpdated"].encode()).hexdigest()[:16])]

    USER_SEARCH_CLAUSE = re.compile(r'^\s*(id|profile\.login|status)\s+eq\s+"((?:[^"\\]|\\.)*)"\s*$')

    def list_users(self, ctx):
        """`search` (or `filter`) with `FIELD eq "value"` clauses joined by `or` (id, profile.login,
        status; logins compared ignoring case, as Okta does); anything else is a 400 E0000031."""
        q = ctx["query"]
        items = list(self.state.users.values())
        expr = (q.get("search") or q.get("filter") or [None])[0]
        if expr is not None:
            clauses = []
            for part in re.split(r"\s+or\s+", expr.strip()):
                m = self.USER_SEARCH_CLAUSE.match(part)
                if not m:
                    raise OktaError(400, summary="Invalid search criteria.", code="E0000031",
                                    causes=["search: the fake evaluates only id, profile.login and status eq \"value\" "
                                            "joined by or (got %r)" % part])
                clauses.append((m.group(1), re.sub(r"\\(.)", r"\1", m.group(2))))

            def matches(u, field, v):
                if field == "profile.login":
                    return (u.get("profile") or {}).get("login", "").lower() == v.lower()
                return u.get(field) == v
            items = [u for u in items if any(matches(u, f, v) for f, v in clauses)]
        objs, nxt = self.page([(u["id"], u) for u in items], q, 200)
        return 200, copy.deepcopy(objs), self.link_headers(ctx["path"], q, nxt)

    def list_roles(self, ctx):
        uid = ctx["params"]["userId"]
        if uid not in self.state.users:
            raise OktaError(404, "Resource not found: %s (User)" % uid)
        return 200, copy.deepcopy(self.state.roles.get(uid, [])), []

    def list_app_groups(self, ctx):
        q = ctx["query"]
        aid = ctx["params"]["appId"]
        self._app(aid)
        items = self.state.app_groups.get(aid, [])
        if "q" in q:
            term = q["q"][0].lower()
            items = [x for x in items if (self.state.groups.get(x["id"], {}).get("profile") or {}).get("name", "").lower().startswith(term)]
        objs, nxt = self.page([(x["id"], x) for x in items], q, 20)
        out = copy.deepcopy(objs)
        if q.get("expand", [None])[0] == "group":
            for x in out:
                g = self.state.groups.get(x["id"]) or self.state._group({"id": x["id"], "profile": {"name": x["id"]}})
                x["_embedded"] = {"group": copy.deepcopy(g)}
        return 200, out, self.link_headers(ctx["path"], q, nxt)

    def list_trusted_origins(self, ctx):
        q = ctx["query"]
        items = self.state.trusted_origins
        if "filter" in q:
            raise OktaError(400, summary="Invalid search criteria.", code="E0000031",
                            causes=["filter: the fake does not evaluate trusted origin filters"])
        if "q" in q:
            term = q["q"][0].lower()
            items = [t for t in items if t.get("name", "").lower().startswith(term) or t.get("origin", "").lower().startswith(term)]
        objs, nxt = self.page([(t["id"], t) for t in items], q, 20)
        return 200, copy.deepcopy(objs), self.link_headers(ctx["path"], q, nxt)

    GROUP_SEARCH_CLAUSE = re.compile(r'^\s*(id|type|profile\.name)\s+eq\s+"([^"]*)"\s*$')

    def list_groups(self, ctx):
        """`search` with `FIELD eq "value"` clauses joined by `or` (id, type, profile.name), or `q`
        (a name prefix); anything else in `search` is a 400 E0000031. Paged by Link header."""
        q = ctx["query"]
        items = list(self.state.groups.values())
        if "search" in q:
            clauses = []
            for part in re.split(r"\s+or\s+", q["search"][0].strip()):
                m = self.GROUP_SEARCH_CLAUSE.match(part)
                if not m:
                    raise OktaError(400, summary="Invalid search criteria.", code="E0000031",
                                    causes=["search: the fake evaluates only id, type and profile.name eq \"value\" "
                                            "joined by or (got %r)" % part])
                clauses.append((m.group(1), m.group(2)))

            def value(g, field):
                return (g.get("profile") or {}).get("name") if field == "profile.name" else g.get(field)
            items = [g for g in items if any(value(g, f) == v for f, v in clauses)]
        if "q" in q:
            term = q["q"][0].lower()
            items = [g for g in items if ((g.get("profile") or {}).get("name") or "").lower().startswith(term)]
        objs, nxt = self.page([(g["id"], g) for g in items], q, 10000)
        return 200, copy.deepcopy(objs), self.link_headers(ctx["path"], q, nxt)

    def get_group(self, ctx):
        gid = ctx["params"]["groupId"]
        g = self.state.groups.get(gid)
        if g is None:
            raise OktaError(404, "Resource not found: %s (UserGroup)" % gid)
        return 200, copy.deepcopy(g), []

    # -- the token endpoint ----------------------------------------------------------------
    def token(self, ctx):
        form = {k: v[0] for k, v in urllib.parse.parse_qs((ctx["raw"] or b"").decode("utf-8", "replace"), keep_blank_values=True).items()}
        if not (ctx["headers"].get("content-type") or "").startswith("application/x-www-form-urlencoded"):
            raise OAuthFailure(400, "invalid_request", "The request must be application/x-www-form-urlencoded.")
        if form.get("grant_type") != "client_credentials":
            raise OAuthFailure(400, "unsupported_grant_type",
                               "The authorization grant type is not supported by the authorization server. Configured grant types: [client_credentials].")
        if form.get("client_assertion_type") != JWT_BEARER or not form.get("client_assertion"):
            raise OAuthFailure(401, "invalid_client", "Client authentication failed. Either the client or the client credentials are invalid.")
        if not self.opts.client_id or self.public_key is None:
            raise OAuthFailure(401, "invalid_client", "The client_id is not known (start fake-okta with --client-id and --public-key).")
        claims = self.verify_assertion(form["client_assertion"], ctx)
        if form.get("client_id") and form["client_id"] != claims["iss"]:
            raise OAuthFailure(401, "invalid_client", "The client_id does not match the client_assertion's iss.")
        scope = form.get("scope", "").split()
        if not scope:
            raise OAuthFailure(400, "invalid_scope", "The authorization server resource does not have any configured default scopes, 'scope' must be provided.")
        unknown = [s for s in scope if s not in self.all_scopes]
        if unknown:
            raise OAuthFailure(400, "invalid_scope", "One or more scopes are not configured for the authorization server resource.")
        denied = [s for s in scope if s not in self.client_scopes]
        if denied:
            raise OAuthFailure(400, "invalid_scope", "The following scopes are not allowed: [%s]" % ", ".join(denied))
        tok = "eyJ" + secrets.token_urlsafe(48)
        self.access_tokens[tok] = {"client": claims["iss"], "scopes": set(scope), "exp": time.time() + 3600}
        return 200, {"token_type": "Bearer", "expires_in": 3600, "access_token": tok, "scope": " ".join(scope)}, []

    def token_urls(self, ctx):
        urls = {self.opts.base_url + "/oauth2/v1/token"}
        host = ctx["headers"].get("host")
        if host:
            urls.add("http://%s/oauth2/v1/token" % host)
        if self.opts.org_url:
            urls.add(self.opts.org_url.rstrip("/") + "/oauth2/v1/token")
        return urls

    def verify_assertion(self, jwt, ctx):
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import padding
        bad = lambda why: OAuthFailure(401, "invalid_client", why)
        try:
            h64, p64, s64 = jwt.split(".")
            header = json.loads(b64url_decode(h64))
            claims = json.loads(b64url_decode(p64))
            sig = b64url_decode(s64)
        except Exception:
            raise bad("The client_assertion is not a well-formed JWT.")
        if header.get("alg") != "RS256":
            raise bad("The client_assertion token has an unsupported signing algorithm: %s (expected RS256)." % header.get("alg"))
        if self.opts.key_id and header.get("kid") not in (None, self.opts.key_id):
            raise bad("The client_assertion token's kid does not match a registered key.")
        try:
            self.public_key.verify(sig, (h64 + "." + p64).encode(), padding.PKCS1v15(), hashes.SHA256())
        except InvalidSignature:
            raise bad("The client_assertion signature is invalid.")
        if claims.get("iss") != self.opts.client_id or claims.get("sub") != self.opts.client_id:
            raise bad("The client_assertion token's iss and sub must both be the client_id.")
        aud = claims.get("aud")
        auds = aud if isinstance(aud, list) else [aud]
        if not set(auds) & self.token_urls(ctx):
            raise bad("The audience [%s] in the client_assertion is not valid; it must be the token endpoint (%s)."
                      % (aud, ", ".join(sorted(self.token_urls(ctx)))))
        now = time.time()
        exp = claims.get("exp")
        if not isinstance(exp, (int, float)):
            raise bad("The client_assertion token has no exp claim.")
        if exp <= now:
            raise bad("The client_assertion token is expired.")
        if exp > now + 3600:
            raise bad("The client_assertion token has an expiration too far in the future (at most one hour).")
        iat = claims.get("iat")
        if isinstance(iat, (int, float)) and iat > now + 60:
            raise bad("The client_assertion token was issued in the future.")
        jti = claims.get("jti")
        if not jti:
            raise bad("The client_assertion token has no jti claim.")
        with self.log_lock:
            if jti in self.jtis:
                raise bad("The client_assertion token has already been used (jti replay).")
            self.jtis.add(jti)
        return claims


def load_public_key(value):
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    data = value.encode() if value.lstrip().startswith("-----BEGIN") else open(value, "rb").read()
    if b"CERTIFICATE" in data:
        return x509.load_pem_x509_certificate(data).public_key()
    if b"PRIVATE KEY" in data:
        return serialization.load_pem_private_key(data, password=None).public_key()
    return serialization.load_pem_public_key(data)


# ---------------------------------------------------------------------------------------------
# HTTP

class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def version_string(self):
        return "nginx"
    fake = None  # set by main

    def log_message(self, fmt, *args):
        if self.fake.opts.verbose:
            log("%s %s" % (self.address_string(), fmt % args))

    def do_GET(self):
        self.handle_any("GET")

    def do_PUT(self):
        self.handle_any("PUT")

    def do_POST(self):
        self.handle_any("POST")

    def do_DELETE(self):
        self.handle_any("DELETE")

    def do_PATCH(self):
        self.handle_any("PATCH")

    def read_body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            out = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    return out
                out += self.rfile.read(size)
                self.rfile.readline()
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def send(self, status, body, headers=(), content_type="application/json"):
        data = b"" if body is None else (body if isinstance(body, bytes) else json.dumps(body, indent=None).encode())
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-cache, no-store")
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def send_chunked(self, size, headers):
        """A 200 whose body (a JSON string of `size` bytes) comes in chunks, without a length."""
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Transfer-Encoding", "chunked")
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        body = b'"' + b"x" * (size - 2) + b'"'
        try:
            for start in range(0, len(body), 65536):
                piece = body[start:start + 65536]
                self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            self.wfile.write(b"0\r\n\r\n")
        except OSError:  # the client stopped reading (a size bound)
            self.close_connection = True

    # -- hostile faults: header overrides and slow or endless bodies -----------------------
    header_overrides = None

    def send_header(self, keyword, value):
        o = self.header_overrides
        if o and keyword.lower() in {k.lower() for k in o}:
            return  # replaced by the fault's value in end_headers
        super().send_header(keyword, value)

    def end_headers(self):
        o, self.header_overrides = self.header_overrides, None
        for k, v in (o or {}).items():
            super().send_header(k, v)
        if o and "content-length" in {k.lower() for k in o}:
            self.close_connection = True  # a forged length leaves the connection unusable
        super().end_headers()

    def send_hostile(self, e, headers):
        """`trickle`: a JSON string of `bytes` bytes at `rate` bytes a second. `endless`: a list
        page of about `bytes` bytes with a fresh rel="next" link. Both bounded in time."""
        f = e.fault
        if f["kind"] == "endless":
            cursor = "%d-%s" % (f["hits"], secrets.token_hex(4))
            link = "<http://%s%s?limit=200&after=%s>; rel=\"next\"" % (e.host, e.path, cursor)
            return self.send(200, endless_page(f["bytes"], cursor), list(headers) + [("Link", link)])
        size, rate = f["bytes"], float(f["rate"])
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(size))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        body = b'"' + b"x" * (size - 2) + b'"'
        piece = max(1, int(rate / 10))
        interval = piece / rate
        stop = time.time() + min(size / rate + 5, self.fake.MAX_TRICKLE_SECONDS + 5)
        sent = 0
        try:
            while sent < size and time.time() < stop:
                self.wfile.write(body[sent:sent + piece])
                self.wfile.flush()
                sent += piece
                if sent < size:
                    time.sleep(interval)
        except OSError:  # the client gave up
            pass
        if sent < size:
            self.close_connection = True

    def handle_any(self, method):
        self.header_overrides = None
        fake = self.fake
        fake.last_activity = time.time()
        started = time.time()
        url = urllib.parse.urlsplit(self.path)
        path = url.path
        query = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        raw = self.read_body()
        headers = {k.lower(): v for k, v in self.headers.items()}
        if path.startswith("/__fake/"):
            return self.control(method, path, query, raw)
        rid = request_id()
        entry = {"method": method, "path": path, "query": query, "headers": masked_headers(self.headers),
                 "body": logged_body(raw, headers.get("content-type", "")), "requestId": rid,
                 "violations": [], "notes": [], "fault": None, "clientPort": self.client_address[1]}
        out_headers = [("X-Okta-Request-Id", rid)]
        status, body = 500, None
        content_type = "application/json"
        try:
            status, body, extra = self.dispatch(method, path, query, headers, raw, entry, out_headers)
            content_type = dict(extra).get("Content-Type", content_type)
            out_headers += [(k, v) for k, v in extra if k != "Content-Type"]
        except OktaError as e:
            status, body = e.status, e.body()
            out_headers += list(e.headers.items())
        except OAuthFailure as e:
            status, body = e.status, {"error": e.error, "error_description": e.description}
        except ChunkedBody as e:
            entry["status"] = 200
            entry["durationMs"] = int((time.time() - started) * 1000)
            fake_record(fake, entry)
            return self.send_chunked(e.size, out_headers)
        except HostileBody as e:
            entry["status"] = 200
            entry["durationMs"] = int((time.time() - started) * 1000)
            fake_record(fake, entry)
            return self.send_hostile(e, out_headers)
        except CloseConnection:
            entry["status"] = None
            entry["durationMs"] = int((time.time() - started) * 1000)
            fake_record(fake, entry)
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        except Exception as e:  # a bug in the fake: say so loudly, as a 500
            log("internal error on %s %s: %r" % (method, path, e))
            import traceback
            traceback.print_exc()
            entry["notes"].append("fake-okta internal error: %r" % e)
            status, body = 500, OktaError(500).body()
        entry["status"] = status
        entry["requestIdReturned"] = rid
        entry["durationMs"] = int((time.time() - started) * 1000)
        fake_record(fake, entry)
        self.send(status, body, out_headers, content_type)

    def dispatch(self, method, path, query, headers, raw, entry, out_headers):
        fake = self.fake
        route, template, params = fake.router.find(method, path)
        bucket = route[3] if route else "general"
        limit, remaining, reset, exceeded = fake.rate(bucket)
        fault = fake.take_fault(method, path)
        if fault:
            entry["fault"] = fault["id"]
            if fault["delay"]:
                time.sleep(fault["delay"])
            if fault["kind"] == "close":
                raise CloseConnection()
            if fault["status"] == 429:
                reset = int(time.time()) + fault["reset"]
                remaining = 0
        out_headers += [("X-Rate-Limit-Limit", str(limit)), ("X-Rate-Limit-Remaining", str(remaining)),
                        ("X-Rate-Limit-Reset", str(reset))]
        if fault and fault.get("headers"):
            self.header_overrides = fault["headers"]
        if fault and fault["kind"] in ("trickle", "endless"):
            raise HostileBody(fault, self.headers.get("Host") or "127.0.0.1", path)
        if fault and fault["kind"] == "redirect":
            return fault["status"], None, [("Location", fault["location"])]
        if fault and fault["kind"] == "chunked":
            raise ChunkedBody(fault["bytes"])
        if fault and fault["kind"] == "echo":
            raise OktaError(fault["status"], summary=echoed(fault["errorSummary"], headers, raw),
                            causes=[echoed(c, headers, raw) for c in (fault.get("errorCauses") or [])])
        if fault and fault["kind"] == "oauth":
            raise oauth_failure(fault["internal"], fault.get("fill"))
        if fault and fault["status"]:
            s = fault["status"]
            if s == 400:
                causes = fault.get("errorCauses") or ["injected validation failure"]
                raise OktaError(400, "injected", causes=causes, summary=fault.get("errorSummary"))
            raise OktaError(s, "Resource not found: injected (fault)", summary=fault.get("errorSummary"))
        if exceeded:
            raise OktaError(429)
        if route is None:
            if template is None:
                entry["violations"].append("%s %s: path not in Okta's spec" % (method, path))
                raise OktaError(404, "Resource not found: %s (path)" % path)
            op = fake.checker.operation(template, method)
            if op is None:
                entry["violations"].append("%s %s: method not in Okta's spec for %s" % (method, path, template))
                raise OktaError(405)
            entry["notes"].append("fake-okta does not implement %s %s" % (method, template))
            raise OktaError(501, summary="fake-okta does not implement %s %s" % (method, template))
        _, template, handler_name, _ = route
        entry["operation"] = template
        ctx = {"method": method, "path": path, "query": query, "headers": headers, "raw": raw, "params": params,
               "principal": {}, "json": None}
        if handler_name in ("interact", "introspect"):
            fake.management_credential_check(ctx, entry)
            with fake.state.lock:
                return getattr(fake, handler_name)(ctx, entry)
        if handler_name == "token":
            if fake.oauth_checker is not None:
                v = fake.oauth_checker.check_request(method, path, query, headers, raw, headers.get("content-type"))
                if v:
                    entry["violations"] += v
                    raise OAuthFailure(400, "invalid_request", "The request does not conform to Okta's OAuth spec: " + "; ".join(v))
            with fake.state.lock:
                return getattr(fake, handler_name)(ctx)
        op = fake.checker.operation(template, method)
        if op.get("security") != []:
            ctx["principal"] = fake.authenticate(headers)
            entry["principal"] = {k: (sorted(v) if isinstance(v, set) else v) for k, v in ctx["principal"].items()}
            fake.authorize(ctx["principal"], op, template, method)
        # Okta sends null for unset fields and accepts them back; drop nulls before validating.
        body_for_check = raw
        if raw and "json" in (headers.get("content-type") or ""):
            try:
                ctx["json"] = json.loads(raw)
            except ValueError as e:
                entry["violations"].append("body: not valid JSON (%s)" % e)
                raise OktaError(400, summary="The request body was not well-formed.", code="E0000003")
            body_for_check = json.dumps(drop_nulls(ctx["json"])).encode()
            if has_key(ctx["json"], "client_secret"):
                entry["notes"].append("the body carries client_secret")
        elif raw and method in ("PUT", "POST"):
            entry["violations"].append("body: Content-Type %r is not application/json" % headers.get("content-type"))
            raise OktaError(400, summary="Unsupported Media Type", code="E0000001", causes=["Content-Type must be application/json"])
        v = fake.checker.check_request(method, path, query, headers, body_for_check, headers.get("content-type") or "application/json")
        if method in ("PUT", "POST") and ctx["json"] is None and op.get("requestBody", {}).get("required"):
            v.append("body: a request body is required")
        if v:
            entry["violations"] += v
            raise OktaError(400, "; ".join(v), causes=v)
        with fake.state.lock:
            result = getattr(fake, handler_name)(ctx)
        if fault and fault["kind"] == "tamper":
            entry["notes"].append("fault: the answer's body was tampered with")
            result = self.tampered(result, fault["tamper"], ctx)
        if fault and fault["kind"] == "lost":
            # The request is carried out, and then its answer is lost with the connection.
            entry["notes"].append("fault: carried out, then the connection dropped unanswered")
            raise CloseConnection()
        return result

    def tampered(self, result, tamper, ctx):
        """The handler's answer with its body changed as a tamper fault says."""
        status, body, extra = result
        if "from" in tamper:
            fake = self.fake
            route, template, params = fake.router.find("GET", tamper["from"])
            if route is None:
                raise OktaError(404, "Resource not found: %s (tamper from)" % tamper["from"])
            other = dict(ctx, method="GET", path=tamper["from"], params=params, query={}, json=None, raw=b"")
            with fake.state.lock:
                _, body, _ = getattr(fake, route[2])(other)
        if "replace" in tamper:
            body = copy.deepcopy(tamper["replace"])
        body = copy.deepcopy(body)
        for key, value in (tamper.get("set") or {}).items():
            dotted_set(body, key, copy.deepcopy(value))
        for key in tamper.get("unset") or []:
            dotted_unset(body, key)
        return status, body, extra

    # -- the control API -------------------------------------------------------------------
    def control(self, method, path, query, raw):
        fake = self.fake
        try:
            data = json.loads(raw) if raw else {}
        except ValueError as e:
            return self.send(400, {"error": "body is not JSON: %s" % e})
        try:
            if path == "/__fake/requests" and method == "GET":
                since = int(query.get("since", ["0"])[0])
                with fake.log_lock:
                    return self.send(200, [e for e in fake.requests if e["seq"] > since])
            if path == "/__fake/requests" and method == "DELETE":
                with fake.log_lock:
                    fake.requests = []
                return self.send(200, {"ok": True})
            if path == "/__fake/violations" and method == "GET":
                with fake.log_lock:
                    return self.send(200, [e for e in fake.requests if e["violations"]])
            if path == "/__fake/faults" and method == "POST":
                specs = data if isinstance(data, list) else [data]
                return self.send(200, [fake.add_fault(s) for s in specs])
            if path == "/__fake/faults" and method == "GET":
                with fake.log_lock:
                    return self.send(200, fake.faults)
            if path == "/__fake/faults" and method == "DELETE":
                with fake.log_lock:
                    fake.faults = []
                return self.send(200, {"ok": True})
            if path == "/__fake/drift" and method == "POST":
                return self.send(200, drift(fake, data))
            if path == "/__fake/state" and method == "GET":
                with fake.state.lock:
                    return self.send(200, fake.state.snapshot())
            if path == "/__fake/reset" and method == "POST":
                fake.reset(data.get("model") if isinstance(data, dict) else None)
                return self.send(200, {"ok": True})
            if path == "/__fake/probes" and method == "GET":
                with fake.state.lock:
                    return self.send(200, fake.probes)
            if path == "/__fake/health" and method == "GET":
                return self.send(200, {"ok": True, "port": fake.opts.port, "uptime": round(time.time() - fake.started, 3),
                                       "startupSeconds": fake.opts.startup_seconds})
        except (ValueError, KeyError, TypeError, re.error) as e:
            return self.send(400, {"error": str(e)})
        return self.send(404, {"error": "no control endpoint %s %s" % (method, path)})


def echoed(template, headers, raw):
    """An error text that repeats what the client sent, as a careless proxy or error page can:
    `{credential}` is the Authorization header's credential, `{assertion}` a token request's
    client_assertion."""
    credential = (headers.get("authorization") or "").strip().partition(" ")[2].strip()
    form = urllib.parse.parse_qs(raw.decode("utf-8", "replace")) if raw else {}
    assertion = (form.get("client_assertion") or [""])[0]
    return str(template).replace("{credential}", credential).replace("{assertion}", assertion)


class CloseConnection(Exception):
    pass


class HostileBody(Exception):
    """A trickle or endless fault's body, served by Handler.send_hostile."""
    def __init__(self, fault, host, path):
        super().__init__(fault["kind"])
        self.fault, self.host, self.path = fault, host, path


def endless_page(size, cursor):
    """A JSON list of app-like objects, about `size` bytes long (at least `[]`)."""
    if size < 200:
        return b"[]"
    items, used, n = [], 2, 0
    while used < size:
        room = min(4096, size - used) - 120
        item = {"id": "0oaendless%s%d" % (cursor.replace("-", ""), n), "name": "oidc_client",
                "label": "endless", "signOnMode": "OPENID_CONNECT", "pad": "x" * max(0, room)}
        text = json.dumps(item)
        items.append(text)
        used += len(text) + 1
        n += 1
    return ("[" + ",".join(items) + "]").encode()


class ChunkedBody(Exception):
    def __init__(self, size):
        super().__init__(size)
        self.size = size


def masked_headers(headers):
    out = {}
    for k, v in headers.items():
        if k.lower() in ("authorization", "proxy-authorization"):
            v = v.strip().split(" ", 1)[0] + " <redacted>"
        elif k.lower() == "cookie":
            v = "<redacted>"
        out[k] = v
    return out


def logged_body(raw, content_type):
    if not raw:
        return None
    text = raw.decode("utf-8", "replace")
    if "json" in content_type:
        try:
            body = json.loads(text)
        except ValueError:
            return text
        if isinstance(body, dict):
            for secret in ("interactionHandle", "stateHandle"):
                if secret in body:
                    body[secret] = "<redacted>"
        return body
    if "x-www-form-urlencoded" in content_type:
        form = {k: v[0] for k, v in urllib.parse.parse_qs(text, keep_blank_values=True).items()}
        for secret in ("client_assertion", "client_secret", "password", "refresh_token", "assertion", "state",
                       "code_verifier", "interaction_handle", "interaction_code"):
            if secret in form:
                if secret == "client_assertion":
                    try:
                        h, p, _ = form[secret].split(".")
                        form["client_assertion_header"] = json.loads(b64url_decode(h))
                        form["client_assertion_claims"] = json.loads(b64url_decode(p))
                    except Exception:
                        pass
                form[secret] = "<redacted>"
        return form
    return text


def fake_record(fake, entry):
    with fake.log_lock:
        fake.seq += 1
        entry["seq"] = fake.seq
        entry["time"] = now_iso()
        fake.requests.append(entry)
        if len(fake.requests) > 20000:
            del fake.requests[:1000]


def drift(fake, data):
    """Change a stored object the way someone editing in the Admin Console would."""
    if not isinstance(data, dict) or "path" not in data:
        raise ValueError('drift needs {"path": "/api/v1/...", "set": {...}, "unset": [...]}')
    st = fake.state
    path = urllib.parse.urlsplit(data["path"]).path.rstrip("/")
    sets = data.get("set") or {}
    unsets = data.get("unset") or []
    with st.lock:
        if path in ("settings", "/settings", "/__fake/settings"):
            if "interactionCode" in sets:
                st.interaction_code = bool(sets["interactionCode"])
            if "engine" in sets:
                st.engine = sets["engine"]
            if "noMatchingPolicyAt" in sets:
                if sets["noMatchingPolicyAt"] not in ("interact", "introspect"):
                    raise ValueError("noMatchingPolicyAt is interact or introspect")
                st.no_matching_policy_at = sets["noMatchingPolicyAt"]
            return {"interactionCode": st.interaction_code, "engine": st.engine,
                    "noMatchingPolicyAt": st.no_matching_policy_at}
        route, template, params = fake.router.find("GET", path)
        obj = None
        if template == "/api/v1/apps/{appId}":
            obj = st.apps.get(params["appId"])
        elif template == "/api/v1/authorizationServers/{authServerId}":
            obj = st.servers.get(params["authServerId"])
        elif template == "/api/v1/authorizationServers/{authServerId}/policies/{policyId}":
            obj = st.policies.get(params["authServerId"], {}).get(params["policyId"])
        elif template == "/api/v1/authorizationServers/{authServerId}/policies/{policyId}/rules/{ruleId}":
            obj = st.rules.get((params["authServerId"], params["policyId"]), {}).get(params["ruleId"])
        elif template == "/api/v1/users/{id}":
            obj = st.users.get(params["id"])
        elif template == "/api/v1/groups/{groupId}":
            obj = st.groups.get(params["groupId"])
        elif path == "/api/v1/org":
            obj = st.org_model
        if obj is None:
            raise KeyError("no object at %s" % path)
        for k, v in sets.items():
            dotted_set(obj, k, v)
        for k in unsets:
            dotted_unset(obj, k)
        if data.get("bumpLastUpdated", True):
            obj["lastUpdated"] = later_iso(obj.get("lastUpdated"))
        return copy.deepcopy(obj)


# ---------------------------------------------------------------------------------------------

class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64


def self_signed_context():
    """A TLS context with a new self-signed certificate for 127.0.0.1 (no CA knows it)."""
    import datetime
    import ipaddress
    import ssl
    import tempfile
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .sign(key, hashes.SHA256()))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    with tempfile.TemporaryDirectory() as directory:
        cert_path, key_path = os.path.join(directory, "cert.pem"), os.path.join(directory, "key.pem")
        with open(cert_path, "wb") as f:
            f.write(cert.public_bytes(serialization.Encoding.PEM))
        with open(key_path, "wb") as f:
            f.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                      serialization.NoEncryption()))
        context.load_cert_chain(cert_path, key_path)
    return context


# Okta-like per-minute limits by endpoint family, after Okta's published management limits for
# a small plan: the apps family is the tightest; authorization servers, roles, groups and the
# rest share the general /api/v1 one.
OKTA_LIKE_LIMITS = {"apps": 100, "users": 600, "general": 600, "token": 600, "wellknown": 600}


def parse_rate_limits(text):
    if text.strip() == "okta":
        return dict(OKTA_LIKE_LIMITS)
    limits = {}
    for part in text.split(","):
        family, _, number = part.partition("=")
        family = family.strip()
        if family not in OKTA_LIKE_LIMITS or not number.strip().isdigit():
            raise argparse.ArgumentTypeError(
                "expected FAMILY=N[,...] with FAMILY one of %s, or okta; got %r" % (", ".join(OKTA_LIKE_LIMITS), part))
        limits[family] = int(number)
    return limits


def parse_args(argv):
    ap = argparse.ArgumentParser(prog="fake_okta.py", description="A fake Okta Management API on 127.0.0.1 for orgwiz's tests.")
    ap.add_argument("--model", required=True, help="orgwiz model file (org-model.md) holding the org's objects")
    ap.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: a free one; default 0)")
    ap.add_argument("--port-file", help="write the chosen port here (atomically) once the server is ready")
    ap.add_argument("--page-size", type=int, default=0, help="at most N objects per page on every paged list, whatever limit asks")
    ap.add_argument("--spec", help="Okta's management-openapi.yaml (default: ../shared/okta/ beside the repo)")
    ap.add_argument("--oauth-spec", help="Okta's oauth-openapi.yaml, to validate token requests (default: beside --spec; 'none' to skip)")
    ap.add_argument("--token", action="append", help="accept this SSWS API token (repeatable); TOKEN@USERID acts as that admin "
                                                     "(default: the first SUPER_ADMIN of the model)")
    ap.add_argument("--client-id", help="client id of the service app allowed to use the client-credentials flow")
    ap.add_argument("--public-key", help="the service app's public key: a PEM file (public key, certificate or private key) or PEM text")
    ap.add_argument("--key-id", help="if given, a client assertion carrying a different kid is refused")
    ap.add_argument("--client-scopes", help="space-separated okta.* scopes granted to the service app (default: every scope in the spec)")
    ap.add_argument("--org-url", help="an extra URL the client may use for this org (accepted as a client assertion's audience)")
    ap.add_argument("--interaction-code", choices=["on", "off"], help="the org's Embedded widget sign-in support setting "
                                                                      "(default: the model's settings.embeddedWidgetSignInSupport.interactionCode)")
    ap.add_argument("--no-matching-policy-at", choices=["interact", "introspect"], default="interact",
                    help="where a probe that no access policy rule lets use interaction_code is refused: at "
                         "/v1/interact (no_matching_policy) or as an introspect message (default interact)")
    ap.add_argument("--hide-secret-on-get", dest="secret_on_get", action="store_false",
                    help="leave client_secret out of GET responses (it is still returned by PUT)")
    ap.add_argument("--rate-limit", type=int, default=600, help="requests per minute per bucket before a real 429 (0: never; default 600)")
    ap.add_argument("--rate-limits", type=parse_rate_limits, default=None,
                    help="per-family limits a minute, FAMILY=N[,FAMILY=N...] over the families apps, users, general, "
                         "token, wellknown; or 'okta' for Okta-like ones (%s). Families not named keep --rate-limit. "
                         "Default: off (every family has --rate-limit)" % ",".join("%s=%d" % kv for kv in OKTA_LIKE_LIMITS.items()))
    ap.add_argument("--max-seconds", type=float, default=3600, help="hard stop after this many seconds (default 3600)")
    ap.add_argument("--idle-seconds", type=float, default=1800, help="stop after this long without a request (default 1800)")
    ap.add_argument("--tls-self-signed", action="store_true",
                    help="serve https with a certificate made at start and signed by nobody (clients must refuse it)")
    ap.add_argument("--verbose", action="store_true", help="log each request on stderr")
    return ap.parse_args(argv)


def main(argv=None):
    t0 = time.time()
    # A parent may start us with SIGTERM and SIGINT blocked (a mask is inherited through exec:
    # Foundation's Process run from a Dispatch worker thread does this), and then neither would
    # ever stop us. Unblock them, so the handlers below always run.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    opts = parse_args(argv if argv is not None else sys.argv[1:])
    with open(opts.model, "rb") as f:
        model = json.loads(f.read())
    spec_path = find_spec(opts.spec)
    checker = SpecChecker(load_spec_dict(spec_path))
    oauth_checker = None
    oauth_path = opts.oauth_spec or os.path.join(os.path.dirname(spec_path), "oauth-openapi.yaml")
    if oauth_path != "none" and os.path.exists(oauth_path):
        oauth_checker = SpecChecker(load_spec_dict(oauth_path))
    server = Server(("127.0.0.1", opts.port), Handler)
    opts.port = server.server_address[1]
    opts.base_url = "http://127.0.0.1:%d" % opts.port
    if opts.tls_self_signed:
        server.socket = self_signed_context().wrap_socket(server.socket, server_side=True)
        opts.base_url = "https://127.0.0.1:%d" % opts.port
    fake = Fake(opts, model, checker, oauth_checker)
    for tok, uid in fake.sswstokens.items():
        if uid and uid not in fake.state.users:
            raise SystemExit("fake-okta: --token ...@%s: no such admin in the model" % uid)
    Handler.fake = fake
    # Warm the validator so the first real request is not the slow one.
    checker.check_request("GET", "/api/v1/apps", {"limit": ["1"]}, {"Authorization": "SSWS x"}, b"", None)
    opts.startup_seconds = round(time.time() - t0, 3)

    stop = threading.Event()

    def watchdog():
        while not stop.wait(1.0):
            now = time.time()
            if now - fake.started > opts.max_seconds:
                log("--max-seconds reached; stopping")
                break
            if now - fake.last_activity > opts.idle_seconds:
                log("idle for %ds; stopping" % opts.idle_seconds)
                break
        server.shutdown()

    threading.Thread(target=watchdog, daemon=True).start()

    def on_signal(signum, frame):
        stop.set()
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    if opts.port_file:
        tmp = opts.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write("%d\n" % opts.port)
        os.replace(tmp, opts.port_file)
    log("listening on %s (startup %.2fs, spec %s)" % (opts.base_url, opts.startup_seconds, spec_path))
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
        if opts.port_file:
            try:
                os.unlink(opts.port_file)
            except OSError:
                pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
