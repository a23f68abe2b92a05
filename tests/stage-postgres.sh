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
# The tests take under 30 s; 300 s is only a hang guard (a stuck test fails the stage instead of
# holding CI until its own limit). --skip-build: scripts/test.sh has built the tests already.
status=0
python3 scripts/failover.py serve -- timeout --kill-after=10 300 swift test --skip-build --filter 'AlmanacStoreTests' \
    > .build/stage-postgres-swift-full.log 2>&1 || status=$?
tail -n 40 .build/stage-postgres-swift-full.log | tee .build/stage-postgres-swift.log
if [ "$status" = 124 ] || [ "$status" = 137 ]; then
    echo "stage-postgres: FAIL: the PostgreSQL store tests did not finish within 300 s (hang guard)" >&2; exit 1
fi
grep -q 'Suite "PostgreSQL state store" passed' .build/stage-postgres-swift.log \
    || { echo "stage-postgres: FAIL: the PostgreSQL store tests did not pass (status $status)" >&2; exit 1; }

echo "--- three instances, kills, a pause, the database down for a minute" >&2
python3 scripts/failover.py check --almanacd "$daemon"
