#!/usr/bin/env bash
# Install the system programs the test suite starts itself (Debian/Ubuntu, apt-get).
#   postgresql: initdb and pg_ctl, for the tests marked `postgres` (tests/conftest.py starts a throwaway server)
#   chromium: the browser the tests marked `browser` drive headless with Playwright (tests/e2e/test_viewer.py)
# Idempotent: installs only what is missing; when everything is there it changes nothing.
# To add a program: write a has_<name> check and add a `need` line below.
set -euo pipefail

has_postgresql() {
    command -v initdb >/dev/null || compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null
}

has_chromium() {
    command -v chromium >/dev/null || [ -x /usr/bin/chromium ]
}

missing=()
need() {  # need CHECK PACKAGE: queue the Debian PACKAGE unless CHECK succeeds
    "$1" || missing+=("$2")
}

need has_postgresql postgresql
need has_chromium chromium

if [ ${#missing[@]} -eq 0 ]; then
    echo "install-test-services: nothing to install"
    exit 0
fi

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

echo "install-test-services: installing ${missing[*]}"
as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
