#!/usr/bin/env bash
# Server mode's partitions (docs/server-mode.md, "Partitions"): three
# `csu serve` nodes on loopback share one PostgreSQL database holding a
# partition map of three commissioner groups, each group on two nodes. Each
# node loads only its groups' activity. The cross-CCG activity view gathered
# on any node is byte-for-byte the JSON of one node holding everything, and
# so are the CSU overview page and a CCG's pages asked of a node that does
# not hold it (forwarded to an owner); with a node killed, the same (every
# group has a second owner). The internal endpoint refuses a request without
# the node signature, with a bad one, with a user's credentials alone, and
# one replayed outside the window; a forged forwarding is refused. The nodes
# start with empty folders and take the batches from the database, a batch
# ingested while they run reaches all three, and a new map is taken without
# a restart. Node b is reached by the other nodes over TLS only: its address
# in the map is https://, served by nginx with a certificate of the test's
# own CA (the nodes started with --node-ca), and the gathers and forwardings
# to it are seen in nginx's log.
#
#   CSU_TEST_POSTGRES_URL=postgresql://USER@HOST:PORT/DB scripts/pg-partitions-test.sh [CSU_BINARY]
#
# The role in the URL must be allowed to CREATE SCHEMA: the test makes its
# own schema and drops it at the end. Exit 0 when every check passes, 1 at
# the first that fails, 77 (ctest: skipped) without CSU_TEST_POSTGRES_URL.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
CSU=${1:-$ROOT/build/csu}

# shellcheck source=lib/pg-test.sh
. "$ROOT/scripts/lib/pg-test.sh"
pg_test_begin pg-partitions csu_partitions openssl python3 sha256sum
declare -A PID=()  # node name -> pid, stopped on exit

# --- Three CCGs' activity, admitted patient care and outpatients first, ingested
# into the database (through a folder of its own); the partitioned nodes
# below start with empty folders and take it from there.
export CSU_KEY_FILE="$T/pseudonymisation.key"
"$CSU" synth --out "$T/extract" --ccgs 02E,27D,12F --year 2018/19 --seed 7 --quiet || fail "csu synth failed"
for kind in apc op; do
  "$CSU" ingest --data "$T/state-one" --database "$URL" --kind "$kind" "$T/extract/$kind.csv" >/dev/null ||
    fail "csu ingest --database $kind failed"
done
n=$(psql -tA "$URL" -c "SELECT count(*) FROM server_batches")
[ "$n" = 2 ] || fail "the two ingests published $n batches to the database, expected 2"
USER_NAME=partitions-admin
printf '%s\n' "Harbour-lantern-$RANDOM-$RANDOM" | "$CSU" users add "$USER_NAME" --data "$T/state-one" --database "$URL" \
  --role csu_admin --password-stdin >/dev/null || fail "csu users add --database failed"
TOKEN=$("$CSU" users token create "$USER_NAME" --name partitions-test --data "$T/state-one" --database "$URL" \
  2>"$T/token.err" | head -n 1) || true
[ -n "$TOKEN" ] || fail "csu users token create gave no token: $(cat "$T/token.err")"
ok "a CSU administrator with an API token, in PostgreSQL"

PORT=""
start() {  # NAME LISTEN ARGS...: starts a node, waits for its start line, sets PORT
  local name=$1 listen=$2; shift 2
  "$CSU" serve --data "$T/state-$name" --listen "$listen" --year 2018/19 --database "$URL" --quiet "$@" \
    >"$T/node-$name.out" 2>"$T/node-$name.err" &
  PID[$name]=$!
  local port=""
  for _ in $(seq 600); do
    port=$(sed -n 's|.*on http://127\.0\.0\.1:\([0-9][0-9]*\)/.*|\1|p' "$T/node-$name.out" 2>/dev/null || true)
    [ -n "$port" ] && break
    kill -0 "${PID[$name]}" 2>/dev/null || fail "node $name exited at start: $(cat "$T/node-$name.err")"
    sleep 0.1
  done
  [ -n "$port" ] || fail "node $name did not start within 60 s"
  PORT=$port
}
c() { curl -sS --max-time 60 "$@"; }
api() { c -H "Authorization: Bearer $TOKEN" "$@"; }

# --- Three groups, each on two nodes.
# The synthetic CCGs, one group each, in the order the views list them.
CCGS=(02E 12F 27D)
G1=02E G2=12F G3=27D
read -r PA PB PC < <(python3 -c '
import socket
socks = [socket.socket() for _ in range(3)]
for s in socks: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in socks])')
# Node b's TLS front: nginx on PBT with a certificate for 127.0.0.1 that is
# its own CA, given to the nodes.
# shellcheck source=lib/nginx-local.sh
. "$ROOT/scripts/lib/nginx-local.sh"
nginx_find
[ -n "$NGINX" ] || fail "nginx is not installed (scripts/install-deps.sh installs it)"
PBT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
N="$T/nginx-b"
nginx_local_dirs "$N" "$T"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj /CN=node-b \
  -addext subjectAltName=IP:127.0.0.1 -keyout "$N/node-b.key" -out "$T/nodes-ca.pem" >/dev/null 2>&1 ||
  fail "openssl could not make node b's certificate"
chmod 644 "$T/nodes-ca.pem" "$N/node-b.key"  # read by nginx's workers (a throwaway key)
cat >"$N/nginx.conf" <<NGINX_CONF
worker_processes 1;
pid $N/nginx.pid;
error_log $N/log/error.log warn;
$NGINX_WORKER_USER
events { worker_connections 64; }
http {
$(nginx_temp_paths "$N")
    log_format node '\$request_method \$request_uri \$status';
    access_log $N/log/access.log node;
    server {
        listen 127.0.0.1:$PBT ssl;
        ssl_certificate $T/nodes-ca.pem;
        ssl_certificate_key $N/node-b.key;
        ssl_protocols TLSv1.2 TLSv1.3;
        client_max_body_size 64m;
        location / {
            proxy_pass http://127.0.0.1:$PB;
            proxy_http_version 1.1;
            proxy_set_header Host \$host;
            proxy_read_timeout 60s;
        }
    }
}
NGINX_CONF
"$NGINX" -t -q -p "$N/" -e "$N/log/error.log" -c "$N/nginx.conf" >"$N/stderr" 2>&1 ||
  fail "nginx -t refused node b's TLS front: $(cat "$N/stderr")"
"$NGINX" -p "$N/" -e "$N/log/error.log" -c "$N/nginx.conf" -g 'daemon off;' >"$N/stderr" 2>&1 &
PIDS+=($!)
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$PBT") 2>/dev/null && break; sleep 0.1; done
(exec 3<>"/dev/tcp/127.0.0.1/$PBT") 2>/dev/null || fail "nginx (node b's TLS front) did not listen on :$PBT"
"$CSU" partitions set --database "$URL" \
  --node "a=http://127.0.0.1:$PA" --node "b=https://127.0.0.1:$PBT" --node "c=http://127.0.0.1:$PC" \
  --group "g1:a,b:$G1" --group "g2:b,c:$G2" --group "g3:c,a:$G3" >/dev/null || fail "csu partitions set failed"
"$CSU" partitions show --database "$URL" --format json >"$T/map.json" || fail "csu partitions show failed"
python3 - "$T/map.json" "$G1" "$G2" <<'PY' || fail "csu partitions show does not give the map back"
import json, sys
m = json.load(open(sys.argv[1]))
g = {x["group"]: x for x in m["groups"]}
assert [n["node"] for n in m["nodes"]] == ["a", "b", "c"]
assert g["g1"]["owners"] == ["a", "b"] and g["g2"]["owners"] == ["b", "c"] and g["g3"]["owners"] == ["c", "a"]
assert ",".join(g["g1"]["commissioners"]) == ",".join(sorted(sys.argv[2].split(",")))
PY
if "$CSU" partitions set --database "$URL" --node "a=http://127.0.0.1:1" --node "b=http://127.0.0.1:2" \
     --group "g1:a,a:${CCGS[0]}" >/dev/null 2>"$T/bad-map.err"; then
  fail "a group with one owner twice was accepted"
fi
grep -q "different nodes" "$T/bad-map.err" || fail "the refusal does not say why: $(cat "$T/bad-map.err")"
n=$(psql -tA "$URL" -c "SELECT count(*) FROM partition_groups")
[ "$n" = 3 ] || fail "a refused map changed the stored one ($n groups)"
n=$(psql -tA "$URL" -c "SELECT count(*) FROM audit_log WHERE action = 'partitions.set'")
[ "$n" = 1 ] || fail "the map's change is not in the audit log once ($n)"
ok "csu partitions set/show: three groups on two nodes each, audited; a bad map refused"

# --- Three nodes with empty folders, each taking the batches from the database and
# loading its share.
openssl rand -hex 32 >"$T/node.secret"
chmod 600 "$T/node.secret"
for n in a b c; do
  port_var="P${n^^}"
  start "$n" "127.0.0.1:${!port_var}" --node "$n" --node-secret "$T/node.secret" --node-ca "$T/nodes-ca.pem"
  grep -q "node $n of the partition map" "$T/node-$n.out" || fail "node $n does not say it is a partition node"
  grep -q "batches from the database: 2 taken" "$T/node-$n.out" ||
    fail "node $n did not fill its empty folder from the database: $(grep batches "$T/node-$n.out")"
done
A="http://127.0.0.1:$PA"
# Node a holds g1 and g3 only: it has no partials of g2 to give.
first_g2=${G2%%,*}
ok "three nodes started with empty folders, each filled from the database"

# --- A new batch (accident and emergency) ingested while they run: every node
# takes it from the database and reloads its share.
"$CSU" ingest --data "$T/state-one" --database "$URL" --kind ae "$T/extract/ae.csv" >/dev/null ||
  fail "csu ingest --database ae failed"
INGESTED=$(date +%s.%N)
rm -rf "$T/extract"

# --- The reference: one node holding every record (the folder that ingested them).
start one 127.0.0.1:0
ONE="http://127.0.0.1:$PORT"
code=$(api -o "$T/one.json" -w '%{http_code}' "$ONE/api/v1/csu/activity") || fail "GET /api/v1/csu/activity on the single node failed"
[ "$code" = 200 ] || fail "the single node's cross-CCG view: $code $(head -c 300 "$T/one.json")"
mapfile -t CCGS < <(python3 -c 'import json,sys; print("\n".join(c["ccg"] for c in json.load(open(sys.argv[1]))["ccgs"]))' "$T/one.json")
[ "${#CCGS[@]}" -ge 3 ] || fail "expected at least three CCGs in the view, got ${#CCGS[@]}"
lines=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["lines"]))' "$T/one.json")
[ "$lines" -gt 10 ] || fail "the single node's view has only $lines lines"
# Its CSU overview, and each CCG's headline figures and monitoring page.
api -o "$T/one-home.html" "$ONE/" || fail "GET / on the single node failed"
grep -q "CSU overview" "$T/one-home.html" || fail "the single node's home is not the CSU overview"
for ccg in "${CCGS[@]}"; do
  api -o "$T/one-$ccg.json" "$ONE/api/v1/ccg/$ccg?month=12" || fail "GET /api/v1/ccg/$ccg on the single node failed"
  api -o "$T/one-$ccg.html" "$ONE/ccg/$ccg/view/monitoring?month=12" || fail "GET the monitoring page of $ccg failed"
done
RSS_ONE=$(awk '/^VmRSS/ {print $2}' "/proc/${PID[one]}/status")
kill -TERM "${PID[one]}"; wait "${PID[one]}" 2>/dev/null || true; unset 'PID[one]'
ok "the single node's cross-CCG view: ${#CCGS[@]} CCGs, $lines lines"

# Every node serves the new figures: its own CCGs' headline figures are the
# single node's, byte for byte.
node_has_all() {  # NAME PORT GROUPS...
  local name=$1 port=$2 ccg
  shift 2
  for ccg in "$@"; do
    api -o "$T/poll.json" "http://127.0.0.1:$port/api/v1/ccg/$ccg?month=12" 2>/dev/null || return 1
    cmp -s "$T/one-$ccg.json" "$T/poll.json" || return 1
  done
}
for _ in $(seq 300); do
  node_has_all a "$PA" "$G1" "$G3" && node_has_all b "$PB" "$G1" "$G2" && node_has_all c "$PC" "$G2" "$G3" && break
  sleep 0.1
done
node_has_all a "$PA" "$G1" "$G3" && node_has_all b "$PB" "$G1" "$G2" && node_has_all c "$PC" "$G2" "$G3" ||
  fail "30 s after the reference, a node still does not serve the new batch's figures"
TOOK=$(python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$INGESTED" "$(date +%s.%N)")
ok "the batch ingested while the nodes ran is served by all three within ${TOOK} s of its ingest (the single reference node started and read meanwhile)"
for n in a b c; do
  records=$(sed -n 's/.*share reloaded: \([0-9]*\) records of .*/\1/p' "$T/node-$n.out" | tail -n 1)
  say "node $n: $records records loaded, resident $(awk '/^VmRSS/ {print $2}' "/proc/${PID[$n]}/status") KiB (the single node: $RSS_ONE KiB)"
done

# --- A CCG's pages on any node: the owner's bytes, said who served them.
same_ccg_pages() {  # NODE-URL LABEL EXPECTED-SERVER-OF-G2
  local url=$1 label=$2 g2_server=$3 ccg served
  for ccg in "${CCGS[@]}"; do
    api -D "$T/hc" -o "$T/ccg.json" "$url/api/v1/ccg/$ccg?month=12" || fail "GET /api/v1/ccg/$ccg on $label failed"
    cmp -s "$T/one-$ccg.json" "$T/ccg.json" ||
      fail "$ccg's figures on $label differ from the single node's: $(head -c 300 "$T/ccg.json")"
    api -o "$T/ccg.html" "$url/ccg/$ccg/view/monitoring?month=12" || fail "GET $ccg's monitoring page on $label failed"
    cmp -s "$T/one-$ccg.html" "$T/ccg.html" || fail "$ccg's monitoring page on $label differs from the single node's"
  done
  api -D "$T/hc" -o /dev/null "$url/api/v1/ccg/$first_g2?month=12"
  served=$(sed -n 's/^[Xx]-[Cc]su-[Ss]erved-[Bb]y: *\([a-z0-9-]*\).*/\1/p' "$T/hc" | tr -d '\r')
  [ "$served" = "$g2_server" ] || fail "$first_g2 (group g2) on $label was served by '$served', expected $g2_server"
  api -o "$T/home.html" "$url/" || fail "GET / on $label failed"
  cmp -s "$T/one-home.html" "$T/home.html" || fail "the CSU overview on $label differs from the single node's"
}
same_ccg_pages "$A" "node a" b
for n in b c; do
  port_var="P${n^^}"
  same_ccg_pages "http://127.0.0.1:${!port_var}" "node $n" ""
done
ok "every CCG's figures and monitoring page, and the CSU overview, are the single node's bytes on every node (g2 on node a served by b)"

# --- The gathered view equals the single node's, byte for byte, on every node.
for n in a b c; do
  port_var="P${n^^}"
  api -D "$T/h-$n" -o "$T/gather-$n.json" "http://127.0.0.1:${!port_var}/api/v1/csu/activity" ||
    fail "GET /api/v1/csu/activity on node $n failed"
  cmp -s "$T/one.json" "$T/gather-$n.json" ||
    fail "node $n's gathered view differs from the single node's: $(head -c 300 "$T/gather-$n.json")"
done
grep -qi '^x-csu-gathered-from: g1=a;g2=b;g3=a' "$T/h-a" || fail "node a did not gather as expected: $(grep -i gathered "$T/h-a")"
ok "the cross-CCG view gathered on each of the three nodes is byte-for-byte the single node's"
# What a and c asked of b went over TLS, through nginx: its partials and the
# forwarded pages of g2's CCG.
grep -q '^GET /internal/v1/partials?group=g[12]&.* 200$' "$N/log/access.log" ||
  fail "no gather from node b through its TLS front: $(head -n 3 "$N/log/access.log")"
grep -q "^GET /api/v1/ccg/$first_g2?month=12 200$" "$N/log/access.log" ||
  fail "no forwarding to node b through its TLS front: $(head -n 3 "$N/log/access.log")"
ok "node b is reached by the other nodes over TLS only (https://, its certificate checked against --node-ca)"

# --- Kill node b: every group still has an owner.
kill -KILL "${PID[b]}"; wait "${PID[b]}" 2>/dev/null || true; unset 'PID[b]'
api -D "$T/h-a2" -o "$T/gather-a2.json" "$A/api/v1/csu/activity" || fail "GET on node a with b down failed"
cmp -s "$T/one.json" "$T/gather-a2.json" || fail "with node b down, node a's view differs: $(head -c 300 "$T/gather-a2.json")"
grep -qi '^x-csu-gathered-from: g1=a;g2=c;g3=a' "$T/h-a2" || fail "g2 was not asked of c: $(grep -i gathered "$T/h-a2")"
api -o "$T/gather-c2.json" "http://127.0.0.1:$PC/api/v1/csu/activity" || fail "GET on node c with b down failed"
cmp -s "$T/one.json" "$T/gather-c2.json" || fail "with node b down, node c's view differs"
same_ccg_pages "$A" "node a with b down" c
ok "with node b killed, nodes a and c still give the same bytes (g2 from its second owner, c), pages and overview too"

# --- The internal endpoint: only a node's signature opens it.
TARGET="/internal/v1/partials?group=g1&year=2018%2F19"
EMPTY_SHA=$(printf '' | sha256sum | cut -d' ' -f1)
mac() {  # METHOD TARGET TIME NONCE TO [HEXKEY] -> hex HMAC-SHA-256 as web/node_auth.h defines it (no body)
  printf '%s\n%s\n%s\n%s\n%s\n%s' "$1" "$2" "$3" "$4" "$5" "$EMPTY_SHA" |
    openssl dgst -sha256 -mac HMAC -macopt "hexkey:${6:-$(cat "$T/node.secret")}" | awk '{print $NF}'
}
H=()
signed() {  # METHOD TARGET TIME [TO [HEXKEY]]: sets H to the three headers of a request signed for node TO (a)
  local nonce
  nonce=$(openssl rand -hex 16)
  H=(-H "X-Csu-Node-Time: $3" -H "X-Csu-Node-Nonce: $nonce"
     -H "X-Csu-Node-Signature: $(mac "$1" "$2" "$3" "$nonce" "${4:-a}" "${5:-}")")
}
now=$(date +%s)
signed GET "$TARGET" "$now"
code=$(c -o "$T/p.json" -w '%{http_code}' "${H[@]}" "$A$TARGET")
[ "$code" = 200 ] || fail "a correctly signed request was refused: $code $(cat "$T/p.json")"
grep -q '"format":"csu-cube-partials-v1"' "$T/p.json" || fail "the internal endpoint did not answer partials"
code=$(c -o "$T/again.json" -w '%{http_code}' "${H[@]}" "$A$TARGET")
[ "$code" = 401 ] || fail "the same signed request a second time (a replay inside the window): expected 401, got $code"
grep -q "replay" "$T/again.json" || fail "the replay refusal does not say so: $(cat "$T/again.json")"
code=$(c -o /dev/null -w '%{http_code}' "$A$TARGET")
[ "$code" = 401 ] || fail "no signature: expected 401, got $code"
code=$(c -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "$A$TARGET")
[ "$code" = 401 ] || fail "a user's API token alone: expected 401, got $code"
signed GET "$TARGET" "$now"
H[5]="X-Csu-Node-Signature: $(printf '%s' "${H[5]#X-Csu-Node-Signature: }" | tr '0-9a-f' '1-9a-f0')"
code=$(c -o /dev/null -w '%{http_code}' "${H[@]}" "$A$TARGET")
[ "$code" = 401 ] || fail "a bad signature: expected 401, got $code"
signed GET "$TARGET" "$now" a "$(openssl rand -hex 32)"
code=$(c -o /dev/null -w '%{http_code}' "${H[@]}" "$A$TARGET")
[ "$code" = 401 ] || fail "a signature under another secret: expected 401, got $code"
signed GET "$TARGET" "$now" c
code=$(c -o /dev/null -w '%{http_code}' "${H[@]}" "$A$TARGET")
[ "$code" = 401 ] || fail "a request signed for node c, sent to node a: expected 401, got $code"
signed GET "$TARGET" $((now - 120))
code=$(c -o "$T/old.json" -w '%{http_code}' "${H[@]}" "$A$TARGET")
[ "$code" = 401 ] || fail "a request signed 120 s ago (a replay outside the window): expected 401, got $code"
grep -q "replay" "$T/old.json" || fail "the replay refusal does not say so: $(cat "$T/old.json")"
other="/internal/v1/partials?group=g2&year=2018%2F19"
signed GET "$TARGET" "$now"
code=$(c -o /dev/null -w '%{http_code}' "${H[@]}" "$A$other")
[ "$code" = 401 ] || fail "g1's signature on a request for g2: expected 401, got $code"
signed GET "$other" "$now"
code=$(c -o /dev/null -w '%{http_code}' "${H[@]}" "$A$other")
[ "$code" = 404 ] || fail "node a answered for group g2, which it does not own: $code"
ok "the internal endpoint refuses no signature, a user's token, a bad or foreign signature, one for another node, a replay inside and outside the window, another target"

# --- A forwarding only a node can make: unsigned, or signed for another client, refused.
code=$(api -o "$T/fwd.json" -w '%{http_code}' -H "X-Csu-Forwarded-By: c" -H "X-Csu-Forwarded-For: 192.0.2.1" \
  "$A/api/v1/ccg/${G1%%,*}?month=12")
[ "$code" = 401 ] || fail "an unsigned forwarding: expected 401, got $code"
FWD_GET=$'FORWARD\nc\n192.0.2.1\nGET'  # a GET forwarded by c for 192.0.2.1 (web/node_auth.h, ForwardedMethod)
ftarget="/api/v1/ccg/${G1%%,*}?month=12"
signed "$FWD_GET" "$ftarget" "$now"
code=$(api -o "$T/fwd.json" -w '%{http_code}' -H "X-Csu-Forwarded-By: c" -H "X-Csu-Forwarded-For: 192.0.2.1" \
  "${H[@]}" "$A$ftarget")
[ "$code" = 200 ] || fail "a correctly signed forwarding was refused: $code $(cat "$T/fwd.json")"
cmp -s "$T/one-${G1%%,*}.json" "$T/fwd.json" || fail "a forwarded request was not answered as the user's own"
signed "$FWD_GET" "$ftarget" "$now"
code=$(api -o "$T/fwd.json" -w '%{http_code}' -H "X-Csu-Forwarded-By: c" -H "X-Csu-Forwarded-For: 192.0.2.9" \
  "${H[@]}" "$A$ftarget")
[ "$code" = 401 ] || fail "a forwarding signed for another client's address: expected 401, got $code"
ftarget="/api/v1/ccg/$first_g2?month=12"
signed "$FWD_GET" "$ftarget" "$now"
code=$(api -o "$T/fwd.json" -w '%{http_code}' -H "X-Csu-Forwarded-By: c" -H "X-Csu-Forwarded-For: 192.0.2.1" \
  "${H[@]}" "$A$ftarget")
[ "$code" = 421 ] || fail "a forwarded request for a CCG node a does not hold: expected 421 (no second hop), got $code"
ok "forwarding: unsigned or signed for another address refused; a forwarded request is answered, never forwarded again"
# --- A new map while the nodes run: b (killed above) leaves the map, and a takes g2
# from it. Nodes a and c reload their shares without a restart.
"$CSU" partitions set --database "$URL" --node "a=http://127.0.0.1:$PA" --node "c=http://127.0.0.1:$PC" \
  --group "g1:a,c:$G1" --group "g2:a,c:$G2" --group "g3:c,a:$G3" >"$T/set.out" || fail "csu partitions set (the new map) failed"
grep -q "within a few seconds" "$T/set.out" || fail "csu partitions set does not say the nodes take the map: $(cat "$T/set.out")"
SET_AT=$(date +%s.%N)
for _ in $(seq 300); do
  grep -q "the partition map changed" "$T/node-a.out" && grep -q "the partition map changed" "$T/node-c.out" && break
  sleep 0.1
done
grep -q "the partition map changed: groups g1, g2, g3" "$T/node-a.out" ||
  fail "30 s after partitions set, node a had not taken the new map: $(tail -n 3 "$T/node-a.out") $(tail -n 3 "$T/node-a.err")"
grep -q "the partition map changed" "$T/node-c.out" || fail "30 s after partitions set, node c had not taken the new map"
TOOK=$(python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$SET_AT" "$(date +%s.%N)")
api -D "$T/hm" -o "$T/ccg.json" "$A/api/v1/ccg/$first_g2?month=12" || fail "GET $first_g2 on node a after the new map failed"
! grep -qi '^x-csu-served-by' "$T/hm" || fail "$first_g2 was still forwarded by node a after the new map gave it g2"
cmp -s "$T/one-$first_g2.json" "$T/ccg.json" || fail "$first_g2's figures on node a after the new map differ from the single node's"
api -D "$T/h-a3" -o "$T/gather-a3.json" "$A/api/v1/csu/activity" || fail "GET /api/v1/csu/activity on node a after the new map failed"
cmp -s "$T/one.json" "$T/gather-a3.json" || fail "node a's gathered view after the new map differs from the single node's"
grep -qi '^x-csu-gathered-from: g1=a;g2=a;g3=a' "$T/h-a3" || fail "node a did not gather from itself alone: $(grep -i gathered "$T/h-a3")"
same_ccg_pages "http://127.0.0.1:$PC" "node c after the new map" ""
ok "a new map taken by the running nodes within ${TOOK} s of csu partitions set: node a holds g2 and answers it itself, byte for byte the single node's"
say "all checks passed"
