#!/usr/bin/env bash
# The `cluster` test tier (issue #18, `make test-cluster`, started by .ci/run
# after `make test`): the server-mode topology of docs/deploy.md, on loopback,
# on one machine, in a temporary directory, in a few minutes.
#
#   1. A pg_auto_failover formation (Debian's postgresql-15-auto-failover):
#      a monitor, a primary and a synchronous standby, each run by
#      `pg_autoctl run`, until the monitor reports primary + secondary.
#   2. Failover without losing an acknowledged write: a writer inserts
#      numbered rows through the multi-host connection string
#      (target_session_attrs=read-write, synchronous commit) and records every
#      number the server acknowledged; first a planned switchover
#      (`pg_autoctl perform failover`), then a hard kill (SIGKILL) of the new
#      primary's postgres and its pg_autoctl. The writer reconnects by itself;
#      afterwards every acknowledged number is on the new primary. During the
#      hard kill `csu challenges set` and `csu invoice run` also write with
#      --database: every challenge and invoice run csu acknowledged is kept,
#      and the invoice numbers have no gap or repeat. The killed
#      node is then started again and rejoins as the standby. Timings printed.
#   3. The C++ tests that need PostgreSQL (build/csu_tests, filter below) with
#      CSU_TEST_POSTGRES_URL set to the multi-host URL of a fresh database
#      owned by a password-authenticated role.
#   4. nginx (deploy/nginx/opencsu.conf with the upstream of
#      deploy/nginx/opencsu-cluster.conf) in front of three `csu serve` nodes;
#      one node is killed under a GET load and no request fails: nginx retries
#      it on another node (proxy_next_upstream).
#
#   scripts/cluster-test.sh [BUILD_DIR]        (default: build)
#
# PostgreSQL refuses to run as root: when started as root (CI) the script
# creates an unprivileged system user (CSU_CLUSTER_USER, default
# csu-cluster-test) if absent and runs every process as that user; started as
# any other user it runs as that user. Everything listens on 127.0.0.1 only.
# pg_auto_failover's own roles (autoctl_node, pgautofailover_monitor,
# pgautofailover_replicator) use `--auth trust`, which is acceptable here only
# because every server listens on loopback of a throwaway machine and its
# Unix sockets live in a directory only the test user can enter; the
# application's role uses a password (SCRAM). docs/deploy.md shows the
# production settings. The monitor's health-check timings are shortened so a
# failover takes seconds rather than a minute (see MONITOR_TIMINGS below).
#
# Output: one line per check; on failure a line naming the step, the last
# lines of the relevant logs, and exit 1. Exit 77 (skipped) when PostgreSQL or
# pg_auto_failover is not installed. Every process is stopped on exit, even on
# failure or Ctrl-C.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD_DIR=${1:-build}
case "$BUILD_DIR" in /*) ;; *) BUILD_DIR="$ROOT/$BUILD_DIR" ;; esac
CSU="$BUILD_DIR/csu"
CSU_TESTS="$BUILD_DIR/csu_tests"
# The C++ tests that talk to PostgreSQL: the PostgreSQL instances of the suites
# run on both engines (`Backends/...Test.Case/postgresql`) and the pg module's
# own (`PgSql.*`, `PgTenantRows.*`). They skip themselves when
# CSU_TEST_POSTGRES_URL is unset, so `make test` runs them against SQLite only.
GTEST_FILTER=${CSU_CLUSTER_GTEST_FILTER:-'*/postgresql:Pg*:AppRole*:ServerSchemas*:*ServerMode*:PayrollServer*-*/sqlite'}
RUN_USER=${CSU_CLUSTER_USER:-csu-cluster-test}
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
NODES=3

say() { echo "cluster-test: $*"; }
ok() { say "ok: $*"; }
STEP="start"
step() { STEP=$*; }
fail() { echo "cluster-test: FAIL [$STEP]: $*" >&2; exit 1; }

if [ ! -x "$PG_BIN/postgres" ] || ! command -v pg_autoctl >/dev/null; then
  say "SKIP: PostgreSQL 15 or pg_auto_failover is not installed (scripts/install-deps.sh installs them)"
  exit 77
fi
# shellcheck source=lib/nginx-local.sh
. "$ROOT/scripts/lib/nginx-local.sh"
nginx_find
[ -n "$NGINX" ] || fail "nginx is not installed (scripts/install-deps.sh installs it)"
for tool in curl openssl setpriv; do
  command -v "$tool" >/dev/null || fail "$tool is not installed"
done
[ -x "$CSU" ] || fail "no csu binary at $CSU (build it first)"

started=$SECONDS
# "SECONDS.fraction" now; bash 5's EPOCHREALTIME, or date.
now() { echo "${EPOCHREALTIME:-$(date +%s.%N)}"; }
# The test user, and `as_user CMD...`: run CMD as that user with the test's
# environment (setpriv execs, so $! of a background as_user is the process).
if [ "$(id -u)" = 0 ]; then
  if ! id "$RUN_USER" >/dev/null 2>&1; then
    useradd --system --user-group --home-dir /nonexistent --shell /usr/sbin/nologin "$RUN_USER" ||
      fail "could not create the unprivileged user $RUN_USER"
  fi
  SETPRIV=(setpriv --reuid="$RUN_USER" --regid="$(id -g "$RUN_USER")" --clear-groups)
else
  RUN_USER=$(id -un)
  SETPRIV=()
fi

T=$(mktemp -d "${TMPDIR:-/tmp}/csu-cluster-test.XXXXXX")
chmod 700 "$T"
[ "$(id -u)" = 0 ] && chown "$RUN_USER:" "$T"
SOCK="$T/sock"   # the servers' Unix sockets: only the test user can enter $T

# Every process we start, for the cleanup; PGDATA directories whose
# postmaster.pid names one more.
PIDS=()
PGDATAS=()
WRITER_PID=""
LOGS=()   # logs worth showing on failure
# descendants PID...: their children, grandchildren... (one pass over /proc,
# no procps needed; a command name may hold spaces and parentheses, so the
# parent id is read after the last ") ").
descendants() {
  local -A kids=()
  local f line pid rest ppid
  for f in /proc/[0-9]*/stat; do
    read -r line 2>/dev/null <"$f" || continue
    pid=${line%% *}; rest=${line##*) }; rest=${rest#* }; ppid=${rest%% *}
    kids[$ppid]+=" $pid"
  done
  local queue=("$@") p c
  while [ ${#queue[@]} -gt 0 ]; do
    p=${queue[0]}; queue=("${queue[@]:1}")
    for c in ${kids[$p]:-}; do echo "$c"; queue+=("$c"); done
  done
}
postmaster_pid() { [ -f "$1/postmaster.pid" ] && head -n 1 "$1/postmaster.pid" 2>/dev/null || true; }  # the file may go between the test and the read
# Long-running servers are disowned when started (bash would otherwise print
# "Killed" when the test kills one); gone PID waits until it has exited.
gone() { for _ in $(seq 100); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done; }
KILLED_AT=""
hard_kill() {  # PID...: SIGKILL each and all its descendants at once; KILLED_AT = when
  local all=("$@") d
  while read -r d; do all+=("$d"); done < <(descendants "$@")
  KILLED_AT=$(now)
  kill -KILL "${all[@]}" 2>/dev/null || true
}
cleanup() {
  local rc=$?
  set +e
  trap - INT TERM
  [ -n "$WRITER_PID" ] && hard_kill "$WRITER_PID"
  # pg_autoctl first (it would restart postgres), then whatever is left.
  for d in "${PGDATAS[@]}"; do
    [ -f "$d/postmaster.pid" ] && as_user pg_autoctl stop --pgdata "$d" --immediate >/dev/null 2>&1
  done
  local left=("${PIDS[@]}")
  for d in "${PGDATAS[@]}"; do left+=($(postmaster_pid "$d")); done
  [ ${#left[@]} -gt 0 ] && hard_kill "${left[@]}"
  for p in "${left[@]}"; do gone "$p"; done
  # Backends exit once their postmaster is gone; wait for the last of them.
  for _ in $(seq 50); do
    local alive=""
    for d in "${PGDATAS[@]}"; do p=$(postmaster_pid "$d"); [ -n "$p" ] && kill -0 "$p" 2>/dev/null && alive=1; done
    [ -z "$alive" ] && break
    sleep 0.1
  done
  if [ "$rc" -ne 0 ] && [ "$rc" -ne 77 ]; then
    for f in "${LOGS[@]}"; do
      [ -s "$f" ] && { echo "---- last lines of ${f#"$T"/}:" >&2; tail -n 12 "$f" >&2; }
    done
  fi
  rm -rf "$T"
  exit "$rc"
}
trap cleanup EXIT
trap 'echo "cluster-test: interrupted [$STEP]" >&2; exit 1' INT TERM

ENVV=(env -i PATH="$PG_BIN:/usr/sbin:/usr/bin:/sbin:/bin" HOME="$T" LANG=C.UTF-8 TMPDIR="$T/tmp"
  XDG_CONFIG_HOME="$T/xdg/config" XDG_DATA_HOME="$T/xdg/data" XDG_RUNTIME_DIR="$T/xdg/run"
  PGHOST="$SOCK" PGPASSFILE="$T/pgpass" PGCONNECT_TIMEOUT=2)
as_user() { "${SETPRIV[@]}" "${ENVV[@]}" "$@"; }
as_user test -w "$T" || fail "$RUN_USER cannot write $T (a TMPDIR under a private directory?); set TMPDIR=/tmp"
as_user mkdir -p "$SOCK" "$T/tmp" "$T/xdg/config" "$T/xdg/data" "$T/xdg/run" "$T/log"
as_user touch "$T/pgpass"; chmod 600 "$T/pgpass"

# The test user must be able to run the binaries and read the reference data;
# a checkout under a private home (/root) is not reachable, so copy them.
BIN="$BUILD_DIR"; DATA="$ROOT/data"
# The C++ tests read test data from the source tree by its compiled-in path;
# where the test user cannot read it, they run as the invoking user (they are
# only clients of the servers, over TCP with a password).
TESTS_AS=(as_user)
if ! as_user test -x "$CSU" || ! as_user test -r "$DATA/refdata" || ! as_user test -r "$DATA/security"; then
  install -d -o "$RUN_USER" "$T/bin" "$T/data"
  cp "$CSU" "$T/bin/csu"; [ -x "$CSU_TESTS" ] && cp "$CSU_TESTS" "$T/bin/csu_tests"
  cp -r "$DATA/refdata" "$DATA/security" "$T/data/"
  chown -R "$RUN_USER" "$T/bin" "$T/data"
  BIN="$T/bin"; DATA="$T/data"
  TESTS_AS=("${ENVV[@]}")
fi
ENVV+=(CSU_REFDATA="$DATA/refdata" CSU_PASSWORD_LIST="$DATA/security/common-passwords.txt"
  CSU_KEY_FILE="$T/pseudonymisation.key")

# pick_port VAR: a loopback port nothing listens on now and not yet picked
# (racy in principle; a server failing to bind is then reported with its
# own message).
TAKEN=" "
pick_port() {
  local p
  for _ in $(seq 200); do
    p=$((20000 + RANDOM % 40000))
    case "$TAKEN" in *" $p "*) continue ;; esac
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then TAKEN+="$p "; printf -v "$1" '%s' "$p"; return; fi
  done
  fail "no free loopback port found"
}
psql_on() {  # PORT DB SQL: one statement over the Unix socket, as the test user (superuser)
  as_user psql -X -q -A -t -v ON_ERROR_STOP=1 -p "$1" -d "$2" -c "$3"
}
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

# ---------------------------------------------------------------------------
# 1. The formation.
step "formation"
pick_port MON_PORT; pick_port P1; pick_port P2
MON="$T/monitor"; N1="$T/node1"; N2="$T/node2"
PGDATAS=("$MON" "$N1" "$N2")
# initdb ourselves so that the sockets, the listen address, the memory and
# pg_hba.conf are ours before pg_autoctl first starts the server (it takes an
# existing data directory as it is; the standby copies the primary's). Local
# connections: trust (the socket directory is the test user's alone);
# loopback TCP: only the application's role, by password; pg_autoctl appends
# the lines for its own roles.
init_pgdata() {  # DIR
  as_user initdb -D "$1" --auth-local=trust --auth-host=reject --no-instructions -E UTF8 --locale=C.UTF-8 \
    >"$T/log/initdb-$(basename "$1").log" 2>&1 || fail "initdb $1: $(tail -n 3 "$T/log/initdb-$(basename "$1").log")"
  cat >>"$1/postgresql.auto.conf" <<EOF
unix_socket_directories = '$SOCK'
listen_addresses = '127.0.0.1'
shared_buffers = '32MB'
max_connections = 100
EOF
  cat >"$1/pg_hba.conf" <<EOF
# cluster-test: Unix sockets in a directory only the test user can enter.
local all all trust
local replication all trust
# The application's role, by password, over loopback.
host csu_test csu_test 127.0.0.1/32 scram-sha-256
host csu csu_writer 127.0.0.1/32 scram-sha-256
host csu_app csu_app 127.0.0.1/32 scram-sha-256
host csu_app csu_web 127.0.0.1/32 scram-sha-256
# pg_auto_failover's own lines follow.
EOF
}
init_pgdata "$MON"
LOGS+=("$T/log/monitor.log")
as_user pg_autoctl create monitor --pgdata "$MON" --pgport "$MON_PORT" --hostname 127.0.0.1 \
  --auth trust --ssl-self-signed >"$T/log/monitor-create.log" 2>&1 ||
  fail "pg_autoctl create monitor: $(grep -E 'ERROR|FATAL' "$T/log/monitor-create.log" | tail -n 3)"
# pg_autoctl starts postgres with `-h <listen_addresses>` from its own
# configuration, whose monitor default is '*'.
as_user pg_autoctl config set --pgdata "$MON" postgresql.listen_addresses 127.0.0.1 >/dev/null
# Shortened health checks (defaults in brackets, docs/deploy.md): check every
# second [5 s], one retry [2] after 0.5 s [2 s], unhealthy after 3 s [20 s],
# a primary that stopped reporting is taken as demoted after 5 s [30 s].
MONITOR_TIMINGS="pgautofailover.health_check_period = 1000
pgautofailover.health_check_timeout = 1000
pgautofailover.health_check_max_retries = 1
pgautofailover.health_check_retry_delay = 500
pgautofailover.node_considered_unhealthy_timeout = 3000
pgautofailover.primary_demote_timeout = 5000"
echo "$MONITOR_TIMINGS" >>"$MON/postgresql.auto.conf"
as_user pg_autoctl run --pgdata "$MON" >"$T/log/monitor.log" 2>&1 &
PIDS+=($!); disown $!
MONITOR_URI=""
for _ in $(seq 100); do
  MONITOR_URI=$(as_user pg_autoctl show uri --pgdata "$MON" --formation monitor 2>/dev/null || true)
  [ -n "$MONITOR_URI" ] && psql_on "$MON_PORT" pg_auto_failover 'select 1' >/dev/null 2>&1 && break
  MONITOR_URI=""
  sleep 0.2
done
[ -n "$MONITOR_URI" ] || fail "the monitor did not start"
[ "$(psql_on "$MON_PORT" pg_auto_failover 'show pgautofailover.node_considered_unhealthy_timeout')" = 3s ] ||
  fail "the monitor did not take the shortened health-check timings"

start_keeper() {  # DIR: pg_autoctl run for a registered node; sets KEEPER_PID
  as_user pg_autoctl run --pgdata "$1" >>"$T/log/$(basename "$1").log" 2>&1 &
  KEEPER_PID=$!
  PIDS+=("$KEEPER_PID"); disown "$KEEPER_PID"
}
create_node() {  # DIR PORT NAME
  as_user pg_autoctl create postgres --pgdata "$1" --pgport "$2" --listen 127.0.0.1 --hostname 127.0.0.1 \
    --name "$3" --dbname csu --monitor "$MONITOR_URI" --auth trust --ssl-self-signed \
    >"$T/log/$3-create.log" 2>&1 ||
    fail "pg_autoctl create postgres $3: $(grep -E 'ERROR|FATAL' "$T/log/$3-create.log" | tail -n 3)"
  LOGS+=("$T/log/$3.log")
}
# STATE: "name:reported_state" for each node, sorted (the monitor's view).
formation_state() {
  psql_on "$MON_PORT" pg_auto_failover \
    "select string_agg(nodename || ':' || reportedstate, ' ' order by nodename) from pgautofailover.node" 2>/dev/null || true
}
wait_state() {  # WANT SECONDS
  local s=""
  for _ in $(seq $(($2 * 5))); do
    s=$(formation_state)
    [ "$s" = "$1" ] && return 0
    sleep 0.2
  done
  fail "the formation is '$s' after $2 s, expected '$1'"
}

t0=$(now)
init_pgdata "$N1"
create_node "$N1" "$P1" node1
start_keeper "$N1"; K1=$KEEPER_PID
wait_state "node1:single" 60
create_node "$N2" "$P2" node2
start_keeper "$N2"; K2=$KEEPER_PID
wait_state "node1:primary node2:secondary" 90
sync=$(psql_on "$P1" csu 'show synchronous_standby_names')
[ -n "$sync" ] || fail "the primary has no synchronous standby"
ok "formation up in $(elapsed "$t0" "$(now)") s: monitor :$MON_PORT, node1 :$P1 primary, node2 :$P2 secondary (synchronous_standby_names = $sync)"

# The multi-host URL the application uses, and the roles: the writer's and
# the C++ tests' (may create schemas in its own database). Roles and
# databases are replicated with everything else.
step "roles"
PW_WRITER="w-$RANDOM$RANDOM$RANDOM"; PW_TEST="t-$RANDOM$RANDOM$RANDOM"
psql_on "$P1" csu "create role csu_writer login password '$PW_WRITER'" >/dev/null
# CREATEROLE: the row-level security tests make a non-owner application role.
psql_on "$P1" csu "create role csu_test login createrole password '$PW_TEST'" >/dev/null
psql_on "$P1" csu "create database csu_test owner csu_test" >/dev/null
psql_on "$P1" csu "create role csu_app login password '$PW_TEST'" >/dev/null
psql_on "$P1" csu "create database csu_app owner csu_app" >/dev/null
# The nodes' application role (row-level security, docs/deploy.md §8.11):
# owns nothing in csu_app, cannot bypass the policies.
psql_on "$P1" csu "create role csu_web login nosuperuser nobypassrls password '$PW_TEST'" >/dev/null
psql_on "$P1" csu "create table acked (n integer primary key, at timestamptz not null default now()); grant insert, select on acked to csu_writer" >/dev/null
cat >>"$T/pgpass" <<EOF
127.0.0.1:$P1:csu:csu_writer:$PW_WRITER
127.0.0.1:$P2:csu:csu_writer:$PW_WRITER
127.0.0.1:$P1:csu_app:csu_app:$PW_TEST
127.0.0.1:$P2:csu_app:csu_app:$PW_TEST
127.0.0.1:$P1:csu_app:csu_web:$PW_TEST
127.0.0.1:$P2:csu_app:csu_web:$PW_TEST
EOF
HOSTS="127.0.0.1:$P1,127.0.0.1:$P2"
WRITER_URL="postgresql://csu_writer@$HOSTS/csu?target_session_attrs=read-write&connect_timeout=2&sslmode=require"
TEST_URL="postgresql://csu_test:$PW_TEST@$HOSTS/csu_test?target_session_attrs=read-write&connect_timeout=2&sslmode=require"
[ "$(as_user psql -XAtq "$WRITER_URL" -c 'select 1')" = 1 ] || fail "the writer's role cannot connect through $WRITER_URL"
[ "$(as_user psql -XAtq "$TEST_URL" -c 'select current_user')" = csu_test ] || fail "the tests' role cannot connect"
ok "multi-host URL postgresql://USER@$HOSTS/DB?target_session_attrs=read-write connects (TLS, SCRAM)"

# ---------------------------------------------------------------------------
# 2. Failovers under a writer.
# The writer: one psql per row (a new connection each time, as after a
# failover), synchronous commit, the number written to ACKED only when the
# server acknowledged the commit and returned it.
cat >"$T/writer.sh" <<'EOF'
#!/usr/bin/env bash
# writer.sh URL ACKED STOPFILE FIRST: insert FIRST, FIRST+1, ... until STOPFILE exists.
url=$1 acked=$2 stop=$3 i=$4
export PGOPTIONS='-c synchronous_commit=on'
while [ ! -e "$stop" ]; do
  r=$(psql -XAtq "$url" -c "insert into acked (n) values ($i) returning n" 2>>"$acked.err") &&
    [ "$r" = "$i" ] && echo "$i ${EPOCHREALTIME:-$(date +%s.%N)}" >>"$acked"
  i=$((i + 1))
done
EOF
chmod 755 "$T/writer.sh"
NEXT_ROW=1
start_writer() {  # NAME
  rm -f "$T/$1.stop"
  as_user touch "$T/$1.acked"
  as_user "$T/writer.sh" "$WRITER_URL" "$T/$1.acked" "$T/$1.stop" "$NEXT_ROW" &
  WRITER_PID=$!
}
stop_writer() {  # NAME
  as_user touch "$T/$1.stop"
  { wait "$WRITER_PID"; } 2>/dev/null || true
  WRITER_PID=""
  NEXT_ROW=$(( $(awk 'END { print $1 + 0 }' "$T/$1.acked") + 100000 ))
}
acked_count() { wc -l <"$T/$1.acked"; }
wait_acks() {  # NAME COUNT SECONDS: until COUNT rows are acknowledged
  for _ in $(seq $(($3 * 10))); do
    [ "$(acked_count "$1")" -ge "$2" ] && return 0
    sleep 0.1
  done
  fail "only $(acked_count "$1") rows acknowledged after $3 s, expected $2"
}
primary_port() { as_user psql -XAtq "$WRITER_URL" -c 'select inet_server_port()'; }
# Every acknowledged number is on the current primary.
check_no_loss() {  # NAME
  cut -d' ' -f1 "$T/$1.acked" | sort >"$T/$1.want"
  as_user psql -XAtq "$WRITER_URL" -c 'select n from acked' | sort >"$T/$1.have" ||
    fail "could not read the rows back from the new primary"
  comm -23 "$T/$1.want" "$T/$1.have" >"$T/$1.lost"
  if [ -s "$T/$1.lost" ]; then
    # What the monitor decided meanwhile, for the diagnosis: a standby it
    # found unhealthy puts the primary in wait_primary, where commits are
    # acknowledged without the standby (docs/deploy.md 8.2).
    echo "---- the monitor's events:" >&2
    psql_on "$MON_PORT" pg_auto_failover "select to_char(eventtime, 'HH24:MI:SS.MS') || ' ' || nodename || ' ' ||
      reportedstate || ' -> ' || goalstate || ': ' || left(description, 140) from pgautofailover.event
      order by eventid" >&2 || true
    fail "$(wc -l <"$T/$1.lost") acknowledged rows lost, first: $(head -n 3 "$T/$1.lost" | tr '\n' ' ')"
  fi
}
# Seconds from T0 to the first acknowledgement after it, and the longest
# gap between two acknowledgements.
first_ack_after() { awk -v t="$2" '$2 > t { printf "%.1f", $2 - t; found = 1; exit } END { if (!found) print "none" }' "$T/$1.acked"; }
longest_gap() { awk 'NR > 1 && $2 - p > g { g = $2 - p } { p = $2 } END { printf "%.1f", g }' "$T/$1.acked"; }

# 2a. Planned switchover.
step "switchover"
start_writer switchover
wait_acks switchover 20 30
before=$(acked_count switchover)
t_sw=$(now)
as_user pg_autoctl perform failover --pgdata "$MON" >"$T/log/perform-failover.log" 2>&1 ||
  fail "pg_autoctl perform failover: $(grep -E 'ERROR|FATAL' "$T/log/perform-failover.log" | tail -n 3)"
wait_state "node1:secondary node2:primary" 60
t_sw_done=$(now)
wait_acks switchover $((before + 20)) 30
stop_writer switchover
[ "$(primary_port)" = "$P2" ] || fail "the writer's URL does not reach node2, the new primary"
check_no_loss switchover
SWITCHOVER_GAP=$(longest_gap switchover)
ok "switchover (pg_autoctl perform failover): writes paused at most $SWITCHOVER_GAP s; $(elapsed "$t_sw" "$t_sw_done") s until node2 primary and node1 secondary again; all $(acked_count switchover) acknowledged rows present on node2"

step "state folder for the nodes"
as_user "$BIN/csu" synth --out "$T/extract" --ccgs 02E --year 2018/19 --seed 1 --quiet >"$T/log/synth.log" 2>&1 ||
  fail "csu synth: $(tail -n 3 "$T/log/synth.log")"
as_user "$BIN/csu" ingest --data "$T/state" --kind apc "$T/extract/apc.csv" >"$T/log/ingest.log" 2>&1 ||
  fail "csu ingest: $(tail -n 3 "$T/log/ingest.log")"
rm -rf "$T/extract"

# Server mode's commands write through csu during the kill (2b): one
# `csu challenges set` after another (the challenge log, docs/store-format.md
# §10a) and one `csu invoice run` a month after another for three CCGs
# (billing, §12a), each with --database on the multi-host URL. An id or a
# month counts as acknowledged only when csu exited 0 (the write and its
# audit entry committed).
APP_URL="postgresql://csu_app@$HOSTS/csu_app?target_session_attrs=read-write&connect_timeout=2&sslmode=require"
as_user "$BIN/csu" catalogue load --data "$T/state" --database "$APP_URL" "$ROOT/tests/golden/billing/catalogue.csv" \
  >"$T/log/catalogue.log" 2>&1 || fail "csu catalogue load --database: $(tail -n 3 "$T/log/catalogue.log")"
for ccg in 02E 12F 27D; do
  as_user "$BIN/csu" subscriptions add --data "$T/state" --database "$APP_URL" --ccg "$ccg" --item BI-CORE \
    --start 2018-04-01 --term 60 >>"$T/log/subscriptions.log" 2>&1 ||
    fail "csu subscriptions add --database: $(tail -n 3 "$T/log/subscriptions.log")"
done
cat >"$T/csu-writers.sh" <<'WRITERS'
#!/usr/bin/env bash
# csu-writers.sh CSU DATA URL DIR: challenges fu-ratio:02E:RBT:1:2018, :2:, ...
# (ids that name their CCG, so csu need not find a record) and invoice
# runs for 2018-04, 2018-05, ... (96 months at most, to 2026-03, every one
# ended) until DIR/csu.stop exists. The invoicer pauses 0.3 s between runs:
# each month is invoiced once, and on a quick machine an unpaced loop used up
# its months before the kill, leaving none to acknowledge after it.
csu=$1 data=$2 url=$3 dir=$4
challenger() {
  local i=1
  while [ ! -e "$dir/csu.stop" ]; do
    "$csu" challenges set --data "$data" --database "$url" "fu-ratio:02E:RBT:$i:2018" agreed --note "failover $i" \
      >/dev/null 2>>"$dir/challenges.err" &&
      echo "fu-ratio:02E:RBT:$i:2018 ${EPOCHREALTIME:-$(date +%s.%N)}" >>"$dir/challenges.acked"
    i=$((i + 1))
  done
}
invoicer() {
  local m=0 period
  while [ ! -e "$dir/csu.stop" ] && [ $m -lt 96 ]; do
    period=$(date -u -d "2018-04-01 +$m month" +%Y-%m)
    "$csu" invoice run --data "$data" --database "$url" --period "$period" \
      >/dev/null 2>>"$dir/invoices.err" && echo "$period ${EPOCHREALTIME:-$(date +%s.%N)}" >>"$dir/invoices.acked"
    m=$((m + 1))
    sleep 0.3
  done
}
challenger & invoicer & wait
WRITERS
chmod 755 "$T/csu-writers.sh"
as_user touch "$T/challenges.acked" "$T/invoices.acked"

# 2b. Hard kill of the primary (node2): SIGKILL its pg_autoctl and postgres.
step "hard kill of the primary"
start_writer kill
as_user "$T/csu-writers.sh" "$BIN/csu" "$T/state" "$APP_URL" "$T" &
CSU_WRITERS_PID=$!; PIDS+=($CSU_WRITERS_PID)
wait_acks kill 20 30
wait_acks challenges 3 60
wait_acks invoices 3 60
before=$(acked_count kill)
csu_before=$(( $(acked_count challenges) + $(acked_count invoices) ))
hard_kill "$K2" "$(postmaster_pid "$N2")"
t_kill=$KILLED_AT
gone "$K2"
wait_acks kill $((before + 20)) 60
t_first=$(first_ack_after kill "$t_kill")
stop_writer kill
# csu reconnects too: a challenge and an invoice run acknowledged after the kill.
for _ in $(seq 600); do
  [ "$(first_ack_after challenges "$t_kill")" != none ] && [ "$(first_ack_after invoices "$t_kill")" != none ] && break
  sleep 0.1
done
as_user touch "$T/csu.stop"
{ wait "$CSU_WRITERS_PID"; } 2>/dev/null || true
[ "$(first_ack_after challenges "$t_kill")" != none ] ||
  fail "no csu challenges set succeeded within 60 s of the kill ($(tail -n 2 "$T/challenges.err" | tr '\n' ' '))"
[ "$(first_ack_after invoices "$t_kill")" != none ] ||
  fail "no csu invoice run succeeded within 60 s of the kill ($(tail -n 2 "$T/invoices.err" | tr '\n' ' '))"
[ "$(primary_port)" = "$P1" ] || fail "after the kill the writer's URL does not reach node1"
check_no_loss kill
# Every acknowledged challenge is in the log on the new primary...
cut -d' ' -f1 "$T/challenges.acked" | sort >"$T/challenges.want"
as_user psql -XAtq "$APP_URL" -c 'select distinct challenge from challenge_log' | sort >"$T/challenges.have" ||
  fail "could not read the challenge log back from the new primary"
[ -z "$(comm -23 "$T/challenges.want" "$T/challenges.have")" ] ||
  fail "acknowledged challenges lost: $(comm -23 "$T/challenges.want" "$T/challenges.have" | head -n 3 | tr '\n' ' ')"
# ...every acknowledged month has its three invoices, each CCG's month once,
# and the numbers are INV-000001.. with no gap and no repeat.
cut -d' ' -f1 "$T/invoices.acked" | sort >"$T/invoices.want"
as_user psql -XAtq "$APP_URL" -c "select period from documents where kind = 'invoice' group by period having count(*) = 3" |
  sort >"$T/invoices.have" || fail "could not read the invoices back from the new primary"
[ -z "$(comm -23 "$T/invoices.want" "$T/invoices.have")" ] ||
  fail "acknowledged invoice runs lost: $(comm -23 "$T/invoices.want" "$T/invoices.have" | head -n 3 | tr '\n' ' ')"
numbers=$(as_user psql -XAtq "$APP_URL" -c "select count(*), count(distinct number), count(distinct ccg || period),
  coalesce(max(substr(number, 5)::int), 0) from documents where kind = 'invoice'")
IFS='|' read -r n_docs n_numbers n_months n_max <<<"$numbers"
{ [ "$n_docs" = "$n_numbers" ] && [ "$n_docs" = "$n_months" ] && [ "$n_docs" = "$n_max" ]; } ||
  fail "invoice numbers after the kill: $n_docs invoices, $n_numbers numbers, $n_months CCG months, highest INV-$n_max (want all equal: gapless, unique)"
state_after=$(formation_state)
ok "hard kill of primary node2 (SIGKILL postgres + pg_autoctl): the writer's first acknowledged write on node1 came $t_first s after the kill; all $(acked_count kill) acknowledged rows present on node1 (monitor: $state_after)"
ok "through csu --database during the kill: all $(acked_count challenges) acknowledged challenges in the log, all $(acked_count invoices) acknowledged invoice runs issued; $n_docs invoices numbered INV-000001..INV-$(printf %06d "$n_max") with no gap or repeat ($csu_before csu writes acknowledged before the kill)"
FAILOVER_SECONDS=$t_first

# 2c. The killed node comes back and rejoins as the standby.
step "rejoin"
t_rejoin=$(now)
start_keeper "$N2"; K2=$KEEPER_PID
wait_state "node1:primary node2:secondary" 120
ok "node2 restarted and rejoined as secondary in $(elapsed "$t_rejoin" "$(now)") s"

# 2d. A base backup taken from the standby, verified, restored and started
# beside the formation (docs/deploy.md, "Backups"): it holds every row that
# was acknowledged before it was taken.
step "backup and restore"
acked_before=$(as_user psql -XAtq "$WRITER_URL" -c 'select count(*) from acked')
as_user pg_basebackup -h "$SOCK" -p "$P2" -D "$T/backup" -Fp -Xs -c fast --no-password \
  >"$T/log/basebackup.log" 2>&1 || fail "pg_basebackup from the standby: $(tail -n 3 "$T/log/basebackup.log")"
as_user pg_verifybackup -q "$T/backup" >"$T/log/verifybackup.log" 2>&1 ||
  fail "pg_verifybackup: $(tail -n 3 "$T/log/verifybackup.log")"
as_user cp -a "$T/backup" "$T/restored"
chmod 700 "$T/restored"
pick_port R_PORT
PGDATAS+=("$T/restored")
# Its own port, no TCP, and no pg_auto_failover: a restored copy stands alone.
as_user pg_ctl -D "$T/restored" -w -t 60 -l "$T/log/restored.log" \
  -o "-p $R_PORT -c listen_addresses='' -c synchronous_standby_names=''" start >/dev/null 2>&1 ||
  { LOGS+=("$T/log/restored.log"); fail "the restored backup did not start"; }
restored=$(psql_on "$R_PORT" csu 'select count(*) from acked')
[ "$restored" -ge "$acked_before" ] || fail "the restored backup has $restored rows, $acked_before were committed before it"
cat "$T"/switchover.acked "$T"/kill.acked | cut -d' ' -f1 | sort >"$T/all.want"
psql_on "$R_PORT" csu 'select n from acked' | sort >"$T/restored.have"
[ -z "$(comm -23 "$T/all.want" "$T/restored.have")" ] || fail "the restored backup lacks acknowledged rows"
as_user pg_ctl -D "$T/restored" -w -m fast stop >/dev/null 2>&1 || fail "the restored server did not stop"
ok "pg_basebackup from the standby, pg_verifybackup, restored and started: all $restored rows, every acknowledged one"

# ---------------------------------------------------------------------------
# 3. The C++ tests against PostgreSQL.
step "C++ tests against PostgreSQL"
if [ -x "$BIN/csu_tests" ]; then
  "${TESTS_AS[@]}" env CSU_TEST_POSTGRES_URL="$TEST_URL" "$BIN/csu_tests" --gtest_filter="$GTEST_FILTER" \
    --gtest_brief=1 >"$T/log/gtest.log" 2>&1 || { LOGS+=("$T/log/gtest.log"); fail "csu_tests --gtest_filter='$GTEST_FILTER' failed"; }
  passed=$(sed -n 's/^\[  PASSED  \] \([0-9][0-9]*\) test.*/\1/p' "$T/log/gtest.log" | tail -n 1)
  skipped=$(sed -n 's/^\[  SKIPPED \] \([0-9][0-9]*\) test.*/\1/p' "$T/log/gtest.log" | tail -n 1)
  # With the URL set nothing may skip: a skip means a test did not reach PostgreSQL.
  [ "${skipped:-0}" = 0 ] || { LOGS+=("$T/log/gtest.log"); fail "$skipped PostgreSQL tests skipped although CSU_TEST_POSTGRES_URL was set"; }
  ok "csu_tests --gtest_filter='$GTEST_FILTER' with CSU_TEST_POSTGRES_URL (multi-host, TLS, SCRAM): ${passed:-0} tests passed"
else
  say "skip: no $CSU_TESTS (build the csu_tests target to run the PostgreSQL tests here)"
fi

# 3b. Partitions (docs/server-mode.md, "Partitions"): three csu serve nodes
# sharing a year by commissioner group, against this cluster's database; a
# CCG's pages and the views across CCGs on any node are one node's bytes,
# with a node killed too (scripts/pg-partitions-test.sh says what it checks).
step "partitions"
"${TESTS_AS[@]}" env CSU_TEST_POSTGRES_URL="$TEST_URL" "$ROOT/scripts/pg-partitions-test.sh" "$BIN/csu" \
  >"$T/log/partitions.log" 2>&1 || { LOGS+=("$T/log/partitions.log"); fail "scripts/pg-partitions-test.sh failed"; }
ok "partitions: $(grep -c ': ok: ' "$T/log/partitions.log") checks of scripts/pg-partitions-test.sh passed (three nodes, each group on two)"

# ---------------------------------------------------------------------------
# 4. nginx in front of three csu serve nodes.
# (The state folder for the nodes was made before the hard kill, 2b: the
# challenge and invoice writers there use it.)
# Server mode: once `csu serve` takes --database (sessions, accounts and the
# audit log in PostgreSQL), every node is given the same URL and a session
# made on one node works on all. Until then each node serves its own copy of
# the state folder (csu serve holds its folder alone).
SERVE_DB=()
APP_USER=cluster-tester
APP_PASSWORD="Harbour-lantern-$RANDOM-$RANDOM"
if as_user "$BIN/csu" serve --help 2>/dev/null | grep -q -- '--database'; then
  # The password comes from PGPASSFILE, as docs/deploy.md advises.
  SERVE_DB=(--database "postgresql://csu_app@$HOSTS/csu_app?target_session_attrs=read-write&connect_timeout=2&sslmode=require")
  printf '%s\n' "$APP_PASSWORD" | as_user "$BIN/csu" users add "$APP_USER" --data "$T/state" "${SERVE_DB[@]}" \
    --role ccg_commissioner --tenant 02E --password-stdin >"$T/log/users-add.log" 2>&1 ||
    fail "csu users add --database: $(tail -n 3 "$T/log/users-add.log")"
  # Row-level security: the tables scoped for csu_web, which the nodes use
  # for a CCG's own billing pages.
  WEB_URL="postgresql://csu_web@$HOSTS/csu_app?target_session_attrs=read-write&connect_timeout=2&sslmode=require"
  as_user "$BIN/csu" app-role csu_web "${SERVE_DB[@]}" >"$T/log/app-role.log" 2>&1 ||
    fail "csu app-role: $(tail -n 3 "$T/log/app-role.log")"
  SERVE_DB+=(--app-database "$WEB_URL")
fi
for i in $(seq "$NODES"); do as_user cp -a "$T/state" "$T/state$i"; done

step "csu serve nodes"
NODE_PIDS=(); NODE_PORTS=()
for i in $(seq "$NODES"); do
  # Server mode: "${SERVE_DB[@]}" is --database "$URL" when csu serve has it.
  as_user "$BIN/csu" serve --data "$T/state$i" "${SERVE_DB[@]}" --listen 127.0.0.1:0 --behind-tls --quiet \
    >"$T/log/node$i.out" 2>"$T/log/node$i.err" &
  NODE_PIDS+=($!); PIDS+=($!); disown $!
  LOGS+=("$T/log/node$i.err")
done
for i in $(seq "$NODES"); do
  port=""
  for _ in $(seq 300); do
    port=$(sed -n 's|.*on http://127\.0\.0\.1:\([0-9][0-9]*\)/.*|\1|p' "$T/log/node$i.out" 2>/dev/null || true)
    [ -n "$port" ] && break
    kill -0 "${NODE_PIDS[$((i - 1))]}" 2>/dev/null || fail "csu serve node $i exited at start"
    sleep 0.1
  done
  [ -n "$port" ] || fail "csu serve node $i did not start within 30 s"
  NODE_PORTS+=("$port")
done

step "nginx"
as_user openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 \
  -subj /CN=localhost -addext subjectAltName=DNS:localhost \
  -keyout "$T/privkey.pem" -out "$T/fullchain.pem" >"$T/log/openssl.log" 2>&1 || fail "openssl could not make a certificate"
pick_port TLS_PORT; pick_port HTTP_PORT
NG="$T/nginx"
as_user mkdir -p "$NG/log" "$NG/tmp/body" "$NG/tmp/proxy" "$NG/tmp/fastcgi" "$NG/tmp/uwsgi" "$NG/tmp/scgi"
LOGS+=("$NG/log/error.log" "$NG/log/opencsu-error.log" "$NG/stderr")
# The shipped single-node file (placeholders replaced as scripts/nginx-test.sh
# does) without its upstream block, and the shipped cluster upstream with
# its three placeholder nodes replaced by the test's.
sed -e '/^upstream opencsu_app {/,/^}/d' \
    -e "s|listen 443 |listen 127.0.0.1:$TLS_PORT |" \
    -e "s|listen 80;|listen 127.0.0.1:$HTTP_PORT;|" \
    -e "s|listen 80 |listen 127.0.0.1:$HTTP_PORT |" \
    -e '/listen \[::\]:/d' \
    -e "s|/etc/ssl/opencsu/|$T/|g" \
    -e "s|/var/log/nginx/|$NG/log/|g" \
    -e "s|csu\.example\.nhs\.uk|localhost|g" \
    "$ROOT/deploy/nginx/opencsu.conf" >"$T/opencsu.conf"
grep -q 'upstream opencsu_app' "$T/opencsu.conf" && fail "opencsu.conf's upstream block was not removed"
sed -e "s|10\.0\.0\.11:8080|127.0.0.1:${NODE_PORTS[0]}|" \
    -e "s|10\.0\.0\.12:8080|127.0.0.1:${NODE_PORTS[1]}|" \
    -e "s|10\.0\.0\.13:8080|127.0.0.1:${NODE_PORTS[2]}|" \
    "$ROOT/deploy/nginx/opencsu-cluster.conf" >"$T/opencsu-cluster.conf"
if sed 's/#.*//' "$T/opencsu.conf" "$T/opencsu-cluster.conf" | grep -nE '(\b443\b|\b80\b|:8080\b|/etc/ssl|/var/log|example|10\.0\.0\.)' >"$T/left"; then
  fail "placeholders left after substitution (update this script with deploy/nginx/): $(cat "$T/left")"
fi
[ "$(grep -c '^ *server 127\.0\.0\.1:' "$T/opencsu-cluster.conf")" = "$NODES" ] ||
  fail "deploy/nginx/opencsu-cluster.conf does not list $NODES nodes"
cat >"$NG/nginx.conf" <<EOF
worker_processes 1;
pid $NG/nginx.pid;
error_log $NG/log/error.log warn;
events { worker_connections 256; }
http {
$(nginx_temp_paths "$NG")
    access_log $NG/log/access.log;
    default_type application/octet-stream;
    include $T/opencsu-cluster.conf;
    include $T/opencsu.conf;
}
EOF
chown "$RUN_USER" "$NG/nginx.conf" "$T/opencsu.conf" "$T/opencsu-cluster.conf" 2>/dev/null || true
as_user "$NGINX" -t -q -p "$NG/" -e "$NG/log/error.log" -c "$NG/nginx.conf" >"$NG/stderr" 2>&1 ||
  fail "nginx -t refused the configuration: $(cat "$NG/stderr")"
as_user "$NGINX" -p "$NG/" -e "$NG/log/error.log" -c "$NG/nginx.conf" -g 'daemon off;' >"$NG/stderr" 2>&1 &
PIDS+=($!); disown $!
for _ in $(seq 100); do
  (exec 3<>"/dev/tcp/127.0.0.1/$TLS_PORT") 2>/dev/null && break
  sleep 0.1
done
(exec 3<>"/dev/tcp/127.0.0.1/$TLS_PORT") 2>/dev/null || fail "nginx did not listen on :$TLS_PORT"
BASE="https://localhost:$TLS_PORT"
c() { as_user curl -sS --max-time 10 --cacert "$T/fullchain.pem" --resolve "localhost:$TLS_PORT:127.0.0.1" "$@"; }
# nginx answers from the nodes.
for _ in $(seq "$NODES"); do
  code=$(c -o /dev/null -w '%{http_code}' "$BASE/healthz") || fail "GET /healthz through nginx failed"
  [ "$code" = 200 ] || fail "GET /healthz through nginx: $code"
done
seen=$(grep -o 'upstream=200/' "$NG/log/opencsu-access.log" | wc -l)
[ "$seen" -ge "$NODES" ] || fail "nginx's access log does not show the requests"
ok "nginx on https :$TLS_PORT in front of $NODES csu serve nodes (:${NODE_PORTS[*]})"

if [ ${#SERVE_DB[@]} -gt 0 ]; then
  step "one session on every node"
  # Sign in through nginx, then open a signed-in page with that session on
  # every node directly, and through nginx.
  header() { tr -d '\r' <"$1" | sed -n "s/^$2: *//Ip" | head -n 1; }
  code=$(c -o "$T/signin.html" -D "$T/h" -w '%{http_code}' "$BASE/signin") || fail "GET /signin failed"
  [ "$code" = 200 ] || fail "GET /signin: $code"
  pre=$(tr -d '\r' <"$T/h" | sed -n 's/^set-cookie: __Host-csu_signin=\([^;]*\);.*/\1/Ip' | head -n 1)
  csrf=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$T/signin.html" | head -n 1)
  { [ -n "$pre" ] && [ -n "$csrf" ]; } || fail "GET /signin: no __Host-csu_signin cookie or csrf field"
  code=$(c -o /dev/null -D "$T/h" -w '%{http_code}' -b "__Host-csu_signin=$pre" \
    --data-urlencode "username=$APP_USER" --data-urlencode "password=$APP_PASSWORD" --data-urlencode "csrf=$csrf" \
    "$BASE/signin") || fail "POST /signin failed"
  case "$code" in 30[23]) ;; *) fail "POST /signin through nginx: expected a redirect, got $code" ;; esac
  session=$(header "$T/h" set-cookie); session=${session#__Host-csu_session=}; session=${session%%;*}
  [ -n "$session" ] || fail "POST /signin: no session cookie"
  for i in $(seq "$NODES"); do
    code=$(as_user curl -sS --max-time 10 -o /dev/null -w '%{http_code}' -b "__Host-csu_session=$session" \
      "http://127.0.0.1:${NODE_PORTS[$((i - 1))]}/ccg/02E?month=6") || fail "GET /ccg/02E on node $i failed"
    [ "$code" = 200 ] || fail "GET /ccg/02E on node $i with the session made through nginx: $code"
  done
  # A sign-in form shown by one node and posted to another (nginx no longer
  # pins /signin: the form's one-time value is kept in PostgreSQL), and the
  # same value refused on a third: it works once, anywhere.
  node() { echo "http://127.0.0.1:${NODE_PORTS[$(($1 - 1))]}"; }
  code=$(as_user curl -sS --max-time 10 -o "$T/signin1.html" -D "$T/h1" -w '%{http_code}' "$(node 1)/signin") ||
    fail "GET /signin on node 1 failed"
  [ "$code" = 200 ] || fail "GET /signin on node 1: $code"
  pre=$(tr -d '\r' <"$T/h1" | sed -n 's/^set-cookie: __Host-csu_signin=\([^;]*\);.*/\1/Ip' | head -n 1)
  csrf=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$T/signin1.html" | head -n 1)
  { [ -n "$pre" ] && [ -n "$csrf" ]; } || fail "GET /signin on node 1: no __Host-csu_signin cookie or csrf field"
  post_signin() {
    as_user curl -sS --max-time 10 -o /dev/null -w '%{http_code}' -b "__Host-csu_signin=$pre" \
      --data-urlencode "username=$APP_USER" --data-urlencode "password=$APP_PASSWORD" --data-urlencode "csrf=$csrf" \
      "$(node "$1")/signin"
  }
  code=$(post_signin 2) || fail "POST /signin on node 2 failed"
  case "$code" in 30[23]) ;; *) fail "a sign-in form from node 1 posted to node 2: expected a redirect, got $code" ;; esac
  code=$(post_signin 3) || fail "POST /signin on node 3 failed"
  [ "$code" = 403 ] || fail "a sign-in form's value used twice (node 2, then node 3): expected 403, got $code"
  for _ in $(seq "$NODES"); do
    code=$(c -o /dev/null -w '%{http_code}' -b "__Host-csu_session=$session" "$BASE/ccg/02E?month=6") ||
      fail "GET /ccg/02E through nginx failed"
    [ "$code" = 200 ] || fail "GET /ccg/02E through nginx with the session: $code"
  done
  ok "csu serve --database: signed in through nginx; the session opens /ccg/02E on each of the $NODES nodes (sessions in PostgreSQL); a sign-in form from node 1 signs in on node 2 and its value is refused on node 3"
  # The application role: 02E's billing page and its own invoice are read
  # through csu_web; the role alone, without a tenant, gets an error; with
  # 02E set it sees 02E's invoices only, never 12F's or 27D's.
  own=$(as_user psql -XAtq "$APP_URL" -c "select min(number) from documents where ccg = '02E'")
  [ -n "$own" ] || fail "no 02E invoice to read through the application role"
  for path in /ccg/02E/billing "/ccg/02E/invoices/$own" /ccg/02E/procurement; do
    code=$(c -o /dev/null -w '%{http_code}' -b "__Host-csu_session=$session" "$BASE$path") || fail "GET $path failed"
    [ "$code" = 200 ] || fail "GET $path through the application role: $code"
  done
  if as_user psql -XAtq "$WEB_URL" -c 'select count(*) from documents' >"$T/rls.out" 2>&1; then
    fail "the application role counted the invoices without a tenant: $(cat "$T/rls.out")"
  fi
  grep -q "no tenant is set" "$T/rls.out" || fail "the application role without a tenant: $(cat "$T/rls.out")"
  # One session, one transaction: the tenant is set for it only (SET LOCAL).
  seen=$(as_user psql -XAtq "$WEB_URL" -c begin -c "select set_config('app.tenant', '02E', true)" \
    -c "select string_agg(distinct ccg, ',') from documents" -c commit 2>&1 | tail -n 1)
  [ "$seen" = 02E ] || fail "the application role with tenant 02E saw invoices of: $seen"
  if as_user psql -XAtq "$WEB_URL" -c 'select count(*) from procurement_tenders' >"$T/rls.out" 2>&1; then
    fail "the application role counted the tenders without a tenant: $(cat "$T/rls.out")"
  fi
  ok "row-level security: 02E's billing page, invoice $own and procurement page served through the application role csu_web; csu_web without a tenant gets an error (invoices, tenders), with 02E it sees only 02E's invoices"
fi

step "a node killed under load"
# The load: 4 clients, each a curl fetching the three read-only paths over
# and over on one kept-alive connection, writing each status code.
cat >"$T/load.sh" <<EOF
#!/usr/bin/env bash
args=()
for _ in \$(seq 25); do
  for path in /healthz /signin /static/app.css; do args+=(-o /dev/null "$BASE\$path"); done
done
while [ ! -e "$T/load.stop" ]; do
  curl -sS --max-time 10 --cacert "$T/fullchain.pem" --resolve "localhost:$TLS_PORT:127.0.0.1" \\
    -w '%{http_code}\n' "\${args[@]}" >>"\$1" 2>>"\$1.err" || echo curl-failed >>"\$1"
done
EOF
chmod 755 "$T/load.sh"
LOAD_PIDS=()
for i in 1 2 3 4; do
  as_user touch "$T/load$i.codes"
  as_user "$T/load.sh" "$T/load$i.codes" &
  LOAD_PIDS+=($!); PIDS+=($!)
done
count_codes() { cat "$T"/load?.codes | wc -l; }
for _ in $(seq 100); do [ "$(count_codes)" -ge 300 ] && break; sleep 0.1; done
[ "$(count_codes)" -ge 300 ] || fail "the load did not start (fewer than 300 answers in 10 s)"
before=$(count_codes)
victim=${NODE_PIDS[1]}
hard_kill "$victim"
gone "$victim"
# Keep loading until 600 more answers came after the kill.
for _ in $(seq 200); do [ "$(count_codes)" -ge $((before + 600)) ] && break; sleep 0.1; done
as_user touch "$T/load.stop"
for p in "${LOAD_PIDS[@]}"; do { wait "$p"; } 2>/dev/null || true; done
total=$(count_codes)
[ "$total" -ge $((before + 600)) ] || fail "only $((total - before)) answers after the kill in 20 s"
bad=$(cat "$T"/load?.codes | grep -vc '^200$' || true)
[ "$bad" = 0 ] || fail "$bad of $total requests did not get 200 ($(cat "$T"/load?.codes | grep -v '^200$' | sort | uniq -c | tr '\n' ' '))"
# nginx noticed: the access log shows requests whose first try failed and
# which a second node answered ("upstream=502, 200/...").
retried=$(grep -c 'upstream=[0-9-]*, ' "$NG/log/opencsu-access.log" || true)
[ "$retried" -ge 1 ] || fail "no request was retried on another node: the kill was not under load"
ok "node 2 killed (SIGKILL) under a GET load: $total requests, 0 not 200 ($retried retried by nginx on another node)"

# The survivors still answer; then stop everything (the trap does the rest).
for _ in $(seq 4); do
  code=$(c -o /dev/null -w '%{http_code}' "$BASE/healthz") || fail "GET /healthz after the kill failed"
  [ "$code" = 200 ] || fail "GET /healthz after the kill: $code"
done
say "PASS in $((SECONDS - started)) s (writes paused $SWITCHOVER_GAP s at a switchover, $FAILOVER_SECONDS s after a hard kill of the primary)"
