# Sourced by scripts that run `csu serve` for a test: start_server CSU STATE
# WORK starts it on a free loopback port (port 0; the server prints the URL
# it bound), sets SERVER (pid) and URL, and fails with the server's output
# if it does not come up. stop_server stops it. The caller traps EXIT.
start_server() {
  local csu=$1 state=$2 work=$3
  "$csu" serve --data "$state" --listen 127.0.0.1:0 --quiet > "$work/serve.out" 2>&1 &
  SERVER=$!
  URL=""
  for _ in $(seq 1 300); do
    URL=$(grep -o 'http://127.0.0.1:[0-9]*' "$work/serve.out" || true)
    [ -n "$URL" ] && return 0
    kill -0 "$SERVER" 2>/dev/null || break
    sleep 0.1
  done
  echo "the server did not start:" >&2
  cat "$work/serve.out" >&2
  return 1
}

stop_server() {
  if [ -n "${SERVER:-}" ]; then kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; fi
  SERVER=""
}
