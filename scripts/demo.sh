#!/usr/bin/env bash
# `make demo`: checks the reference data, generates one financial year of the
# demo CSU's activity (NHS Cheshire, Warrington and Wirral: CCGs 27D, 02E,
# 12F), loads it into a state folder with validation and pseudonymisation,
# shows what the command line can do with it, then adds demo users and runs
# the web platform on it until Ctrl-C (DEMO_SERVE=0 skips the server;
# DEMO_LISTEN sets the address, default 127.0.0.1:8080). Safe to run again:
# the generator is deterministic, ingest recognises files it already holds
# and existing demo users are kept.
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
echo "== Loading it into $STATE (pseudonymisation key: ${CSU_KEY_FILE:-$HOME/.config/opencsu/pseudonymisation.key})"
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
# To a file first: `| head` would end csu with SIGPIPE, which pipefail counts as failure.
"$CSU" report spend --data "$STATE" --commissioner 02E --month 9 > "$DEMO_DIR/spend-02E-m9.txt"
head -12 "$DEMO_DIR/spend-02E-m9.txt"

echo
echo "== The CSU's commercial side: catalogue, subscriptions, usage, invoices"
# The demo's year is 2018/19: the folder treats 15 October 2018 as today, so
# subscriptions are running, September is the last month invoiced and
# invoices are dated then. Every billing command and page says so; a
# production folder has no platform date (docs/billing.md, "Platform date").
"$CSU" store platform-date --data "$STATE" --set 2018-10-15
"$CSU" catalogue load --data "$STATE" data/demo/catalogue.csv
# An illustrative CSU: the name, address and VAT number are made up.
"$CSU" invoice settings --data "$STATE" --supplier-name "Cheshire and Merseyside Commissioning Support Unit (demo)" \
  --supplier-address "1 Example Street, Warrington WA1 1AA" --vat-number "GB 000 0000 00" --payment-days 30 \
  --remittance "BACS to Example Bank, sort code 00-00-00, account 00000000 (placeholders)" >/dev/null
for ccg in 02E 12F 27D; do  # made-up invoice addresses
  "$CSU" invoice settings --data "$STATE" --ccg "$ccg" --customer-address "Accounts payable, NHS $ccg CCG (demo address)" >/dev/null
done
subscribe() {  # ccg item start term [discount]; the PO is made up
  held=$("$CSU" subscriptions list --data "$STATE" --ccg "$1" --format csv | cut -d, -f3)
  if printf '%s\n' "$held" | grep -qx "$2"; then
    echo "  $1 already subscribes to $2"
  else
    "$CSU" subscriptions add --data "$STATE" --ccg "$1" --item "$2" --start "$3" --term "$4" ${5:+--discount "$5"} \
      --po "PO-$1-$2"
  fi
}
subscribe 12F FULL 2018-04-01 60 2.5
subscribe 02E BI-PACK 2018-04-01 36
subscribe 02E BI-SEATS 2018-04-01 36
subscribe 02E PAYROLL 2018-04-01 24
subscribe 02E CHC 2018-04-01 24
subscribe 27D BI-CORE 2018-04-01 24
subscribe 27D FIN-MGMT 2018-04-01 36
subscribe 27D PAYROLL 2018-04-01 36
subscribe 27D PROCURE 2018-04-01 18
# Usage the CSU's payroll, CHC and procurement teams report each month;
# each reference is counted once, so re-running the demo adds nothing.
for month in 04 05 06 07 08 09; do
  "$CSU" usage record --data "$STATE" --ccg 02E --period 2018-$month --meter payslips --quantity $((160 + 10#$month)) --ref "payroll-02E-2018-$month" >/dev/null
  "$CSU" usage record --data "$STATE" --ccg 02E --period 2018-$month --meter chc_assessments --quantity $((30 + 10#$month % 4)) --ref "chc-02E-2018-$month" >/dev/null
  "$CSU" usage record --data "$STATE" --ccg 27D --period 2018-$month --meter payslips --quantity $((410 + 10#$month)) --ref "payroll-27D-2018-$month" >/dev/null
done
"$CSU" usage record --data "$STATE" --ccg 27D --period 2018-06 --meter procurements --quantity 1 --ref "tender-27D-community-msk" >/dev/null
for month in 04 05 06 07 08 09; do
  "$CSU" invoice run --data "$STATE" --period 2018-$month | tail -1
done
"$CSU" billing report --data "$STATE" --view cost-per-head --as-of 2018-10-01

echo
echo "== Continuing healthcare: a synthetic caseload (CHC key: ${CSU_CHC_KEY_FILE:-$HOME/.config/opencsu/chc.key})"
# Names, addresses and NHS numbers (999 range) are invented; imported once.
if [ "$("$CSU" chc caseload --data "$STATE" --format csv | wc -l)" -le 1 ]; then
  "$CSU" chc demo-caseload --ccgs 02E,27D,12F --year 2018/19 --as-of 2018-10-15 --out "$DEMO_DIR/chc-caseload.csv"
  "$CSU" chc import --data "$STATE" "$DEMO_DIR/chc-caseload.csv"
  # A month of the providers' bills, a few wrong as real ones are (overcharged, sent
  # twice, billed before the package), checked against the packages: the summary line only.
  "$CSU" chc demo-invoices --data "$STATE" --month 2018-09 --out "$DEMO_DIR/chc-invoices-2018-09.csv"
  "$CSU" chc check-invoices --data "$STATE" "$DEMO_DIR/chc-invoices-2018-09.csv" | sed -n 1p
  # Two retrospective claims for care before a referral: one decided, one open.
  "$CSU" chc claim --data "$STATE" 1 --received 2018-08-13 --from 2016-10-03 --to 2016-12-25 \
    --cost 2016-10-03:2016-12-25:845.00
  "$CSU" chc claim --data "$STATE" 2 --received 2018-09-03 --from 2017-09-04 --to 2017-12-10 \
    --cost 2017-09-04:2017-12-10:910.00
  "$CSU" chc claim-decide --data "$STATE" 1 --eligible --from 2016-11-07 --to 2016-12-25 --on 2018-10-01 \
    --reason "a primary health need from 7 November 2016 on the care home's nursing records"
fi
"$CSU" chc assurance --data "$STATE" --quarter 2018-Q2

echo
echo "== Payroll and HR: the CSU's and 02E's staff (payroll key: ${CSU_PAYROLL_KEY_FILE:-$HOME/.config/opencsu/payroll.key})"
# Names, addresses, NI numbers and bank details are invented; imported once.
if ! "$CSU" payroll employers list --data "$STATE" --format csv 2>/dev/null | grep -q '^02E'; then
  "$CSU" payroll employers add --data "$STATE" --employer 0DE --kind csu --name "NHS Arden and Greater East Midlands CSU" \
    --paye-ref 120/CSU0DE --ao-ref 120PA00098765
  "$CSU" payroll employers add --data "$STATE" --employer 02E --name "NHS Warrington CCG" --paye-ref 083/BA02E \
    --ao-ref 083PB00012345
  for employer in 0DE 02E; do
    "$CSU" payroll demo-staff --data "$STATE" --employer "$employer" --out "$DEMO_DIR/payroll-staff-$employer.csv"
    "$CSU" payroll import --data "$STATE" --employer "$employer" "$DEMO_DIR/payroll-staff-$employer.csv"
  done
fi
"$CSU" payroll posts list --data "$STATE" --employer 02E --on 2018-10-01
# April 2025's pay run for 02E, calculated here and left for a second person to
# approve on the web (warrington-hr below): then it is final, with its payslips,
# bank file and FPS.
if ! "$CSU" payroll run list --data "$STATE" --employer 02E --format csv 2>/dev/null | grep -q '2025/26'; then
  "$CSU" payroll run calculate --data "$STATE" --employer 02E --year 2025/26 --period 1
fi

echo
echo "== Try next"
try() { printf '  %-62s %s\n' "$1" "$2"; }
try "$CSU --help" "every command"
try "$CSU refdata show tariff 2018/19 EB03E" "prices of an HRG"
try "$CSU refdata show provider RBT" "a trust and its market forces factor"
try "$CSU quarantine --data $STATE" "rows refused at ingest, identifiers masked"
try "$CSU contracts list --data $STATE --commissioner 02E" "a CCG's contracts and their plans"
try "$CSU report monitoring --data $STATE --commissioner 02E --month 9" "plan vs actual, variance, forecast, contract rules"
try "$CSU chc deadlines --data $STATE --ccg 02E" "CHC cases nearing or past 28 days"
try "$CSU chc committed-cost --data $STATE --ccg 02E" "CHC packages committed to 31 March, by month"
try "$CSU report all --data $STATE --commissioner 02E --format xlsx --out 02E.xlsx" "every view as an Excel workbook"
try "$CSU report challenges --data $STATE --commissioner 02E" "records to challenge, with £ at stake"
try "$CSU spc --input series.csv --svg chart.svg" "an SPC chart of any period,value series"
try "$CSU invoice show INV-000001 --data $STATE --format html --out inv.html" "a printable invoice (also json, xlsx)"
try "$CSU billing report --data $STATE --as-of 2018-10-01" "revenue, renewals and the forecast"
try "$CSU primary-care schedule --data $STATE --ccg 02E --month 2024-10" "a month's payments to GP practices, each explained"
first=$(sed -n 2p "$DEMO_DIR/apc.csv" | cut -d, -f6,7)
try "$CSU price explain --kind apc --data $STATE --provider ${first%,*} --id ${first#*,}" "one stored spell's price, explained"
try "$CSU synth --out /tmp/bad --ccgs 02E --defects 50" "plant 50 bad rows..."
try "$CSU ingest --data /tmp/bad-state --kind apc /tmp/bad/apc.csv" "...and see them quarantined"

echo
echo "== NHS Warrington CCG's ledger kept by the CSU: April to September 2018, a budget, a virement"
if ! "$CSU" ledger entity list --data "$STATE" 2>/dev/null | grep -q '^ *02E'; then
  # A demo threshold above the monthly block payments, so the import posts at once
  # (real ledgers keep the £10,000 default and a second person approves).
  "$CSU" ledger entity add --data "$STATE" --entity 02E --template data/ledger/ccg-chart.csv --approval-above 50,000,000
  "$CSU" ledger period open --data "$STATE" --entity 02E --year 2018/19 >/dev/null
  "$CSU" ledger import --data "$STATE" --entity 02E data/demo/ledger-02E-2018.journal
  "$CSU" ledger budget set --data "$STATE" --entity 02E --year 2018/19 \
    --reason "2018/19 financial plan (demo)" data/demo/ledger-02E-budget-2018-19.csv
  "$CSU" ledger budget approve --data "$STATE" --entity 02E --year 2018/19 --version 1
  "$CSU" ledger budget vire --data "$STATE" --entity 02E --from CC500:expenses:programme:primary-care \
    --to CC100:expenses:programme:acute --amount 600000 --period 2018-10 --through 2019-03 \
    --reason "Acute overperformance (demo)"
  "$CSU" ledger budget forecast --data "$STATE" --entity 02E --line CC900:expenses:running-costs:pay \
    --period 2018-07 --outturn 5150000 --note "Pay award from July (demo)"
fi
"$CSU" ledger report position --data "$STATE" --entity 02E --period 2018-09 > "$DEMO_DIR/position-02E-2018-09.txt"
head -8 "$DEMO_DIR/position-02E-2018-09.txt"

echo
echo "== Primary care 2024/25: practices, contracts, lists, QOF, enhanced-service claims, posted schedules"
# The primary care year is 2024/25, not the activity's 2018/19: it is the year
# whose global sum price, QOF pounds per point and national average list the
# platform holds with their sources (data/primarycare/global_sum.csv,
# docs/primary-care.md, "Demo"). The pages open on the latest QOF year stored
# and the next month to post, so the 2018 platform date does not hide it.
pc_dir="$DEMO_DIR/primary-care"
if [ "$("$CSU" primary-care practices list --data "$STATE" --ccg 02E --format csv | wc -l)" -le 1 ]; then
  # Contracts (GMS/PMS/APMS), quarterly registered and weighted lists, a QOF
  # year and APMS prices for every practice of the three CCGs: synthetic,
  # from the reference data's registered lists (src/synth/primary_care_demo.h).
  "$CSU" primary-care demo --data "$STATE" --ccgs 02E,27D,12F --year 2024/25 --out "$pc_dir" > "$DEMO_DIR/primary-care.log"
  grep -E "practices added|contracts added|rows|stored|loaded" "$DEMO_DIR/primary-care.log" | sed 's/^/  /' | head -8
fi
# A local anticoagulation monitoring service (£7.50 an INR test, monthly, at
# most 400 a claim) and an extended-access scheme (37p a registered patient,
# quarterly) for 02E and 27D. Fees are illustrative. Practices claim for
# 2024 to December; most claims are approved, some queried or rejected, and
# December's wait for a decision, so every page has something. 02E wants a
# file with each anticoagulation claim: the practices attach a CSV of the
# month's INR tests (counts only, no patient details).
if ! "$CSU" primary-care schemes list --data "$STATE" --ccg 02E --format csv | grep -q '^LES-ANTICOAG,'; then
  for ccg in 02E 27D; do
    "$CSU" primary-care schemes add --data "$STATE" --ccg "$ccg" --code LES-ANTICOAG --name "Anticoagulation monitoring" \
      --spec "INR testing and dose adjustment in the practice for patients on warfarin (illustrative)" \
      --fee 7.50 --from 2024-04-01 --to 2025-03-31 --cap 400 --evidence "A list of INR tests by date, without patient details" \
      $([ "$ccg" = 02E ] && echo --require-file)
    "$CSU" primary-care schemes add --data "$STATE" --ccg "$ccg" --code LCS-ACCESS --name "Extended access" \
      --spec "Evening and weekend appointments for the practice's registered patients (illustrative)" \
      --rule per_registered_patient --frequency quarterly --fee 0.37 --from 2024-04-01 --to 2025-03-31 --cap 30000 \
      --evidence "The rota of extended-hours sessions"
  done
  mkdir -p "$pc_dir/evidence"
  claim() {  # ccg practice scheme period units
    file=()
    if [ "$1" = 02E ] && [ "$3" = LES-ANTICOAG ]; then  # the month's tests by week, counts only
      f="$pc_dir/evidence/INR-tests-$2-$4.csv"
      printf 'week_from,inr_tests\n%s-01,%d\n%s-08,%d\n%s-15,%d\n%s-22,%d\n' "$4" $(($5 / 4)) "$4" $(($5 / 4)) \
        "$4" $(($5 / 4)) "$4" $(($5 - 3 * ($5 / 4))) > "$f"
      file=(--evidence-file "$f")
    fi
    "$CSU" primary-care claims submit --data "$STATE" --ccg "$1" --practice "$2" --scheme "$3" --period "$4" --units "$5" \
      --evidence "Clinical system search, totals only" "${file[@]}" >/dev/null
  }
  # Three practices of each CCG in the reference data's practice list
  # (data/refdata/gp-reg-pat-prac-all_2021-01.csv), with their registered lists.
  # 02E's claim from April (its schedules are posted), 27D's from October: each
  # claim is a command, and the demo keeps its running time.
  n=0
  for entry in 02E:N81007:10306 02E:N81012:10242 02E:N81014:9137 27D:N81001:4888 27D:N81002:12963 27D:N81005:9611; do
    IFS=: read -r ccg practice list <<<"$entry"
    months="04 05 06 07 08 09 10 11 12" quarters="04 07 10"
    [ "$ccg" = 27D ] && months="10 11 12" quarters=10
    for month in $months; do claim "$ccg" "$practice" LES-ANTICOAG "2024-$month" $((90 + n * 7 % 60 + 10#$month)); done
    for quarter in $quarters; do claim "$ccg" "$practice" LCS-ACCESS "2024-$quarter" "$list"; done
    n=$((n + 1))
  done
  # Decisions: an approval is paid in the claimed period's last month at the
  # earliest (docs/primary-care.md), so April to November join their months.
  for ccg in 02E 27D; do
    "$CSU" primary-care claims list --data "$STATE" --ccg "$ccg" --state submitted --format csv |
      awk -F, 'NR>1 {print $1, $3, $4}' > "$DEMO_DIR/claims-$ccg.txt"
    while read -r id scheme period; do
      case $period in 2024-12*) continue ;; esac  # December's claims wait for a decision
      if [ "$scheme" = LES-ANTICOAG ]; then
        question="These are more tests than last month: please confirm the count."
        reason="The count does not match the practice's anticoagulation clinic list for the month."
      else
        question="Please confirm the extended-hours sessions ran in every week of the quarter."
        reason="The rota shows no extended-hours sessions in August; claim again for the weeks delivered."
      fi
      case $((id % 9)) in
        4) "$CSU" primary-care claims query "$id" --data "$STATE" --ccg "$ccg" --question "$question" >/dev/null ;;
        8) "$CSU" primary-care claims reject "$id" --data "$STATE" --ccg "$ccg" --reason "$reason" >/dev/null ;;
        *) "$CSU" primary-care claims approve "$id" --data "$STATE" --ccg "$ccg" >/dev/null ;;
      esac
    done < "$DEMO_DIR/claims-$ccg.txt"
  done
fi
"$CSU" primary-care claims list --data "$STATE" --ccg 02E --format csv | awk -F, 'NR>1 {n[$6]++} END {for (s in n) printf "  02E claims %s: %d\n", s, n[s]}' | sort
# 02E keeps its ledger here: its April to September 2024 schedules are posted
# (one journal a month); October, the next, is left for the web page's button.
if ! "$CSU" primary-care postings --data "$STATE" --ccg 02E --format csv | grep -q '^02E,'; then
  "$CSU" ledger period open --data "$STATE" --entity 02E --year 2024/25 >/dev/null
  for month in 04 05 06 07 08 09; do
    "$CSU" primary-care schedule-post --data "$STATE" --ccg 02E --month "2024-$month" | sed 's/^/  /'
  done
fi
# 2025/26 is open too: once warrington-hr has approved April 2025's pay run on
# the web, its page posts the run's journal to this ledger (staff costs by
# directorate cost centre, what is owed to HMRC, NHS Pensions and staff).
# Its 2025/26 pay budget per directorate is set and approved, so the pay cost
# page compares the posted run with it.
# A demo folder made before the directorate cost centres has a chart without
# them: say how to remake it rather than fail.
if ! "$CSU" ledger accounts --data "$STATE" --entity 02E 2>/dev/null | grep -q '^CC910 '; then
  echo "  02E's ledger predates the directorate cost centres (CC910-CC950): remove $DEMO_DIR and run again for its 2025/26 pay budget"
elif ! "$CSU" ledger budget versions --data "$STATE" --entity 02E --year 2025/26 --format csv 2>/dev/null | grep -q '^1,'; then
  "$CSU" ledger period open --data "$STATE" --entity 02E --year 2025/26 >/dev/null
  "$CSU" ledger budget set --data "$STATE" --entity 02E --year 2025/26 \
    --reason "2025/26 running-cost pay plan (demo)" data/demo/ledger-02E-budget-2025-26.csv >/dev/null
  "$CSU" ledger budget approve --data "$STATE" --entity 02E --year 2025/26 --version 1 >/dev/null
fi

echo
echo "== Demo users for the web platform (demo passwords: never use these for real data)"
add_user() {  # name role tenant password
  if "$CSU" users list --data "$STATE" 2>/dev/null | awk '{print $1}' | grep -qx "$1"; then
    echo "  $1 exists"
  else
    printf '%s\n' "$4" | "$CSU" users add "$1" --data "$STATE" --role "$2" ${3:+--tenant "$3"} --password-stdin
  fi
}
add_user csu-admin csu_admin "" "Lantern-harbour-2018"
add_user analyst csu_analyst "" "Compass-heron-2018"
for ccg in 27D 02E 12F; do "$CSU" users assign analyst "$ccg" --data "$STATE" >/dev/null; done
add_user warrington ccg_commissioner 02E "Kestrel-meadow-2018"
add_user warrington-viewer ccg_viewer 02E "Willow-beacon-2018"
add_user warrington-finance ccg_finance 02E "Ledger-otter-2018"
add_user csu-finance csu_finance "" "Abacus-plover-2018"
"$CSU" users assign csu-finance 02E --data "$STATE" >/dev/null
add_user warrington-chc ccg_chc 02E "Thistle-ferry-2018"
add_user warrington-pc ccg_primary_care 02E "Quill-marsh-2018"
add_user warrington-hr ccg_hr 02E "Heather-lantern-2018"
# A practice of 02E (the first in the reference data), bound to it.
demo_practice=N81007
if ! "$CSU" users list --data "$STATE" | awk '{print $1}' | grep -qx practice; then
  printf '%s\n' "Fennel-orchard-2018" | "$CSU" users add practice --data "$STATE" --role gp_practice --tenant 02E \
    --practice "$demo_practice" --password-stdin
fi
LISTEN=${DEMO_LISTEN:-127.0.0.1:8080}
echo
echo "  Sign in at http://$LISTEN/signin as"
printf '    %-18s %-30s %s\n' "user" "password" "sees" \
  "warrington" "Kestrel-meadow-2018" "NHS Warrington CCG (02E), records included" \
  "warrington-viewer" "Willow-beacon-2018" "02E dashboards only" \
  "warrington-finance" "Ledger-otter-2018" "02E figures, exports, its CSU invoices and its ledger" \
  "csu-finance" "Abacus-plover-2018" "02E's ledger, kept by the CSU (period close too)" \
  "warrington-chc" "Thistle-ferry-2018" "02E continuing healthcare cases (pseudonymised)" \
  "warrington-pc" "Quill-marsh-2018" "02E's primary care (2024/25): practices, QOF, schedules; approve, query, reject claims" \
  "practice" "Fennel-orchard-2018" "one GP practice of 02E (N81007): its own claims only" \
  "warrington-hr" "Heather-lantern-2018" "02E's staff and pay runs: approve April 2025's, post it to the ledger, its payslips" \
  "analyst" "Compass-heron-2018" "all three CCGs of the demo CSU" \
  "csu-admin" "Lantern-harbour-2018" "every CCG's figures, no records"
echo "  csu-admin, analyst, csu-finance, warrington-finance, warrington-chc, warrington-pc and warrington-hr have roles that"
echo "  require a second factor: at their first sign-in the page shows a key for an authenticator app and asks for its code."
if [ "${DEMO_SERVE:-1}" = "0" ]; then exit 0; fi
echo
echo "== The web platform (Ctrl-C to stop)"
exec "$CSU" serve --data "$STATE" --listen "$LISTEN"
