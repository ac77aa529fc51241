#!/usr/bin/env python3
"""Self-test of fake-okta: start it on a free port with the bundled example model and a fresh
RSA key, exercise every endpoint, the control API and each fault kind, and validate every
response the fake sends against Okta's spec. Prints `N passed, M failed`; exits 1 on any failure.
Stops itself within about two minutes whatever happens."""

import base64
import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import fake_okta  # noqa: E402  (the spec loader and checker are shared)

MODEL = os.path.join(REPO, "Content", "examples", "acme.org.json")
DEADLINE = 110  # seconds
TOKEN = "00ssws-selftest-" + secrets.token_hex(8)
RO_TOKEN = "00ssws-readonly-" + secrets.token_hex(8)
CLIENT_ID = "0oa9svcselftest"

passed, failed = 0, 0
proc = None


def ok(cond, what, detail=""):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL: %s%s" % (what, (" -- " + str(detail)[:800]) if detail else ""))
    return cond


def bail(signum=None, frame=None):
    print("FAIL: self-test deadline (%ds) reached" % DEADLINE)
    stop_server()
    print("%d passed, %d failed" % (passed, failed + 1))
    os._exit(1)


def stop_server():
    if proc and proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()


class Resp:
    def __init__(self, status, headers, raw):
        self.status, self.headers, self.raw = status, headers, raw
        try:
            self.json = json.loads(raw) if raw else None
        except ValueError:
            self.json = None

    def header(self, name):
        return self.headers.get(name)

    def links(self):
        return [v for k, v in self.headers.items() if k.lower() == "link"] if isinstance(self.headers, dict) else \
            self.headers.get_all("Link") or []


BASE = None
spec = oauth_spec = None
checked = 0


def call(method, url, body=None, auth=None, ctype=None, validate=True, timeout=15):
    global checked
    if not url.startswith("http"):
        url = BASE + url
    data = None
    headers = {"Accept": "application/json"}
    if auth:
        headers["Authorization"] = auth
    if body is not None:
        if isinstance(body, (dict, list)):
            data = json.dumps(body).encode()
            headers["Content-Type"] = ctype or "application/json"
        else:
            data = body if isinstance(body, bytes) else body.encode()
            headers["Content-Type"] = ctype or "application/x-www-form-urlencoded"
    req = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            resp = Resp(r.status, r.headers, r.read())
    except urllib.error.HTTPError as e:
        resp = Resp(e.code, e.headers, e.read())
    path = urllib.parse.urlsplit(url).path
    if not path.startswith("/__fake/"):
        ok(resp.header("X-Okta-Request-Id"), "%s %s carries X-Okta-Request-Id" % (method, path))
        ok(resp.header("Date"), "%s %s carries Date" % (method, path))
        for h in ("X-Rate-Limit-Limit", "X-Rate-Limit-Remaining", "X-Rate-Limit-Reset"):
            ok((resp.header(h) or "").isdigit(), "%s %s carries %s" % (method, path, h), resp.header(h))
        if validate:
            validate_response(method, url, resp)
    return resp


def validate_response(method, url, resp):
    """Every response the fake sends is checked against the spec's response schema."""
    global checked
    u = urllib.parse.urlsplit(url)
    query = urllib.parse.parse_qs(u.query)
    if u.path.startswith("/oauth2/"):
        checker = oauth_spec
    else:
        checker = spec
    if checker is None:
        return
    checked += 1
    body = resp.json if resp.json is not None else resp.raw   # nulls are dropped before validating (as Okta sends them)
    errs = checker.check_response(method, u.path, query, resp.status, body)
    if errs and any("unknown response http status" in e.lower() for e in errs) and resp.status >= 400:
        # a status the operation does not declare (401 mostly): check Okta's Error schema instead
        name = "OAuthError" if checker is oauth_spec else "Error"
        errs = checker.check_schema(name, resp.json)
    ok(not errs, "response of %s %s (%d) conforms to the spec" % (method, u.path, resp.status), errs)


def okta_error(resp, status, code, what):
    j = resp.json or {}
    ok(resp.status == status, "%s: status %d" % (what, status), "got %d %s" % (resp.status, resp.raw[:300]))
    ok(j.get("errorCode") == code, "%s: errorCode %s" % (what, code), j)
    ok(all(k in j for k in ("errorSummary", "errorLink", "errorId", "errorCauses")), "%s: Okta error body shape" % what, j)


def next_link(resp):
    for v in resp.links():
        for part in v.split(","):
            if 'rel="next"' in part:
                return part.split(";")[0].strip().strip("<>")
    return None


def b64u(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def make_jwt(key, claims, alg="RS256"):
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding
    h = b64u(json.dumps({"alg": alg, "typ": "JWT", "kid": "selftest-kid"}).encode())
    p = b64u(json.dumps(claims).encode())
    sig = key.sign((h + "." + p).encode(), padding.PKCS1v15(), hashes.SHA256())
    return h + "." + p + "." + b64u(sig)


def token_request(key, scopes, **over):
    now = int(time.time())
    claims = {"iss": CLIENT_ID, "sub": CLIENT_ID, "aud": BASE + "/oauth2/v1/token", "iat": now, "exp": now + 300,
              "jti": secrets.token_hex(12)}
    claims.update(over)
    claims = {k: v for k, v in claims.items() if v is not None}
    body = urllib.parse.urlencode({"grant_type": "client_credentials", "scope": " ".join(scopes),
                                   "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                                   "client_assertion": make_jwt(key, claims)})
    return call("POST", "/oauth2/v1/token", body), claims


def fake_log(since=0):
    return call("GET", "/__fake/requests?since=%d" % since).json


def last_seq():
    log = fake_log()
    return log[-1]["seq"] if log else 0


READ_ONLY_APP = ["id", "status", "created", "lastUpdated", "_links", "_embedded", "orn", "features",
                 "universalLogout", "expressConfiguration"]


def strip_app(app):
    app = json.loads(json.dumps(app))
    for k in READ_ONLY_APP:
        app.pop(k, None)
    app.get("settings", {}).pop("emOptInStatus", None)
    oc = app.get("credentials", {}).get("oauthClient", {})
    oc.pop("client_secret", None)
    sig = app.get("credentials", {}).get("signing", {})
    sig.pop("lastRotated", None)
    sig.pop("nextRotation", None)
    return app


def strip_rule(rule):
    rule = json.loads(json.dumps(rule))
    for k in ("id", "created", "lastUpdated", "_links"):
        rule.pop(k, None)
    return rule


REFERENCE_CANDIDATES = [os.path.join(REPO, "..", "shared", "reference", "okta-oauth-errors.md"),
                        "/work/shared/reference/okta-oauth-errors.md"]
CHALLENGE = base64.urlsafe_b64encode(secrets.token_bytes(32)).rstrip(b"=").decode()
ION = "application/ion+json; okta-version=1.0.0"


def interact(client_id, server=None, redirect="com.acme.mobile:/callback", auth=None, **over):
    form = {"client_id": client_id, "scope": "openid", "redirect_uri": redirect, "code_challenge": CHALLENGE,
            "code_challenge_method": "S256", "state": "st-" + secrets.token_hex(8)}
    form.update(over)
    form = {k: v for k, v in form.items() if v is not None}
    path = "/oauth2/%s/v1/interact" % server if server else "/oauth2/v1/interact"
    return call("POST", path, urllib.parse.urlencode(form), auth=auth, validate=False)


def introspect(handle):
    req = urllib.request.Request(BASE + "/idp/idx/introspect", method="POST",
                                 data=json.dumps({"interactionHandle": handle}).encode(),
                                 headers={"Content-Type": ION, "Accept": ION})
    try:
        with urllib.request.urlopen(req, timeout=15) as r:
            return Resp(r.status, r.headers, r.read())
    except urllib.error.HTTPError as e:
        return Resp(e.code, e.headers, e.read())


def oauth_error(resp, internal, what, fill=None):
    status, error, description = fake_okta.OAUTH_ERRORS[internal]
    if fill is not None:
        description = description.replace("[en]", "[%s]" % fill)
    ok(resp.status == status and resp.json == {"error": error, "error_description": description}, what,
       (resp.status, resp.raw[:300]))


def probe_selftest(model):
    reference = next((p for p in REFERENCE_CANDIDATES if os.path.exists(p)), None)
    if reference:
        text = open(reference).read()
        for internal, (status, error, description) in fake_okta.OAUTH_ERRORS.items():
            row = "| %d | `%s` | `%s` | %s |" % (status, error, internal, description)
            ok(row in text, "the text of %s is verbatim from okta-oauth-errors.md" % internal)
    call("POST", "/__fake/reset", {"model": model})
    oauth_error(interact("0oa1mob"), "oie_not_enabled_for_interact", "interact: the org setting off")
    call("POST", "/__fake/drift", {"path": "settings", "set": {"interactionCode": True}})
    oauth_error(interact("0oa1mob"), "unauthorized_client", "interact: the app lacks the grant",
                "authorization_code, refresh_token")
    call("POST", "/__fake/drift", {"path": "/api/v1/apps/0oa1mob", "set": {
        "settings.oauthClient.grant_types": ["authorization_code", "refresh_token", "interaction_code"]}})
    r = interact("0oa1mob")
    handle = (r.json or {}).get("interaction_handle")
    ok(r.status == 200 and handle, "interact on the Org Authorization Server answers an interaction handle", r.raw)
    i = introspect(handle)
    ok(i.status == 200 and i.json["remediation"]["value"][0]["name"] == "identify"
       and i.header("Content-Type") == ION, "introspect offers identify", i.raw[:300])
    oauth_error(introspect("not-a-handle"), "invalid_interaction_code", "introspect: an unknown handle")
    oauth_error(interact("0oa1mob", "aus1api"), "no_matching_policy", "interact: no rule lets the app use the grant")
    call("POST", "/__fake/drift", {"path": "settings", "set": {"noMatchingPolicyAt": "introspect"}})
    r = interact("0oa1mob", "aus1api")
    ok(r.status == 200, "with noMatchingPolicyAt introspect, interact answers a handle", r.raw)
    i = introspect(r.json["interaction_handle"])
    ok(i.status == 401 and i.json["messages"]["value"][0]["i18n"]["key"] == "idx.error.code.no_matching_policy"
       and i.json["messages"]["value"][0]["message"] == fake_okta.OAUTH_ERRORS["no_matching_policy"][2],
       "introspect answers the no_matching_policy message", i.raw[:300])
    call("POST", "/__fake/drift", {"path": "settings", "set": {"noMatchingPolicyAt": "interact"}})
    call("POST", "/__fake/drift", {"path": "/api/v1/authorizationServers/aus1api/policies/00p2mob/rules/0pr2mob",
                                   "set": {"conditions.grantTypes.include": ["authorization_code", "interaction_code"]}})
    r = interact("0oa1mob", "aus1api")
    ok(r.status == 200 and introspect(r.json["interaction_handle"]).status == 200,
       "a rule that allows the grant lets the app start the flow", r.raw)
    oauth_error(interact("0oa1mob", redirect="https://evil.example/cb"), "invalid_redirect_uri", "interact: another redirect URI")
    oauth_error(interact("0oa1mob", redirect=None), "missing_redirect_uri", "interact: no redirect URI")
    oauth_error(interact("0oa1mob", code_challenge=None), "pkce_challenge_required", "interact: no PKCE challenge")
    oauth_error(interact("0oa1mob", code_challenge_method="plain"), "pkce_unsupported_code_challenge_method",
                "interact: a PKCE method other than S256", "S256")
    oauth_error(interact("0oa1mob", scope="profile"), "openid_scope_required", "interact: no openid scope")
    oauth_error(interact("0oa1mob", "ausNope"), "invalid_authorization_server", "interact: an unknown server")
    call("POST", "/__fake/drift", {"path": "/api/v1/authorizationServers/aus1api", "set": {"status": "INACTIVE"}})
    oauth_error(interact("0oa1mob", "aus1api"), "invalid_authorization_server", "interact: an inactive server")
    oauth_error(interact("0oaNope"), "invalid_client_id", "interact: an unknown client id")
    # The confidential web app: its secret, in the body or as Basic.
    call("POST", "/__fake/drift", {"path": "/api/v1/apps/0oa2web", "set": {
        "settings.oauthClient.grant_types": ["authorization_code", "interaction_code"]}})
    web = dict(redirect="https://www.acme.example/callback")
    oauth_error(interact("0oa2webclient", **web), "missing_client_credentials", "interact: a web app without its secret")
    oauth_error(interact("0oa2webclient", client_secret="wrong", **web), "missing_client_credentials",
                "interact: a web app with a wrong secret")
    ok(interact("0oa2webclient", client_secret="s3cr3t-never-printed", **web).status == 200,
       "interact: a web app with its secret")
    basic = "Basic " + base64.b64encode(b"0oa2webclient:s3cr3t-never-printed").decode()
    ok(interact("0oa2webclient", auth=basic, **web).status == 200, "interact: a web app with its secret as Basic")
    seq = last_seq()
    interact("0oa1mob", auth="SSWS " + TOKEN)
    interact("0oa1mob", auth="Bearer eyJsomething")
    flagged = [e for e in fake_log(seq) if e["path"] == "/oauth2/v1/interact"]
    ok(len(flagged) == 2 and all(any("Management API credential" in v for v in e["violations"]) for e in flagged),
       "a Management credential sent to /v1/interact is a violation", flagged)
    call("POST", "/__fake/drift", {"path": "/api/v1/apps/0oa1mob", "set": {"status": "INACTIVE"}})
    oauth_error(interact("0oa1mob"), "invalid_client_id", "interact: an inactive app")
    call("POST", "/__fake/faults", {"path": "/v1/interact$", "kind": "oauth", "internal": "pkce_invalid_challenge"})
    oauth_error(interact("0oa2webclient", client_secret="s3cr3t-never-printed", **web), "pkce_invalid_challenge",
                "an oauth fault answers a catalogue error")
    r = call("POST", "/oauth2/v1/interact", "client_id=0oa1mob&bogus=1&client_id=x", validate=False)
    ok(any("bogus" in v for v in fake_log(last_seq() - 1)[-1]["violations"]), "an unknown form field is a violation")
    text = json.dumps(fake_log())
    probes = call("GET", "/__fake/probes").json
    ok(probes and all(p["handle"] not in text and p["state"] not in text for p in probes)
       and "s3cr3t-never-printed\"" not in json.dumps([e for e in fake_log() if "interact" in e["path"]]),
       "the log holds no handle, state or client secret of a probe; /__fake/probes does")
    call("POST", "/__fake/reset", {"model": model})


def main():
    global proc, BASE, spec, oauth_spec
    signal.signal(signal.SIGALRM, bail)
    signal.alarm(DEADLINE)
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    tmp = tempfile.mkdtemp(prefix="fake-okta-selftest-")
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pub = os.path.join(tmp, "service-app.pub.pem")
    with open(pub, "wb") as f:
        f.write(key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    port_file = os.path.join(tmp, "port")
    model = json.load(open(MODEL))

    t0 = time.time()
    proc = subprocess.Popen([sys.executable, os.path.join(HERE, "fake_okta.py"), "--model", MODEL, "--port", "0",
                             "--port-file", port_file, "--page-size", "1", "--token", TOKEN, "--token", RO_TOKEN + "@00u2bob",
                             "--client-id", CLIENT_ID, "--public-key", pub, "--max-seconds", str(DEADLINE + 10),
                             "--idle-seconds", "60"], stderr=open(os.path.join(tmp, "stderr"), "w"))
    while not os.path.exists(port_file):
        if proc.poll() is not None or time.time() - t0 > 30:
            print(open(os.path.join(tmp, "stderr")).read())
            ok(False, "fake-okta starts and writes its port file")
            return
        time.sleep(0.02)
    startup = time.time() - t0
    BASE = "http://127.0.0.1:%d" % int(open(port_file).read())
    print("fake-okta ready at %s after %.2fs" % (BASE, startup))
    ok(startup < 10, "startup under 10 s", "%.2fs" % startup)

    spec_path = fake_okta.find_spec(None)
    spec = fake_okta.SpecChecker(fake_okta.load_spec_dict(spec_path))
    oauth_path = os.path.join(os.path.dirname(spec_path), "oauth-openapi.yaml")
    if os.path.exists(oauth_path):
        oauth_spec = fake_okta.SpecChecker(fake_okta.load_spec_dict(oauth_path))
    SSWS = "SSWS " + TOKEN

    # -- binding: 127.0.0.1 only --------------------------------------------------------------
    import socket
    s = socket.socket()
    s.settimeout(1)
    try:
        other_ip = socket.gethostbyname(socket.gethostname())
        if not other_ip.startswith("127."):
            ok(s.connect_ex((other_ip, int(BASE.rsplit(":", 1)[1]))) != 0, "not reachable on %s" % other_ip)
    except OSError:
        pass
    finally:
        s.close()

    # -- well-known and org ----------------------------------------------------------------------
    r = call("GET", "/.well-known/okta-organization")
    ok(r.status == 200 and r.json.get("pipeline") == "idx" and r.json.get("id") == "00o1acme" and "_links" in r.json,
       "well-known: idx pipeline, id, _links without auth", r.raw)
    r = call("GET", "/api/v1/org", auth=SSWS)
    ok(r.status == 200 and r.json.get("id") == "00o1acme" and r.json.get("companyName") == "Acme Corp", "GET /api/v1/org", r.raw)

    # -- authentication errors -----------------------------------------------------------------------
    okta_error(call("GET", "/api/v1/org"), 401, "E0000011", "no Authorization")
    okta_error(call("GET", "/api/v1/org", auth="SSWS wrong"), 401, "E0000011", "unknown SSWS token")
    okta_error(call("GET", "/api/v1/org", auth="Bearer nope"), 401, "E0000011", "unknown Bearer token")

    # -- rate-limit headers decrease ---------------------------------------------------------------
    a = call("GET", "/api/v1/authorizationServers", auth=SSWS)
    b = call("GET", "/api/v1/authorizationServers", auth=SSWS)
    ok(int(b.header("X-Rate-Limit-Remaining")) < int(a.header("X-Rate-Limit-Remaining")), "X-Rate-Limit-Remaining decreases")
    import email.utils
    date = email.utils.parsedate_to_datetime(b.header("Date")).timestamp()
    ok(0 < int(b.header("X-Rate-Limit-Reset")) - date <= 61, "X-Rate-Limit-Reset is epoch seconds within a minute of Date")

    # -- authorization servers, paged by Link header (page size 1) ----------------------------------------
    ids, url, pages = [], "/api/v1/authorizationServers?limit=200", 0
    while url and pages < 10:
        r = call("GET", url, auth=SSWS)
        ok(r.status == 200 and len(r.json) <= 1, "servers page of at most 1", r.raw[:200])
        ok(any('rel="self"' in l for l in r.links()), "servers page has a self Link")
        ids += [s["id"] for s in r.json]
        for s in r.json:
            ok("policies" not in s, "a listed server carries no inline policies")
        url = next_link(r)
        pages += 1
    ok(ids == [s["id"] for s in model["authorizationServers"]], "servers paged by Link header: all of them, in order", ids)

    for s in model["authorizationServers"]:
        sid = s["id"]
        r = call("GET", "/api/v1/authorizationServers/%s/policies" % sid, auth=SSWS)
        ok(r.status == 200 and [p["id"] for p in r.json] == [p["id"] for p in s["policies"]], "policies of %s" % sid, r.raw[:300])
        ok(all("rules" not in p and "_links" in p for p in r.json), "policies carry _links and no inline rules")
        for p in s["policies"]:
            r = call("GET", "/api/v1/authorizationServers/%s/policies/%s/rules" % (sid, p["id"]), auth=SSWS)
            ok(r.status == 200 and [x["id"] for x in r.json] == [x["id"] for x in p["rules"]], "rules of %s" % p["id"], r.raw[:300])
            for rule in p["rules"]:
                r = call("GET", "/api/v1/authorizationServers/%s/policies/%s/rules/%s" % (sid, p["id"], rule["id"]), auth=SSWS)
                ok(r.status == 200 and r.json["conditions"] == rule["conditions"], "rule %s as in the model" % rule["id"])
        r = call("GET", "/api/v1/authorizationServers/%s/scopes" % sid, auth=SSWS)
        ok(r.status == 200 and isinstance(r.json, list), "scopes of %s" % sid)
    okta_error(call("GET", "/api/v1/authorizationServers/ausNOPE1/policies", auth=SSWS), 404, "E0000007", "unknown server")

    # -- apps, paged by Link header, filtered --------------------------------------------------------------
    def all_apps(first):
        got, url, n = [], first, 0
        while url and n < 10:
            r = call("GET", url, auth=SSWS)
            ok(r.status == 200, "apps page", r.raw[:300])
            got += r.json
            url = next_link(r)
            n += 1
        return got
    apps = all_apps("/api/v1/apps?limit=200")
    ok([a["id"] for a in apps] == [a["id"] for a in model["apps"]], "every app, paged one by one, SAML included",
       [a["id"] for a in apps])
    oidc = all_apps("/api/v1/apps?" + urllib.parse.urlencode({"filter": 'name eq "oidc_client"', "limit": "20"}))
    ok([a["id"] for a in oidc] == [a["id"] for a in model["apps"] if a["name"] == "oidc_client"], "filter=name eq \"oidc_client\"",
       [a["id"] for a in oidc])
    r = call("GET", "/api/v1/apps?filter=" + urllib.parse.quote("label sw \"x\""), auth=SSWS)
    ok(r.status == 400, "unsupported filter is 400", r.status)
    r = call("GET", "/api/v1/apps/0oa2web", auth=SSWS)
    ok(r.status == 200 and r.json["credentials"]["oauthClient"].get("client_secret") == "s3cr3t-never-printed",
       "GET app returns its client_secret, as Okta does", r.raw[:300])
    web = r.json
    okta_error(call("GET", "/api/v1/apps/0oaNOPE1", auth=SSWS), 404, "E0000007", "unknown app")

    # -- admins: body-link paging --------------------------------------------------------------------------
    users, url, n = [], "/api/v1/iam/assignees/users?limit=100", 0
    while url and n < 10:
        r = call("GET", url, auth=SSWS)
        ok(r.status == 200 and "value" in r.json and len(r.json["value"]) <= 1, "assignees page (body link)", r.raw[:300])
        ok(not next_link(r), "assignees use no Link header next")
        users += [u["id"] for u in r.json["value"]]
        url = ((r.json.get("_links") or {}).get("next") or {}).get("href")
        n += 1
    ok(users == [a["id"] for a in model["admins"]], "admins paged by _links.next.href", users)
    for adm in model["admins"]:
        r = call("GET", "/api/v1/users/" + adm["id"], auth=SSWS)
        ok(r.status == 200 and r.json["profile"]["login"] == adm["login"] and r.json["profile"].get("displayName") == adm.get("displayName"),
           "user %s" % adm["id"], r.raw[:300])
        r = call("GET", "/api/v1/users/%s/roles" % adm["id"], auth=SSWS)
        ok(r.status == 200 and [x["type"] for x in r.json] == adm["roles"], "roles of %s" % adm["id"], r.raw[:300])
        ok(all(all(k in x for k in ("id", "type", "label", "assignmentType", "status")) for x in r.json), "role objects are complete")
    r = call("GET", "/api/v1/users/me", auth=SSWS)
    ok(r.status == 200 and r.json["id"] == "00u1ada", "users/me is the token's admin", r.raw[:200])
    r = call("GET", "/api/v1/users/me", auth="SSWS " + RO_TOKEN)
    ok(r.status == 200 and r.json["id"] == "00u2bob", "TOKEN@USERID acts as that admin", r.raw[:200])
    okta_error(call("GET", "/api/v1/users/00uNOPE1", auth=SSWS), 404, "E0000007", "unknown user")

    # -- groups -------------------------------------------------------------------------------------------
    for g in model["groups"]:
        r = call("GET", "/api/v1/groups/" + g["id"], auth=SSWS)
        ok(r.status == 200 and r.json["profile"]["name"] == g["profile"]["name"], "group %s" % g["id"], r.raw[:200])
    okta_error(call("GET", "/api/v1/groups/00gNOPE1", auth=SSWS), 404, "E0000007", "unknown group")

    # -- client credentials flow ---------------------------------------------------------------------------
    reads = ["okta.apps.read", "okta.authorizationServers.read", "okta.orgs.read"]
    r, claims = token_request(key, reads)
    ok(r.status == 200 and r.json.get("token_type") == "Bearer" and r.json.get("scope") == " ".join(reads), "token issued", r.raw)
    bearer = "Bearer " + (r.json or {}).get("access_token", "")
    r = call("GET", "/api/v1/apps/0oa1mob", auth=bearer)
    ok(r.status == 200, "Bearer token with okta.apps.read reads an app", r.raw[:200])
    r = call("GET", "/api/v1/iam/assignees/users", auth=bearer)
    okta_error(r, 403, "E0000006", "Bearer token without okta.roles.read")
    ok("okta.roles.read" in (r.header("WWW-Authenticate") or ""), "403 names the missing scope", r.header("WWW-Authenticate"))
    r = call("PUT", "/api/v1/apps/0oa1mob", strip_app(apps[0]), auth=bearer)
    okta_error(r, 403, "E0000006", "PUT with only okta.apps.read")

    # replayed jti, wrong audience, expired, too long, wrong key, bad scope
    body = urllib.parse.urlencode({"grant_type": "client_credentials", "scope": "okta.apps.read",
                                   "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                                   "client_assertion": make_jwt(key, claims)})
    r = call("POST", "/oauth2/v1/token", body)
    ok(r.status == 401 and r.json.get("error") == "invalid_client", "replayed jti refused", r.raw)
    for what, over in (("wrong aud", {"aud": "https://acme.okta.com/oauth2/v1/token"}),
                       ("expired", {"exp": int(time.time()) - 5}),
                       ("exp too far", {"exp": int(time.time()) + 7200}),
                       ("iss != client", {"iss": "0oaother12", "sub": "0oaother12"}),
                       ("no jti", {"jti": None})):
        r, _ = token_request(key, reads, **over)
        ok(r.status == 401 and r.json.get("error") == "invalid_client", "client assertion %s refused" % what, r.raw)
    r, _ = token_request(other_key, reads)
    ok(r.status == 401 and r.json.get("error") == "invalid_client", "assertion signed by another key refused", r.raw)
    r, _ = token_request(key, ["okta.nonsense.read"])
    ok(r.status == 400 and r.json.get("error") == "invalid_scope", "unknown scope refused", r.raw)
    r = call("POST", "/oauth2/v1/token", "grant_type=password&username=x&password=y")
    ok(r.status in (400, 401) and "error" in (r.json or {}), "a password grant is refused", r.raw)

    manage = ["okta.apps.read", "okta.apps.manage", "okta.authorizationServers.read", "okta.authorizationServers.manage"]
    r, _ = token_request(key, manage)
    bearer_w = "Bearer " + (r.json or {}).get("access_token", "")

    # -- PUT a rule built from its GET minus read-only fields ------------------------------------------------
    rp = "/api/v1/authorizationServers/aus1api/policies/00p2mob/rules/0pr2mob"
    before = call("GET", rp, auth=SSWS).json
    body = strip_rule(before)
    body["actions"]["token"]["accessTokenLifetimeMinutes"] = 45
    r = call("PUT", rp, body, auth=bearer_w)
    ok(r.status == 200 and r.json["actions"]["token"]["accessTokenLifetimeMinutes"] == 45, "PUT rule (Bearer, manage scope)", r.raw[:400])
    ok(r.json and r.json["id"] == before["id"] and r.json["created"] == before["created"] and r.json["lastUpdated"] > before["lastUpdated"]
       and "_links" in r.json, "PUT rule keeps id/created/_links, bumps lastUpdated", r.raw[:300])
    r = call("GET", rp, auth=SSWS)
    ok(r.json["actions"]["token"]["accessTokenLifetimeMinutes"] == 45, "the PUT rule is stored")

    # interaction_code is refused while the org setting is off, accepted once it is on
    body2 = strip_rule(r.json)
    body2["conditions"]["grantTypes"]["include"].append("interaction_code")
    r = call("PUT", rp, body2, auth=SSWS)
    okta_error(r, 400, "E0000001", "interaction_code with the org setting off")
    # The cause names the grant; the hint to turn the setting on is the client's to give.
    ok("'interaction_code' is not enabled" in json.dumps(r.json) and "Embedded widget" not in json.dumps(r.json),
       "the error names the grant, not an invented hint", r.raw[:400])
    call("POST", "/__fake/drift", {"path": "settings", "set": {"interactionCode": True}})
    r = call("PUT", rp, body2, auth=SSWS)
    ok(r.status == 200 and "interaction_code" in r.json["conditions"]["grantTypes"]["include"], "interaction_code once the setting is on", r.raw[:300])
    r = call("PUT", rp, body2, auth="SSWS " + RO_TOKEN)
    okta_error(r, 403, "E0000006", "PUT rule as a READ_ONLY/APP admin")

    # Okta's own semantic rejection: no people condition with authorization_code
    body3 = strip_rule(before)
    del body3["conditions"]["people"]
    okta_error(call("PUT", rp, body3, auth=SSWS), 400, "E0000001", "rule without people for authorization_code")

    body4 = strip_rule(before)
    body4["conditions"]["grantTypes"]["include"] = ["authorization_code", "bogus_grant"]
    okta_error(call("PUT", rp, body4, auth=SSWS), 400, "E0000001", "rule with an unknown grant type")

    # -- deliberately bad requests are 400 AND recorded as violations -----------------------------------------
    seq = last_seq()
    bad = dict(before)  # carries id, created, lastUpdated, _links: read-only
    r = call("PUT", rp, bad, auth=SSWS)
    okta_error(r, 400, "E0000001", "rule PUT with read-only id")
    ok("id" in (r.json or {}).get("errorSummary", "") and "read-only" in (r.json or {}).get("errorSummary", ""),
       "errorSummary names the violation", (r.json or {}).get("errorSummary"))
    noname = strip_rule(before)
    del noname["name"]
    r = call("PUT", rp, noname, auth=SSWS)
    okta_error(r, 400, "E0000001", "rule PUT without name")
    r = call("GET", "/api/v1/apps?limit=lots", auth=SSWS)
    okta_error(r, 400, "E0000001", "non-integer limit")
    r = call("PUT", "/api/v1/apps/0oa1mob", "{not json", auth=SSWS, ctype="application/json")
    ok(r.status == 400, "malformed JSON body is 400")
    log = fake_log(seq)
    viol = [e for e in log if e["violations"]]
    ok(len(viol) == 4, "the four bad requests are recorded as violations", [(e["method"], e["path"], e["violations"]) for e in log])
    ok(any("name" in v and "required" in v for e in viol for v in e["violations"]), "missing name is a recorded violation")
    ok(any("id" in v and "read-only" in v for e in viol for v in e["violations"]), "read-only id is a recorded violation")

    # -- PUT an app built from its GET minus read-only fields --------------------------------------------------
    body = strip_app(web)
    body["settings"]["oauthClient"]["grant_types"] = ["authorization_code", "interaction_code"]
    seq = last_seq()
    r = call("PUT", "/api/v1/apps/0oa2web", body, auth=SSWS)
    ok(r.status == 200 and r.json["settings"]["oauthClient"]["grant_types"] == ["authorization_code", "interaction_code"],
       "PUT app", r.raw[:400])
    ok(r.json and r.json["id"] == "0oa2web" and r.json["created"] == web["created"] and r.json["lastUpdated"] > web["lastUpdated"],
       "PUT app keeps id/created, bumps lastUpdated")
    ok(r.json and r.json["credentials"]["oauthClient"].get("client_secret") == "s3cr3t-never-printed", "PUT app returns the kept secret")
    e = fake_log(seq)[-1]
    ok(not e["violations"] and "the body carries client_secret" not in e["notes"], "a clean app PUT has no violation or secret note", e)
    with_secret = strip_app(web)
    with_secret["credentials"]["oauthClient"]["client_secret"] = "s3cr3t-never-printed"
    seq = last_seq()
    call("PUT", "/api/v1/apps/0oa2web", with_secret, auth=SSWS)
    ok("the body carries client_secret" in fake_log(seq)[-1]["notes"], "a body carrying client_secret is flagged in the log")
    r = call("PUT", "/api/v1/apps/0oa2web", dict(web), auth=SSWS)
    okta_error(r, 400, "E0000001", "app PUT with read-only fields")
    svc = call("GET", "/api/v1/apps/0oa3rpt", auth=SSWS).json
    sb = strip_app(svc)
    sb["settings"]["oauthClient"]["grant_types"] = ["client_credentials", "interaction_code"]
    okta_error(call("PUT", "/api/v1/apps/0oa3rpt", sb, auth=SSWS), 400, "E0000001", "interaction_code on a service app")
    okta_error(call("PUT", "/api/v1/apps/0oaNOPE1", strip_app(svc), auth=SSWS), 404, "E0000007", "PUT unknown app")

    # -- faults -----------------------------------------------------------------------------------------------
    def fault(**f):
        r = call("POST", "/__fake/faults", f)
        ok(r.status == 200, "fault accepted %s" % f, r.raw)
    fault(method="GET", path="^/api/v1/org$", status=401)
    okta_error(call("GET", "/api/v1/org", auth=SSWS), 401, "E0000011", "injected 401")
    fault(method="GET", path="^/api/v1/org$", status=403)
    okta_error(call("GET", "/api/v1/org", auth=SSWS), 403, "E0000006", "injected 403")
    fault(method="GET", path="^/api/v1/org$", status=429, reset=3, count=2)
    for i in range(2):
        r = call("GET", "/api/v1/org", auth=SSWS)
        okta_error(r, 429, "E0000047", "injected 429 #%d" % (i + 1))
        date = email.utils.parsedate_to_datetime(r.header("Date")).timestamp()
        ok(r.header("X-Rate-Limit-Remaining") == "0" and 2 <= int(r.header("X-Rate-Limit-Reset")) - date <= 4,
           "429 has Remaining 0 and Reset ~3 s after Date", (r.header("X-Rate-Limit-Reset"), r.header("Date")))
    ok(call("GET", "/api/v1/org", auth=SSWS).status == 200, "after count 2 the org answers again")
    fault(path="^/api/v1/apps", status=500)
    okta_error(call("GET", "/api/v1/apps/0oa1mob", auth=SSWS), 500, "E0000009", "injected 500")
    fault(path="^/api/v1/apps", status=503)
    r = call("GET", "/api/v1/apps/0oa1mob", auth=SSWS)
    ok(r.status == 503 and (r.json or {}).get("errorCode"), "injected 503", r.raw)
    fault(method="PUT", path="/rules/", status=400, errorCauses=["conditions.grantTypes.include: nope"])
    r = call("PUT", rp, strip_rule(call("GET", rp, auth=SSWS).json), auth=SSWS)
    okta_error(r, 400, "E0000001", "injected validation error")
    ok(r.json and r.json["errorCauses"] == [{"errorSummary": "conditions.grantTypes.include: nope"}], "injected errorCauses", r.raw)
    fault(path="^/api/v1/groups/", delay=1.5)
    t = time.time()
    r = call("GET", "/api/v1/groups/00g1eng", auth=SSWS)
    ok(r.status == 200 and time.time() - t >= 1.4, "delayed response", time.time() - t)
    fault(path="^/api/v1/groups/", kind="close")
    try:
        call("GET", "/api/v1/groups/00g1eng", auth=SSWS)
        ok(False, "a close fault drops the connection")
    except (urllib.error.URLError, ConnectionError, OSError) as e:
        ok(True, "a close fault drops the connection")
    ok(call("GET", "/api/v1/groups/00g1eng", auth=SSWS).status == 200, "faults end after count")
    seq = last_seq()
    fault(path="^/api/v1/groups/", kind="redirect", status=307, location="/api/v1/org")
    r = call("GET", "/api/v1/groups/00g1eng", auth=SSWS, validate=False)  # urllib follows it
    redirected = fake_log(seq)
    ok(r.status == 200 and [(e["path"], e["status"]) for e in redirected] == [("/api/v1/groups/00g1eng", 307), ("/api/v1/org", 200)],
       "a redirect fault answers with its status and Location", [(e["path"], e["status"]) for e in redirected])
    fault(path="^/api/v1/groups/", kind="chunked", bytes=200000)
    r = call("GET", "/api/v1/groups/00g1eng", auth=SSWS, validate=False)
    ok(r.status == 200 and len(r.raw) == 200000 and r.header("Content-Length") is None
       and (r.header("Transfer-Encoding") or "").lower() == "chunked",
       "a chunked fault sends that many bytes without a Content-Length", (r.status, len(r.raw), r.header("Content-Length")))
    ok(call("POST", "/__fake/faults", {"kind": "redirect"}).status == 400, "a redirect fault needs a location")
    # tamper: the request is served, then its answer's body is changed (a lying server)
    fault(method="GET", path="^/api/v1/apps/0oa1mob$", kind="tamper", **{"from": "/api/v1/apps/0oa2web"})
    r = call("GET", "/api/v1/apps/0oa1mob", auth=SSWS, validate=False)
    ok(r.status == 200 and r.json["id"] == "0oa2web", "a tamper fault with from answers another object", r.raw[:200])
    fault(method="GET", path="^/api/v1/apps/0oa1mob$", kind="tamper", set={"id": "0oaOTHER1", "label": "Renamed"},
          unset=["settings.oauthClient.grant_types"])
    r = call("GET", "/api/v1/apps/0oa1mob", auth=SSWS, validate=False)
    ok(r.status == 200 and r.json["id"] == "0oaOTHER1" and r.json["label"] == "Renamed"
       and "grant_types" not in r.json["settings"]["oauthClient"], "a tamper fault sets and unsets members", r.raw[:200])
    fault(method="GET", path="^/api/v1/apps/0oa1mob$", kind="tamper", replace=[{"id": "0oa1mob"}, {"id": "0oa1mob"}])
    r = call("GET", "/api/v1/apps/0oa1mob", auth=SSWS, validate=False)
    ok(r.status == 200 and r.json == [{"id": "0oa1mob"}, {"id": "0oa1mob"}], "a tamper fault replaces the body", r.raw[:200])
    ok(call("POST", "/__fake/faults", {"kind": "tamper"}).status == 400, "a tamper fault needs a change")
    # echo: an error text that repeats the credential the client sent
    fault(method="GET", path="^/api/v1/org$", kind="echo", status=401, errorSummary="Invalid token: {credential}")
    r = call("GET", "/api/v1/org", auth=SSWS)
    ok(r.status == 401 and r.json["errorSummary"] == "Invalid token: " + SSWS.split()[1],
       "an echo fault repeats the credential in its error text", r.raw[:200])
    ok(call("POST", "/__fake/faults", {"kind": "echo", "errorSummary": "plain"}).status == 400,
       "an echo fault needs a placeholder")

    hostile_faults(fault, SSWS)

    # -- drift ------------------------------------------------------------------------------------------------------
    before = call("GET", "/api/v1/apps/0oa1mob", auth=SSWS).json
    r = call("POST", "/__fake/drift", {"path": "/api/v1/apps/0oa1mob", "set": {"label": "Drifted", "settings.oauthClient.grant_types": ["authorization_code"]}})
    ok(r.status == 200, "drift accepted", r.raw)
    after = call("GET", "/api/v1/apps/0oa1mob", auth=SSWS).json
    ok(after["label"] == "Drifted" and after["settings"]["oauthClient"]["grant_types"] == ["authorization_code"]
       and after["lastUpdated"] > before["lastUpdated"], "drift changes the object and bumps lastUpdated")
    r = call("POST", "/__fake/drift", {"path": "/api/v1/authorizationServers/aus2prt/policies/00p3prt/rules/0pr4prt", "set": {"priority": 2}})
    ok(r.status == 200 and r.json["priority"] == 2, "drift on a rule", r.raw[:200])
    ok(call("POST", "/__fake/drift", {"path": "/api/v1/apps/0oaNOPE1", "set": {"label": "x"}}).status == 400, "drift on a missing object is 400")

    # -- unknown paths, the request log, state, reset ---------------------------------------------------------------
    okta_error(call("GET", "/api/v1/nothing/here", auth=SSWS, validate=False), 404, "E0000007", "path not in the spec")
    r = call("DELETE", "/api/v1/apps/0oa1mob", auth=SSWS, validate=False)
    ok(r.status == 501, "an unimplemented spec operation is 501", r.status)
    log = fake_log()
    text = json.dumps(log)
    ok(TOKEN not in text and RO_TOKEN not in text and bearer.split()[1] not in text, "no credential in the request log")
    ok("s3cr3t" in text, "(bodies are logged: the secret PUT on purpose shows up)")
    ok(all("Authorization" not in e["headers"] or e["headers"]["Authorization"].split()[0] in ("SSWS", "Bearer") for e in log),
       "the log keeps the Authorization scheme only")
    tok = [e for e in log if e["path"] == "/oauth2/v1/token"]
    ok(tok and tok[0]["body"]["client_assertion"] == "<redacted>" and tok[0]["body"]["client_assertion_claims"]["iss"] == CLIENT_ID,
       "token requests are logged with the assertion redacted and its claims shown")
    ok(all(k in log[0] for k in ("method", "path", "query", "headers", "body", "status", "violations", "requestId")), "log entry fields")
    st = call("GET", "/__fake/state").json
    ok([a["label"] for a in st["apps"] if a["id"] == "0oa1mob"] == ["Drifted"] and st["authorizationServers"][0]["policies"],
       "state shows the current objects")
    ok(call("POST", "/__fake/reset").status == 200, "reset")
    r = call("GET", "/api/v1/apps/0oa1mob", auth=SSWS)
    ok(r.json["label"] == "Acme Mobile", "reset restores the model")
    ok(len(fake_log()) == 1, "reset clears the request log")
    okta_error(call("PUT", rp, body2, auth=SSWS), 400, "E0000001", "reset restores the org setting (off)")

    # -- the Interaction Code probe: /v1/interact and /idp/idx/introspect -----------------------------------------
    probe_selftest(model)

    # -- app group assignments and trusted origins, from the model --------------------------------------------------
    assigned = json.loads(json.dumps(model))
    everyone = {"id": "00g0all", "type": "BUILT_IN", "profile": {"name": "Everyone"}}
    assigned["appGroupAssignments"] = {
        "0oa1mob": [{"id": "00g1eng"}, {"id": "00g2mob", "priority": 5}],
        "0oa2web": [{"id": "00g0all", "_embedded": {"group": everyone}}],
    }
    assigned["trustedOrigins"] = [
        {"id": "tos1spa", "name": "SPA", "origin": "https://spa.acme.example", "scopes": [{"type": "CORS"}, {"type": "REDIRECT"}]},
        {"id": "tos2old", "name": "Old", "origin": "https://old.acme.example", "status": "INACTIVE", "scopes": [{"type": "REDIRECT"}]},
    ]
    call("POST", "/__fake/reset", {"model": assigned})

    def every_page(url):  # the fake runs with --page-size 1
        items = []
        while url and len(items) < 10:
            r = call("GET", url, auth=SSWS)
            ok(r.status == 200, "GET %s" % url, r.raw[:200])
            items += r.json or []
            url = next((l.split(">")[0].lstrip("<") for l in r.links() if 'rel="next"' in l), None)
        return items
    got = every_page("/api/v1/apps/0oa1mob/groups")
    ok([x["id"] for x in got] == ["00g1eng", "00g2mob"] and got[1]["priority"] == 5
       and got[0]["_links"]["group"]["href"].endswith("/api/v1/groups/00g1eng") and "_embedded" not in got[0],
       "app group assignments from the model, paged", got)
    r = call("GET", "/api/v1/apps/0oa2web/groups?expand=group&limit=20", auth=SSWS)
    ok(r.status == 200 and r.json[0]["_embedded"]["group"]["type"] == "BUILT_IN", "expand=group embeds the group", r.raw[:400])
    r = call("GET", "/api/v1/apps/0oa3rpt/groups", auth=SSWS)
    ok(r.status == 200 and r.json == [], "an app without assignments in the model has none", r.raw[:200])
    okta_error(call("GET", "/api/v1/apps/0oaNOPE1/groups", auth=SSWS), 404, "E0000007", "groups of an unknown app")
    got = every_page("/api/v1/trustedOrigins?limit=200")
    ok([(t["id"], t["status"], [x["type"] for x in t["scopes"]]) for t in got]
       == [("tos1spa", "ACTIVE", ["CORS", "REDIRECT"]), ("tos2old", "INACTIVE", ["REDIRECT"])]
       and "deactivate" in got[0]["_links"] and "activate" in got[1]["_links"],
       "trusted origins from the model, paged", got)
    call("POST", "/__fake/reset", {"model": model})
    r = call("GET", "/api/v1/trustedOrigins", auth=SSWS)
    ok(r.status == 200 and r.json == [], "a model without trusted origins has none", r.raw[:200])

    # -- a classic org: pipeline v1 ------------------------------------------------------------------------------
    classic = json.loads(json.dumps(model))
    classic["org"]["engine"] = "classic"
    call("POST", "/__fake/reset", {"model": classic})
    r = call("GET", "/.well-known/okta-organization")
    ok(r.json.get("pipeline") == "v1", "classic engine serves pipeline v1", r.raw)
    call("POST", "/__fake/reset", {"model": model})

    ok(checked > 50, "responses validated against the spec", checked)
    print("validated %d responses against the spec" % checked)


def raw_get(path, auth, timeout=15):
    """GET through http.client: (status, headers as a list, body, seconds), without the checks
    of call(), since hostile faults send what Okta never would."""
    import http.client
    host, port = urllib.parse.urlsplit(BASE).netloc.split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=timeout)
    started = time.time()
    try:
        conn.request("GET", path, headers={"Authorization": auth, "Accept": "application/json"})
        r = conn.getresponse()
        return r.status, r.getheaders(), r.read(), time.time() - started
    finally:
        conn.close()


def hostile_faults(fault, auth):
    """The faults of a hostile server: forged headers, a slow body, endless pages."""
    # headers: set and override response headers, on any fault or on their own
    fault(path="^/api/v1/org$", status=429, headers={"Retry-After": "1e300", "X-Rate-Limit-Reset": "-7",
                                                       "X-Rate-Limit-Limit": "NaN"})
    status, headers, _, _ = raw_get("/api/v1/org", auth)
    h = {k.lower(): v for k, v in headers}
    ok(status == 429 and h.get("retry-after") == "1e300" and h.get("x-rate-limit-reset") == "-7"
       and h.get("x-rate-limit-limit") == "NaN" and h.get("x-rate-limit-remaining") == "0",
       "a fault's headers override the response's", headers)
    ok([k.lower() for k, _ in headers].count("x-rate-limit-reset") == 1, "an overridden header is sent once", headers)
    fault(path="^/api/v1/org$", headers={"X-Rate-Limit-Remaining": "0", "Date": "Thu, 01 Jan 1970 00:00:00 GMT"})
    status, headers, body, _ = raw_get("/api/v1/org", auth)
    h = {k.lower(): v for k, v in headers}
    ok(status == 200 and json.loads(body).get("id") and h.get("x-rate-limit-remaining") == "0"
       and h.get("date") == "Thu, 01 Jan 1970 00:00:00 GMT", "a headers-only fault serves the request normally", headers)
    for bad in ({"headers": {}}, {"headers": {"Bad Name": "x"}}, {"headers": {"X-A": "a\r\nX-B: b"}},
                {"headers": {"X-A": 5}}, {"kind": "trickle", "bytes": 100}, {"kind": "trickle", "bytes": 100, "rate": 0},
                {"kind": "trickle", "bytes": 10000, "rate": 1}, {"kind": "endless"}, {"kind": "endless", "bytes": 100, "status": 200},
                {"kind": "endless", "bytes": (64 << 20) + 1}):
        ok(call("POST", "/__fake/faults", bad).status == 400, "a hostile fault is validated: %s" % bad)
    # trickle: a JSON body at `rate` bytes a second
    fault(path="^/api/v1/groups/", kind="trickle", bytes=40, rate=40)
    status, headers, body, took = raw_get("/api/v1/groups/00g1eng", auth)
    ok(status == 200 and body == b'"' + b"x" * 38 + b'"' and 0.8 <= took <= 3,
       "a trickle fault sends its body at its rate", (status, len(body), took))
    # endless: a page of about `bytes` bytes and a fresh next link, every time
    fault(path="^/api/v1/apps$", kind="endless", bytes=20000, count=3)
    cursors = []
    for _ in range(3):
        status, headers, body, _ = raw_get("/api/v1/apps?limit=200", auth)
        links = [v for k, v in headers if k.lower() == "link" and 'rel="next"' in v]
        page = json.loads(body)
        ok(status == 200 and isinstance(page, list) and page and 19000 <= len(body) <= 21000 and len(links) == 1,
           "an endless fault sends a page of about its bytes with a next link", (status, len(body), links))
        cursors += links
    ok(len(set(cursors)) == 3, "each endless page has a fresh cursor", cursors)
    status, _, body, _ = raw_get("/api/v1/apps?limit=200", auth)
    ok(status == 200 and all(a.get("label") != "endless" for a in json.loads(body)), "an endless fault ends after count")


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # a crash is a failure, not a traceback without a summary
        import traceback
        traceback.print_exc()
        ok(False, "self-test crashed: %r" % e)
    finally:
        stop_server()
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed or not passed else 0)
