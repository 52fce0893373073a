#!/usr/bin/env bash
# The production set-up, end to end on loopback: Debian's nginx, configured by
# the repository's own deploy/nginx/opencsu.conf (its placeholders replaced by
# sed, nothing else changed), terminating TLS in front of a real
# `csu serve --behind-tls` on a small state folder. Checked with curl:
# HTTPS works (HTTP/1.1 only), HTTP redirects, TLS below 1.2 and weak ciphers are
# refused, HSTS is added and the app's security headers pass through,
# signing in through the proxy gives a Secure __Host- session cookie that
# opens a CCG's page, oversized requests are refused by nginx before the app
# sees them, other host names are refused, the access log has no query
# strings, and the app stops cleanly on SIGTERM.
#
#   scripts/nginx-test.sh [CSU_BINARY]      (default: build/csu)
#
# Exit 0 when every check passes, 1 at the first that fails (with the
# reason), 77 (ctest: skipped) when nginx is not installed.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
CSU=${1:-$ROOT/build/csu}
CONF="$ROOT/deploy/nginx/opencsu.conf"

say() { echo "nginx-test: $*"; }
fail() { echo "nginx-test: FAIL: $*" >&2; exit 1; }

# shellcheck source=lib/nginx-local.sh
. "$ROOT/scripts/lib/nginx-local.sh"
nginx_find
if [ -z "$NGINX" ]; then
  say "SKIP: nginx is not installed (scripts/install-deps.sh installs it)"
  exit 77
fi
for tool in curl openssl; do
  command -v "$tool" >/dev/null || fail "$tool is not installed (scripts/install-deps.sh installs it)"
done
[ -x "$CSU" ] || fail "no csu binary at $CSU (build it first)"
[ -f "$CONF" ] || fail "missing $CONF"

T=$(mktemp -d "${TMPDIR:-/tmp}/csu-nginx-test.XXXXXX")
APP_PID=""
NGINX_PID=""
cleanup() {
  local rc=$?
  if [ -n "$NGINX_PID" ]; then kill -TERM "$NGINX_PID" 2>/dev/null || true; wait "$NGINX_PID" 2>/dev/null || true; fi
  if [ -n "$APP_PID" ]; then kill -TERM "$APP_PID" 2>/dev/null || true; wait "$APP_PID" 2>/dev/null || true; fi
  if [ "$rc" -ne 0 ] && [ "$rc" -ne 77 ]; then
    for f in "$T/nginx/log/error.log" "$T/nginx/log/opencsu-error.log" "$T/nginx/stderr" "$T/app.err"; do
      [ -s "$f" ] && { echo "---- last lines of ${f#"$T"/}:" >&2; tail -n 15 "$f" >&2; }
    done
  fi
  rm -rf "$T"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
started=$SECONDS

# A port nothing listens on now (racy in principle; nginx failing to bind
# is then reported below with its own message).
free_port() {
  local p
  for _ in $(seq 100); do
    p=$((20000 + RANDOM % 40000))
    if [ "$p" != "${1:-}" ] && ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
  done
  fail "no free loopback port found"
}

# --- A small state folder: one CCG's admitted care, one user.
export CSU_KEY_FILE="$T/pseudonymisation.key"
"$CSU" synth --out "$T/extract" --ccgs 02E --year 2018/19 --seed 1 --quiet || fail "csu synth failed"
"$CSU" ingest --data "$T/state" --kind apc "$T/extract/apc.csv" >/dev/null || fail "csu ingest failed"
rm -rf "$T/extract"
USER_NAME=proxy-tester
PASSWORD="Harbour-lantern-$RANDOM-$RANDOM"
printf '%s\n' "$PASSWORD" | "$CSU" users add "$USER_NAME" --data "$T/state" --role ccg_commissioner \
  --tenant 02E --password-stdin >/dev/null || fail "csu users add failed"

# --- The app, on a free port of its choosing (it prints the address).
"$CSU" serve --data "$T/state" --listen 127.0.0.1:0 --behind-tls >"$T/app.out" 2>"$T/app.err" &
APP_PID=$!
APP_PORT=""
for _ in $(seq 300); do
  # The background job may not have created app.out yet: no file is no port.
  APP_PORT=$(sed -n 's|.*on http://127\.0\.0\.1:\([0-9][0-9]*\)/.*|\1|p' "$T/app.out" 2>/dev/null || true)
  [ -n "$APP_PORT" ] && break
  kill -0 "$APP_PID" 2>/dev/null || fail "csu serve exited at start"
  sleep 0.1
done
[ -n "$APP_PORT" ] || fail "csu serve did not start within 30 s"

# --- A throwaway certificate for localhost.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 \
  -subj /CN=localhost -addext subjectAltName=DNS:localhost \
  -keyout "$T/privkey.pem" -out "$T/fullchain.pem" 2>"$T/openssl.err" || fail "openssl could not make a certificate"
chmod 600 "$T/privkey.pem"

# --- nginx: the shipped file with its placeholders replaced, inside a
# top-level configuration that keeps everything in $T and repeats the
# http-level settings of Debian's /etc/nginx/nginx.conf that the shipped
# file must override (TLS 1.0/1.1 allowed, gzip on).
TLS_PORT=$(free_port)
HTTP_PORT=$(free_port "$TLS_PORT")
N="$T/nginx"
nginx_local_dirs "$N" "$T"
sed -e "s|listen 443 |listen 127.0.0.1:$TLS_PORT |" \
    -e "s|listen 80;|listen 127.0.0.1:$HTTP_PORT;|" \
    -e "s|listen 80 |listen 127.0.0.1:$HTTP_PORT |" \
    -e '/listen \[::\]:/d' \
    -e "s|server 127\.0\.0\.1:8080;|server 127.0.0.1:$APP_PORT;|" \
    -e "s|/etc/ssl/opencsu/|$T/|g" \
    -e "s|/var/log/nginx/|$N/log/|g" \
    -e "s|csu\.example\.nhs\.uk|localhost|g" \
    "$CONF" >"$N/opencsu.conf"
# Every placeholder must have been replaced: a stray one would bind port 443
# or write to /var/log, and would mean the test no longer matches the file.
if sed 's/#.*//' "$N/opencsu.conf" | grep -nE '(\b443\b|\b80\b|:8080\b|/etc/ssl|/var/log|example)' >"$T/left"; then
  fail "placeholders left after substitution (update this script with deploy/nginx/opencsu.conf): $(cat "$T/left")"
fi
cat >"$N/nginx.conf" <<EOF
$NGINX_WORKER_USER
worker_processes 1;
pid $N/nginx.pid;
error_log $N/log/error.log warn;
events { worker_connections 128; }
http {
$(nginx_temp_paths "$N")
    access_log $N/log/access.log;
    default_type application/octet-stream;
    # As Debian's nginx.conf:
    ssl_protocols TLSv1 TLSv1.1 TLSv1.2 TLSv1.3;
    ssl_prefer_server_ciphers on;
    gzip on;
    include $N/opencsu.conf;
}
EOF
"$NGINX" -t -q -p "$N/" -e "$N/log/error.log" -c "$N/nginx.conf" >"$N/stderr" 2>&1 ||
  fail "nginx -t refused the configuration: $(cat "$N/stderr")"
"$NGINX" -p "$N/" -e "$N/log/error.log" -c "$N/nginx.conf" -g 'daemon off;' >"$N/stderr" 2>&1 &
NGINX_PID=$!
listening=""
for _ in $(seq 100); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$TLS_PORT") 2>/dev/null && (exec 3<>"/dev/tcp/127.0.0.1/$HTTP_PORT") 2>/dev/null; then
    listening=yes; break
  fi
  kill -0 "$NGINX_PID" 2>/dev/null || fail "nginx exited at start"
  sleep 0.1
done
[ -n "$listening" ] || fail "nginx did not listen on :$TLS_PORT and :$HTTP_PORT within 10 s"
say "csu serve on 127.0.0.1:$APP_PORT, nginx on https :$TLS_PORT and http :$HTTP_PORT ($((SECONDS - started)) s)"

HTTPS="https://localhost:$TLS_PORT"
c() {
  curl -sS --max-time 10 --cacert "$T/fullchain.pem" \
    --resolve "localhost:$TLS_PORT:127.0.0.1" --resolve "localhost:$HTTP_PORT:127.0.0.1" "$@"
}
# header FILE NAME: the value of one response header (case-insensitive), CR removed.
header() { tr -d '\r' <"$1" | sed -n "s/^$2: *//Ip" | head -n 1; }
ok() { say "ok: $*"; }

# 1. HTTPS through nginx reaches the app. HTTP/1.1 even when the client
# offers HTTP/2: the configuration leaves HTTP/2 off so that its header
# limits are exact (see the comment there).
code=$(c --http2 -o "$T/body" -D "$T/h" -w '%{http_code} %{http_version}' "$HTTPS/healthz") ||
  fail "HTTPS /healthz: curl failed"
[ "$code" = "200 1.1" ] || fail "HTTPS /healthz: expected 200 over HTTP/1.1, got '$code'"
grep -q '"ok"' "$T/body" || fail "HTTPS /healthz: body is not the app's: $(cat "$T/body")"
[ -n "$(header "$T/h" x-request-id)" ] || fail "HTTPS /healthz: no X-Request-Id: the answer is not the app's"
ok "HTTPS /healthz 200 from the app (HTTP/1.1; HTTP/2 not offered)"

# 2. Headers: HSTS from nginx, the app's own passed through, no version banner.
hsts=$(header "$T/h" strict-transport-security)
[ "$hsts" = "max-age=63072000; includeSubDomains" ] || fail "HSTS: expected two years with includeSubDomains, got '$hsts'"
csp=$(header "$T/h" content-security-policy)
case "$csp" in *"default-src 'self'"*"frame-ancestors 'none'"*) ;; *) fail "CSP not passed through: '$csp'" ;; esac
[ "$(header "$T/h" x-content-type-options)" = nosniff ] || fail "X-Content-Type-Options: nosniff not passed through"
[ "$(header "$T/h" x-frame-options)" = DENY ] || fail "X-Frame-Options not passed through"
[ "$(header "$T/h" referrer-policy)" = no-referrer ] || fail "Referrer-Policy not passed through"
[ "$(header "$T/h" server)" = nginx ] || fail "Server header should be 'nginx' without a version, got '$(header "$T/h" server)'"
[ -z "$(header "$T/h" content-encoding)" ] || fail "responses must not be compressed (BREACH)"
# An HTML page (the type Debian's gzip settings compress) asked for gzipped.
c -o /dev/null -D "$T/h" -H 'Accept-Encoding: gzip' "$HTTPS/signin" || fail "GET /signin failed"
[ "$(header "$T/h" content-type | cut -d';' -f1)" = text/html ] || fail "GET /signin is not HTML"
[ -z "$(header "$T/h" content-encoding)" ] || fail "an HTML page came compressed: gzip must be off (BREACH)"
ok "HSTS added; CSP, nosniff, X-Frame-Options, Referrer-Policy passed through; no version banner; no gzip"

# 3. Plain HTTP only redirects, to the configured name, keeping path and query.
out=$(c -o /dev/null -D "$T/h" -w '%{http_code} %{redirect_url}' "http://localhost:$HTTP_PORT/ccg/02E?month=3") ||
  fail "HTTP request failed"
[ "$out" = "301 https://localhost/ccg/02E?month=3" ] || fail "HTTP: expected a 301 to https://localhost/ccg/02E?month=3, got '$out'"
[ -z "$(header "$T/h" x-request-id)" ] || fail "HTTP: the request reached the app"
ok "HTTP redirects to HTTPS"

# 4. TLS versions and ciphers. The client is told to allow TLS 1.1 and
# legacy ciphers (SECLEVEL=0), so a failure is nginx's refusal, not curl's.
c -o /dev/null --tlsv1.2 --tls-max 1.2 "$HTTPS/healthz" || fail "TLS 1.2 refused"
c -o /dev/null --tlsv1.3 "$HTTPS/healthz" || fail "TLS 1.3 refused"
if c -o /dev/null --tlsv1.1 --tls-max 1.1 --ciphers 'DEFAULT@SECLEVEL=0' "$HTTPS/healthz" 2>/dev/null; then
  fail "TLS 1.1 accepted"
fi
if c -o /dev/null --tlsv1 --tls-max 1.0 --ciphers 'DEFAULT@SECLEVEL=0' "$HTTPS/healthz" 2>/dev/null; then
  fail "TLS 1.0 accepted"
fi
if c -o /dev/null --tlsv1.2 --tls-max 1.2 --ciphers 'ECDHE-ECDSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA384' "$HTTPS/healthz" 2>/dev/null; then
  fail "a CBC cipher was accepted with TLS 1.2"
fi
ok "TLS 1.2 and 1.3 accepted; TLS 1.0, 1.1 and CBC ciphers refused"

# 5. Other host names: no certificate over TLS, no answer over HTTP.
if curl -sS --max-time 10 -k -o /dev/null --resolve "other.example:$TLS_PORT:127.0.0.1" \
     "https://other.example:$TLS_PORT/healthz" 2>/dev/null; then
  fail "a TLS handshake for another host name succeeded"
fi
code=$(c -o /dev/null -w '%{http_code}' -H 'Host: other.example' "http://localhost:$HTTP_PORT/" 2>/dev/null || true)
[ "$code" = 000 ] || fail "HTTP for another host name was answered ($code)"
ok "other host names refused (TLS handshake, HTTP)"

# 6. Signing in through the proxy.
code=$(c -o "$T/signin.html" -D "$T/h" -w '%{http_code}' "$HTTPS/signin") || fail "GET /signin failed"
[ "$code" = 200 ] || fail "GET /signin: $code"
pre=$(tr -d '\r' <"$T/h" | sed -n 's/^set-cookie: __Host-csu_signin=\([^;]*\);.*/\1/Ip' | head -n 1)
csrf=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$T/signin.html" | head -n 1)
{ [ -n "$pre" ] && [ -n "$csrf" ]; } || fail "GET /signin: no __Host-csu_signin cookie or csrf field"
code=$(c -o /dev/null -D "$T/h" -w '%{http_code}' -b "__Host-csu_signin=$pre" \
  --data-urlencode "username=$USER_NAME" --data-urlencode "password=$PASSWORD" --data-urlencode "csrf=$csrf" \
  "$HTTPS/signin") || fail "POST /signin failed"
case "$code" in 30[23]) ;; *) fail "POST /signin: expected a redirect, got $code" ;; esac
cookie=$(header "$T/h" set-cookie)
case "$cookie" in __Host-csu_session=*) ;; *) fail "sign-in cookie is not __Host-csu_session: '$cookie'" ;; esac
case "$cookie" in *"; Secure"*) ;; *) fail "sign-in cookie lacks Secure: '$cookie'" ;; esac
case "$cookie" in *HttpOnly*) ;; *) fail "sign-in cookie lacks HttpOnly: '$cookie'" ;; esac
session=${cookie#__Host-csu_session=}
session=${session%%;*}
ok "sign-in through nginx sets __Host-csu_session with Secure"

code=$(c -o "$T/page.html" -D "$T/h" -w '%{http_code}' -b "__Host-csu_session=$session" "$HTTPS/ccg/02E?month=6") ||
  fail "GET /ccg/02E failed"
[ "$code" = 200 ] || fail "GET /ccg/02E signed in: expected 200, got $code"
grep -q '02E' "$T/page.html" || fail "GET /ccg/02E: the page does not name the CCG"
code=$(c -o /dev/null -w '%{http_code}' "$HTTPS/ccg/02E") || fail "GET /ccg/02E unsigned failed"
case "$code" in 30[23]) ;; *) fail "GET /ccg/02E without a session: expected a redirect to sign in, got $code" ;; esac
ok "signed-in /ccg/02E 200 through nginx"

# 7. Oversized requests are refused by nginx; the app never sees them (its
# access log names every path it answers, checked against a control).
big=$(head -c 9000 /dev/zero | tr '\0' a)
code=$(c -o /dev/null -D "$T/h" -w '%{http_code}' -H "X-Big: $big" "$HTTPS/nginx-test-header-line" || true)
[ "$code" = 400 ] || fail "a 9,000-byte header: expected nginx's 400, got $code"
[ -z "$(header "$T/h" x-request-id)" ] || fail "a 9,000-byte header reached the app"
long=$(head -c 9000 /dev/zero | tr '\0' p)
code=$(c -o /dev/null -w '%{http_code}' "$HTTPS/nginx-test-header-target-$long" || true)
[ "$code" = 414 ] || fail "a 9,000-byte request target: expected nginx's 414, got $code"
# Four 7,000-byte headers: each under the app's 8 KiB line limit and 28 KB
# together, under its 32 KiB section limit, but over nginx's 3 x 8 KiB.
h7=$(head -c 7000 /dev/zero | tr '\0' b)
code=$(c -o /dev/null -w '%{http_code}' -H "X-A: $h7" -H "X-B: $h7" -H "X-C: $h7" -H "X-D: $h7" \
  "$HTTPS/nginx-test-headers-total" || true)
[ "$code" = 400 ] || fail "28 KB of headers: expected nginx's 400, got $code"
head -c $((1024 * 1024 + 1)) /dev/zero >"$T/big-body"
code=$(c -o /dev/null -D "$T/h" -w '%{http_code}' --data-binary @"$T/big-body" -H 'Content-Type: application/octet-stream' \
  "$HTTPS/nginx-test-body" || true)
[ "$code" = 413 ] || fail "a body of 1 MiB + 1 byte: expected 413, got $code"
[ -z "$(header "$T/h" x-request-id)" ] || fail "an oversized body reached the app"
code=$(c -o /dev/null -w '%{http_code}' "$HTTPS/nginx-test-control?id=secret-query-value") || fail "control request failed"
[ "$code" = 404 ] || fail "control request: expected the app's 404, got $code"
for _ in $(seq 20); do grep -q '/nginx-test-control' "$T/app.err" && break; sleep 0.1; done
grep -q '/nginx-test-control' "$T/app.err" || fail "the app's access log does not show the control request"
if grep -E 'nginx-test-(header|body)' "$T/app.err" >&2; then fail "an oversized request reached the app (its log above)"; fi
ok "oversized header line, request target, header section and body refused by nginx before the app"

# 8. nginx's access log: paths, no query strings, the app's request id.
for _ in $(seq 20); do grep -q '/nginx-test-control' "$N/log/opencsu-access.log" 2>/dev/null && break; sleep 0.1; done
grep -q '"GET /nginx-test-control HTTP/1.1" 404' "$N/log/opencsu-access.log" ||
  fail "nginx's access log lacks the control request: $(tail -n 3 "$N/log/opencsu-access.log")"
if grep -q 'secret-query-value' "$N/log/opencsu-access.log" "$N/log/error.log" "$N/log/opencsu-error.log" 2>/dev/null; then
  fail "a query string was written to nginx's logs"
fi
grep -q '/ccg/02E.*id=[0-9a-f]' "$N/log/opencsu-access.log" || fail "nginx's access log lacks the app's request id"
ok "nginx's access log has paths and request ids, no query strings"

# 9. Stop: nginx, then the app on SIGTERM, which must exit 0.
kill -TERM "$NGINX_PID"; wait "$NGINX_PID" 2>/dev/null || true; NGINX_PID=""
kill -TERM "$APP_PID"
rc=0; wait "$APP_PID" || rc=$?
APP_PID=""
[ "$rc" = 0 ] || fail "csu serve exited $rc on SIGTERM"
ok "stopped; csu serve exited 0 on SIGTERM"
say "PASS in $((SECONDS - started)) s"
