import OrgWizJSON

/// `orgwiz export --requests`: the plan as the requests `apply` would send, one JSON body per
/// request, numbered in its order, and a `send.sh` that sends them with curl.
public enum RequestExport {
  /// One request: its file, method and path.
  public struct Request: Sendable, Equatable {
    public var file: String
    public var method: String
    public var path: String
    public var sentence: String
  }

  public static func requests(_ plan: ExportPlan) -> [Request] {
    plan.entries.enumerated().map { index, entry in
      Request(
        file: entry.stem(number: index + 1, of: plan.entries.count) + ".json",
        method: entry.item.method, path: entry.item.path, sentence: entry.item.sentence)
    }
  }

  /// The files: each body, `send.sh` and `README.md`.
  public static func files(_ plan: ExportPlan, modelName: String, version: String) -> [ExportFile] {
    let requests = requests(plan)
    var files = zip(requests, plan.entries).map { request, entry in
      ExportFile(name: request.file, text: JSONWriter.string(entry.body, style: .pretty))
    }
    files.append(
      ExportFile(
        name: "send.sh", text: script(plan, requests: requests, version: version),
        executable: true))
    files.append(
      ExportFile(
        name: "README.md",
        text: ExportReadme.requests(
          plan, requests: requests, modelName: modelName, version: version)))
    return files
  }

  /// A shell word that stands for exactly this text.
  static func shellQuoted(_ text: String) -> String {
    "'" + text.replacingAll("'", with: "'\\''") + "'"
  }

  /// `send.sh`: sends each request in order with curl, stops at the first failure, prints
  /// each response's status and `X-Okta-Request-Id`. The token is read from `$OKTA_API_TOKEN`
  /// and passed to curl on its standard input, never on a command line; response bodies
  /// (an app's holds its client secret) are not printed or kept, only an error's.
  static func script(_ plan: ExportPlan, requests: [Request], version: String) -> String {
    var text = """
      #!/bin/sh
      # Sends the change orgwiz planned, one full-replacement request at a time, in the order
      # orgwiz apply would send them. Exported by orgwiz \(version) from a model pulled from
      # \(VisibleText.visibleOnOneLine(plan.record.orgURL)) at \(VisibleText.visibleOnOneLine(plan.record.pulledAt)).
      #
      # Usage: OKTA_API_TOKEN=... ./send.sh [https://your-org.okta.com]
      # (or set OKTA_ORG_URL). Read README.md first: the org setting comes first, by hand.
      set -eu

      org="${1:-${OKTA_ORG_URL:-}}"
      if [ -z "$org" ]; then
        echo "send.sh: name the org: ./send.sh https://your-org.okta.com (or set OKTA_ORG_URL)" >&2
        exit 64
      fi
      org="${org%/}"
      # Only scheme://host[:port]: no user part (http://127.0.0.1@elsewhere goes elsewhere), no
      # path, query or spaces.
      case "$org" in
        *[!A-Za-z0-9.:/\\[\\]-]*)
          echo "send.sh: $org is not an org URL (https://host, without a user, path or query)" >&2
          exit 64
          ;;
      esac
      case "$org" in *://*) ;; *) org="https://$org" ;; esac
      case "${org#*://}" in
        */* | '')
          echo "send.sh: $org is not an org URL (https://host, without a path)" >&2
          exit 64
          ;;
      esac
      # A loopback host exactly: 127.a.b.c, localhost or [::1], each with an optional :port.
      loopback() {
        case "$1" in
          '[::1]' | '[::1]:'*) port="${1#\\[::1\\]}" ;;
          localhost | localhost:*) port="${1#localhost}" ;;
          127.*)
            address="${1%%:*}"
            case "$address" in *[!0-9.]* | *..* | *.) return 1 ;; esac
            port="${1#"$address"}"
            ;;
          *) return 1 ;;
        esac
        case "$port" in '') return 0 ;; : | :*[!0-9]*) return 1 ;; :*) return 0 ;; esac
        return 1
      }
      case "$org" in
        https://*) ;;
        http://*)
          if ! loopback "${org#http://}"; then
            echo "send.sh: $org is not https://; only loopback hosts may use http://" >&2
            exit 64
          fi
          ;;
        *)
          echo "send.sh: $org is not https://" >&2
          exit 64
          ;;
      esac
      if [ -z "${OKTA_API_TOKEN:-}" ]; then
        echo "send.sh: set OKTA_API_TOKEN to an API token (it is read from the environment only)" >&2
        exit 64
      fi
      command -v curl >/dev/null 2>&1 || { echo "send.sh: curl is needed" >&2; exit 69; }

      here="$(cd "$(dirname "$0")" && pwd)"
      work="$(mktemp -d)"
      trap 'rm -rf "$work"' EXIT

      # send METHOD PATH FILE: one request; on failure, Okta's error and a non-zero exit.
      send() {
        echo "$1 $2 ($3)"
        status=0
        printf 'header = "Authorization: SSWS %s"\\n' "$OKTA_API_TOKEN" |
          curl --silent --show-error --fail-with-body --config - \\
            --request "$1" \\
            --header "Accept: application/json" \\
            --header "Content-Type: application/json" \\
            --data-binary "@$here/$3" \\
            --dump-header "$work/headers" \\
            --output "$work/body" \\
            --write-out "%{http_code}" \\
            "$org$2" >"$work/code" || status=$?
        id="$(tr -d '\\r' <"$work/headers" 2>/dev/null | sed -n 's/^[Xx]-[Oo]kta-[Rr]equest-[Ii]d: *//p' | tail -n 1)"
        echo "  HTTP $(cat "$work/code" 2>/dev/null || echo '?'), X-Okta-Request-Id: ${id:-none}"
        if [ "$status" -ne 0 ]; then
          echo "send.sh: $1 $2 failed (curl exit $status); the requests after it were not sent." >&2
          cat "$work/body" >&2 2>/dev/null || true
          echo >&2
          exit 1
        fi
      }


      """
    for request in requests {
      text +=
        "# \(VisibleText.visibleOnOneLine(request.sentence))\n"
        + "send \(request.method) \(shellQuoted(request.path)) \(shellQuoted(request.file))\n"
    }
    text += "echo \"Sent \(requests.count) request\(requests.count == 1 ? "" : "s").\"\n"
    return text
  }
}
