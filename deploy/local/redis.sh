#!/usr/bin/env bash
# Redis from Debian's package, on loopback, data under .local/redis; also TLS on $REDIS_TLS_PORT
# (the private CA's certificate) and an ACL user, as a managed Redis is reached.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/env.sh"; source "$here/lib.sh"
dir="$APPGOV_STATE/redis"
ready() { redis-cli -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG; }
start() {
  command -v redis-server >/dev/null || apt_install redis-server
  if ready; then log "redis: already running on $REDIS_PORT"; ensure_tls_and_acl; return; fi
  mkdir -p "$dir"
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$dir" --daemonize yes \
    --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" --save "" --appendonly no >/dev/null
  wait_for 20 ready || { log "redis: did not start; see $dir/redis.log"; exit 1; }
  ensure_tls_and_acl
  log "redis: ready on 127.0.0.1:$REDIS_PORT (TLS on $REDIS_TLS_PORT)"
}
# Applied at run time (idempotent), so a server started before this existed gets it without a restart.
ensure_tls_and_acl() {
  bash "$here/tls.sh"
  if [ "$(redis-cli -p "$REDIS_PORT" CONFIG GET tls-port | tail -1)" != "$REDIS_TLS_PORT" ]; then
    redis-cli -p "$REDIS_PORT" CONFIG SET tls-cert-file "$APPGOV_TLS_DIR/server.pem" \
      tls-key-file "$APPGOV_TLS_DIR/server.key" tls-ca-cert-file "$APPGOV_CA_FILE" \
      tls-auth-clients no tls-port "$REDIS_TLS_PORT" >/dev/null
  fi
  redis-cli -p "$REDIS_PORT" ACL SETUSER "$REDIS_LOCAL_ACL_USER" on ">$REDIS_LOCAL_ACL_PASSWORD" \
    '~*' '&*' +@all -@admin -@dangerous >/dev/null
}
# Only a server this clone started (its pid file): another clone's stays up (up.sh reuses servers).
stop() {
  local pid; pid="$(cat "$dir/redis.pid" 2>/dev/null)" || return 0
  if kill -0 "$pid" 2>/dev/null && ready; then
    redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
    log "redis: stopped"
  fi
}
case "${1:-start}" in
  start) start ;; stop) stop ;; status) ready && echo running || echo stopped ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
