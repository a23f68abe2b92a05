#!/usr/bin/env bash
# `make install` into a staging tree, then check it the way systemd will: every file in its FHS
# place, `systemd-analyze verify` silent on stderr, `systemd-analyze security` at 2.0 or lower,
# the catalog indexable, and `make uninstall` leaving nothing behind.
# Uses the debug build that scripts/test.sh has just made (CONFIGURATION=debug), so it is cheap.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/prereqs.sh
ensure_apt make systemd

stage=$(mktemp -d /tmp/almanac-install.XXXXXX)
trap 'rm -rf "$stage"' EXIT
fail() { echo "stage-install: FAIL: $*" >&2; exit 1; }

make -s install DESTDIR="$stage" PREFIX=/usr CONFIGURATION=debug >/dev/null

expected=(
    usr/bin/almanacd usr/bin/almanacctl
    usr/lib/systemd/system/almanacd.service usr/lib/systemd/system/almanacd.socket
    usr/lib/systemd/catalog/almanac.catalog
    usr/lib/sysusers.d/almanac.conf usr/lib/tmpfiles.d/almanac.conf
    usr/share/man/man1/almanacctl.1 usr/share/man/man8/almanacd.8
    usr/share/bash-completion/completions/almanacctl
    usr/share/zsh/vendor-completions/_almanacctl
    usr/share/fish/vendor_completions.d/almanacctl.fish
)
[ -f config/almanac.yaml ] && expected+=(etc/almanac/almanac.yaml usr/share/almanac/almanac.yaml.default)
# Every shipped data file in its place: the sample plan with the files it includes, the holiday
# tables, the mail templates (config/templates/, when the checkout has it).
while IFS= read -r -d '' f; do
    expected+=("usr/share/almanac/plans/${f#config/plans/}")
done < <(find config/plans -type f -print0)
while IFS= read -r -d '' f; do
    expected+=("usr/share/almanac/holidays/${f#config/holidays/}")
done < <(find config/holidays -type f -print0)
if [ -d config/templates ]; then
    while IFS= read -r -d '' f; do
        expected+=("usr/share/almanac/templates/${f#config/templates/}")
    done < <(find config/templates -type f -print0)
fi
ls config/holidays/cn/*.txt >/dev/null 2>&1 || fail "the checkout has no holiday tables in config/holidays/cn"
for f in "${expected[@]}"; do
    [ -f "$stage/$f" ] || fail "make install did not install /$f"
done
for d in etc/almanac/plans.d usr/share/almanac/templates; do
    [ -d "$stage/$d" ] || fail "make install did not create /$d"
done
for f in usr/bin/almanacd usr/bin/almanacctl; do
    [ -x "$stage/$f" ] || fail "/$f is not executable"
done
# The installed default configuration names the installed paths.
grep -q '/usr/share/almanac/holidays' "$stage/etc/almanac/almanac.yaml" || fail "almanac.yaml does not name /usr/share/almanac/holidays"
grep -q '^ExecStart=/usr/bin/almanacd ' "$stage/usr/lib/systemd/system/almanacd.service" \
    || fail "ExecStart does not name /usr/bin/almanacd"
grep -q '^\.Dt ALMANACD 8' "$stage/usr/share/man/man8/almanacd.8" || fail "almanacd.8 is not in section 8"
grep -q '^complete .*-F _almanacctl almanacctl' "$stage/usr/share/bash-completion/completions/almanacctl" || fail "bash completion is empty"

# systemd-analyze resolves the units' dependencies (sysinit.target, ...) inside --root: give the
# staging tree the distribution's own units, as a real system has them.
for unit in /usr/lib/systemd/system/*; do
    [ -e "$stage/usr/lib/systemd/system/$(basename "$unit")" ] || cp -a "$unit" "$stage/usr/lib/systemd/system/"
done
# Many parse errors still exit 0: anything on stderr is a failure.
verify_err=$(systemd-analyze verify --root="$stage" --man=no almanacd.service almanacd.socket 2>&1 >/dev/null) \
    || fail "systemd-analyze verify failed: $verify_err"
[ -z "$verify_err" ] || fail "systemd-analyze verify printed: $verify_err"

score=$(systemd-analyze security --offline=true --root="$stage" almanacd.service 2>&1 \
    | sed -n 's/.*Overall exposure level for almanacd.service: \([0-9.]*\).*/\1/p')
[ -n "$score" ] || fail "no exposure score in systemd-analyze security output"
awk -v s="$score" 'BEGIN { exit !(s <= 2.0) }' || fail "exposure score $score is above 2.0"
systemd-analyze security --offline=true --root="$stage" --threshold=20 almanacd.service >/dev/null 2>&1 \
    || fail "systemd-analyze security --threshold=20 rejected the unit"

# The catalog must parse and carry both languages for every message id.
journalctl --root="$stage" --update-catalog || fail "journalctl --update-catalog rejected almanac.catalog"
ids=$(grep -Eo '^-- [0-9a-f]{32}$' units/almanac.catalog | cut -c4- | sort -u)
[ -n "$ids" ] || fail "the catalog has no message ids"
for id in $ids; do
    grep -qx -- "-- $id zh_CN" units/almanac.catalog || fail "message $id has no zh_CN text"
    journalctl --root="$stage" --list-catalog "$id" 2>/dev/null | grep -q "$id" \
        || fail "message $id is not in the catalog database"
done

# sysusers and tmpfiles entries must parse (in a throwaway root, so the host is untouched).
systemd-sysusers --root="$stage" "$stage/usr/lib/sysusers.d/almanac.conf" \
    || fail "systemd-sysusers rejected almanac.conf"
grep -q '^almanac:' "$stage/etc/passwd" || fail "systemd-sysusers did not create the user almanac"
grep -q '^almanac:' "$stage/etc/group" || fail "systemd-sysusers did not create the group almanac"
systemd-tmpfiles --root="$stage" --create "$stage/usr/lib/tmpfiles.d/almanac.conf" \
    || fail "systemd-tmpfiles rejected almanac.conf"
[ -d "$stage/var/lib/almanac" ] || fail "systemd-tmpfiles did not create /var/lib/almanac"

# Uninstall: the installed files go (the units copied from the host and sysusers' files stay).
make -s uninstall DESTDIR="$stage" PREFIX=/usr >/dev/null
for f in "${expected[@]}"; do
    [ ! -e "$stage/$f" ] || fail "make uninstall left /$f"
done
for d in usr/share/almanac etc/almanac; do
    [ ! -e "$stage/$d" ] || fail "make uninstall left /$d"
done

# PREFIX=/usr/local (the Makefile's default): binaries and units under /usr/local, the units'
# commands pointing there, the configuration still in /etc/almanac.
make -s install DESTDIR="$stage/local" PREFIX=/usr/local CONFIGURATION=debug >/dev/null
for f in usr/local/bin/almanacd usr/local/lib/systemd/system/almanacd.service usr/local/lib/sysusers.d/almanac.conf \
    usr/local/share/almanac/holidays/cn etc/almanac/almanac.yaml usr/local/share/man/man8/almanacd.8; do
    [ -e "$stage/local/$f" ] || fail "make install PREFIX=/usr/local did not install /$f"
done
grep -q '^ExecStart=/usr/local/bin/almanacd ' "$stage/local/usr/local/lib/systemd/system/almanacd.service" \
    || fail "with PREFIX=/usr/local, ExecStart does not name /usr/local/bin/almanacd"
grep -q '/usr/local/share/almanac/holidays' "$stage/local/etc/almanac/almanac.yaml" \
    || fail "with PREFIX=/usr/local, almanac.yaml does not name /usr/local/share/almanac/holidays"
make -s uninstall DESTDIR="$stage/local" PREFIX=/usr/local >/dev/null
left=$(find "$stage/local" -type f | sed "s|^$stage/local||")
[ -z "$left" ] || fail "make uninstall PREFIX=/usr/local left: $left"
echo "stage-install: ok (exposure score $score)" >&2
