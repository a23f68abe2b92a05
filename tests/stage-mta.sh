#!/usr/bin/env bash
# almanacd's mail against a real MTA: Exim 4 (exim4-daemon-light, Debian's default MTA) on
# loopback with STARTTLS and SMTPS under a certificate from a CA the test makes, SASL login, and a
# recipient it refuses; the smtp transport (libcurl) and msmtp as the sendmail transport. Every
# delivered message is read back from Exim's Maildir with Python's email package
# (tests/mta_test.py says what is checked). Uses the debug build scripts/test.sh has just made.
#
# Exim runs as root (sudo when this runs as another user) with its own configuration, ports,
# spool and logs in a temporary directory, in the foreground, and is stopped at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/prereqs.sh

# Installing exim4-daemon-light replaces another MTA package (they all provide
# mail-transport-agent): never do that to a machine that has one.
for other in postfix opensmtpd sendmail-bin courier-mta nullmailer dma msmtp-mta ssmtp exim4-daemon-heavy; do
    if dpkg-query -W -f='${Status}' "$other" 2>/dev/null | grep -q "install ok installed"; then
        if [ "${CI:-}" = true ]; then
            echo "stage-mta: FAIL: $other is installed; exim4-daemon-light would replace it" >&2
            exit 1
        fi
        echo "skipped: stage-mta: $other is installed and exim4-daemon-light would replace it (run in a container or CI)" >&2
        exit 0
    fi
done
ensure_apt exim4-daemon-light msmtp openssl ca-certificates
ensure_cmd python3 python3

daemon=$PWD/.build/debug/almanacd
ctl=$PWD/.build/debug/almanacctl
if [ ! -x "$ctl" ] || [ ! -x "$daemon" ]; then
    swift build --product almanacctl >/dev/null
    swift build --product almanacd >/dev/null
fi
exec python3 tests/mta_test.py
