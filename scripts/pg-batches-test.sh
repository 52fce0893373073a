#!/usr/bin/env bash
# Batches in PostgreSQL (docs/server-mode.md, "Batches in PostgreSQL"): two
# `csu serve --database` nodes, each with its own empty state folder, catch
# up from the database at start; an extract uploaded on node A (into A's
# folder) reaches node B within 5 s, and both then answer the CCG's
# monitoring JSON byte for byte alike; so does a batch from `csu ingest
# --database` in a third folder; a second ingest while one holds the job
# lock is refused; a withdrawal reaches both; a node starting on a database
# with a damaged chunk refuses, naming the batch, and the running nodes'
# answers do not change.
#
#   CSU_TEST_POSTGRES_URL=postgresql://USER@HOST:PORT/DB scripts/pg-batches-test.sh [CSU_BINARY]
#
# The role in the URL must be allowed to CREATE SCHEMA: the test makes its
# own schema and drops it at the end. Exit 0 when every check passes, 1 at
# the first that fails, 77 (ctest: skipped) without CSU_TEST_POSTGRES_URL.
# Prints the catch-up latencies it measured.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
CSU=${1:-$ROOT/build/csu}

# shellcheck source=lib/pg-test.sh
. "$ROOT/scripts/lib/pg-test.sh"
pg_test_begin pg-batches csu_batches
q() { psql -tA "$URL" -c "$1"; }
now_ms() { date +%s%3N; }

# --- The first batch, ingested from a folder of its own into the database.
export CSU_KEY_FILE="$T/pseudonymisation.key"
"$CSU" synth --out "$T/extract" --ccgs 02E --year 2018/19 --seed 1 --quiet || fail "csu synth failed"
"$CSU" ingest --data "$T/ingest" --database "$URL" --kind apc "$T/extract/apc.csv" >"$T/ingest1.out" ||
  fail "csu ingest --database failed"
[ "$(q "SELECT count(*) FROM server_batches")" = 1 ] || fail "the batch is not in PostgreSQL"
[ "$(q "SELECT generation FROM batch_generation")" = 1 ] || fail "the generation is not 1 after one batch"
bad=$(q "SELECT count(*) FROM batch_chunks WHERE sha256 <> encode(sha256(data), 'hex') OR bytes <> length(data) OR bytes > 1048576")
[ "$bad" = 0 ] || fail "$bad chunks do not match their SHA-256 or size"
[ "$(q "SELECT count(*) FROM audit_log WHERE action = 'batches.publish'")" = 1 ] ||
  fail "the publication is not in the database's audit log"
# The entry holds the ingest as the folder's catalog recorded it: the file,
# its checksum and its rows, so the shared log has the whole record.
published=$(q "SELECT b->>'file', b->>'sha256', b->>'rows_read', b->>'loaded_by' FROM audit_log,
  jsonb_array_elements(details::jsonb->'batches') b WHERE action = 'batches.publish'")
[ "$published" = "apc.csv|$(sha256sum "$T/extract/apc.csv" | cut -d' ' -f1)|$(($(wc -l <"$T/extract/apc.csv") - 1))|$(id -un)" ] ||
  fail "the publication's entry does not name the batch's file, checksum, rows and who loaded it: $published"
ok "csu ingest --database stores the batch as checksummed chunks ($(q "SELECT count(*) FROM batch_chunks") chunks), audited in the database's log"
# Its records are metered in the database's usage tables (where a node's
# uploads are metered), not in the ingesting folder's billing.sqlite.
metered=$(q "SELECT COALESCE(sum(quantity), 0) FROM usage WHERE meter = 'records_loaded' AND ccg = '02E'")
[ "$metered" -gt 0 ] || fail "the ingest's records were not metered in PostgreSQL"
[ ! -e "$T/ingest/billing.sqlite" ] || fail "the ingest made a billing.sqlite in its folder (it meters in PostgreSQL)"
ok "csu ingest --database meters its $metered records in PostgreSQL"

USER_NAME=batches
PASSWORD="Harbour-lantern-$RANDOM-$RANDOM"
printf '%s\n' "$PASSWORD" | "$CSU" users add "$USER_NAME" --data "$T/ingest" --database "$URL" \
  --role csu_analyst --password-stdin >/dev/null || fail "csu users add --database failed"
"$CSU" users assign --data "$T/ingest" --database "$URL" "$USER_NAME" 02E >/dev/null || fail "csu users assign failed"
# The analyst loads data through the web; no second factor for the test.
"$CSU" users require-2fa csu_analyst --off --data "$T/ingest" --database "$URL" >/dev/null ||
  fail "csu users require-2fa --off failed"

# --- Two nodes with empty state folders.
start() {  # NAME STATE
  local name=$1 state=$2
  "$CSU" serve --data "$state" --listen 127.0.0.1:0 --database "$URL" >"$T/node-$name.out" 2>"$T/node-$name.err" &
  PIDS+=($!)
  echo "$!" >>"$T/pids"
  local pid=$! port=""
  for _ in $(seq 300); do
    port=$(sed -n 's|.*on http://127\.0\.0\.1:\([0-9][0-9]*\)/.*|\1|p' "$T/node-$name.out" 2>/dev/null || true)
    [ -n "$port" ] && break
    kill -0 "$pid" 2>/dev/null || fail "node $name exited at start: $(cat "$T/node-$name.err")"
    sleep 0.1
  done
  [ -n "$port" ] || fail "node $name did not start within 30 s"
  echo "$port"
}
PORT_A=$(start a "$T/state-a")
PORT_B=$(start b "$T/state-b")
A="http://127.0.0.1:$PORT_A"
B="http://127.0.0.1:$PORT_B"
grep -q "batches from the database: 1 taken" "$T/node-a.out" || fail "node A did not take the batch: $(cat "$T/node-a.out")"
grep -q "batches from the database: 1 taken" "$T/node-b.out" || fail "node B did not take the batch: $(cat "$T/node-b.out")"
ok "two nodes with empty state folders caught up from PostgreSQL at start"

c() { curl -sS --max-time 20 "$@"; }
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

PATH_JSON="/api/v1/ccg/02E?month=12"
get() {  # NODE OUT
  local code
  code=$(c -o "$2" -w '%{http_code}' -b "csu_session=$session" "$1$PATH_JSON") || return 1
  [ "$code" = 200 ]
}
get "$A" "$T/a1.json" || fail "GET $PATH_JSON on A"
get "$B" "$T/b1.json" || fail "GET $PATH_JSON on B"
cmp -s "$T/a1.json" "$T/b1.json" || fail "nodes A and B answer $PATH_JSON differently after catching up"
ok "both nodes answer $PATH_JSON byte for byte alike ($(wc -c <"$T/a1.json") bytes)"

# --- A second batch uploaded on node A (into A's folder) while both serve:
# B shows it within 5 s of A's job finishing, byte for byte as A does.
csrf=$(printf 'opencsu-csrf:%s' "$session" | sha256sum | cut -c1-32)
code=$(c -o /dev/null -D "$T/h" -w '%{http_code}' -b "csu_session=$session" -F "csrf=$csrf" -F "kind=op" \
  -F "file=@$T/extract/op.csv;type=text/csv" "$A/data/uploads") || fail "POST /data/uploads on A failed"
case "$code" in 30[23]) ;; *) fail "POST /data/uploads on A: expected a redirect, got $code" ;; esac
job=$(tr -d '\r' <"$T/h" | sed -n 's|^location: .*/data/uploads/\([0-9][0-9]*\).*|\1|Ip' | head -n 1)
[ -n "$job" ] || fail "the upload did not redirect to its job"
done_at=""
for _ in $(seq 1200); do
  c -b "csu_session=$session" -o "$T/job.json" "$A/api/v1/data/uploads/$job" || true
  if grep -q '"finished": *true' "$T/job.json"; then done_at=$(now_ms); break; fi
  sleep 0.05
done
[ -n "$done_at" ] || fail "the upload on A did not finish within 60 s"
grep -q '"stage": *"done"' "$T/job.json" || fail "the upload on A did not load: $(cat "$T/job.json")"
changed=""
while [ $(( $(now_ms) - done_at )) -lt 5000 ]; do
  if get "$B" "$T/b2.json" && ! cmp -s "$T/b1.json" "$T/b2.json"; then changed=$(( $(now_ms) - done_at )); break; fi
  sleep 0.05
done
[ -n "$changed" ] || fail "node B did not show the batch uploaded on A within 5 s"
[ "$(q "SELECT count(*) FROM server_batches")" = 2 ] || fail "the upload is not in PostgreSQL"
get "$A" "$T/a2.json" || fail "GET on A"
get "$B" "$T/b2.json" || fail "GET on B"
cmp -s "$T/a2.json" "$T/b2.json" || fail "after the upload nodes A and B answer differently"
! cmp -s "$T/a1.json" "$T/a2.json" || fail "the upload did not change node A's answer"
say "catch-up latency (upload done on node A -> node B's JSON changed): ${changed} ms"
ok "a batch uploaded on node A reached node B within 5 s (${changed} ms) and they agree byte for byte"

# --- Singleton: a second ingest while the job lock (store::kIngestJobLock in src/store/sql.h, in this
# schema: store::AdvisoryLockKeySql) is held is refused.
psql -q "$URL" -c "SELECT pg_advisory_lock($(printf '%d' 0x4f70656e43535506)::bigint # hashtextextended(current_schema(), 0)); SELECT pg_sleep(4)" >/dev/null 2>&1 &
HOLDER=$!
sleep 1.5
if "$CSU" ingest --data "$T/ingest" --database "$URL" --kind ae "$T/extract/ae.csv" >"$T/refused.out" 2>"$T/refused.err"; then
  fail "an ingest ran while another held the job lock"
fi
grep -q "another ingest is running" "$T/refused.err" || fail "the refusal does not say why: $(cat "$T/refused.err")"
wait "$HOLDER" 2>/dev/null || true  # the lock goes with its session
ok "a second ingest while one runs is refused with a clear message"

# --- A third batch from the command line, in a folder of its own (which
# catches up with the upload first): both nodes show it within 5 s.
"$CSU" ingest --data "$T/ingest" --database "$URL" --kind ae "$T/extract/ae.csv" >"$T/ingest3.out" 2>"$T/ingest3.err" ||
  fail "csu ingest --database of the third batch failed: $(cat "$T/ingest3.err")"
t0=$(now_ms)
third=""
while [ $(( $(now_ms) - t0 )) -lt 5000 ]; do
  if get "$A" "$T/a3.json" && ! cmp -s "$T/a2.json" "$T/a3.json" && get "$B" "$T/b3.json" && cmp -s "$T/a3.json" "$T/b3.json"; then
    third=$(( $(now_ms) - t0 )); break
  fi
  sleep 0.05
done
[ -n "$third" ] || fail "the third batch did not reach both nodes within 5 s"
say "catch-up latency (csu ingest finished -> both nodes' JSON changed and agree): ${third} ms"
ok "a batch ingested elsewhere reached both nodes within 5 s (${third} ms)"

# --- A withdrawal reaches both nodes.
"$CSU" batch remove 3 --data "$T/ingest" --database "$URL" >/dev/null || fail "csu batch remove --database failed"
[ "$(q "SELECT removed FROM server_batches WHERE id = 3")" = 1 ] || fail "the withdrawal is not in PostgreSQL"
[ "$(q "SELECT count(*) FROM batch_chunks WHERE batch_id = 3")" = 0 ] || fail "the withdrawn batch's chunks stay"
t0=$(now_ms)
back=""
while [ $(( $(now_ms) - t0 )) -lt 5000 ]; do
  if get "$B" "$T/b4.json" && cmp -s "$T/b2.json" "$T/b4.json" && get "$A" "$T/a4.json" && cmp -s "$T/a2.json" "$T/a4.json"; then
    back=$(( $(now_ms) - t0 )); break
  fi
  sleep 0.05
done
[ -n "$back" ] || fail "the withdrawal did not reach both nodes within 5 s"
ok "a withdrawal reached both nodes within 5 s (${back} ms): they answer as before the batch"

# --- A damaged chunk: a node starting empty refuses, naming the batch.
psql -q "$URL" -c "UPDATE batch_chunks SET data = set_byte(data, 100, get_byte(data, 100) # 1) WHERE batch_id = 2 AND role = 'cols' AND seq = 0" >/dev/null
if "$CSU" serve --data "$T/state-c" --listen 127.0.0.1:0 --database "$URL" >"$T/node-c.out" 2>"$T/node-c.err"; then
  fail "a node started on a damaged chunk"
fi
grep -q "batch 2: chunk 0 of its column file fails its SHA-256 check" "$T/node-c.err" ||
  fail "the refusal does not name the batch and chunk: $(cat "$T/node-c.err")"
get "$B" "$T/b5.json" || fail "GET on B"
cmp -s "$T/b2.json" "$T/b5.json" || fail "node B's answer changed after the damage"
ok "a damaged chunk is refused naming its batch; what the nodes serve is unchanged"
# What the nodes said about each round (fetch and check, load and swap).
grep -h "csu: took" "$T"/node-a.err "$T"/node-b.err | sed 's/^/pg-batches: node: /' || true
say "all checks passed"
