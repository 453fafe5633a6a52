"""Container health probe for the `app` and `realtime` services: GET /healthz.

    python /app/deploy/healthcheck.py PORT

Speaks plain HTTP to 127.0.0.1:PORT inside the container; production settings
exempt /healthz from the HTTPS redirect. Django still checks the Host header, so
the probe sends HEALTHCHECK_HOST, or else the first entry of ALLOWED_HOSTS (which
is therefore always allowed). Healthy is 200; a 503 whose only failing check is
search is "degraded" but healthy too, because search then falls back to the
database and the container still serves. Standard library only: no Django import.
"""

import http.client
import json
import os
import sys

TIMEOUT_SECONDS = 8
TOLERATED_FAILURES = {"search"}


def probe_host() -> str:
    explicit = os.environ.get("HEALTHCHECK_HOST", "").strip()
    if explicit:
        return explicit
    for entry in os.environ.get("ALLOWED_HOSTS", "").split(","):
        entry = entry.strip().lstrip(".")  # ".example.de" also allows "example.de"
        if entry and entry != "*":
            return entry
    return "localhost"


def main() -> int:
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 8000
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT_SECONDS)
    try:
        connection.request("GET", "/healthz", headers={"Host": probe_host()})
        response = connection.getresponse()
        body = response.read()
    except OSError as exc:
        print(f"unhealthy: {type(exc).__name__}: {exc}")
        return 1
    finally:
        connection.close()
    if response.status == 200:
        print("ok")
        return 0
    try:
        checks = json.loads(body)["checks"]
        failing = {name for name, result in checks.items() if not result.get("ok")}
    except (ValueError, KeyError, TypeError, AttributeError):
        failing = None
    if response.status == 503 and failing and failing <= TOLERATED_FAILURES:
        print(f"degraded: {', '.join(sorted(failing))} down, serving with fallbacks")
        return 0
    print(f"unhealthy: HTTP {response.status} {body[:300]!r}")
    return 1


if __name__ == "__main__":
    sys.exit(main())
