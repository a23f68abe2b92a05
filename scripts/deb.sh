#!/usr/bin/env bash
# Builds the Debian package almanac_<version>_<arch>.deb in the checkout's top folder, from a
# `make install` tree staged with PREFIX=/usr, with dpkg-deb. The binaries carry the Swift runtime
# (--static-swift-stdlib), since Debian has none. The package creates the user `almanac`
# (systemd-sysusers), its directories (systemd-tmpfiles), indexes the journal catalog, and
# enables and starts almanacd.socket and almanacd.service.
# Usage: scripts/deb.sh [release|debug]   (default release)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/prereqs.sh

ensure_swift
ensure_apt "${BUILD_PACKAGES[@]}" make dpkg-dev

config=${1:-release}
version=$(sed -n 's/.*current = "\([^"]*\)".*/\1/p' Sources/AlmanacCalendar/Version.swift)
arch=$(dpkg --print-architecture)
stage=$(mktemp -d /tmp/almanac-deb.XXXXXX)
trap 'rm -rf "$stage"' EXIT
root="$stage/almanac"

make -s install DESTDIR="$root" PREFIX=/usr CONFIGURATION="$config" SCRATCH=.build-static \
    SWIFT_BUILD_FLAGS=--static-swift-stdlib >/dev/null

# Depends: from the shared libraries the binaries link (dpkg-shlibdeps wants a debian/control).
mkdir -p "$stage/debian"
printf 'Source: almanac\n\nPackage: almanac\nArchitecture: any\n' > "$stage/debian/control"
shlibs=$(cd "$stage" && dpkg-shlibdeps -O almanac/usr/bin/almanacd almanac/usr/bin/almanacctl 2>/dev/null \
    | sed -n 's/^shlibs:Depends=//p')

mkdir -p "$root/DEBIAN"
cat > "$root/DEBIAN/control" <<CONTROL
Package: almanac
Version: $version
Architecture: $arch
Maintainer: almanac <almanac@localhost>
Section: admin
Priority: optional
Depends: ${shlibs:+$shlibs, }systemd
Installed-Size: $(du -sk "$root" | cut -f1)
Description: reminder daemon for an office's yearly plan
 almanacd turns a yearly plan (festivals including lunar ones, solar terms,
 campaigns, inspections with checklists, recurring checks) into reminders sent
 exactly once to the journal and by mail; almanacctl works with plans and the
 Chinese calendar.
CONTROL
[ -f "$root/etc/almanac/almanac.yaml" ] && echo /etc/almanac/almanac.yaml > "$root/DEBIAN/conffiles"

cat > "$root/DEBIAN/postinst" <<'SCRIPT'
#!/bin/sh
set -e
if [ "$1" = configure ]; then
    systemd-sysusers almanac.conf
    systemd-tmpfiles --create almanac.conf || true
    journalctl --update-catalog || true
    if [ -d /run/systemd/system ]; then
        systemctl daemon-reload
        systemctl enable almanacd.socket almanacd.service
        systemctl start almanacd.socket
        systemctl restart almanacd.service || true
    fi
fi
SCRIPT
cat > "$root/DEBIAN/prerm" <<'SCRIPT'
#!/bin/sh
set -e
if [ -d /run/systemd/system ] && [ "$1" = remove ]; then
    systemctl disable --now almanacd.service almanacd.socket || true
fi
SCRIPT
cat > "$root/DEBIAN/postrm" <<'SCRIPT'
#!/bin/sh
set -e
if [ -d /run/systemd/system ]; then systemctl daemon-reload || true; fi
SCRIPT
chmod 0755 "$root/DEBIAN/postinst" "$root/DEBIAN/prerm" "$root/DEBIAN/postrm"

deb="almanac_${version}_${arch}.deb"
dpkg-deb --root-owner-group --build "$root" "$deb" >/dev/null
echo "$deb"
