#!/usr/bin/env bash
# `make loadtest` (opt-in): the web platform under load. Uses the demo state
# folder (run `make demo` first), signs in a commissioner of each of two CCGs,
# runs `csu serve` on a free loopback port and drives it with wrk over a mixed
# set of pages and JSON API calls for both tenants: requests/s, p50/p99
# latency and errors. Then the same for the CCG home page alone (the issue's
# 50 ms p99 at 32 connections) and a cached JSON summary.
#
#   scripts/loadtest.sh build/csu [demo-data/state] [seconds]
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
# Warm the caches (first headline per CCG) before measuring.
for c in 02E 27D; do curl -s -o /dev/null -b "$([ $c = 02E ] && echo "$COOKIE_A" || echo "$COOKIE_B")" "$URL/ccg/$c"; done

report() {  # name, then wrk arguments
  local name=$1; shift
  local out
  out=$(wrk --latency "$@")
  local rps p50 p99 errors
  rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  errors=$(awk '/Non-2xx or 3xx/ {print $5} /Socket errors/ {print $0}' <<<"$out")
  printf '%-44s %10s req/s   p50 %-9s p99 %-9s errors: %s\n' "$name" "$rps" "$p50" "$p99" "${errors:-0}"
}
echo "loadtest: $(nproc) cores, ${SECONDS_EACH}s each, server and wrk on this machine"
report "mixed pages and API, 2 CCGs, 32 conns" -t2 -c32 -d"${SECONDS_EACH}s" -s "$ROOT/tests/load/mixed.lua" "$URL"
report "CCG home page, 32 conns" -t2 -c32 -d"${SECONDS_EACH}s" -H "Cookie: $COOKIE_A" "$URL/ccg/02E"
report "JSON monitoring summary (cached), 32 conns" -t2 -c32 -d"${SECONDS_EACH}s" -H "Cookie: $COOKIE_A" "$URL/api/v1/ccg/02E"
