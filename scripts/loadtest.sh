#!/usr/bin/env bash
# `make loadtest` (opt-in): the web platform under load. Uses the demo state
# folder (run `make demo` first), signs in a commissioner of each of two CCGs,
# runs `csu serve` on a free loopback port and drives it with wrk over a mixed
# set of pages and JSON API calls for both tenants: requests/s, p50/p99
# latency and errors. Then the same for the CCG home page alone (the issue's
# 50 ms p99 at 32 connections) and a cached JSON summary.
#
# Every answer must be a 200: before measuring, each path is asked once and
# must answer 200; during the runs, tests/load/expect.lua counts the answers
# that are not (a redirect to /signin after a failed sign-in or an expired
# session, an error page). Any such answer, or a request wrk saw fail (a
# socket error or a timeout), fails the run with the first one named: a
# run that measured redirects measured nothing.
#
# With SOAK_SECONDS set (`make soak`: 600), it runs the mixed load alone for
# that long instead and samples the server's resident memory (VmRSS from
# /proc/PID/status) every 10 s: it prints the first, post-warm-up, last and
# highest figures and fails if memory grew by more than SOAK_MAX_GROWTH_PCT
# (default 10) percent between the first sample after SOAK_WARMUP_SECONDS
# (default 60: caches filled, allocator arenas settled) and the last.
#
#   scripts/loadtest.sh build/csu [demo-data/state] [seconds]
#   SOAK_SECONDS=600 scripts/loadtest.sh build/csu [demo-data/state]
set -euo pipefail
. "$(dirname "$0")/lib/serve.sh"
CSU=$(realpath "$1")
STATE=${2:-demo-data/state}
SECONDS_EACH=${3:-15}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
command -v wrk >/dev/null || { echo "loadtest: needs wrk (scripts/install-deps.sh installs it)"; exit 1; }
[ -f "$STATE/catalog.sqlite" ] || { echo "loadtest: no state folder at $STATE: run make demo first"; exit 1; }

add_user() {  # name tenant password
  if ! "$CSU" users list --data "$STATE" 2>/dev/null | awk '{print $1}' | grep -qx "$1"; then
    printf '%s\n' "$3" | "$CSU" users add "$1" --data "$STATE" --role ccg_commissioner --tenant "$2" \
      --password-stdin >/dev/null
  fi
}
add_user loadtest-02e 02E "Loadtest-heron-02E-x"
add_user loadtest-27d 27D "Loadtest-heron-27D-x"

WORK=$(mktemp -d)
cleanup() {
  stop_server
  rm -rf "$WORK"
}
trap cleanup EXIT
start_server "$CSU" "$STATE" "$WORK"

sign_in() {  # user password -> session cookie "name=value"
  local jar="$WORK/jar-$1" csrf
  csrf=$(curl -s -c "$jar" "$URL/signin" | grep -o 'name="csrf" value="[0-9a-f]*' | sed 's/.*value="//')
  curl -s -b "$jar" -c "$jar" -o /dev/null --data-urlencode "csrf=$csrf" --data-urlencode "username=$1" \
    --data-urlencode "password=$2" "$URL/signin"
  awk '$6 ~ /csu_session$/ {print $6 "=" $7}' "$jar"
}
export COOKIE_A CCG_A=02E COOKIE_B CCG_B=27D
COOKIE_A=$(sign_in loadtest-02e "Loadtest-heron-02E-x")
COOKIE_B=$(sign_in loadtest-27d "Loadtest-heron-27D-x")
[ -n "$COOKIE_A" ] && [ -n "$COOKIE_B" ] || { echo "loadtest: sign-in failed"; exit 1; }
# Each path of the load answers 200 for its tenant (this also warms the
# caches: the first headline per CCG).
expect_200() {  # cookie path
  local got code location
  got=$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' -b "$1" "$URL$2")
  code=${got%% *}
  location=${got#* }
  if [ "$code" != 200 ]; then
    echo "loadtest: FAILED: GET $2 answered $code${location:+ redirecting to $location} (expected 200)"
    exit 1
  fi
}
for path in /ccg/02E /ccg/02E/view/monitoring /ccg/02E/view/spend /api/v1/ccg/02E /api/v1/ccg/02E/view/monitoring \
  /api/v1/ccgs; do
  expect_200 "$COOKIE_A" "$path"
  expect_200 "$COOKIE_B" "${path//02E/27D}"
done

summarise() {  # name, wrk --latency output
  local rps p50 p99 errors
  rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$2")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$2")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$2")
  errors=$(awk '/Non-2xx or 3xx/ {print $5} /Socket errors/ {print $0}' <<<"$2")
  printf '%-44s %10s req/s   p50 %-9s p99 %-9s errors: %s\n' "$1" "$rps" "$p50" "$p99" "${errors:-0}"
}
# Fails the run unless every request got the expected answer: the count
# expect.lua prints, wrk's own count of 4xx/5xx answers, socket errors and
# timeouts.
check_answers() {  # name, wrk output
  local line non2xx sockets
  line=$(grep '^answers: ' <<<"$2" || true)
  non2xx=$(awk '/Non-2xx or 3xx/ {print $5}' <<<"$2")
  sockets=$(grep 'Socket errors' <<<"$2" || true)
  if [ -z "$line" ]; then
    echo "loadtest: FAILED: $1: no count of answers (wrk ran without tests/load/expect.lua?)"
    exit 1
  fi
  if ! grep -q 'unexpected: 0$' <<<"$line" || [ -n "$non2xx" ] || [ -n "$sockets" ]; then
    echo "loadtest: FAILED: $1: not every answer was a 200: $line${non2xx:+; $non2xx non-2xx or 3xx}${sockets:+; $sockets}"
    exit 1
  fi
}
report() {  # name, then wrk arguments
  local name=$1 out; shift
  out=$(wrk --latency "$@")
  summarise "$name" "$out"
  check_answers "$name" "$out"
}

rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$SERVER/status"; }
mib() { awk -v k="$1" 'BEGIN {printf "%.1f MiB", k / 1024}'; }

soak() {  # seconds
  local total=$1 warmup=${SOAK_WARMUP_SECONDS:-60} limit=${SOAK_MAX_GROWTH_PCT:-10}
  local begin first="" base="" last="" max=0 elapsed rss
  echo "soak: $(nproc) cores, mixed pages and API for 2 CCGs at 32 connections for ${total}s;" \
    "RSS every 10 s; growth after ${warmup}s of warm-up must stay under ${limit}%"
  echo "      start: $(mib "$(rss_kib)")"
  wrk --latency -t2 -c32 -d"${total}s" -s "$ROOT/tests/load/mixed.lua" "$URL" > "$WORK/soak-wrk.out" &
  local load=$!
  begin=$(date +%s)
  while kill -0 "$load" 2>/dev/null; do
    sleep 10
    kill -0 "$load" 2>/dev/null || break
    rss=$(rss_kib)
    elapsed=$(( $(date +%s) - begin ))
    printf '%6ss  %s\n' "$elapsed" "$(mib "$rss")"
    if [ -z "$first" ]; then first=$rss; fi
    if [ -z "$base" ] && [ "$elapsed" -ge "$warmup" ]; then base=$rss; fi
    if [ "$rss" -gt "$max" ]; then max=$rss; fi
    last=$rss
  done
  wait "$load"
  summarise "mixed pages and API, 2 CCGs, 32 conns" "$(cat "$WORK/soak-wrk.out")"
  check_answers "soak" "$(cat "$WORK/soak-wrk.out")"
  echo "requests: $(awk '/requests in/ {print $1}' "$WORK/soak-wrk.out")"
  [ -n "$base" ] || { echo "soak: shorter than the warm-up; nothing to judge"; exit 1; }
  local growth
  growth=$(awk -v a="$base" -v b="$last" 'BEGIN {printf "%.1f", (b - a) * 100 / a}')
  echo "RSS: first $(mib "$first"), after warm-up $(mib "$base"), last $(mib "$last")," \
    "highest $(mib "$max"); growth after warm-up ${growth}% (limit ${limit}%)"
  if awk -v g="$growth" -v l="$limit" 'BEGIN {exit !(g > l)}'; then
    echo "soak: FAILED: memory grew by ${growth}% under steady load"
    exit 1
  fi
}

if [ -n "${SOAK_SECONDS:-}" ]; then
  soak "$SOAK_SECONDS"
  exit 0
fi
echo "loadtest: $(nproc) cores, ${SECONDS_EACH}s each, server and wrk on this machine"
report "mixed pages and API, 2 CCGs, 32 conns" -t2 -c32 -d"${SECONDS_EACH}s" -s "$ROOT/tests/load/mixed.lua" "$URL"
report "CCG home page, 32 conns" -t2 -c32 -d"${SECONDS_EACH}s" -s "$ROOT/tests/load/expect.lua" \
  -H "Cookie: $COOKIE_A" "$URL/ccg/02E"
report "JSON monitoring summary (cached), 32 conns" -t2 -c32 -d"${SECONDS_EACH}s" -s "$ROOT/tests/load/expect.lua" \
  -H "Cookie: $COOKIE_A" "$URL/api/v1/ccg/02E"
echo "loadtest: every answer was a 200"
