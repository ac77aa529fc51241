#!/usr/bin/env python3
"""Writes a large, valid org model for benchmarking orgwiz.

Usage: gen-large-org.py OUT.json [--scale F] [--apps N] [--servers N] [--policies N] [--rules N]
                          [--seed N]

--scale F multiplies the default numbers of apps and servers (20000 and 200) by F, so that
--scale 0.1 writes a model of the same shape 10 times smaller (2000 apps, 20 servers, about
8 MB); --apps and --servers, when given, win over it.

The model has the shape of Content/examples/acme.org.json (formatVersion, org, settings, admins,
groups, orgAuthorizationServer, authorizationServers[].policies[].rules[], apps[]) plus the
fields orgwiz does not read but must keep (_links, credentials, created, lastUpdated,
actions.token, visibility, unicode labels, strings that need escaping).

It passes `orgwiz check` without error findings:
  - every id (admins, groups, servers, policies, rules, apps, client ids) is unique;
  - policy priorities are 1..N within a server, rule priorities 1..N within a policy;
  - the Embedded widget sign-in support setting is off and nothing lists interaction_code;
  - grant types come only from authorization_code, client_credentials, implicit, password,
    refresh_token; every app is OPENID_CONNECT;
  - a policy's clients are ["ALL_CLIENTS"] or a few client ids of existing apps.

The first server is named "bench-api". Its "Default Policy" has the last priority, applies to
ALL_CLIENTS and is the only ACTIVE all-clients policy of the server; its first rule (rules[0],
priority 1, ACTIVE) includes the group EVERYONE. `orgwiz run --set server=bench-api --set
app=none` therefore edits exactly that rule, like the jq edit in scripts/bench.

Output: json.dump(indent=2, sort_keys=True, ensure_ascii=False) and a trailing newline. With
the defaults (20000 apps, 200 servers x 10 policies x 5 rules) the file is about 78 MB.
"""

import argparse
import json
import os
import random
import sys

DOMAIN = "acme.okta.com"
BASE = "https://" + DOMAIN
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

ROLES = [
    "ACCESS_CERTIFICATIONS_ADMIN", "ACCESS_REQUESTS_ADMIN", "API_ACCESS_MANAGEMENT_ADMIN",
    "APP_ADMIN", "GROUP_MEMBERSHIP_ADMIN", "HELP_DESK_ADMIN", "ORG_ADMIN", "READ_ONLY_ADMIN",
    "REPORT_ADMIN", "USER_ADMIN", "WORKFLOWS_ADMIN",
]

# Labels mixing ASCII, Latin accents, Greek, Cyrillic, CJK, Arabic and emoji (no U+2028/2029).
LABEL_WORDS = [
    "Portal", "Billing", "Payroll", "Analytics", "Console", "Gateway", "Inventory", "Support",
    "Kiosk", "Reports", "Ledger", "Mobile", "Partner", "Sync", "Scheduler", "Tracker",
    "Zoë", "Ærøskøbing", "Café", "Müller", "Straße", "Ñandú", "Łódź", "Δέλτα", "Привет",
    "日本語", "東京", "서울", "مرحبا", "Ελλάδα", "Ünïcødé", "🚀 Launch", "📊 Stats", "🔐 Vault",
]
FIRST_NAMES = ["Ada", "Bob", "Zoë", "Jürgen", "Siobhán", "Łukasz", "Chloé", "Åsa", "Renée",
               "José", "Mária", "Øystein", "Hiroshi", "Nguyễn", "Fatma", "Ольга", "李", "Søren"]
LAST_NAMES = ["Admin", "Builder", "Ops", "Øvergård", "Nuñez", "Schäfer", "O'Brien", "Dvořák",
              "Ibáñez", "Kowalczyk", "Smith", "Tanaka", "Иванова", "王", "Çelik", "Lindqvist"]
SCOPES = ["openid", "profile", "email", "address", "phone", "offline_access", "groups",
          "api:read", "api:write", "reports:read", "billing:admin", "inventory:sync"]


class Ids:
    """Okta-style ids (prefix + 17 base62 characters), unique across the whole model."""

    def __init__(self, rng):
        self.rng = rng
        self.used = set()

    def reserve(self, value):
        if value in self.used:
            raise SystemExit(f"gen-large-org: duplicate fixed id {value}")
        self.used.add(value)
        return value

    def new(self, prefix):
        while True:
            value = prefix + "".join(self.rng.choice(ALPHABET) for _ in range(20 - len(prefix)))
            if value not in self.used:
                self.used.add(value)
                return value


def timestamp(rng, year_from=2019, year_to=2025):
    return "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ" % (
        rng.randint(year_from, year_to), rng.randint(1, 12), rng.randint(1, 28),
        rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59), rng.randint(0, 999))


def links(kind, object_id, extra=None):
    result = {
        "self": {
            "hints": {"allow": ["GET", "PUT", "DELETE"]},
            "href": f"{BASE}/api/v1/{kind}/{object_id}",
        }
    }
    if extra:
        result.update(extra)
    return result


def make_admins(ids, rng):
    admins = [
        {"displayName": "Ada Admin", "id": ids.reserve("00u1ada"), "login": "ada@acme.example",
         "roles": ["SUPER_ADMIN"]},
        {"displayName": "Bob Builder", "id": ids.reserve("00u2bob"), "login": "bob@acme.example",
         "roles": ["APP_ADMIN", "READ_ONLY_ADMIN"]},
        {"displayName": "Zoë Ops", "id": ids.reserve("00u3zoe"), "login": "zoe@acme.example",
         "roles": ["ORG_ADMIN"]},
    ]
    for number in range(4, 64):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        admin_id = ids.new("00u")
        admins.append({
            "_links": links("users", admin_id),
            "created": timestamp(rng),
            "displayName": f"{first} {last}",
            "id": admin_id,
            "lastUpdated": timestamp(rng, 2025, 2025),
            "login": f"admin{number}@acme.example",
            "roles": sorted(rng.sample(ROLES, rng.randint(1, 3))),
            "status": "ACTIVE",
        })
    return admins


def make_groups(ids, rng, count):
    groups = []
    for number in range(count):
        group_id = ids.new("00g")
        profile = {"name": f"{rng.choice(LABEL_WORDS)} team {number}"}
        if number % 3 == 0:
            profile["description"] = f"Members of \"{profile['name']}\" (cost centre {number:04d})"
        groups.append({
            "_links": links("groups", group_id, {
                "apps": {"href": f"{BASE}/api/v1/groups/{group_id}/apps"},
                "users": {"href": f"{BASE}/api/v1/groups/{group_id}/users"},
            }),
            "created": timestamp(rng),
            "id": group_id,
            "lastMembershipUpdated": timestamp(rng, 2025, 2025),
            "lastUpdated": timestamp(rng, 2024, 2025),
            "objectClass": ["okta:user_group"],
            "profile": profile,
            "type": "OKTA_GROUP",
        })
    return groups


APP_KINDS = [
    # application_type, grant types, response types, token endpoint auth method
    ("web", ["authorization_code", "refresh_token"], ["code"], "client_secret_basic"),
    ("web", ["authorization_code"], ["code"], "client_secret_post"),
    ("native", ["authorization_code", "refresh_token"], ["code"], "none"),
    ("native", ["authorization_code", "password", "refresh_token"], ["code"], "none"),
    ("browser", ["authorization_code"], ["code"], "none"),
    ("browser", ["implicit"], ["token", "id_token"], "none"),
    ("service", ["client_credentials"], ["token"], "private_key_jwt"),
    ("service", ["client_credentials"], ["token"], "client_secret_basic"),
]


def make_app(ids, rng, number):
    app_id = ids.new("0oa")
    client_id = app_id if number % 4 == 0 else ids.new("0oa")
    app_type, grants, responses, auth_method = APP_KINDS[number % len(APP_KINDS)]
    slug = f"app{number}"
    label = f"{rng.choice(LABEL_WORDS)} {rng.choice(LABEL_WORDS)} {number}"
    if number % 97 == 0:
        label += ' "beta" \\ tab\there'
    created = timestamp(rng, 2019, 2024)
    oauth_settings = {
        "application_type": app_type,
        "consent_method": rng.choice(["REQUIRED", "TRUSTED"]),
        "grant_types": list(grants),
        "issuer_mode": "ORG_URL",
        "response_types": list(responses),
        "wildcard_redirect": "DISABLED",
    }
    if app_type != "service":
        if app_type == "native":
            base_uri = f"com.acme.{slug}:"
            oauth_settings["redirect_uris"] = [base_uri + "/callback", base_uri + "/oauth2/cb"]
            oauth_settings["post_logout_redirect_uris"] = [base_uri + "/logout"]
        else:
            base_uri = f"https://{slug}.acme.example"
            oauth_settings["redirect_uris"] = [
                f"{base_uri}/callback", f"{base_uri}/login/oauth2/code/okta",
                f"http://localhost:{8000 + number % 1000}/callback",
            ]
            oauth_settings["post_logout_redirect_uris"] = [f"{base_uri}/"]
            oauth_settings["initiate_login_uri"] = f"{base_uri}/login"
    credentials_client = {
        "autoKeyRotation": True,
        "client_id": client_id,
        "pkce_required": app_type in ("native", "browser"),
        "token_endpoint_auth_method": auth_method,
    }
    if auth_method.startswith("client_secret"):
        credentials_client["client_secret"] = "".join(rng.choice(ALPHABET) for _ in range(40))
    app = {
        "_links": links("apps", app_id, {
            "appLinks": [{
                "href": f"{BASE}/home/oidc_client/{app_id}/aln177a159h7Zf52X0g8",
                "name": "oidc_client_link", "type": "text/html",
            }],
            "deactivate": {"href": f"{BASE}/api/v1/apps/{app_id}/lifecycle/deactivate"},
            "groups": {"href": f"{BASE}/api/v1/apps/{app_id}/groups"},
            "users": {"href": f"{BASE}/api/v1/apps/{app_id}/users"},
        }),
        "accessibility": {"errorRedirectUrl": None, "loginRedirectUrl": None, "selfService": False},
        "created": created,
        "credentials": {
            "oauthClient": credentials_client,
            "signing": {"kid": "".join(rng.choice(ALPHABET) for _ in range(43))},
            "userNameTemplate": {"template": "${source.login}", "type": "BUILT_IN"},
        },
        "features": [],
        "id": app_id,
        "label": label,
        "lastUpdated": timestamp(rng, 2024, 2025),
        "name": "oidc_client",
        "profile": {"costCentre": f"CC-{number % 500:04d}", "owner": f"{rng.choice(FIRST_NAMES)} "
                    f"{rng.choice(LAST_NAMES)}", "tier": rng.randint(1, 4)},
        "settings": {
            "app": {},
            "implicitAssignment": False,
            "manualProvisioning": False,
            "notes": {"admin": f"Owned by team {number % 200}.\nReview yearly." if number % 5 == 0
                      else None, "enduser": None},
            "oauthClient": oauth_settings,
        },
        "signOnMode": "OPENID_CONNECT",
        "status": "ACTIVE" if number % 23 else "INACTIVE",
        "visibility": {
            "appLinks": {"oidc_client_link": app_type != "service"},
            "autoLaunch": False,
            "autoSubmitToolbar": False,
            "hide": {"iOS": app_type == "service", "web": app_type == "service"},
        },
    }
    return app


RULE_GRANTS = [
    ["authorization_code"],
    ["authorization_code", "refresh_token"],
    ["client_credentials"],
    ["authorization_code", "client_credentials"],
    ["implicit"],
    ["password", "refresh_token"],
    ["authorization_code", "implicit", "refresh_token"],
]


def make_rule(ids, rng, priority, name, grants, groups, status="ACTIVE"):
    created = timestamp(rng, 2020, 2024)
    rule_id = ids.new("0pr")
    token = {"accessTokenLifetimeMinutes": rng.choice([5, 15, 30, 60, 120])}
    if "refresh_token" in grants:
        token["refreshTokenLifetimeMinutes"] = rng.choice([0, 1440, 43200])
        token["refreshTokenWindowMinutes"] = rng.choice([10080, 129600])
    if priority % 2:
        token["inlineHook"] = None
    return {
        "_links": links("authorizationServers/policies/rules", rule_id),
        "actions": {"token": token},
        "conditions": {
            "grantTypes": {"include": list(grants)},
            "people": {"groups": {"include": list(groups)}, "users": {"include": []}},
            "scopes": {"include": ["*"] if priority % 3 == 1
                       else sorted(rng.sample(SCOPES, rng.randint(1, 4)))},
        },
        "created": created,
        "id": rule_id,
        "lastUpdated": timestamp(rng, 2025, 2025),
        "name": name,
        "priority": priority,
        "status": status,
        "system": False,
        "type": "RESOURCE_ACCESS",
    }


def make_server(ids, rng, number, name, policy_count, rule_count, apps, groups):
    server_id = ids.new("aus")
    created = timestamp(rng, 2019, 2023)
    policies = []
    # The Default Policy comes first in the array (as Okta lists it) but has the last priority.
    default_rules = []
    for rule_index in range(rule_count):
        if rule_index == 0:
            default_rules.append(make_rule(
                ids, rng, 1, "Default Policy Rule", ["authorization_code", "client_credentials"],
                ["EVERYONE"]))
        else:
            default_rules.append(make_rule(
                ids, rng, rule_index + 1, f"Fallback rule {rule_index} · Zoë's",
                rng.choice(RULE_GRANTS), [rng.choice(groups)["id"]],
                "ACTIVE" if rule_index % 4 else "INACTIVE"))
    policies.append({
        "_links": links(f"authorizationServers/{server_id}/policies", ids.new("00p")),
        "conditions": {"clients": {"include": ["ALL_CLIENTS"]}},
        "created": created,
        "description": "Default policy for every client",
        "id": None,  # filled below from the _links id so both agree
        "lastUpdated": timestamp(rng, 2025, 2025),
        "name": "Default Policy",
        "priority": policy_count,
        "rules": default_rules,
        "status": "ACTIVE",
        "system": False,
        "type": "OAUTH_AUTHORIZATION_POLICY",
    })
    for policy_index in range(1, policy_count):
        # App-specific policies on every server; on servers other than the first, some extra
        # all-clients policies that are INACTIVE or on servers where it does not matter.
        all_clients = number > 0 and policy_index % 4 == 0
        clients = (["ALL_CLIENTS"] if all_clients
                   else [app["credentials"]["oauthClient"]["client_id"]
                         for app in rng.sample(apps, rng.randint(1, 4))])
        rules = [
            make_rule(ids, rng, rule_index + 1,
                      f"{rng.choice(LABEL_WORDS)} rule {rule_index + 1}",
                      rng.choice(RULE_GRANTS),
                      ["EVERYONE"] if rule_index == 0 else
                      [group["id"] for group in rng.sample(groups, rng.randint(1, 3))],
                      "ACTIVE" if (rule_index + policy_index) % 5 else "INACTIVE")
            for rule_index in range(rule_count)
        ]
        rng.shuffle(rules)  # array order is not priority order
        policies.append({
            "_links": links(f"authorizationServers/{server_id}/policies", ids.new("00p")),
            "conditions": {"clients": {"include": clients}},
            "created": timestamp(rng, 2020, 2024),
            "description": f"Policy {policy_index} for {len(clients)} client(s) — “{name}”",
            "id": None,
            "lastUpdated": timestamp(rng, 2025, 2025),
            "name": f"{rng.choice(LABEL_WORDS)} policy {policy_index}",
            "priority": policy_count - policy_index,
            "rules": rules,
            "status": "ACTIVE" if policy_index % 7 else "INACTIVE",
            "system": False,
            "type": "OAUTH_AUTHORIZATION_POLICY",
        })
    for policy in policies:
        policy["id"] = policy["_links"]["self"]["href"].rsplit("/", 1)[1]
    for policy in policies:
        for rule in policy["rules"]:
            rule["_links"]["self"]["href"] = (
                f"{BASE}/api/v1/authorizationServers/{server_id}/policies/{policy['id']}"
                f"/rules/{rule['id']}")
    return {
        "_links": links("authorizationServers", server_id, {
            "claims": {"href": f"{BASE}/api/v1/authorizationServers/{server_id}/claims"},
            "deactivate": {"hints": {"allow": ["POST"]},
                           "href": f"{BASE}/api/v1/authorizationServers/{server_id}/lifecycle/deactivate"},
            "keys": {"href": f"{BASE}/api/v1/authorizationServers/{server_id}/credentials/keys"},
            "metadata": [{"href": f"{BASE}/oauth2/{server_id}/.well-known/oauth-authorization-server"}],
            "policies": {"href": f"{BASE}/api/v1/authorizationServers/{server_id}/policies"},
            "scopes": {"href": f"{BASE}/api/v1/authorizationServers/{server_id}/scopes"},
        }),
        "audiences": [f"api://{name}"],
        "created": created,
        "credentials": {"signing": {
            "kid": "".join(rng.choice(ALPHABET) for _ in range(43)),
            "lastRotated": timestamp(rng, 2025, 2025),
            "nextRotation": "2026-12-01T00:00:00.000Z",
            "rotationMode": "AUTO",
        }},
        "default": False,
        "description": f"Tokens for {name} — ünïcode “quoted” description",
        "id": server_id,
        "issuer": f"{BASE}/oauth2/{server_id}",
        "issuerMode": "ORG_URL",
        "lastUpdated": timestamp(rng, 2025, 2025),
        "name": name,
        "policies": policies,
        "status": "ACTIVE",
    }


def main(argv):
    parser = argparse.ArgumentParser(description="Write a large org model for benchmarks.")
    parser.add_argument("output", help="the JSON file to write")
    parser.add_argument("--scale", type=float, default=1.0,
                        help="multiply the default apps and servers by this (0.1: 10x smaller)")
    parser.add_argument("--apps", type=int, default=None, help="apps (default 20000 x scale)")
    parser.add_argument("--servers", type=int, default=None,
                        help="servers (default 200 x scale)")
    parser.add_argument("--policies", type=int, default=10, help="policies per server")
    parser.add_argument("--rules", type=int, default=5, help="rules per policy")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if args.scale <= 0:
        parser.error("--scale must be positive")
    if args.apps is None:
        args.apps = max(4, round(20000 * args.scale))
    if args.servers is None:
        args.servers = max(1, round(200 * args.scale))
    if args.apps < 4 or args.servers < 1 or args.policies < 1 or args.rules < 1:
        parser.error("need --apps >= 4 and at least one server, policy and rule")

    rng = random.Random(args.seed)
    ids = Ids(rng)
    admins = make_admins(ids, rng)
    groups = make_groups(ids, rng, 300)
    apps = [make_app(ids, rng, number) for number in range(args.apps)]
    servers = [
        make_server(ids, rng, number, "bench-api" if number == 0 else f"api-{number:04d}",
                    args.policies, args.rules, apps, groups)
        for number in range(args.servers)
    ]
    model = {
        "admins": admins,
        "apps": apps,
        "authorizationServers": servers,
        "formatVersion": 1,
        "groups": groups,
        "org": {
            "domain": DOMAIN,
            "engine": "identity-engine",
            "id": ids.reserve("00o1acme"),
            "name": "Acme Corp (benchmark, ünïcode)",
            "subdomain": "acme",
        },
        "orgAuthorizationServer": {"issuer": BASE},
        "settings": {"embeddedWidgetSignInSupport": {"interactionCode": False}},
    }
    temporary = args.output + ".tmp"
    with open(temporary, "w", encoding="utf-8") as handle:
        json.dump(model, handle, indent=2, sort_keys=True, ensure_ascii=False)
        handle.write("\n")
    os.replace(temporary, args.output)
    size = os.path.getsize(args.output)
    rules = args.servers * args.policies * args.rules
    print(f"wrote {args.output}: {size / 1e6:.1f} MB, {len(apps)} apps, {len(servers)} servers, "
          f"{args.servers * args.policies} policies, {rules} rules", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
