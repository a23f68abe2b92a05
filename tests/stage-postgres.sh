#!/usr/bin/env bash
# The PostgreSQL state store against a real server (Debian's PostgreSQL, started by
# scripts/failover.py in a temporary directory, as the user `postgres` when run as root):
#  1. the store's Swift tests (Tests/AlmanacStoreTests/PostgresStateStoreTests.swift): the same
#     protocol behaviour as SQLite, the lease and its fencing token, a takeover when the leader's
#     session ends, migrations, `almanacctl state migrate`'s copy;
#  2. three almanacd processes on one database (scripts/failover.py check): 240 deliveries due
#     over four minutes while the leader is killed with SIGKILL four times, paused with SIGSTOP
#     past its lease and resumed, and PostgreSQL is stopped for a minute; a mark made through a
#     follower; every delivery made exactly once (journal files and mail outbox, per delivery).
# Uses the debug build scripts/test.sh has just made.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/prereqs.sh
ensure_apt postgresql-15 postgresql-client-15 util-linux
daemon=$PWD/.build/debug/almanacd
if [ ! -x "$daemon" ]; then swift build --product almanacd >/dev/null; fi

echo "--- the store's tests against PostgreSQL" >&2
python3 scripts/failover.py serve -- swift test --filter 'AlmanacStoreTests' 2>&1 | tail -n 40 | tee .build/stage-postgres-swift.log
grep -q 'Suite "PostgreSQL state store" passed' .build/stage-postgres-swift.log \
    || { echo "stage-postgres: FAIL: the PostgreSQL store tests did not pass" >&2; exit 1; }

echo "--- three instances, kills, a pause, the database down for a minute" >&2
python3 scripts/failover.py check --almanacd "$daemon"
