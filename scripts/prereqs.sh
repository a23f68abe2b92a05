# Shared helpers for scripts/run.sh and scripts/test.sh: install what is missing, as root or
# through sudo. Sourced, not executed.

as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        echo "error: '$*' needs root: run this as root, or install sudo" >&2
        exit 1
    fi
}

# ensure_apt PKG...: install the Debian packages that are not installed yet.
ensure_apt() {
    local missing=()
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done
    if [ "${#missing[@]}" -gt 0 ]; then
        echo "==> installing Debian packages: ${missing[*]}" >&2
        if [ -z "${ALMANAC_APT_UPDATED:-}" ]; then
            as_root apt-get update -qq
            ALMANAC_APT_UPDATED=1
        fi
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
    fi
}

# ensure_cmd COMMAND PKG: install PKG when COMMAND is not on the PATH (python3 may come from
# elsewhere, e.g. pyenv, so its Debian package is only needed when there is none at all).
ensure_cmd() {
    command -v "$1" >/dev/null 2>&1 || ensure_apt "$2"
}

# The Debian 12 packages a swift.org toolchain tarball needs to run and link (swift.org's list for
# Debian 12): on a fresh machine `swift` itself fails without libncurses, and linking needs the C
# runtime (libc6-dev, libgcc, libstdc++).
SWIFT_PACKAGES=(binutils gcc libc6-dev libgcc-12-dev libstdc++-12-dev libncurses-dev libedit2 libpython3-dev
    libxml2-dev zlib1g-dev uuid-dev libz3-dev tzdata)

# ensure_swift: the Swift toolchain must already be on PATH or in /opt/swift (it does not come
# from apt); the Debian packages it needs are installed when missing.
ensure_swift() {
    if ! command -v swift >/dev/null 2>&1; then
        local found=
        for dir in /opt/swift/usr/bin /usr/share/swift/usr/bin; do
            if [ -x "$dir/swift" ]; then export PATH="$dir:$PATH"; found=1; break; fi
        done
        if [ -z "$found" ]; then
            echo "error: swift not found; install Swift 6.1 or later (https://www.swift.org/install/)" >&2
            exit 1
        fi
    fi
    if [ "$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")" = bookworm ]; then
        ensure_apt "${SWIFT_PACKAGES[@]}"
    fi
}

# The Debian packages the build links against, or takes the headers of (libsystemd, libcurl and
# libpq are opened at run time: their -dev packages give the types and bring the libraries).
# git and ca-certificates: the package manager clones the Swift dependencies over https.
BUILD_PACKAGES=(git ca-certificates pkg-config libsystemd-dev libsqlite3-dev libcurl4-openssl-dev libpq-dev)

# ensure_venv DIR PKG...: a Python virtual environment with the given PyPI packages.
ensure_venv() {
    local dir="$1"; shift
    if [ ! -x "$dir/bin/python" ]; then
        python3 -m venv "$dir" 2>/dev/null || { ensure_apt python3-venv; python3 -m venv "$dir"; }
    fi
    local missing=()
    for pkg in "$@"; do
        "$dir/bin/python" -m pip show -q "${pkg%%[=<>]*}" >/dev/null 2>&1 || missing+=("$pkg")
    done
    if [ "${#missing[@]}" -gt 0 ]; then
        echo "==> installing PyPI packages: ${missing[*]}" >&2
        "$dir/bin/python" -m pip install -q --disable-pip-version-check "${missing[@]}" >&2
    fi
}

# ensure_test_users: unprivileged users the control-socket authorization tests run clients as:
# `almanac-test` (no admin rights) and `almanac-test-admin` (member of `almanac-test-admins`).
ensure_test_users() {
    getent group almanac-test-admins >/dev/null || as_root groupadd --system almanac-test-admins
    id -u almanac-test >/dev/null 2>&1 || as_root useradd --system --no-create-home --shell /usr/sbin/nologin almanac-test
    id -u almanac-test-admin >/dev/null 2>&1 ||
        as_root useradd --system --no-create-home --shell /usr/sbin/nologin -G almanac-test-admins almanac-test-admin
}
