# Sourced by the script tests that run `csu` against PostgreSQL
# (pg-two-nodes-test.sh, pg-batches-test.sh, pg-partitions-test.sh,
# pg-ledger-nodes-test.sh):
#
#   pg_test_begin NAME SCHEMA_PREFIX [TOOL...]
#
# defines say, fail and ok (each line prefixed with NAME); exits 77 (ctest:
# skipped) when CSU_TEST_POSTGRES_URL is unset; checks psql, curl, every TOOL
# and the csu binary in $CSU; makes the work folder T and a schema of the
# test's own, named SCHEMA_PREFIX_<pid>_<random>, with URL the test's URL
# with that schema as its search_path. On exit it stops every node whose pid
# is in PIDS, in the associative array PID, or in the file $T/pids (nodes
# started inside $(...) write theirs there), shows the last lines of the
# nodes' logs ($T/node-*.err, $T/node-*.out) when the test failed, drops the
# schema and removes T.
#
#   pg_test_two_folders USER_NAME ROLE
#
# then makes one small state folder ($T/state-a: 02E's synthetic 2018/19
# admitted patient care) and its copy for a second node ($T/state-b), and a
# user USER_NAME with ROLE for 02E in the database, whose password it sets in
# PASSWORD.
pg_test_begin() {
  PG_TEST_NAME=$1
  local prefix=$2
  shift 2
  say() { echo "$PG_TEST_NAME: $*"; }
  fail() { echo "$PG_TEST_NAME: FAIL: $*" >&2; exit 1; }
  ok() { echo "$PG_TEST_NAME: ok: $*"; }
  if [ -z "${CSU_TEST_POSTGRES_URL:-}" ]; then
    say "SKIP: CSU_TEST_POSTGRES_URL is not set (a postgresql:// URL whose role may create schemas)"
    exit 77
  fi
  local tool
  for tool in psql curl "$@"; do
    command -v "$tool" >/dev/null || fail "$tool is not installed"
  done
  [ -x "$CSU" ] || fail "no csu binary at $CSU (build it first)"
  T=$(mktemp -d "${TMPDIR:-/tmp}/csu-$PG_TEST_NAME.XXXXXX")
  SCHEMA="${prefix}_$$_$RANDOM"
  local sep='?'
  case "$CSU_TEST_POSTGRES_URL" in *\?*) sep='&' ;; esac
  URL="$CSU_TEST_POSTGRES_URL${sep}options=-csearch_path%3D$SCHEMA"
  PIDS=()
  trap pg_test_cleanup EXIT
  trap 'exit 1' INT TERM
  psql -q -v ON_ERROR_STOP=1 "$CSU_TEST_POSTGRES_URL" -c "CREATE SCHEMA $SCHEMA" >/dev/null ||
    fail "cannot create schema $SCHEMA with CSU_TEST_POSTGRES_URL"
}

pg_test_cleanup() {
  local rc=$? p f
  local all=("${PIDS[@]}")
  if declare -p PID >/dev/null 2>&1; then all+=("${PID[@]}"); fi
  [ -f "$T/pids" ] && while read -r p; do all+=("$p"); done <"$T/pids"
  for p in "${all[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${all[@]}"; do
    for _ in $(seq 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$p" 2>/dev/null || true
  done
  if [ "$rc" -ne 0 ] && [ "$rc" -ne 77 ]; then
    for f in "$T"/node-*.err "$T"/node-*.out; do
      [ -s "$f" ] && { echo "---- last lines of ${f#"$T"/}:" >&2; tail -n 15 "$f" >&2; }
    done
  fi
  psql -q "$CSU_TEST_POSTGRES_URL" -c "DROP SCHEMA IF EXISTS $SCHEMA CASCADE" >/dev/null 2>&1 || true
  rm -rf "$T"
  exit "$rc"
}

pg_test_two_folders() {
  USER_NAME=$1
  local role=$2
  export CSU_KEY_FILE="$T/pseudonymisation.key"
  "$CSU" synth --out "$T/extract" --ccgs 02E --year 2018/19 --seed 1 --quiet || fail "csu synth failed"
  "$CSU" ingest --data "$T/state-a" --kind apc "$T/extract/apc.csv" >/dev/null || fail "csu ingest failed"
  rm -rf "$T/extract"
  cp -a "$T/state-a" "$T/state-b"
  PASSWORD="Harbour-lantern-$RANDOM-$RANDOM"
  printf '%s\n' "$PASSWORD" | "$CSU" users add "$USER_NAME" --data "$T/state-a" --database "$URL" \
    --role "$role" --tenant 02E --password-stdin >/dev/null || fail "csu users add --database failed"
}
