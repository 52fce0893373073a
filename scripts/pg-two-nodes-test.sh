#!/usr/bin/env bash
# Server mode's first promise (docs/server-mode.md): two `csu serve` nodes on
# one PostgreSQL database share sign-ins. A session made on node A opens a
# page on node B; signing out on node B ends it on node A; both nodes' audit
# entries are in one chain. Each node has its own copy of the same state
# folder (the activity is not in PostgreSQL yet).
#
#   CSU_TEST_POSTGRES_URL=postgresql://USER@HOST:PORT/DB scripts/pg-two-nodes-test.sh [CSU_BINARY]
#
# The role in the URL must be allowed to CREATE SCHEMA: the test makes its
# own schema and drops it at the end. Exit 0 when every check passes, 1 at
# the first that fails, 77 (ctest: skipped) without CSU_TEST_POSTGRES_URL.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
CSU=${1:-$ROOT/build/csu}

# shellcheck source=lib/pg-test.sh
. "$ROOT/scripts/lib/pg-test.sh"
pg_test_begin pg-two-nodes csu_two_nodes

# --- One small state folder, copied for the second node; one user, made in PostgreSQL.
pg_test_two_folders two-nodes ccg_commissioner
[ ! -e "$T/state-b/platform.sqlite" ] || fail "users add --database wrote platform.sqlite"
n=$(psql -tA "$URL" -c "SELECT count(*) FROM users WHERE username = '$USER_NAME'")
[ "$n" = 1 ] || fail "the user is not in PostgreSQL (count $n)"
ok "csu users add --database puts the user in PostgreSQL"

# --- A server that cannot be reached: the error names it, never the password.
if "$CSU" serve --data "$T/state-b" --listen 127.0.0.1:0 \
    --database "postgresql://csu:two-nodes-secret@127.0.0.1:1/platform?connect_timeout=3" >"$T/bad.out" 2>"$T/bad.err"; then
  fail "csu serve started without its database"
fi
grep -q "postgresql://csu@127.0.0.1:1/platform" "$T/bad.err" || fail "the error does not name the server: $(cat "$T/bad.err")"
if grep -q "two-nodes-secret" "$T/bad.out" "$T/bad.err"; then fail "the password was printed"; fi
ok "an unreachable database is named without its password"

# --- Two nodes: A with --database, B with CSU_DATABASE_URL.
start() {  # NAME STATE [--database URL]
  local name=$1 state=$2; shift 2
  "$CSU" serve --data "$state" --listen 127.0.0.1:0 "$@" >"$T/node-$name.out" 2>"$T/node-$name.err" &
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
PORT_A=$(start a "$T/state-a" --database "$URL")
PORT_B=$(CSU_DATABASE_URL="$URL" start b "$T/state-b")
A="http://127.0.0.1:$PORT_A"
B="http://127.0.0.1:$PORT_B"
grep -q "server mode" "$T/node-a.out" || fail "node A does not say it is in server mode"
grep -q "server mode" "$T/node-b.out" || fail "node B (CSU_DATABASE_URL) does not say it is in server mode"
if grep -q "password=\|:[^@/]*@" "$T/node-a.out" "$T/node-b.out"; then fail "a node printed a password"; fi
ok "two nodes started on one database"

c() { curl -sS --max-time 20 "$@"; }
header() { tr -d '\r' <"$1" | sed -n "s/^$2: //Ip" | head -n 1; }

# --- Sign in on A.
code=$(c -o "$T/signin.html" -D "$T/h" -w '%{http_code}' "$A/signin") || fail "GET /signin on A failed"
[ "$code" = 200 ] || fail "GET /signin on A: $code"
pre=$(tr -d '\r' <"$T/h" | sed -n 's/^set-cookie: csu_signin=\([^;]*\);.*/\1/Ip' | head -n 1)
csrf=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$T/signin.html" | head -n 1)
{ [ -n "$pre" ] && [ -n "$csrf" ]; } || fail "GET /signin on A: no csu_signin cookie or csrf field"
code=$(c -o /dev/null -D "$T/h" -w '%{http_code}' -b "csu_signin=$pre" \
  --data-urlencode "username=$USER_NAME" --data-urlencode "password=$PASSWORD" --data-urlencode "csrf=$csrf" \
  "$A/signin") || fail "POST /signin on A failed"
case "$code" in 30[23]) ;; *) fail "POST /signin on A: expected a redirect, got $code" ;; esac
session=$(tr -d '\r' <"$T/h" | sed -n 's/^set-cookie: csu_session=\([^;]*\);.*/\1/Ip' | head -n 1)
[ -n "$session" ] || fail "POST /signin on A set no csu_session cookie"
ok "signed in on node A"

# --- The session works on B (and on A).
for node in "$B" "$A"; do
  code=$(c -o "$T/page.html" -w '%{http_code}' -b "csu_session=$session" "$node/ccg/02E?month=6") ||
    fail "GET /ccg/02E on $node failed"
  [ "$code" = 200 ] || fail "GET /ccg/02E on $node with A's session: expected 200, got $code"
  grep -q '02E' "$T/page.html" || fail "GET /ccg/02E on $node: the page does not name the CCG"
done
ok "node A's session opens a page on node B"

# --- Sign out on B; the session is gone on A too.
csrf=$(printf 'opencsu-csrf:%s' "$session" | sha256sum | cut -c1-32)
code=$(c -o /dev/null -w '%{http_code}' -b "csu_session=$session" --data "csrf=$csrf" "$B/signout") ||
  fail "POST /signout on B failed"
case "$code" in 30[23]|200) ;; *) fail "POST /signout on B: got $code" ;; esac
code=$(c -o /dev/null -w '%{http_code}' -b "csu_session=$session" "$A/ccg/02E") || fail "GET /ccg/02E on A failed"
case "$code" in 30[23]) ;; *) fail "after signing out on B, A answered $code, not a redirect to sign in" ;; esac
ok "signing out on node B ends the session on node A"

# --- One audit chain holds both nodes' entries, and verifies.
actions=$(psql -tA "$URL" -c "SELECT string_agg(action, ',' ORDER BY seq) FROM audit_log")
case "$actions" in *user.add*auth.sign_in*auth.sign_out*) ;; *) fail "audit_log does not hold add, sign-in and sign-out: $actions" ;; esac
gaps=$(psql -tA "$URL" -c "SELECT count(*) FROM audit_log a JOIN audit_log b ON b.seq = a.seq + 1 WHERE b.prev_hash <> a.hash")
[ "$gaps" = 0 ] || fail "the audit chain is broken in $gaps places"
ok "the audit log in PostgreSQL has both nodes' entries in one chain"
say "all checks passed"
