#!/usr/bin/env bash
# Runs the whole benchmark suite with one command and prints every figure:
#  1. the Swift suites of Benchmarks/ (a package of its own, ordo-one/benchmark): calendar, lunar,
#     rules, scheduler; each beside its reference where there is one (Foundation);
#  2. the process measurements of scripts/measure-daemon.py against the release almanacd and
#     almanacctl: start to READY=1, reload, idle RSS and wake-ups (sample plan and 10,000 items),
#     control-socket round trips and requests per second (beside an echo server), the lateness
#     of a reminder, and rule expansion beside `systemd-analyze calendar`;
#  3. scripts/failover.py measure: three release almanacd on one PostgreSQL database, 1,000
#     deliveries over five minutes with the leader killed 50 times (exactly once, takeover median
#     and worst), then the same burst of deliveries on SQLite and on PostgreSQL (deliveries per
#     second, control `status` p50/p99 while they go out). About ten minutes.
# The load average is printed before and after: the figures are only as quiet as the machine.
#
#   --static also builds almanacd and almanacctl with --static-swift-stdlib (in .build-static, as
#     the Debian package ships them; a full second build) and measures the daemon's idle memory
#     and the agenda's CPU time with them beside the ordinary build's.
#
# Usage: scripts/bench.sh [--quick] [--static] [--no-suites] [--no-process] [--no-failover] [swift package benchmark args]
#   scripts/bench.sh                                   everything
#   scripts/bench.sh --no-process --target SchedulerBenchmarks
#   scripts/bench.sh --no-suites --quick               process figures only, shorter runs
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/prereqs.sh

suites=1 process=1 failover=1 static=0 measure_args=() benchmark_args=()
for arg in "$@"; do
    case "$arg" in
        --quick) measure_args+=(--quick) ;;
        --no-suites) suites=0 ;;
        --static) static=1 ;;
        --no-process) process=0 ;;
        --no-failover) failover=0 ;;
        *) benchmark_args+=("$arg") ;;
    esac
done

ensure_swift
ensure_apt "${BUILD_PACKAGES[@]}" systemd tzdata
ensure_cmd python3 python3

echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, $(uname -m), load average: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "$suites" = 1 ]; then
    echo "==> Benchmarks/: swift package benchmark (release build)" >&2
    # SwiftPM keeps the build plan of the path dependency (..) until the manifest changes, so a
    # source file added to almanac since the last run would be missing from it: touch the manifest
    # when the list of almanac's source files changed (that costs a full rebuild of Benchmarks/).
    sources=$(find Sources -name '*.swift' | sort | sha256sum | cut -c1-16)
    stamp=Benchmarks/.build/almanac-sources.stamp
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" != "$sources" ]; then touch Benchmarks/Package.swift; fi
    mkdir -p Benchmarks/.build && echo "$sources" > "$stamp"
    (cd Benchmarks && swift package --disable-sandbox benchmark --no-progress "${benchmark_args[@]}")
    echo "# load average after the suites: $(cut -d' ' -f1-3 /proc/loadavg)"
fi
if [ "$process" = 1 ]; then
    echo "==> swift build -c release --product almanacd --product almanacctl" >&2
    swift build -c release --product almanacd >&2
    swift build -c release --product almanacctl >&2
    bin=$(swift build -c release --show-bin-path)
    if [ "$static" = 1 ]; then
        static_build=(swift build -c release --static-swift-stdlib --scratch-path .build-static)
        for product in almanacd almanacctl; do    # one product per command: naming two builds the last
            echo "==> ${static_build[*]} --product $product" >&2
            "${static_build[@]}" --product "$product" >&2
        done
        static_bin=$("${static_build[@]}" --show-bin-path)
        measure_args+=(--almanacd-static "$static_bin/almanacd" --almanacctl-static "$static_bin/almanacctl")
    fi
    echo "==> scripts/measure-daemon.py" >&2
    python3 scripts/measure-daemon.py "${measure_args[@]}" "$bin/almanacd" "$bin/almanacctl"
fi
if [ "$failover" = 1 ]; then
    ensure_apt postgresql-15 postgresql-client-15 sqlite3 util-linux
    swift build -c release --product almanacd >&2
    bin=$(swift build -c release --show-bin-path)
    echo "==> scripts/failover.py measure" >&2
    python3 scripts/failover.py measure --almanacd "$bin/almanacd"
fi
echo "# load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
