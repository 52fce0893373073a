# Sourced by the scripts that run Debian's nginx on loopback for a test
# (nginx-test.sh, pg-partitions-test.sh, cluster-test.sh):
#
#   nginx_find                 sets NGINX to the binary, or "" when not installed
#   nginx_local_dirs DIR T     makes DIR/log and DIR/tmp/*; when run as root,
#                              opens T and DIR to nginx's workers and sets
#                              NGINX_WORKER_USER to the nginx.conf line that
#                              runs them ("" when not root)
#   nginx_temp_paths DIR       prints the http{} lines that keep nginx's
#                              temporary files under DIR/tmp
nginx_find() {
  NGINX=$(command -v nginx || true)
  if [ -z "$NGINX" ] && [ -x /usr/sbin/nginx ]; then NGINX=/usr/sbin/nginx; fi
}

nginx_local_dirs() {
  local dir=$1 work=$2
  mkdir -p "$dir/log" "$dir/tmp/body" "$dir/tmp/proxy" "$dir/tmp/fastcgi" "$dir/tmp/uwsgi" "$dir/tmp/scgi"
  NGINX_WORKER_USER=""
  [ "$(id -u)" = 0 ] || return 0
  # Started as root, nginx runs its workers as nobody: they must reach and
  # own the directories they write large request bodies and responses to.
  # Where they cannot (a parent directory closed to others, as a private
  # /tmp of mode 0700 is), the workers stay root: this is a throwaway
  # loopback instance.
  chmod 711 "$work"; chmod 755 "$dir" "$dir/tmp"
  chown nobody "$dir"/tmp/*
  if runuser -u nobody -- test -w "$dir/tmp/body" 2>/dev/null; then
    NGINX_WORKER_USER="user nobody $(id -gn nobody);"
  else
    NGINX_WORKER_USER="user root $(id -gn root);"
  fi
}

nginx_temp_paths() {
  local dir=$1
  printf '    client_body_temp_path %s/tmp/body;\n    proxy_temp_path %s/tmp/proxy;\n' "$dir" "$dir"
  printf '    fastcgi_temp_path %s/tmp/fastcgi;\n    uwsgi_temp_path %s/tmp/uwsgi;\n    scgi_temp_path %s/tmp/scgi;\n' \
    "$dir" "$dir" "$dir"
}
