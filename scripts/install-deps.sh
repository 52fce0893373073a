#!/usr/bin/env bash
# Installs the Debian bookworm packages OpenCSU needs to build, test and run.
# Idempotent: packages already installed are skipped, and apt is only touched
# when something is missing. Needs root (or sudo) only when it has work to do.
set -euo pipefail

PACKAGES=(
  g++ cmake ninja-build ccache make pkg-config
  libgtest-dev libgmock-dev libbenchmark-dev
  libfmt-dev libcli11-dev
  libssl-dev libsqlite3-dev sqlite3 libzstd-dev nlohmann-json3-dev libargon2-dev
  libkainjow-mustache-dev
  libxlsxwriter-dev libminizip-dev unzip
  libcurl4-openssl-dev
  clang libclang-rt-14-dev
)

# The production set-up test (scripts/nginx-test.sh): Debian's nginx, run
# unprivileged on loopback by the test (on a host with systemd, installing it
# also starts Debian's default site on port 80), curl and openssl.
PACKAGES+=(nginx curl openssl)

# Browser tests (scripts/browser-test.sh): Debian's Chromium, and Node.js for
# playwright-core when the machine has none.
PACKAGES+=(chromium fonts-liberation)
if ! command -v node >/dev/null 2>&1; then PACKAGES+=(nodejs npm); fi

# make loadtest drives the web server with wrk (and signs in with curl, above).
PACKAGES+=(wrk)

# The ledger tests read exported journals back with hledger (docs/ledger.md).
PACKAGES+=(hledger)

# The procurement OCDS output is validated against the OCDS 1.1 JSON Schemas
# (data/ocds) by scripts/ocds-validate.py with Python's jsonschema.
PACKAGES+=(python3-jsonschema)

# Server mode (docs/server-mode.md, docs/deploy.md): the libpq client library,
# Debian's PostgreSQL 15 the tests start as an unprivileged user, and
# pg_auto_failover (the monitor's extension and pg_autoctl) for the cluster
# tier (scripts/cluster-test.sh). pgBackRest is documented, not installed.
PACKAGES+=(libpq-dev postgresql-15 postgresql-15-auto-failover pg-auto-failover-cli)

# The reporting schema's ODBC test (src/cli/reporting_command_test.cc) reads it
# as Excel does, through psqlODBC with unixODBC's isql (skipped when absent).
PACKAGES+=(odbc-postgresql unixodbc)

# The FPS IRmark test canonicalises the submission's Body a second way, with
# libxml2's xmllint --c14n (skipped when it is absent).
PACKAGES+=(libxml2-utils)

missing=()
for pkg in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
      echo "install-deps: need root to install: ${missing[*]}" >&2; exit 1
    fi
  fi
  export DEBIAN_FRONTEND=noninteractive
  # A fresh machine has no package lists; an update is cheap next to a failed install.
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# playwright-core for the browser tests, from the npm registry at exactly the
# versions tests/browser/package-lock.json pins (with their hashes).
BROWSER_TESTS="$(cd "$(dirname "$0")/.." && pwd)/tests/browser"
if [ ! -d "$BROWSER_TESTS/node_modules/playwright-core" ]; then
  echo "install-deps: installing the browser tests' npm packages (tests/browser/package-lock.json)"
  (cd "$BROWSER_TESTS" && npm ci --no-audit --no-fund --silent)
fi
