#!/usr/bin/env bash
# The ledgers in server mode (docs/server-mode.md, docs/store-format.md §13a):
# two `csu serve` nodes on one PostgreSQL database share one ledger. A
# ledger made by the commands with --database is in PostgreSQL (no
# ledger.sqlite in the folder); a journal posted through node A's page is
# what node B's page and JSON twin show next, and what a command on the other
# node's folder lists; the posting and the commands are audited in the
# database's one chain.
#
#   CSU_TEST_POSTGRES_URL=postgresql://USER@HOST:PORT/DB scripts/pg-ledger-nodes-test.sh [CSU_BINARY]
#
# The role in the URL must be allowed to CREATE SCHEMA: the test makes its
# own schema and drops it at the end. Exit 0 when every check passes, 1 at
# the first that fails, 77 (ctest: skipped) without CSU_TEST_POSTGRES_URL.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
CSU=${1:-$ROOT/build/csu}

# shellcheck source=lib/pg-test.sh
. "$ROOT/scripts/lib/pg-test.sh"
pg_test_begin pg-ledger-nodes csu_ledger_nodes

# --- One small state folder, copied for the second node; a finance user in PostgreSQL.
pg_test_two_folders ledger-nodes ccg_finance
# Finance roles need a second factor by default; this test signs in with a password alone.
"$CSU" users require-2fa ccg_finance --off --data "$T/state-a" --database "$URL" >/dev/null ||
  fail "csu users require-2fa --off failed"

# --- The ledger made by the commands with --database lives in PostgreSQL.
"$CSU" ledger entity add --data "$T/state-a" --database "$URL" --entity 02E \
  --template "$ROOT/data/ledger/ccg-chart.csv" >/dev/null || fail "csu ledger entity add --database failed"
CSU_DATABASE_URL="$URL" "$CSU" ledger period open --data "$T/state-b" --entity 02E --period 2018-04 >/dev/null ||
  fail "csu ledger period open (CSU_DATABASE_URL) failed"
[ ! -e "$T/state-a/ledger.sqlite" ] && [ ! -e "$T/state-b/ledger.sqlite" ] || fail "a ledger command wrote ledger.sqlite"
n=$(psql -tA "$URL" -c "SELECT count(*) FROM ledger_accounts WHERE entity = '02E'")
[ "$n" -gt 10 ] || fail "02E's chart is not in PostgreSQL (accounts $n)"
state=$(psql -tA "$URL" -c "SELECT state FROM ledger_periods WHERE entity = '02E' AND year = 2018 AND month = 1")
[ "$state" = open ] || fail "April 2018 is not open in PostgreSQL ($state)"
ok "csu ledger --database keeps the ledger in PostgreSQL"

# --- Two nodes.
start() {  # NAME STATE
  local name=$1 state=$2
  "$CSU" serve --data "$state" --listen 127.0.0.1:0 --database "$URL" >"$T/node-$name.out" 2>"$T/node-$name.err" &
  PIDS+=($!)
  echo "$!" >>"$T/pids"
  local pid=$! port=""
  for _ in $(seq 300); do
    port=$(sed -n 's|.*on http://127\.0\.0\.1:\([0-9][0-9]*\)/.*|\1|p' "$T/node-$name.out" 2>/dev/null || true)
    [ -n "$port" ] && break
    kill -0 "$pid" 2>/dev/null || fail "node $name exited at start"
    sleep 0.1
  done
  [ -n "$port" ] || fail "node $name did not start within 30 s"
  echo "$port"
}
PORT_A=$(start a "$T/state-a")
PORT_B=$(start b "$T/state-b")
A="http://127.0.0.1:$PORT_A"
B="http://127.0.0.1:$PORT_B"
ok "two nodes started on one database"

c() { curl -sS --max-time 20 "$@"; }

# --- Sign in on A.
code=$(c -o "$T/signin.html" -D "$T/h" -w '%{http_code}' "$A/signin") || fail "GET /signin on A failed"
[ "$code" = 200 ] || fail "GET /signin on A: $code"
pre=$(tr -d '\r' <"$T/h" | sed -n 's/^set-cookie: csu_signin=\([^;]*\);.*/\1/Ip' | head -n 1)
csrf=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$T/signin.html" | head -n 1)
code=$(c -o /dev/null -D "$T/h" -w '%{http_code}' -b "csu_signin=$pre" \
  --data-urlencode "username=$USER_NAME" --data-urlencode "password=$PASSWORD" --data-urlencode "csrf=$csrf" \
  "$A/signin") || fail "POST /signin on A failed"
case "$code" in 30[23]) ;; *) fail "POST /signin on A: expected a redirect, got $code" ;; esac
session=$(tr -d '\r' <"$T/h" | sed -n 's/^set-cookie: csu_session=\([^;]*\);.*/\1/Ip' | head -n 1)
[ -n "$session" ] || fail "POST /signin on A set no csu_session cookie"
csrf=$(printf 'opencsu-csrf:%s' "$session" | sha256sum | cut -c1-32)

# --- A journal posted through node A's page.
REF="NODE-A-$RANDOM"
code=$(c -o "$T/post.html" -D "$T/h" -w '%{http_code}' -b "csu_session=$session" \
  --data-urlencode "csrf=$csrf" --data-urlencode "period=2018-04" --data-urlencode "date=2018-04-12" \
  --data-urlencode "reference=$REF" --data-urlencode "description=Posted on node A $REF" \
  --data-urlencode "reason=two nodes" \
  --data-urlencode "account_1=expenses:running-costs:pay" --data-urlencode "debit_1=1,234.56" \
  --data-urlencode "account_2=assets:current:cash:gbs" --data-urlencode "credit_2=1,234.56" \
  "$A/ccg/02E/ledger/journals") || fail "POST /ccg/02E/ledger/journals on A failed"
case "$code" in 30[23]) ;; *) fail "POST a journal on A: expected a redirect, got $code: $(sed -n 's/.*Not posted: \([^<]*\).*/\1/p' "$T/post.html" | head -n 1)" ;; esac
ok "a journal posted through node A's page"

# --- Node B's page and its JSON twin show it; so does a command on B's folder.
code=$(c -o "$T/b.html" -w '%{http_code}' -b "csu_session=$session" "$B/ccg/02E/ledger/journals?period=2018-04") ||
  fail "GET the journals on B failed"
[ "$code" = 200 ] || fail "GET /ccg/02E/ledger/journals on B: $code"
grep -q "$REF" "$T/b.html" || fail "node B's journals page does not show the journal posted on A"
code=$(c -o "$T/b.json" -w '%{http_code}' -b "csu_session=$session" "$B/api/v1/ccg/02E/ledger/journals?period=2018-04") ||
  fail "GET the journals' JSON on B failed"
[ "$code" = 200 ] || fail "GET /api/v1/ccg/02E/ledger/journals on B: $code"
grep -q "$REF" "$T/b.json" || fail "node B's JSON does not hold the journal posted on A"
"$CSU" ledger journals --data "$T/state-b" --database "$URL" --entity 02E --period 2018-04 --format csv >"$T/b.csv" ||
  fail "csu ledger journals --database on B's folder failed"
grep -q "$REF" "$T/b.csv" || fail "csu ledger journals on B's folder does not list the journal posted on A"
ok "node B's page, its JSON twin and a command on B's folder show the journal posted on A"

# --- One audit chain holds the commands' and the page's entries.
actions=$(psql -tA "$URL" -c "SELECT string_agg(action, ',' ORDER BY seq) FROM audit_log")
case "$actions" in *ledger.entity.add*ledger.period.open*ledger.post*) ;; *) fail "audit_log lacks the ledger's entries: $actions" ;; esac
gaps=$(psql -tA "$URL" -c "SELECT count(*) FROM audit_log a JOIN audit_log b ON b.seq = a.seq + 1 WHERE b.prev_hash <> a.hash")
[ "$gaps" = 0 ] || fail "the audit chain is broken in $gaps places"
ok "the ledger's commands and page are audited in PostgreSQL's one chain"
say "all checks passed"
