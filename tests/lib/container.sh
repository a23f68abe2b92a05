# shellcheck shell=bash
# The Debian 12 container both tests/stage-systemd.sh and tests/stage-deb.sh boot: the cached
# debootstrap root, a cgroup subtree of its own, systemd-nspawn --boot, the wait for the
# container's init, and running commands inside it. Sourced, never run (the name does not match
# scripts/test.sh's tests/stage-*.sh). The caller defines log() and fail() and runs as root.
#
#   container_rootfs              sets base: $container_roots/rootfs-<key>, made by debootstrap once
#   container_prune_old_roots     removes cached roots of other package lists
#   container_boot ROOT NAME LOG [nspawn options...]
#                                 boots ROOT as machine NAME (console to LOG); sets init_pid
#   container_stop                stops it (SIGTERM, then SIGKILL after 5 s), removes its cgroups
#   inside COMMAND...             runs COMMAND in the container, with its PATH and no host environment
#   prop UNIT PROPERTY            systemctl show -P inside the container
#   wait_state UNIT STATE         waits while UNIT is activating/reloading/deactivating, then
#                                 succeeds if it is in STATE

container_cache=.cache/e2e
# The debootstrap roots live outside the checkout, so that a fresh clone (CI clones afresh every
# time) reuses the root an earlier run made instead of spending minutes on debootstrap again. The
# key names the package list; a root is used only once complete. ALMANAC_E2E_ROOTS moves them.
container_roots=${ALMANAC_E2E_ROOTS:-/var/cache/almanac-test}

# The libraries the daemon links dynamically (everything but the Swift runtime) or opens on first
# use (libpq5 and libcurl4, which the package's Depends: states by hand; libsystemd0 comes with
# systemd), the time zone database, and what systemd needs to boot. The key changes with the list.
container_packages=systemd,systemd-sysv,dbus,procps,libsqlite3-0,libcurl4,libpq5,tzdata,ca-certificates

container_rootfs() {
    local key mirror t unit
    key=$(printf 'bookworm minbase %s v1' "$container_packages" | sha256sum | cut -c1-12)
    base="$container_roots/rootfs-$key"
    mkdir -p "$container_cache" "$container_roots"
    [ -e "$base/.complete" ] && return 0
    mirror=$(sed -n 's/^URIs:[[:space:]]*//p' /etc/apt/sources.list.d/*.sources 2>/dev/null \
        | grep -v -- '-security' | head -n1 || true)
    [ -n "$mirror" ] || mirror=$(awk '$1 == "deb" { print $2; exit }' /etc/apt/sources.list 2>/dev/null || true)
    mirror=${mirror:-http://deb.debian.org/debian}
    log "debootstrap bookworm from $mirror into $base (cached for later runs)"
    local tmp="$base.tmp.$$"
    rm -rf "$base" "$tmp"
    t=$(date +%s)
    debootstrap --variant=minbase --include="$container_packages" bookworm "$tmp" "$mirror" \
        > "$container_cache/debootstrap.log" 2>&1 \
        || { tail -n 20 "$container_cache/debootstrap.log" >&2; fail "debootstrap failed"; }
    # Units that only add noise (and timers that would fire during the test) in a test boot.
    for unit in apt-daily.timer apt-daily-upgrade.timer dpkg-db-backup.timer e2scrub_all.timer \
        e2scrub_reap.service fstrim.timer console-getty.service systemd-timesyncd.service; do
        ln -sf /dev/null "$tmp/etc/systemd/system/$unit"
    done
    echo almanac-e2e > "$tmp/etc/hostname"
    apt-get clean -o RootDir="$tmp" 2>/dev/null || true
    rm -rf "$tmp"/var/cache/apt/archives/*.deb
    touch "$tmp/.complete"
    # Another run may have finished the same root meanwhile: keep the first.
    mv -T "$tmp" "$base" 2>/dev/null || rm -rf "$tmp"
    log "debootstrap took $(( $(date +%s) - t )) s"
}

container_prune_old_roots() {
    local old
    for old in "$container_roots"/rootfs-* "$container_cache"/rootfs-*; do
        case "$old" in "$base"|*.tmp.*) ;; *) rm -rf "$old" ;; esac
    done
}

nspawn_pid=
init_pid=
container_cgdirs=()

container_boot() {
    local root=$1 machine=$2 console=$3 hierarchy current child
    shift 3
    # nspawn needs a cgroup subtree of its own (there is no host systemd to give it a scope).
    for hierarchy in /sys/fs/cgroup/systemd /sys/fs/cgroup/unified; do
        [ -d "$hierarchy" ] || continue
        if [ "$hierarchy" = /sys/fs/cgroup/unified ]; then
            current=$(sed -n 's/^0:://p' /proc/self/cgroup)
        else
            current=$(sed -n 's/^[0-9]*:name=systemd://p' /proc/self/cgroup)
        fi
        current=${current%/}
        mkdir -p "$hierarchy$current/$machine-$$"
        container_cgdirs+=("$hierarchy$current/$machine-$$")
    done
    (
        for dir in "${container_cgdirs[@]}"; do echo "$BASHPID" > "$dir/cgroup.procs"; done
        exec systemd-nspawn -q -D "$root" --boot --register=no --keep-unit --private-network \
            --machine="$machine" --console=pipe "$@" < /dev/null
    ) > "$console" 2>&1 &
    nspawn_pid=$!
    # The container's init is nspawn's child in a new PID namespace. A hang guard of 3 minutes
    # (a boot takes a second on a quiet machine): the wait ends as soon as systemd is up.
    for _ in $(seq 1800); do
        for child in $(cat /proc/"$nspawn_pid"/task/*/children 2>/dev/null); do
            if [ "$(readlink /proc/"$child"/ns/pid)" != "$(readlink /proc/self/ns/pid)" ]; then init_pid=$child; fi
        done
        [ -n "$init_pid" ] && [ -e "/proc/$init_pid/root/run/systemd/private" ] && break
        kill -0 "$nspawn_pid" 2>/dev/null || { cat "$console" >&2; fail "systemd-nspawn exited"; }
        sleep 0.1
    done
    [ -e "/proc/$init_pid/root/run/systemd/private" ] || { cat "$console" >&2; fail "the container did not boot"; }
}

container_stop() {
    local dir
    if [ -n "$nspawn_pid" ] && kill -0 "$nspawn_pid" 2>/dev/null; then
        kill -TERM "$nspawn_pid" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$nspawn_pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$nspawn_pid" 2>/dev/null || true
    fi
    for dir in "${container_cgdirs[@]}"; do
        [ -d "$dir" ] && find "$dir" -depth -type d -exec rmdir {} + 2>/dev/null || true
    done
}

inside() {
    nsenter -t "$init_pid" -a env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 SYSTEMD_PAGER= "$@"
}

prop() { inside systemctl show -P "$2" "$1"; }

# A hang guard of 5 minutes: the wait ends as soon as the unit leaves the transition (a debug
# almanacd on a loaded machine can take tens of seconds to send READY=1).
wait_state() {
    for _ in $(seq 3000); do
        case "$(prop "$1" ActiveState)" in activating|reloading|deactivating) sleep 0.1 ;; *) break ;; esac
    done
    [ "$(prop "$1" ActiveState)" = "$2" ]
}
