#!/usr/bin/env bash
# Runs the benchmark suite (Benchmarks/, a package of its own) with one command and prints the
# figures. Usage: scripts/bench.sh [extra `swift package benchmark` arguments]
#   scripts/bench.sh --target CalendarBenchmarks     one suite
#   scripts/bench.sh --format markdown               the table the README quotes
# Release build, on a quiet machine for figures worth comparing.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/prereqs.sh

ensure_swift
ensure_apt "${BUILD_PACKAGES[@]}"

cd Benchmarks
exec swift package --disable-sandbox benchmark --no-progress "$@"
