#!/usr/bin/env bash
# End to end under a real systemd: a Debian 12 container booted with systemd-nspawn, almanac
# installed into it with `make install DESTDIR=<rootfs>`, then driven with systemctl, almanacctl
# and journalctl exactly as an administrator would. See docs/testing.md.
#
# The debootstrap root is cached in .cache/e2e/ (gitignored), so only the first run pays for it.
# Binaries are built with --static-swift-stdlib in .build-static (the root has no Swift runtime).
# Environment: ALMANAC_E2E_CONFIGURATION=debug|release (default debug: same code, faster build),
# ALMANAC_E2E_KEEP=1 leaves the container's root in .cache/e2e/run for inspection.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/prereqs.sh

started=$(date +%s)
log() { echo "stage-systemd: $*" >&2; }
fail() { echo "stage-systemd: FAIL: $*" >&2; exit 1; }
if [ "$(id -u)" -ne 0 ]; then
    exec sudo --preserve-env=PATH,ALMANAC_E2E_CONFIGURATION,ALMANAC_E2E_KEEP bash "$0" "$@"
fi

ensure_swift
ensure_apt "${BUILD_PACKAGES[@]}" make systemd systemd-container debootstrap

config=${ALMANAC_E2E_CONFIGURATION:-debug}
cache=.cache/e2e
mkdir -p "$cache"

# --- 1. The root file system (cached) ------------------------------------------------------
# The libraries the daemon links dynamically (everything but the Swift runtime), the time zone
# database, and what systemd needs to boot.
packages=systemd,systemd-sysv,dbus,procps,libsqlite3-0,libcurl4,tzdata,ca-certificates
rootfs_key=$(printf 'bookworm minbase %s v1' "$packages" | sha256sum | cut -c1-12)
base="$cache/rootfs-$rootfs_key"
if [ ! -e "$base/.complete" ]; then
    mirror=$(sed -n 's/^URIs:[[:space:]]*//p' /etc/apt/sources.list.d/*.sources 2>/dev/null \
        | grep -v -- '-security' | head -n1 || true)
    [ -n "$mirror" ] || mirror=$(awk '$1 == "deb" { print $2; exit }' /etc/apt/sources.list 2>/dev/null || true)
    mirror=${mirror:-http://deb.debian.org/debian}
    log "debootstrap bookworm from $mirror into $base (cached for later runs)"
    rm -rf "$base" "$base.tmp"
    t=$(date +%s)
    debootstrap --variant=minbase --include="$packages" bookworm "$base.tmp" "$mirror" \
        > "$cache/debootstrap.log" 2>&1 || { tail -n 20 "$cache/debootstrap.log" >&2; fail "debootstrap failed"; }
    # Units that only add noise (and timers that would fire during the test) in a test boot.
    for unit in apt-daily.timer apt-daily-upgrade.timer dpkg-db-backup.timer e2scrub_all.timer \
        e2scrub_reap.service fstrim.timer console-getty.service systemd-timesyncd.service; do
        ln -sf /dev/null "$base.tmp/etc/systemd/system/$unit"
    done
    echo almanac-e2e > "$base.tmp/etc/hostname"
    apt-get clean -o RootDir="$base.tmp" 2>/dev/null || true
    rm -rf "$base.tmp"/var/cache/apt/archives/*.deb
    touch "$base.tmp/.complete"
    mv "$base.tmp" "$base"
    log "debootstrap took $(( $(date +%s) - t )) s"
fi
# Old cached roots of other package lists.
for old in "$cache"/rootfs-*; do
    [ "$old" = "$base" ] || rm -rf "$old"
done

# --- 2. Build (static Swift runtime) and install into a fresh copy of the root ----------------
t=$(date +%s)
make_args=(PREFIX=/usr CONFIGURATION="$config" SCRATCH=.build-static SWIFT_BUILD_FLAGS=--static-swift-stdlib)
make -s build "${make_args[@]}" > "$cache/build.log" 2>&1 || { tail -n 30 "$cache/build.log" >&2; fail "static build failed"; }
log "static $config build took $(( $(date +%s) - t )) s"

root="$cache/run"
rm -rf "$root"
cp -a --reflink=auto "$base" "$root"
make -s install DESTDIR="$PWD/$root" "${make_args[@]}" > "$cache/install.log" 2>&1 \
    || { tail -n 30 "$cache/install.log" >&2; fail "make install DESTDIR=$root failed"; }
systemd-sysusers --root="$root" >/dev/null
journalctl --root="$root" --update-catalog
systemctl --root="$root" enable almanacd.socket >/dev/null 2>&1
cp config/plans/*.yaml "$root/etc/almanac/plans.d/" 2>/dev/null || true

# --- 3. Boot it ------------------------------------------------------------------------------
# nspawn needs a cgroup subtree of its own (there is no host systemd to give it a scope).
cgname="almanac-e2e-$$"
cgdirs=()
for hierarchy in /sys/fs/cgroup/systemd /sys/fs/cgroup/unified; do
    [ -d "$hierarchy" ] || continue
    if [ "$hierarchy" = /sys/fs/cgroup/unified ]; then
        current=$(sed -n 's/^0:://p' /proc/self/cgroup)
    else
        current=$(sed -n 's/^[0-9]*:name=systemd://p' /proc/self/cgroup)
    fi
    current=${current%/}
    mkdir -p "$hierarchy$current/$cgname"
    cgdirs+=("$hierarchy$current/$cgname")
done

nspawn_pid=
cleanup() {
    if [ -n "$nspawn_pid" ] && kill -0 "$nspawn_pid" 2>/dev/null; then
        kill -TERM "$nspawn_pid" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$nspawn_pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$nspawn_pid" 2>/dev/null || true
    fi
    for dir in "${cgdirs[@]}"; do
        [ -d "$dir" ] && find "$dir" -depth -type d -exec rmdir {} + 2>/dev/null || true
    done
    if [ -z "${ALMANAC_E2E_KEEP:-}" ]; then rm -rf "$root"; fi
}
trap cleanup EXIT

(
    for dir in "${cgdirs[@]}"; do echo "$BASHPID" > "$dir/cgroup.procs"; done
    exec systemd-nspawn -q -D "$root" --boot --register=no --keep-unit --private-network \
        --machine=almanac-e2e --console=pipe < /dev/null
) > "$cache/console.log" 2>&1 &
nspawn_pid=$!

# The container's init is nspawn's child in a new PID namespace.
init_pid=
for _ in $(seq 100); do
    for child in $(cat /proc/"$nspawn_pid"/task/*/children 2>/dev/null); do
        if [ "$(readlink /proc/"$child"/ns/pid)" != "$(readlink /proc/self/ns/pid)" ]; then init_pid=$child; fi
    done
    [ -n "$init_pid" ] && [ -e "/proc/$init_pid/root/run/systemd/private" ] && break
    kill -0 "$nspawn_pid" 2>/dev/null || { cat "$cache/console.log" >&2; fail "systemd-nspawn exited"; }
    sleep 0.1
done
[ -e "/proc/$init_pid/root/run/systemd/private" ] || { cat "$cache/console.log" >&2; fail "the container did not boot"; }

# Runs a command inside the container, with the container's own PATH and no host environment.
inside() {
    nsenter -t "$init_pid" -a env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 SYSTEMD_PAGER= "$@"
}
state=$(inside systemctl is-system-running --wait || true)
case "$state" in
    running) ;;
    degraded) log "system is degraded: $(inside systemctl --failed --no-legend --plain | tr '\n' ';')" ;;
    *) fail "the container's systemd reached '$state'" ;;
esac
log "booted (system $state) $(( $(date +%s) - started )) s into the stage"

# --- 4. Checks -------------------------------------------------------------------------------
checks=0
check() { checks=$((checks + 1)); }
prop() { inside systemctl show -P "$2" "$1"; }

# The socket listens, with the owner and mode the unit asks for; the service waits for a client.
[ "$(inside systemctl is-active almanacd.socket)" = active ] || fail "almanacd.socket is not active"
check
[ "$(inside stat -c '%U:%G %a %F' /run/almanac/control.sock)" = "root:almanac 660 socket" ] \
    || fail "control socket: $(inside stat -c '%U:%G %a %F' /run/almanac/control.sock)"
check
[ "$(inside systemctl is-active almanacd.service || true)" = inactive ] \
    || fail "almanacd.service started before any client connected"
check
inside id almanac >/dev/null || fail "sysusers did not create the user almanac"
check

# What the binaries on this revision can do; checks for the rest are reported as skipped.
daemon_help=$(inside almanacd --help 2>&1 || true)
ctl_help=$(inside almanacctl --help 2>&1 || true)
has_config=$(grep -c -- '--config' <<<"$daemon_help" || true)
has_cmd() { grep -Eq "^  +$1( |$)" <<<"$ctl_help"; }
skipped=()

if [ "$has_config" -eq 0 ] || ! has_cmd status; then
    # The daemon cannot serve yet: still prove that systemd accepts and applies the sandbox by
    # starting the service; systemd's own setup errors are exit codes 200-243.
    inside systemctl start almanacd.service >/dev/null 2>&1 || true
    for _ in $(seq 50); do
        [ "$(prop almanacd.service ActiveState)" = activating ] || break; sleep 0.1
    done
    code=$(prop almanacd.service ExecMainStatus)
    [ -n "$code" ] && [ "$code" -lt 200 ] \
        || fail "systemd could not set up almanacd's sandbox (exit status $code): $(inside journalctl -b -u almanacd --no-pager -n 5 -o cat)"
    check
    inside systemctl reset-failed almanacd.service 2>/dev/null || true
    skipped+=("socket activation, journal fields, reload, stop/start: almanacd has no --config or almanacctl no status yet")
else
    # The first almanacctl call activates the daemon through the socket.
    inside almanacctl status >/dev/null || fail "almanacctl status failed on the socket-activated daemon"
    check
    [ "$(inside systemctl is-active almanacd.service)" = active ] || fail "almanacd.service is not active after the first call"
    check
    main_pid=$(prop almanacd.service MainPID)
    status_text=$(prop almanacd.service StatusText)
    [ -n "$status_text" ] || fail "almanacd sent no STATUS= text"
    check
    inside journalctl --sync 2>/dev/null || true
    loaded=$(inside journalctl -b _SYSTEMD_UNIT=almanacd.service MESSAGE_ID=227e27c51be2494595fdcc585ae7f4c3 -o json --no-pager | wc -l)
    if [ "$loaded" -ge 1 ]; then check; else skipped+=("plan-loaded journal entry (MESSAGE_ID 227e27c5…) not sent"); fi

    # systemctl reload with a broken plan fails, and the daemon keeps running with the old plan.
    if has_cmd reload; then
        printf 'items:\n  - id: [broken\n' > "$root/etc/almanac/plans.d/zz-broken.yaml"
        if inside systemctl reload almanacd.service >/dev/null 2>&1; then
            fail "systemctl reload succeeded with a broken plan"
        fi
        check
        [ "$(inside systemctl is-active almanacd.service)" = active ] || fail "almanacd stopped after a rejected reload"
        [ "$(prop almanacd.service MainPID)" = "$main_pid" ] || fail "almanacd restarted after a rejected reload"
        check
        rm -f "$root/etc/almanac/plans.d/zz-broken.yaml"
        inside systemctl reload almanacd.service || fail "systemctl reload failed with the plan fixed again"
        check
        inside almanacctl status >/dev/null || fail "almanacctl status failed after the reload"
        check
    else
        skipped+=("reload: almanacctl has no reload command yet")
    fi

    # Stop and start repeat nothing: the number of reminder entries and outbox mails is the same.
    count_reminders() {
        inside journalctl --sync 2>/dev/null || true
        inside journalctl -b _SYSTEMD_UNIT=almanacd.service MESSAGE_ID=0075d6d05bfd47f1967bccb451ecd250 -o json --no-pager | wc -l
    }
    count_mail() { inside sh -c 'find /var/lib/almanac -name "*.eml" 2>/dev/null | wc -l'; }
    before_reminders=$(count_reminders); before_mail=$(count_mail)
    inside systemctl stop almanacd.service || fail "systemctl stop failed"
    [ "$(prop almanacd.service Result)" = success ] || fail "almanacd did not stop cleanly: $(prop almanacd.service Result)"
    check
    inside systemctl start almanacd.service || fail "systemctl start failed after a stop"
    inside almanacctl status >/dev/null || fail "almanacctl status failed after the restart"
    sleep 1
    after_reminders=$(count_reminders); after_mail=$(count_mail)
    [ "$after_reminders" = "$before_reminders" ] || fail "reminders repeated after stop/start: $before_reminders -> $after_reminders"
    [ "$after_mail" = "$before_mail" ] || fail "mail repeated after stop/start: $before_mail -> $after_mail"
    check
    if [ "$before_reminders" -ge 1 ]; then
        item=$(inside journalctl -b _SYSTEMD_UNIT=almanacd.service MESSAGE_ID=0075d6d05bfd47f1967bccb451ecd250 -o export --no-pager \
            | sed -n 's/^ALMANAC_ITEM=//p' | head -n1)
        [ -n "$item" ] || fail "reminder entries lack ALMANAC_ITEM"
        for field in ALMANAC_DATE ALMANAC_KIND ALMANAC_OWNERS ALMANAC_LEAD PRIORITY; do
            inside journalctl -b _SYSTEMD_UNIT=almanacd.service ALMANAC_ITEM="$item" -o export --no-pager \
                | grep -q "^$field=" || fail "reminder entry of $item lacks $field"
        done
        check
    else
        skipped+=("reminder journal fields: no reminder was due in the container's boot")
    fi
fi

for reason in "${skipped[@]}"; do log "skipped: $reason"; done
log "ok: $checks checks passed in $(( $(date +%s) - started )) s"
