#!/usr/bin/env bash
# Runs every test of almanac: installs what is missing, builds, runs the Swift test suite, then
# the process and end-to-end tests. Usage: scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/prereqs.sh

ensure_swift
# Build: BUILD_PACKAGES. Tests: socat (raw socket requests), util-linux (setpriv, nsenter),
# systemd (systemd-socket-activate, systemd-analyze), tzdata (Asia/Shanghai), make (install stage);
# the systemd stage adds systemd-container and debootstrap itself.
ensure_apt "${BUILD_PACKAGES[@]}" socat util-linux systemd tzdata make
ensure_cmd python3 python3    # the CLI stages check --json output with python3
ensure_venv .venv-test aiosmtpd==1.4.6    # the mail tests run a real SMTP server (tests/smtp_server.py)
ensure_test_users

echo "==> swift build" >&2
swift build
echo "==> swift test" >&2
swift test 2>&1 | tee .build/swift-test.log

# Further stages (process tests, the end-to-end test under systemd) are added in tests/*.sh.
stages=0
for stage in tests/stage-*.sh; do
    [ -e "$stage" ] || continue
    echo "==> $stage" >&2
    bash "$stage"
    stages=$((stages + 1))
done

# One closing line for the whole run: the Swift tests (the swift-testing summary) plus the stages.
# Every failure above has already stopped the script, so reaching here means none failed.
swift_tests=$(sed -n 's/.*Test run with \([0-9][0-9]*\) tests\{0,1\} in .* passed.*/\1/p' .build/swift-test.log | tail -1)
echo "summary: $(( ${swift_tests:-0} + stages )) passed, 0 failed"
