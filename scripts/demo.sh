#!/usr/bin/env bash
# `make demo`: checks the reference data, generates one financial year of the
# demo CSU's activity (NHS Cheshire, Warrington and Wirral: CCGs 27D, 02E,
# 12F) and shows what the platform can do with it so far.
set -euo pipefail
BUILD_DIR=${1:-build}
DEMO_DIR=${2:-demo-data}
CSU="$BUILD_DIR/csu"

echo "== Reference data"
"$CSU" refdata check

echo
echo "== Synthetic activity for the demo CSU (2018/19) in $DEMO_DIR/"
"$CSU" synth --out "$DEMO_DIR" --year 2018/19 --seed 1

echo
echo "== Try next"
cat <<TRY
  $CSU --help                                  every command
  $CSU refdata show tariff 2018/19 EB03E       prices of an HRG
  $CSU refdata show provider RBT               a trust and its market forces factor
  $CSU refdata show ccg 27D                    a CCG and its registered population
  head -3 $DEMO_DIR/apc.csv                    the generated admitted care spells
TRY
