#!/usr/bin/env bash
# End to end under a real systemd: a Debian 12 container booted with systemd-nspawn, almanac
# installed into it with `make install DESTDIR=<rootfs>`, then driven with systemctl, almanacctl
# and journalctl exactly as an administrator would. See docs/testing.md.
#
# The debootstrap root is cached in /var/cache/almanac-test (tests/lib/container.sh), so only the
# first run on a machine pays for it.
# The root has no Swift runtime: by default the debug build that scripts/test.sh has just made is
# installed, and the toolchain's runtime libraries are bind-mounted read-only at the path the
# binaries' RUNPATH names (no second build). ALMANAC_E2E_STATIC=1 instead builds with
# --static-swift-stdlib in .build-static, as the Debian package does (a full second build).
# Environment: ALMANAC_E2E_CONFIGURATION=debug|release (default debug),
# ALMANAC_E2E_KEEP=1 leaves the container's root in .cache/e2e/run for inspection.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/prereqs.sh

started=$(date +%s)
log() { echo "stage-systemd: $*" >&2; }
fail() { echo "stage-systemd: FAIL: $*" >&2; exit 1; }
if [ "$(id -u)" -ne 0 ]; then
    exec sudo --preserve-env=PATH,ALMANAC_E2E_CONFIGURATION,ALMANAC_E2E_KEEP,ALMANAC_E2E_STATIC bash "$0" "$@"
fi

ensure_swift
ensure_apt "${BUILD_PACKAGES[@]}" make systemd systemd-container debootstrap

config=${ALMANAC_E2E_CONFIGURATION:-debug}
. tests/lib/container.sh
cache=$container_cache

# --- 1. The root file system (cached, shared with stage-deb.sh) ------------------------------
container_rootfs
container_prune_old_roots

# --- 2. Build and install into a fresh copy of the root ---------------------------------------
t=$(date +%s)
nspawn_extra=()
if [ -n "${ALMANAC_E2E_STATIC:-}" ]; then
    make_args=(PREFIX=/usr CONFIGURATION="$config" SCRATCH=.build-static SWIFT_BUILD_FLAGS=--static-swift-stdlib)
    kind="static $config"
else
    make_args=(PREFIX=/usr CONFIGURATION="$config")
    kind="$config"
    # The binaries find the runtime through their RUNPATH (the toolchain's lib/swift/linux).
    runtime="$(dirname "$(dirname "$(readlink -f "$(command -v swift)")")")/lib/swift/linux"
    [ -f "$runtime/libswiftCore.so" ] || fail "no Swift runtime at $runtime"
    nspawn_extra+=(--bind-ro="$runtime")
fi
make -s build "${make_args[@]}" > "$cache/build.log" 2>&1 || { tail -n 30 "$cache/build.log" >&2; fail "$kind build failed"; }
log "$kind build took $(( $(date +%s) - t )) s"

root="$cache/run"
rm -rf "$root"
cp -a --reflink=auto "$base" "$root"
make -s install DESTDIR="$PWD/$root" "${make_args[@]}" > "$cache/install.log" 2>&1 \
    || { tail -n 30 "$cache/install.log" >&2; fail "make install DESTDIR=$root failed"; }
systemd-sysusers --root="$root" >/dev/null
journalctl --root="$root" --update-catalog
systemctl --root="$root" enable almanacd.socket >/dev/null 2>&1
# The sample plan (with the files it includes) as the active plan.
[ -d config/plans ] && cp -R config/plans/. "$root/etc/almanac/plans.d/"

# --- 3. Boot it ------------------------------------------------------------------------------
cleanup() {
    container_stop
    if [ -z "${ALMANAC_E2E_KEEP:-}" ]; then rm -rf "$root"; fi
}
trap cleanup EXIT
container_boot "$root" almanac-e2e "$cache/console.log" "${nspawn_extra[@]}"

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
has_cmd() { grep -Eq "^  +$1( |$)" <<<"$ctl_help"; }
skipped=()
reminder_id=0075d6d05bfd47f1967bccb451ecd250
plan_loaded_id=227e27c51be2494595fdcc585ae7f4c3
socket_host_path="/proc/$init_pid/root/run/almanac/control.sock"

journal() { inside journalctl --sync 2>/dev/null || true; inside journalctl -b --no-pager "$@"; }
dump() { journal -u almanacd -n 30 -o short-precise >&2 || true; }

if ! grep -q -- '--config' <<<"$daemon_help"; then
    skipped+=("everything that needs the daemon: almanacd takes no --config yet")
else
    # The first client activates the daemon through the socket: almanacctl status when it exists,
    # else a bare connection from the host (through the container's /proc/PID/root).
    if has_cmd status; then
        inside almanacctl status >/dev/null || { dump; fail "almanacctl status failed on the socket-activated daemon"; }
    else
        python3 -c 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.close()' \
            "$socket_host_path" || fail "cannot connect to the control socket"
        skipped+=("first call with almanacctl status: almanacctl has no status command yet (a bare connection activated the daemon)")
    fi
    wait_state almanacd.service active || { dump; fail "almanacd.service is $(prop almanacd.service ActiveState) after the first connection"; }
    check
    # Type=notify: active means READY=1 arrived; STATUS= gives the one-line summary.
    [ "$(prop almanacd.service SubState)" = running ] || fail "almanacd.service is not running"
    status_text=$(prop almanacd.service StatusText)
    [ -n "$status_text" ] || fail "almanacd sent no STATUS= text"
    check
    log "STATUS=$status_text"
    main_pid=$(prop almanacd.service MainPID)
    [ "$(prop almanacd.service WatchdogUSec)" != 0 ] || fail "WatchdogSec= is not in effect"
    # The daemon runs as the user almanac, not root, with no capabilities.
    [ "$(inside stat -c %U /proc/"$main_pid")" = almanac ] || fail "almanacd runs as $(inside stat -c %U /proc/"$main_pid")"
    inside grep -q '^CapEff:[[:space:]]*0000000000000000$' /proc/"$main_pid"/status || fail "almanacd has capabilities"
    check
    # Native journal entries, not only stderr lines.
    [ "$(journal _SYSTEMD_UNIT=almanacd.service _TRANSPORT=journal -o cat | wc -l)" -ge 1 ] \
        || { dump; fail "almanacd wrote nothing to the journal through the native protocol"; }
    check
    if [ "$(journal _SYSTEMD_UNIT=almanacd.service MESSAGE_ID=$plan_loaded_id -o json | wc -l)" -ge 1 ]; then
        check
    else
        skipped+=("plan-loaded entry (MESSAGE_ID $plan_loaded_id): not sent (no valid plan in the container, or not implemented)")
    fi

    # systemctl reload with a broken plan fails, and the daemon keeps running with the old plan.
    if has_cmd reload; then
        printf 'items:\n  - id: [broken\n' > "$root/etc/almanac/plans.d/zz-broken.yaml"
        if inside systemctl reload almanacd.service >/dev/null 2>&1; then
            fail "systemctl reload succeeded with a broken plan"
        fi
        check
        wait_state almanacd.service active || fail "almanacd is not active after a rejected reload"
        [ "$(prop almanacd.service MainPID)" = "$main_pid" ] || fail "almanacd restarted after a rejected reload"
        check
        rm -f "$root/etc/almanac/plans.d/zz-broken.yaml"
        inside systemctl reload almanacd.service || { dump; fail "systemctl reload failed with the plan fixed again"; }
        check
    else
        skipped+=("systemctl reload: almanacctl has no reload command yet (ExecReload= uses it)")
    fi

    # A reminder due now: an item dated today (the plan's zone) with a 0d lead at 00:00, caught up
    # when the daemon starts again. What fell due before the daemon's first start counts as
    # history, never sent; so, while the service is stopped, its installation record is moved back
    # 20 days and catch_up widened to 30d (a reminder moved off a long holiday stays in reach).
    late_id=cb38356cc6944f0c8f22b30c90abb48d
    due_item=e2e-due-now
    today=$(TZ=Asia/Shanghai date +%F)
    inside systemctl stop almanacd.service || fail "systemctl stop failed"
    state_db="$root/var/lib/almanac/state.db"
    [ -f "$state_db" ] || fail "no state database at /var/lib/almanac/state.db"
    python3 - "$state_db" <<'PY' || fail "cannot move the installation record back"
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
changed = db.execute(
    "UPDATE delivery SET due_at = strftime('%Y-%m-%d %H:%M:%f', 'now', '-20 days') "
    "WHERE occurrence_id = '*' AND reminder_id = 'installed'").rowcount
db.commit()
db.close()
sys.exit(0 if changed == 1 else 1)
PY
    chown --reference="$root/var/lib/almanac" "$state_db"*
    sed -i 's/^catch_up:.*/catch_up: 30d/' "$root/etc/almanac/almanac.yaml"
    cat > "$root/etc/almanac/plans.d/zz-due-now.yaml" <<EOF
items:
  - id: $due_item
    kind: task
    title: 端到端测试提醒
    when: $today
    owners: [wmb]
    remind: {leads: [0d], time: "00:00"}
EOF
    inside systemctl start almanacd.service || { dump; fail "systemctl start failed"; }
    main_pid=$(prop almanacd.service MainPID)
    due_entries() { journal _SYSTEMD_UNIT=almanacd.service ALMANAC_ITEM=$due_item -o export; }
    for _ in $(seq 1200); do    # hang guard: about 2 minutes
        [ "$(due_entries | grep -c '^ALMANAC_DELIVERY=')" -ge 1 ] && break
        sleep 0.1
    done
    [ "$(due_entries | grep -c '^ALMANAC_DELIVERY=')" = 1 ] || { dump; fail "no single journal entry for the reminder due now ($due_item)"; }
    for field in MESSAGE ALMANAC_DATE ALMANAC_KIND ALMANAC_OWNERS ALMANAC_LEAD PRIORITY MESSAGE_ID; do
        due_entries | grep -q "^$field=" || { dump; fail "the reminder entry of $due_item lacks $field"; }
    done
    due_entries | grep -qx "ALMANAC_DATE=$today" || fail "the reminder entry of $due_item has the wrong ALMANAC_DATE"
    due_entries | grep -qx "ALMANAC_KIND=task" || fail "the reminder entry of $due_item has the wrong ALMANAC_KIND"
    due_entries | grep -qx "ALMANAC_OWNERS=wmb" || fail "the reminder entry of $due_item has the wrong ALMANAC_OWNERS"
    due_entries | grep -qx "ALMANAC_LEAD=0d" || fail "the reminder entry of $due_item has the wrong ALMANAC_LEAD"
    due_entries | grep -qx "MESSAGE_ID=$late_id" || fail "the caught-up reminder is not marked late (MESSAGE_ID $late_id)"
    check

    # Stop and start repeat nothing: as many reminder entries and outbox mails as before. Counted
    # once the daemon has settled: the scheduler has delivered what was due and planned what comes
    # next (STATUS= names it), and the outbox service has written every queued mail (no queued
    # row in the ledger, read through `almanacctl outbox --json`, not status.json's count, which
    # follows at the worker's next count); the catch-up after the start above takes a while on a
    # loaded machine.
    count_reminders() { journal _SYSTEMD_UNIT=almanacd.service MESSAGE_ID=$reminder_id MESSAGE_ID=$late_id -o json | wc -l; }
    count_mail() { inside sh -c 'find /var/lib/almanac -name "*.eml" 2>/dev/null | wc -l'; }
    settled() {
        case "$(prop almanacd.service StatusText)" in *"next reminder"*|*"no reminder due"*) ;; *) return 1 ;; esac
        [ "$(inside almanacctl outbox --json 2>/dev/null \
            | python3 -c 'import json,sys; print(json.load(sys.stdin)["counts"].get("queued", 0))' 2>/dev/null)" = 0 ]
    }
    wait_settled() {    # hang guard: about 2 minutes
        for _ in $(seq 1200); do settled && return 0; sleep 0.1; done
        dump
        echo "--- almanacctl outbox --json:" >&2; inside almanacctl outbox --json >&2 2>&1 || true
        echo "--- almanacctl status --json:" >&2; inside almanacctl status --json >&2 2>&1 || true
        fail "almanacd did not settle (STATUS=$(prop almanacd.service StatusText))"
    }
    wait_settled
    before_reminders=$(count_reminders); before_mail=$(count_mail)
    inside systemctl stop almanacd.service || fail "systemctl stop failed"
    [ "$(prop almanacd.service Result)" = success ] || { dump; fail "almanacd did not stop cleanly: Result=$(prop almanacd.service Result)"; }
    [ "$(inside systemctl is-active almanacd.socket)" = active ] || fail "almanacd.socket went down with the service"
    [ -S "$socket_host_path" ] || fail "the control socket vanished when the service stopped"
    check
    inside systemctl start almanacd.service || { dump; fail "systemctl start failed after a stop"; }
    [ "$(prop almanacd.service MainPID)" != "$main_pid" ] || fail "the daemon did not restart"
    # Wait until the new process has settled too, then count.
    wait_settled
    after_reminders=$(count_reminders); after_mail=$(count_mail)
    [ "$after_reminders" = "$before_reminders" ] || fail "reminders repeated after stop/start: $before_reminders -> $after_reminders"
    [ "$after_mail" = "$before_mail" ] || fail "mail repeated after stop/start: $before_mail -> $after_mail"
    [ "$(due_entries | grep -c '^ALMANAC_DELIVERY=')" = 1 ] || fail "the reminder of $due_item repeated after stop/start"
    check
    log "reminders in the journal: $before_reminders, mails in the outbox: $before_mail; STATUS=$(prop almanacd.service StatusText)"
    # The sandbox must not take away what the daemon uses: a system call denied by the filter
    # shows up as EPERM in its logs (libdispatch's renice of its workers would log "errno=1").
    if journal _SYSTEMD_UNIT=almanacd.service -o cat | grep -q 'Failed to set thread priority.*errno=1$'; then
        dump; fail "a system call the daemon uses is denied by the sandbox"
    fi
    check
fi

for reason in "${skipped[@]}"; do log "skipped: $reason"; done
log "ok: $checks checks passed in $(( $(date +%s) - started )) s"
