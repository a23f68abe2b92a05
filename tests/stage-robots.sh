#!/usr/bin/env bash
# almanacd's group-robot channels (企业微信, 钉钉, 飞书, the signed webhook) against
# tests/robot_server.py, an HTTPS server on loopback that checks every signature and timestamp
# window as the services do, records the payloads, answers with the services' own error codes on
# request and rate-limits each robot; its certificate comes from a CA the test makes, pinned in
# almanac.yaml. tests/robots_test.py says what is checked: payloads and mentions, the webhook's
# JSON, retries on the services' rate-limit codes, a wrong key or secret, an open secret file and
# an http:// URL refused at load, exactly once and in order through a restart during an outage,
# digests of what exceeds a robot's rate, and 1,000 reminders to 80 units over robots and mail.
# Uses the debug build scripts/test.sh has just made; only Python's standard library.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/prereqs.sh
ensure_apt openssl ca-certificates
ensure_cmd python3 python3
daemon=$PWD/.build/debug/almanacd
ctl=$PWD/.build/debug/almanacctl
if [ ! -x "$ctl" ] || [ ! -x "$daemon" ]; then
    swift build --product almanacctl >/dev/null
    swift build --product almanacd >/dev/null
fi
exec python3 tests/robots_test.py
