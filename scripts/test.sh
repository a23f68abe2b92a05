#!/usr/bin/env bash
# Runs every test of almanac: installs what is missing, builds, runs the Swift test suite, then
# the process and end-to-end tests. Usage: scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/prereqs.sh

ensure_swift
ensure_apt "${BUILD_PACKAGES[@]}"
ensure_apt socat util-linux   # control socket tests: raw requests, setpriv
ensure_test_users

echo "==> swift build" >&2
swift build
echo "==> swift test" >&2
swift test 2>&1 | tee .build/swift-test.log

# Further stages (process tests, the end-to-end test under systemd) are added in tests/*.sh.
for stage in tests/stage-*.sh; do
    [ -e "$stage" ] || continue
    echo "==> $stage" >&2
    bash "$stage"
done
