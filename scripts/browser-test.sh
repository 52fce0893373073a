#!/usr/bin/env bash
# Browser test of the web platform (tests/browser/journey.js) in Debian's
# Chromium driven by playwright-core: builds a small state folder (one CCG's
# synthetic year), adds a commissioner, runs `csu serve` on a free loopback
# port and walks a commissioner's, a finance lead's and a data manager's journeys. Screenshots and the downloaded
# export go to ARTEFACTS (default: build/browser-artefacts).
#
#   scripts/browser-test.sh build/csu [ARTEFACTS]
# Exits 77 (skipped) when Chromium, node or playwright-core is missing.
set -euo pipefail
. "$(dirname "$0")/lib/serve.sh"
CSU=$(realpath "$1")
ROOT=$(cd "$(dirname "$0")/.." && pwd)
ARTEFACTS=$(realpath -m "${2:-$ROOT/build/browser-artefacts}")

if ! command -v chromium >/dev/null || ! command -v node >/dev/null || \
   [ ! -d "$ROOT/tests/browser/node_modules/playwright-core" ]; then
  echo "browser-test: skipped: needs chromium, node and tests/browser/node_modules (scripts/install-deps.sh)"
  exit 77
fi

WORK=$(mktemp -d)
cleanup() {
  stop_server
  rm -rf "$WORK"
}
trap cleanup EXIT
export CSU_KEY_FILE="$WORK/key"

"$CSU" synth --out "$WORK/demo" --ccgs 02E --year 2018/19 --seed 1 >/dev/null
for kind in apc op ae; do "$CSU" ingest --data "$WORK/state" --kind "$kind" "$WORK/demo/$kind.csv" >/dev/null; done
"$CSU" contracts load --data "$WORK/state" "$WORK/demo/contracts.csv" >/dev/null
# The CCG buys from the demo catalogue, so its billing page has an invoice.
"$CSU" catalogue load --data "$WORK/state" "$ROOT/data/demo/catalogue.csv" >/dev/null
"$CSU" subscriptions add --data "$WORK/state" --ccg 02E --item BI-PACK --start 2018-04-01 --term 36 >/dev/null
"$CSU" invoice run --data "$WORK/state" --period 2018-04 >/dev/null
printf 'Kestrel-meadow-2018\n' | "$CSU" users add warrington --data "$WORK/state" --role ccg_commissioner \
  --tenant 02E --password-stdin >/dev/null
# 02E's ledger for the finance lead: the year open, the demo's journal and budget.
# (the demo's import posts at once: a threshold above its journals, as scripts/demo.sh sets)
"$CSU" ledger entity add --data "$WORK/state" --entity 02E --template "$ROOT/data/ledger/ccg-chart.csv" \
  --approval-above 50,000,000 >/dev/null
"$CSU" ledger period open --data "$WORK/state" --entity 02E --year 2018/19 >/dev/null
"$CSU" ledger import --data "$WORK/state" --entity 02E "$ROOT/data/demo/ledger-02E-2018.journal" >/dev/null
"$CSU" ledger budget set --data "$WORK/state" --entity 02E --year 2018/19 --reason "browser test" \
  "$ROOT/data/demo/ledger-02E-budget-2018-19.csv" >/dev/null
"$CSU" ledger budget approve --data "$WORK/state" --entity 02E --year 2018/19 --version 1 >/dev/null
printf 'Ledger-otter-2018\n' | "$CSU" users add warrington-finance --data "$WORK/state" --role ccg_finance \
  --tenant 02E --password-stdin >/dev/null

# A data manager (a CSU analyst assigned 02E) uploads a second extract through the web.
"$CSU" synth --out "$WORK/more" --ccgs 02E --year 2018/19 --seed 2 >/dev/null
printf 'Harbour-quill-2018\n' | "$CSU" users add loader --data "$WORK/state" --role csu_analyst \
  --password-stdin >/dev/null
"$CSU" users assign --data "$WORK/state" loader 02E >/dev/null

start_server "$CSU" "$WORK/state" "$WORK"

BASE_URL="$URL" USER_NAME=warrington PASSWORD='Kestrel-meadow-2018' ARTEFACTS="$ARTEFACTS" \
  FINANCE_USER=warrington-finance FINANCE_PASSWORD='Ledger-otter-2018' \
  LOADER_USER=loader LOADER_PASSWORD='Harbour-quill-2018' UPLOAD_FILE="$WORK/more/op.csv" \
  NODE_PATH="$ROOT/tests/browser/node_modules" node "$ROOT/tests/browser/journey.js"
echo "browser-test: screenshots in $ARTEFACTS"
