#!/usr/bin/env bash
# `make demo`: checks the reference data, generates one financial year of the
# demo CSU's activity (NHS Cheshire, Warrington and Wirral: CCGs 27D, 02E,
# 12F), loads it into a state folder with validation and pseudonymisation,
# and shows what the platform can do with it so far. Safe to run again: the
# generator is deterministic and ingest recognises files it already holds.
set -euo pipefail
BUILD_DIR=${1:-build}
DEMO_DIR=${2:-demo-data}
CSU="$BUILD_DIR/csu"
STATE="$DEMO_DIR/state"

echo "== Reference data"
"$CSU" refdata check

echo
echo "== Synthetic activity for the demo CSU (2018/19) in $DEMO_DIR/"
"$CSU" synth --out "$DEMO_DIR" --year 2018/19 --seed 1

echo
echo "== Loading it into $STATE (pseudonymisation key: \${CSU_KEY_FILE:-~/.config/opencsu/pseudonymisation.key})"
for kind in apc op ae; do
  "$CSU" ingest --data "$STATE" --kind "$kind" "$DEMO_DIR/$kind.csv"
done
# The CCGs' contracts with their main providers, planned near this activity
# (a few deliberately over and under plan); the rest is non-contract activity.
"$CSU" contracts load --data "$STATE" "$DEMO_DIR/contracts.csv"
"$CSU" batches --data "$STATE"
"$CSU" audit verify --data "$STATE"

echo
echo "== Pricing the admitted care spells at national tariff"
"$CSU" price --kind apc "$DEMO_DIR/apc.csv" --out "$DEMO_DIR/apc-priced.csv"
echo "   first priced spell:"
sed -n 2p "$DEMO_DIR/apc-priced.csv" | awk -F'"' '{print "   " $(NF-1)}'

echo
echo "== Contract monitoring: CCG 02E, December 2018 (month 9), spend by provider"
"$CSU" report spend --data "$STATE" --commissioner 02E --month 9 | head -12

echo
echo "== Try next"
try() { printf '  %-62s %s\n' "$1" "$2"; }
try "$CSU --help" "every command"
try "$CSU refdata show tariff 2018/19 EB03E" "prices of an HRG"
try "$CSU refdata show provider RBT" "a trust and its market forces factor"
try "$CSU quarantine --data $STATE" "rows refused at ingest, identifiers masked"
try "$CSU contracts list --data $STATE --commissioner 02E" "a CCG's contracts and their plans"
try "$CSU report monitoring --data $STATE --commissioner 02E --month 9" "plan vs actual, variance, forecast, contract rules"
try "$CSU report all --data $STATE --commissioner 02E --format xlsx --out 02E.xlsx" "every view as an Excel workbook"
try "$CSU report challenges --data $STATE --commissioner 02E" "records to challenge, with £ at stake"
try "$CSU spc --input series.csv --svg chart.svg" "an SPC chart of any period,value series"
first=$(sed -n 2p "$DEMO_DIR/apc.csv" | cut -d, -f6,7)
try "$CSU price explain --kind apc --data $STATE --provider ${first%,*} --id ${first#*,}" "one stored spell's price, explained"
try "$CSU synth --out /tmp/bad --ccgs 02E --defects 50" "plant 50 bad rows..."
try "$CSU ingest --data /tmp/bad-state --kind apc /tmp/bad/apc.csv" "...and see them quarantined"
echo "The web platform (sign-in, dashboards) is not built yet; see docs/architecture.md."
