#!/usr/bin/env bash
# Browser test of the web platform (tests/browser/journey.js) in Debian's
# Chromium driven by playwright-core: builds a small state folder (one CCG's
# synthetic year), adds a commissioner, runs `csu serve` on a free loopback
# port and walks a commissioner's journey. Screenshots and the downloaded
# export go to ARTEFACTS (default: build/browser-artefacts).
#
#   scripts/browser-test.sh build/csu [ARTEFACTS]
# Exits 77 (skipped) when Chromium, node or playwright-core is missing.
set -euo pipefail
CSU=$(realpath "$1")
ROOT=$(cd "$(dirname "$0")/.." && pwd)
ARTEFACTS=$(realpath -m "${2:-$ROOT/build/browser-artefacts}")

if ! command -v chromium >/dev/null || ! command -v node >/dev/null || \
   [ ! -d "$ROOT/tests/browser/node_modules/playwright-core" ]; then
  echo "browser-test: skipped: needs chromium, node and tests/browser/node_modules (scripts/install-deps.sh)"
  exit 77
fi

WORK=$(mktemp -d)
SERVER=""
cleanup() {
  if [ -n "$SERVER" ]; then kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
export CSU_KEY_FILE="$WORK/key"

"$CSU" synth --out "$WORK/demo" --ccgs 02E --year 2018/19 --seed 1 >/dev/null
for kind in apc op ae; do "$CSU" ingest --data "$WORK/state" --kind "$kind" "$WORK/demo/$kind.csv" >/dev/null; done
"$CSU" contracts load --data "$WORK/state" "$WORK/demo/contracts.csv" >/dev/null
printf 'Kestrel-meadow-2018\n' | "$CSU" users add warrington --data "$WORK/state" --role ccg_commissioner \
  --tenant 02E --password-stdin >/dev/null

# Port 0 picks a free port; the server prints the URL it bound.
"$CSU" serve --data "$WORK/state" --listen 127.0.0.1:0 --quiet > "$WORK/serve.out" 2>&1 &
SERVER=$!
URL=""
for _ in $(seq 1 200); do
  URL=$(grep -o 'http://127.0.0.1:[0-9]*' "$WORK/serve.out" || true)
  [ -n "$URL" ] && break
  kill -0 "$SERVER" 2>/dev/null || { cat "$WORK/serve.out"; exit 1; }
  sleep 0.1
done
[ -n "$URL" ] || { echo "browser-test: the server did not start"; cat "$WORK/serve.out"; exit 1; }

BASE_URL="$URL" USER_NAME=warrington PASSWORD='Kestrel-meadow-2018' ARTEFACTS="$ARTEFACTS" \
  NODE_PATH="$ROOT/tests/browser/node_modules" node "$ROOT/tests/browser/journey.js"
echo "browser-test: screenshots in $ARTEFACTS"
