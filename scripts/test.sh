#!/usr/bin/env bash
# Runs every test of almanac: installs what is missing, builds, runs the Swift test suite, then
# the process and end-to-end tests. Usage: scripts/test.sh [--stress]
#
# --stress (or ALMANAC_TEST_STRESS=1 in the environment, which .ci/run passes on): the whole run
# happens while a CPU burner keeps twice as many busy processes as there are cores, so that a
# test depending on the machine being fast fails here rather than on a loaded CI machine. The
# burner is killed when the script ends, however it ends. See docs/testing.md.
set -euo pipefail
cd "$(dirname "$0")/.."

stress=${ALMANAC_TEST_STRESS:-}
[ "$stress" = 0 ] && stress=
for argument in "$@"; do
    case "$argument" in
        --stress) stress=1 ;;
        *) echo "usage: scripts/test.sh [--stress]" >&2; exit 64 ;;
    esac
done

burners=()
stop_burner() {
    local pid
    for pid in "${burners[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${burners[@]}"; do wait "$pid" 2>/dev/null || true; done
    burners=()
}
trap stop_burner EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
# Started once the build is done: the build is not under test, and under the burner it takes
# three times as long.
start_burner() {
    [ -n "$stress" ] || return 0
    local cores
    cores=$(nproc)
    for _ in $(seq $((2 * cores))); do
        # A busy loop, pure CPU demand with no memory; it also ends by itself within a moment
        # of this script's end, should the script be killed before its trap can run.
        bash -c "while kill -0 $$ 2>/dev/null; do for ((i = 0; i < 200000; i++)); do :; done; done" &
        burners+=($!)
    done
    echo "==> stress: ${#burners[@]} busy processes on $cores cores for the tests and stages" >&2
}

# One line per step with its wall-clock time, and all of them again at the end.
timings=()
step_started=0
step() {
    echo "==> $1" >&2
    step_started=$(date +%s)
}
step_done() {
    local line
    line=$(printf '%-32s %5d s' "$1" $(( $(date +%s) - step_started )))
    echo "time: $line" >&2
    timings+=("$line")
}
run_started=$(date +%s)

. scripts/prereqs.sh

step "prerequisites"
ensure_swift
# Build: BUILD_PACKAGES. Tests: socat (raw socket requests), util-linux (setpriv, nsenter),
# systemd (systemd-socket-activate, systemd-analyze), tzdata (Asia/Shanghai), make (install stage);
# the systemd stage adds systemd-container and debootstrap itself.
ensure_apt "${BUILD_PACKAGES[@]}" socat util-linux systemd tzdata make
ensure_cmd python3 python3    # the CLI stages check --json output with python3
ensure_venv .venv-test aiosmtpd==1.4.6    # the mail tests run a real SMTP server (tests/smtp_server.py)
ensure_test_users
step_done "prerequisites"

# The products and the tests in one build (the stages reuse it), then the tests without building.
step "swift build --build-tests"
swift build --build-tests
step_done "swift build --build-tests"
start_burner
step "swift test"
swift test --skip-build 2>&1 | tee .build/swift-test.log
step_done "swift test"

# Further stages (process tests, the end-to-end test under systemd) are added in tests/*.sh.
stages=0
for stage in tests/stage-*.sh; do
    [ -e "$stage" ] || continue
    step "$stage"
    bash "$stage"
    step_done "$stage"
    stages=$((stages + 1))
done

echo "timings:" >&2
for line in "${timings[@]}"; do echo "  $line" >&2; done
echo "  $(printf '%-32s %5d s' total $(( $(date +%s) - run_started )))${stress:+ (stress: ${#burners[@]} busy processes)}" >&2

# One closing line for the whole run: the Swift tests (the swift-testing summary) plus the stages.
# Every failure above has already stopped the script, so reaching here means none failed.
swift_tests=$(sed -n 's/.*Test run with \([0-9][0-9]*\) tests\{0,1\} in .* passed.*/\1/p' .build/swift-test.log | tail -1)
echo "summary: $(( ${swift_tests:-0} + stages )) passed, 0 failed"
