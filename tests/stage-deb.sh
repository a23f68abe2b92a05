#!/usr/bin/env bash
# The Debian package under a real systemd: scripts/deb.sh builds almanac_*.deb, a Debian 12
# container booted with systemd-nspawn installs it with dpkg, and the checks are what a system
# administrator expects of `dpkg -i almanac_*.deb`: the user and group `almanac` exist
# (sysusers), almanacd.socket is enabled and listening, almanacd.service runs as `almanac`,
# `almanacctl status` answers through the socket, `systemctl reload` takes a plan dropped into
# /etc/almanac/plans.d, and `dpkg -r` / `dpkg --purge` stop and remove it all.
#
# The container root is the one tests/stage-systemd.sh caches in /var/cache/almanac-test/rootfs-<key> (same
# package list, same key), so only the first of the two stages pays for debootstrap.
# By default the package holds the debug build that scripts/test.sh has just made and the Swift
# runtime is bind-mounted read-only at the path the binaries' RUNPATH names (no second build);
# ALMANAC_DEB_STATIC=1 tests the package as shipped (release, --static-swift-stdlib: a full
# second build). ALMANAC_E2E_KEEP=1 leaves the container's root in .cache/e2e/deb-run.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/prereqs.sh

started=$(date +%s)
log() { echo "stage-deb: $*" >&2; }
fail() { echo "stage-deb: FAIL: $*" >&2; exit 1; }
if [ "$(id -u)" -ne 0 ]; then
    exec sudo --preserve-env=PATH,ALMANAC_DEB_STATIC,ALMANAC_E2E_KEEP bash "$0" "$@"
fi

ensure_swift
ensure_apt "${BUILD_PACKAGES[@]}" make systemd systemd-container debootstrap dpkg-dev

. tests/lib/container.sh
cache=$container_cache

# --- 1. The root file system: stage-systemd.sh's (tests/lib/container.sh, cached) -------------
container_rootfs

# --- 2. Build the package ----------------------------------------------------------------------
t=$(date +%s)
out="$cache/deb"
rm -rf "$out"
mkdir -p "$out"
nspawn_extra=()
if [ -n "${ALMANAC_DEB_STATIC:-}" ]; then
    deb=$(ALMANAC_DEB_OUT="$out" scripts/deb.sh release 2> "$cache/deb-build.log") \
        || { tail -n 30 "$cache/deb-build.log" >&2; fail "scripts/deb.sh release failed"; }
    kind="static release"
else
    deb=$(ALMANAC_DEB_DYNAMIC=1 ALMANAC_DEB_OUT="$out" scripts/deb.sh debug 2> "$cache/deb-build.log") \
        || { tail -n 30 "$cache/deb-build.log" >&2; fail "ALMANAC_DEB_DYNAMIC=1 scripts/deb.sh debug failed"; }
    kind="debug, toolchain runtime"
    runtime="$(dirname "$(dirname "$(readlink -f "$(command -v swift)")")")/lib/swift/linux"
    [ -f "$runtime/libswiftCore.so" ] || fail "no Swift runtime at $runtime"
    nspawn_extra+=(--bind-ro="$runtime")
fi
[ -f "$deb" ] || fail "scripts/deb.sh printed '$deb', which is not a file"
case "$(basename "$deb")" in almanac_*_"$(dpkg --print-architecture)".deb) ;; *) fail "package name $(basename "$deb")" ;; esac
log "built $(basename "$deb") ($kind) in $(( $(date +%s) - t )) s"

# The package as dpkg sees it: its control fields and the files the issue asks for.
[ "$(dpkg-deb -f "$deb" Package)" = almanac ] || fail "Package: is not almanac"
depends=$(dpkg-deb -f "$deb" Depends)
grep -q 'libsqlite3-0' <<<"$depends" || fail "Depends lacks libsqlite3-0: $depends"
# Stated by hand in scripts/deb.sh: the binaries open libpq, libcurl and libsystemd on first use,
# dpkg-shlibdeps cannot see them.
for package in libpq5 libcurl4 libsystemd0; do
    grep -q "$package (>= " <<<"$depends" || fail "Depends lacks $package: $depends"
done
contents=$(dpkg-deb -c "$deb" | awk '{ print $NF }')
for f in ./usr/bin/almanacd ./usr/bin/almanacctl ./usr/lib/systemd/system/almanacd.service \
    ./usr/lib/systemd/system/almanacd.socket ./usr/lib/sysusers.d/almanac.conf ./usr/lib/tmpfiles.d/almanac.conf \
    ./usr/lib/systemd/catalog/almanac.catalog ./etc/almanac/almanac.yaml ./usr/share/almanac/plans/zhalainuoer.yaml \
    ./usr/share/man/man8/almanacd.8 ./usr/share/man/man1/almanacctl.1; do
    grep -qxF "$f" <<<"$contents" || fail "the package lacks $f"
done
control_files=$(dpkg-deb --ctrl-tarfile "$deb" | tar -t)
grep -qx './conffiles' <<<"$control_files" || fail "the package marks no conffiles"

# --- 3. Boot a fresh copy of the root ----------------------------------------------------------
root="$cache/deb-run"
rm -rf "$root"
cp -a --reflink=auto "$base" "$root"
cp "$deb" "$root/var/tmp/almanac.deb"    # /tmp is a tmpfs once systemd boots

cleanup() {
    container_stop
    if [ -z "${ALMANAC_E2E_KEEP:-}" ]; then rm -rf "$root"; fi
    rm -rf "$out"
}
trap cleanup EXIT
container_boot "$root" almanac-deb "$cache/deb-console.log" "${nspawn_extra[@]}"

state=$(inside systemctl is-system-running --wait || true)
case "$state" in
    running|degraded) ;;
    *) fail "the container's systemd reached '$state'" ;;
esac
dump() { inside journalctl --sync 2>/dev/null || true; inside journalctl -b --no-pager -u almanacd -n 30 -o short-precise >&2 || true; }
checks=0
check() { checks=$((checks + 1)); }

# --- 4. Install, use, remove -------------------------------------------------------------------
inside id almanac >/dev/null 2>&1 && fail "the fresh container already has a user almanac"
inside dpkg -i /var/tmp/almanac.deb > "$cache/deb-dpkg.log" 2>&1 || { cat "$cache/deb-dpkg.log" >&2; fail "dpkg -i failed"; }
[ "$(inside dpkg-query -W -f='${Status}' almanac)" = "install ok installed" ] || fail "dpkg does not list almanac as installed"
check
inside id almanac >/dev/null || fail "the package did not create the user almanac"
inside getent group almanac >/dev/null || fail "the package did not create the group almanac"
[ "$(inside getent passwd almanac | cut -d: -f6)" = /var/lib/almanac ] || fail "almanac's home is not /var/lib/almanac"
check
[ "$(inside systemctl is-enabled almanacd.socket)" = enabled ] || fail "almanacd.socket is not enabled"
[ "$(inside systemctl is-active almanacd.socket)" = active ] || fail "almanacd.socket is not active"
[ "$(inside stat -c '%U:%G %a %F' /run/almanac/control.sock)" = "root:almanac 660 socket" ] \
    || fail "control socket: $(inside stat -c '%U:%G %a %F' /run/almanac/control.sock)"
check
inside almanacctl status >/dev/null || { dump; fail "almanacctl status failed through the socket"; }
wait_state almanacd.service active || { dump; fail "almanacd.service is $(prop almanacd.service ActiveState)"; }
main_pid=$(prop almanacd.service MainPID)
[ "$(inside stat -c %U /proc/"$main_pid")" = almanac ] || fail "almanacd runs as $(inside stat -c %U /proc/"$main_pid")"
check
# The administrator's first step: a plan in /etc/almanac/plans.d, then a reload.
inside sh -c 'cp -R /usr/share/almanac/plans/. /etc/almanac/plans.d/'
inside systemctl reload almanacd.service || { dump; fail "systemctl reload failed with the sample plan"; }
plan=$(inside almanacctl status --json | python3 -c 'import json,sys; r=json.load(sys.stdin); print((r.get("plan") or {}).get("name", ""))' 2>/dev/null || true)
[ -n "$plan" ] || { dump; fail "almanacctl status --json names no plan after the reload"; }
check
log "installed, running as almanac, plan '$plan' loaded through systemctl reload"

inside dpkg -r almanac > "$cache/deb-dpkg.log" 2>&1 || { cat "$cache/deb-dpkg.log" >&2; fail "dpkg -r failed"; }
[ "$(prop almanacd.service ActiveState)" = inactive ] || fail "almanacd.service still $(prop almanacd.service ActiveState) after dpkg -r"
[ "$(prop almanacd.socket ActiveState)" = inactive ] || fail "almanacd.socket still $(prop almanacd.socket ActiveState) after dpkg -r"
[ ! -e "$root/usr/bin/almanacd" ] || fail "dpkg -r left /usr/bin/almanacd"
[ -f "$root/etc/almanac/almanac.yaml" ] || fail "dpkg -r removed the configuration (a conffile stays until purge)"
check
inside dpkg --purge almanac > "$cache/deb-dpkg.log" 2>&1 || { cat "$cache/deb-dpkg.log" >&2; fail "dpkg --purge failed"; }
[ ! -e "$root/etc/almanac/almanac.yaml" ] || fail "dpkg --purge left /etc/almanac/almanac.yaml"
check
log "ok: $checks checks passed in $(( $(date +%s) - started )) s"
