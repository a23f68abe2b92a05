#!/usr/bin/env bash
# Runs almanacd in the foreground on the sample plan, with everything inside the checkout:
# configuration config/dev/almanac.yaml, plan config/plans/*.yaml, state var/lib/, control socket
# and status.json var/run/, mail outbox var/outbox/. Installs what is missing, builds, runs.
# Stop it with Ctrl-C. Usage: scripts/run.sh [extra almanacd arguments]
# In another terminal: cat var/run/status.json
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/prereqs.sh

ensure_swift
ensure_apt "${BUILD_PACKAGES[@]}" tzdata    # tzdata: the plan's zone, Asia/Shanghai

echo "==> swift build" >&2
swift build --product almanacd
swift build --product almanacctl
bin=$(swift build --show-bin-path)

mkdir -p var/lib var/run var/outbox
echo "==> almanacd --config config/dev/almanac.yaml (Ctrl-C stops it)" >&2
echo "    status: var/run/status.json; state: var/lib/state.db; mail: var/outbox/" >&2
exec "$bin/almanacd" --config config/dev/almanac.yaml "$@"
