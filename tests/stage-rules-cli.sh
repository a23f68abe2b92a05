#!/usr/bin/env bash
# almanacctl expand / explain, end to end: canonical output, JSON fields, errors and exit codes.
set -euo pipefail
cd "$(dirname "$0")/.."
bin="$(swift build --show-bin-path)/almanacctl"
fail() { echo "stage-rules-cli: $*" >&2; exit 1; }

out="$("$bin" expand '9月20日—10月10日' --year 2026 --json)"
python3 - "$out" <<'PY' || fail "expand --json"
import json, sys
d = json.loads(sys.argv[1])
assert d["rule"] == "09-20..10-10", d
assert (d["from"], d["to"]) == ("2026-01-01", "2026-12-31"), d
[o] = d["occurrences"]
assert (o["start"], o["end"], o["time"], o["days"]) == ("2026-09-20", "2026-10-10", None, 21), o
assert o["explanation"][-1] == "= 2026-09-20 (Sunday) .. 2026-10-10 (Saturday), 21 days", o
PY

out="$("$bin" expand 'weekly tue,fri 09:00' --from 2026-01-01 --to 2026-01-10)"
expected="# weekly tue,fri 09:00  (2026-01-01..2026-01-10, 3 occurrences)
2026-01-02  Fri  09:00
2026-01-06  Tue  09:00
2026-01-09  Fri  09:00"
[ "$out" = "$expected" ] || fail "expand text: $out"

out="$("$bin" explain 'weekly tue,fri' 2026-01-07 --json)"
python3 - "$out" <<'PY' || fail "explain --json"
import json, sys
d = json.loads(sys.argv[1])
assert d["matches"] is False and d["occurrences"] == [], d
assert d["previous"]["start"] == "2026-01-06" and d["next"]["start"] == "2026-01-09", d
PY

set +e
out="$("$bin" expand 'weekly tue,frj' --json)"; rc=$?
set -e
[ "$rc" = 1 ] || fail "bad rule exit status $rc"
python3 - "$out" <<'PY' || fail "error json"
import json, sys
e = json.loads(sys.argv[1])["error"]
assert e == {"code": "unexpected", "message": "unknown word 'frj' — did you mean 'fri'?", "column": 12, "length": 3}, e
PY
echo "stage-rules-cli: ok" >&2
