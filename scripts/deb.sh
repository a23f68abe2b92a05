#!/usr/bin/env bash
# Builds the Debian package almanac_<version>_<arch>.deb in the checkout's top folder, from a
# `make install` tree staged with PREFIX=/usr, with dpkg-deb. The binaries carry the Swift runtime
# (--static-swift-stdlib), since Debian has none. The package creates the user `almanac`
# (systemd-sysusers), its directories (systemd-tmpfiles), indexes the journal catalog, and
# enables and starts almanacd.socket and almanacd.service.
# Usage: scripts/deb.sh [release|debug]   (default release)
# ALMANAC_DEB_DYNAMIC=1 packages the ordinary build in .build instead (linked against the Swift
# toolchain's runtime, which the target machine must then provide at the same path): the
# container test (tests/stage-deb.sh) uses it so that CI does not pay for a second, static build.
# ALMANAC_DEB_OUT=DIR writes the package there (default: the checkout's top folder).
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

if [ -n "${ALMANAC_DEB_DYNAMIC:-}" ]; then
    build_args=(SCRATCH=.build)
    shlibdeps_args=(--ignore-missing-info)    # the Swift runtime belongs to no Debian package
else
    build_args=(SCRATCH=.build-static SWIFT_BUILD_FLAGS=--static-swift-stdlib)
    shlibdeps_args=()
fi
make -s install DESTDIR="$root" PREFIX=/usr CONFIGURATION="$config" "${build_args[@]}" >/dev/null

# Depends: from the shared libraries the binaries link (dpkg-shlibdeps wants a debian/control),
# and libpq5, libcurl4 and libsystemd0, which they open at run time (below).
mkdir -p "$stage/debian"
printf 'Source: almanac\n\nPackage: almanac\nArchitecture: any\n' > "$stage/debian/control"
shlibs=$(cd "$stage" && dpkg-shlibdeps "${shlibdeps_args[@]}" -O almanac/usr/bin/almanacd almanac/usr/bin/almanacctl \
    2>"$stage/shlibdeps.log" | sed -n 's/^shlibs:Depends=//p') \
    || { cat "$stage/shlibdeps.log" >&2; echo "deb.sh: dpkg-shlibdeps failed" >&2; exit 1; }
[ -n "$shlibs" ] || { cat "$stage/shlibdeps.log" >&2; echo "deb.sh: dpkg-shlibdeps found no dependencies" >&2; exit 1; }
# Libraries that are not linked but opened on first use (dlopen), which dpkg-shlibdeps cannot see:
# stated here. libpq when the PostgreSQL state backend connects (libpq.so.5,
# Sources/AlmanacStore/LibPQ.swift), with the version dpkg-shlibdeps derived while it was linked
# (PQconnectdbParams, libpq5's symbols file: 9.0~). libcurl at the first SMTP send or robot post
# (libcurl.so.4, Sources/AlmanacLibraries/LibCurl.swift): its symbols file says 7.16.2 for every
# function called, but the options set must be known too, or curl_easy_setopt refuses them
# without failing the transfer: CURLOPT_PROTOCOLS_STR (https only for robots) came in 7.85.0,
# CURLOPT_MAIL_RCPT_ALLOWFAILS in 7.69.0. libsystemd at the first notification or journal entry
# (libsystemd.so.0, Sources/AlmanacSystemd/LibSystemd.swift): every function called is in
# LIBSYSTEMD_209 (sd_notify, sd_journal_sendv, sd_listen_fds, sd_is_socket_unix, sd_watchdog_enabled).
opened_depends='libpq5 (>= 9.0~), libcurl4 (>= 7.85.0), libsystemd0 (>= 209)'

mkdir -p "$root/DEBIAN"
cat > "$root/DEBIAN/control" <<CONTROL
Package: almanac
Version: $version
Architecture: $arch
Maintainer: almanac <almanac@localhost>
Section: admin
Priority: optional
Depends: ${shlibs:+$shlibs, }$opened_depends, systemd
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

deb="${ALMANAC_DEB_OUT:-.}/almanac_${version}_${arch}.deb"
# The test package (debug binaries of 100 MB and more) is compressed quickly; a release keeps
# dpkg-deb's default (xz).
compress=()
[ -n "${ALMANAC_DEB_DYNAMIC:-}" ] && compress=(-Zgzip -z1)
dpkg-deb --root-owner-group "${compress[@]}" --build "$root" "$deb" >/dev/null
echo "$deb"
