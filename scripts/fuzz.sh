#!/usr/bin/env bash
# Builds the libFuzzer targets in fuzz/ with clang (AddressSanitizer and
# UndefinedBehaviorSanitizer, both fatal) and runs each for FUZZ_SECONDS
# (default 60) starting from its checked-in corpus. Exits non-zero when a
# target finds a crash, a hang or a broken invariant; the input that did it is
# left in build-fuzz/artifacts/. Add such an input to fuzz/corpus/<target>/ once
# fixed: a corpus test in the default suite replays it (src/core/fuzz_corpus_test.cc;
# for the other targets the *_fuzz_corpus_test.cc beside the code they fuzz,
# src/http/request_parser_corpus_test.cc for http_request).
#
# Usage: scripts/fuzz.sh [target...]
# Targets: csv_reader money_date http_request billing_text extract_row contracts_file rows_file column_file
#          refdata_file web_form qof_files payroll_calc ledger_journal ledger_budget procurement_files chc_caseload
#          payroll_staff pay_run_file primary_care_files chc_invoices claims_rules multipart evidence_file
# Environment: FUZZ_SECONDS, CXX_FUZZ (default clang++).
set -euo pipefail
cd "$(dirname "$0")/.."

FUZZ_SECONDS=${FUZZ_SECONDS:-60}
CXX_FUZZ=${CXX_FUZZ:-clang++}
OUT=build-fuzz
RUN_CORPUS=fuzz-corpus-run  # new inputs found while fuzzing; not checked in

# Each target: the corpus it starts from and the longest input worth trying.
# Every target links all of core (not the tests): fuzz_checks.h uses most of it.
declare -A CORPUS=([csv_reader]=csv_reader [money_date]=parsers [http_request]=http_request [billing_text]=billing
  [extract_row]=extract_row [contracts_file]=contracts_file [rows_file]=rows_file [column_file]=column_file
  [refdata_file]=refdata_file [web_form]=web_form [qof_files]=qof_files [payroll_calc]=payroll_calc
  [ledger_journal]=ledger [ledger_budget]=ledger_budget [procurement_files]=procurement_files [chc_caseload]=chc_caseload
  [payroll_staff]=payroll_staff [pay_run_file]=pay_run_file [primary_care_files]=primary_care_files [chc_invoices]=chc_invoices
  [claims_rules]=claims_rules [multipart]=multipart [pg_placeholders]=pg_placeholders [evidence_file]=evidence
  [cube_partials]=cube_partials [overview_figures]=overview_figures)
declare -A MAX_LEN=([csv_reader]=4096 [money_date]=64 [http_request]=4096 [billing_text]=2048 [extract_row]=1024
  [contracts_file]=4096 [rows_file]=8192 [column_file]=16384 [refdata_file]=4096 [web_form]=1024 [qof_files]=2048
  [payroll_calc]=2048 [ledger_journal]=2048 [ledger_budget]=2048 [procurement_files]=2048 [chc_caseload]=4096
  [payroll_staff]=4096 [pay_run_file]=4096 [primary_care_files]=2048 [chc_invoices]=4096 [claims_rules]=512
  [multipart]=4096 [pg_placeholders]=1024 [evidence_file]=4096 [cube_partials]=4096 [overview_figures]=2048)
ALL_TARGETS=(csv_reader money_date http_request billing_text extract_row contracts_file rows_file column_file
  refdata_file web_form qof_files payroll_calc ledger_journal ledger_budget procurement_files chc_caseload
  payroll_staff pay_run_file primary_care_files chc_invoices claims_rules multipart pg_placeholders evidence_file
  cube_partials overview_figures)
# Sources beyond core a target needs (the parser only: no sockets).
declare -A EXTRA_SOURCES=([http_request]="src/http/request.cc src/http/request_parser.cc"
  [billing_text]="src/refdata/table.cc src/billing/catalogue.cc src/billing/period.cc src/billing/percent.cc"
  [extract_row]="src/refdata/refdata.cc src/refdata/table.cc src/refdata/tariff.cc src/ingest/row_validator.cc
    src/ingest/extract_schema.cc src/ingest/known_codes.cc"
  [contracts_file]="src/refdata/refdata.cc src/refdata/table.cc src/refdata/tariff.cc src/contracts/contract.cc
    src/contracts/contract_file.cc src/pricing/price.cc"
  [refdata_file]="src/refdata/refdata.cc src/refdata/table.cc src/refdata/tariff.cc"
  [web_form]="src/http/request.cc src/http/request_parser.cc src/http/form.cc"
  [multipart]="src/http/multipart.cc"
  [pg_placeholders]="src/pg/placeholders.cc"
  [cube_partials]="src/analytics/cube_partials.cc src/report/report_table.cc src/pricing/price.cc"
  [overview_figures]="src/analytics/overview_figures.cc"
  [ledger_journal]="src/ledger/ledger_types.cc src/ledger/journal_format.cc"
  [ledger_budget]="src/ledger/ledger_types.cc src/ledger/budget_file.cc"
  [chc_caseload]="src/chc/caseload_file.cc src/chc/package_cost.cc"
  [payroll_staff]="src/refdata/table.cc src/payroll/rates.cc src/payroll/tax_code.cc src/payroll/hr_identifiers.cc
    src/payroll/staff_file.cc"
  [chc_invoices]="src/chc/invoice_file.cc"
  [qof_files]="src/refdata/table.cc src/primarycare/qof.cc src/primarycare/qof_files.cc"
  [primary_care_files]="src/refdata/table.cc src/ledger/ledger_types.cc src/primarycare/global_sum.cc
    src/primarycare/lists_file.cc src/primarycare/adjustments_file.cc"
  [claims_rules]="src/primarycare/claims.cc"
  [evidence_file]="src/primarycare/evidence.cc"
  [procurement_files]="src/refdata/table.cc src/procurement/rational.cc src/procurement/evaluation.cc
    src/procurement/procurement_files.cc"
  [payroll_calc]="src/refdata/table.cc src/report/report_table.cc src/payroll/rates.cc src/payroll/tax_code.cc
    src/payroll/paye.cc src/payroll/national_insurance.cc src/payroll/nhs_pension.cc src/payroll/calculator.cc"
  [pay_run_file]="src/refdata/table.cc src/payroll/rates.cc src/payroll/tax_code.cc src/payroll/paye.cc
    src/payroll/national_insurance.cc src/payroll/nhs_pension.cc src/payroll/afc_pay.cc src/payroll/pay_run.cc
    src/payroll/pay_run_file.cc src/payroll/bank_file.cc src/payroll/fps_xml.cc src/payroll/hr_identifiers.cc")
STORE_FILE_SOURCES="src/store/rows_file.cc src/store/rows_parser.cc src/store/column_file.cc src/store/column_encoder.cc
  src/store/sha256.cc src/store/code_list.cc src/store/memory.cc src/ingest/extract_schema.cc src/ingest/row_validator.cc
  src/ingest/known_codes.cc src/refdata/refdata.cc src/refdata/table.cc src/refdata/tariff.cc"
EXTRA_SOURCES[rows_file]=$STORE_FILE_SOURCES
EXTRA_SOURCES[column_file]=$STORE_FILE_SOURCES
# Libraries beyond the C++ runtime.
declare -A LIBS=([rows_file]="-lzstd -lcrypto -lpthread" [column_file]="-lzstd -lcrypto -lpthread" [procurement_files]="-lfmt")
CORE_SOURCES=()
for f in src/core/*.cc; do
  case "$f" in *_test.cc) ;; *) CORE_SOURCES+=("$f") ;; esac
done

have_libfuzzer() {
  command -v "$CXX_FUZZ" >/dev/null 2>&1 || return 1
  local probe
  probe=$(mktemp -d)
  printf 'extern "C" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long) { return 0; }\n' >"$probe/p.cc"
  "$CXX_FUZZ" -fsanitize=fuzzer "$probe/p.cc" -o "$probe/p" >/dev/null 2>&1
  local rc=$?
  rm -rf "$probe"
  return $rc
}

if ! have_libfuzzer; then
  # libFuzzer is in libclang-rt-14-dev, which clang only recommends.
  echo "fuzz: installing clang and libFuzzer (libclang-rt-14-dev)"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq clang libclang-rt-14-dev >/dev/null
  if ! have_libfuzzer; then
    echo "fuzz: $CXX_FUZZ cannot build with -fsanitize=fuzzer" >&2
    exit 2
  fi
fi

targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=("${ALL_TARGETS[@]}")

mkdir -p "$OUT/artifacts"
status=0
for t in "${targets[@]}"; do
  if [ -z "${CORPUS[$t]:-}" ]; then
    echo "fuzz: unknown target '$t' (known: ${!CORPUS[*]})" >&2
    exit 2
  fi
  echo "== $t: building"
  "$CXX_FUZZ" -std=c++20 -O1 -g -fno-omit-frame-pointer \
    -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
    -Isrc -DCSU_SOURCE_DIR="\"$PWD\"" "fuzz/${t}_fuzz.cc" "${CORE_SOURCES[@]}" ${EXTRA_SOURCES[$t]:-} ${LIBS[$t]:-} -o "$OUT/${t}_fuzz"
  # A dictionary of the format's keywords, when the target has one.
  dict=()
  [ -f "fuzz/${t}.dict" ] && dict=(-dict="fuzz/${t}.dict")
  run_dir="$RUN_CORPUS/$t"
  mkdir -p "$run_dir"
  echo "== $t: fuzzing for ${FUZZ_SECONDS}s"
  # The first corpus directory receives new inputs; the checked-in one is
  # only read. -print_final_stats reports executions per second.
  set +e
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "$OUT/${t}_fuzz" "$run_dir" "fuzz/corpus/${CORPUS[$t]}" \
    -max_total_time="$FUZZ_SECONDS" -max_len="${MAX_LEN[$t]}" -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$OUT/artifacts/${t}-" -print_final_stats=1 "${dict[@]}" 2>"$OUT/${t}.log"
  rc=$?
  set -e
  grep -E '^(Done|stat::number_of_executed_units|stat::average_exec_per_sec|stat::peak_rss_mb)' "$OUT/${t}.log" || true
  if [ $rc -ne 0 ]; then
    echo "fuzz: $t FAILED (exit $rc); log in $OUT/${t}.log, input in $OUT/artifacts/" >&2
    grep -E 'ERROR|invariant violated|runtime error|SUMMARY' "$OUT/${t}.log" | head -20 >&2 || true
    status=1
  else
    echo "fuzz: $t ok"
  fi
done
exit $status
