#!/usr/bin/env bash
# PostgreSQL from Debian's package, run as the postgres user with its data under .local/pg, or,
# when the postgres user cannot reach the clone (e.g. under root's 0700 home), under
# /var/lib/postgresql/appgov/<hash of the state folder>/pg, one folder per clone.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/env.sh"; source "$here/lib.sh"

pg_bin() {
  local d
  for d in /usr/lib/postgresql/*/bin; do [ -x "$d/pg_ctl" ] && echo "$d" && return; done
  return 1
}
ensure_installed() {
  pg_bin >/dev/null || apt_install postgresql postgresql-contrib
  pg_bin >/dev/null || { log "postgres: no server binary after install"; exit 1; }
}
# From /: the postgres user may not be allowed into the current folder.
as_pg() { (cd / && runuser -u postgres -- "$@"); }
# The data folder: in the state folder when the postgres user can traverse every folder above it.
data_dir() {
  mkdir -p "$APPGOV_STATE"
  # The project folder is root's; postgres must be able to reach its data folder.
  chmod o+x "$APPGOV_STATE" "$APPGOV_ROOT" 2>/dev/null || true
  if as_pg test -x "$APPGOV_STATE" 2>/dev/null; then
    echo "$APPGOV_STATE/pg"
  else
    local key; key="$(realpath "$APPGOV_STATE" | sha256sum | cut -c1-12)"
    echo "/var/lib/postgresql/appgov/$key/pg"
  fi
}
ready() { "$(pg_bin)/pg_isready" -h 127.0.0.1 -p "$PG_PORT" -q; }

start() {
  ensure_installed
  local bin; bin="$(pg_bin)"
  if ready; then log "postgres: already running on $PG_PORT"; ensure_roles; ensure_tls; return; fi
  local data; data="$(data_dir)"
  if [ ! -f "$data/PG_VERSION" ]; then
    [ "$data" = "$APPGOV_STATE/pg" ] ||
      log "postgres: the postgres user cannot reach $APPGOV_STATE; data goes to $data"
    log "postgres: initdb in $data"
    mkdir -p "$data" && chown postgres:postgres "$data" "$(dirname "$data")" && chmod 700 "$data"
    as_pg "$bin/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    # Loopback only; tuned for tests (durability is not what tests measure).
    cat >>"$data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$data'
max_connections = 300
shared_buffers = 512MB
fsync = off
synchronous_commit = off
full_page_writes = off
CONF
  fi
  as_pg "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w -t 60 start >/dev/null
  wait_for 30 ready || { log "postgres: did not become ready; see $data/server.log"; exit 1; }
  ensure_roles
  ensure_tls
  log "postgres: ready on 127.0.0.1:$PG_PORT"
}
# TLS with the scripts' certificate (the CA env.sh names), idempotently and without a restart (ssl reloads): a client's
# sslmode decides; plain connections keep working.
ensure_tls() {
  # The running server's own folder: it may have been started from another clone (up.sh).
  local data; data="$(psql_su -d postgres -c "SHOW data_directory")"
  bash "$here/tls.sh"
  install -o postgres -g postgres -m 600 "$APPGOV_TLS_DIR/server.key" "$data/server.key"
  install -o postgres -g postgres -m 644 "$APPGOV_TLS_DIR/server.pem" "$data/server.crt"
  psql_su -d postgres -c "ALTER SYSTEM SET ssl = on" -c "SELECT pg_reload_conf()" >/dev/null
}
psql_su() { PGOPTIONS="-c client_min_messages=warning" "$(pg_bin)/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -v ON_ERROR_STOP=1 -qtA "$@"; }
# The roles, idempotently (also on a server started before they existed):
# - appgov: superuser, what tests and tools use by default (schemas per test, drops);
# - appgov_migrator: runs migrations and owns the schemas (CREATE on the database, no superuser);
# - appgov_app: what services run as in the tests that say so: no DDL, owns nothing, no BYPASSRLS;
#   migrate.js grants it row access (DATABASE_RUNTIME_ROLE). catalog_reader is the catalog's
#   row-level-security reader, made here so the migrator needs no CREATEROLE.
ensure_roles() {
  psql_su -d postgres <<'SQL'
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'appgov') THEN
    CREATE ROLE appgov LOGIN SUPERUSER PASSWORD 'appgov';
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'appgov_migrator') THEN
    CREATE ROLE appgov_migrator LOGIN PASSWORD 'appgov_migrator';
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'appgov_app') THEN
    CREATE ROLE appgov_app LOGIN PASSWORD 'appgov_app';
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'catalog_reader') THEN
    CREATE ROLE catalog_reader NOLOGIN;
  END IF;
END $$;
ALTER ROLE appgov_migrator NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
ALTER ROLE appgov_app NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
GRANT catalog_reader TO appgov_migrator WITH ADMIN OPTION;
SQL
  psql_su -d postgres -c "SELECT 1 FROM pg_database WHERE datname='appgov'" | grep -q 1 ||
    psql_su -d postgres -c "CREATE DATABASE appgov OWNER appgov"
  psql_su -d appgov <<'SQL'
GRANT CONNECT, CREATE ON DATABASE appgov TO appgov_migrator;
GRANT CONNECT ON DATABASE appgov TO appgov_app;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
SQL
}
stop() {
  local bin; bin="$(pg_bin 2>/dev/null)" || return 0
  local data; data="$(data_dir)"
  if [ -f "$data/postmaster.pid" ]; then
    as_pg "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null || true
    log "postgres: stopped"
  fi
}
# Removes a data folder kept outside the clone (`make clean` removes .local itself).
purge() {
  local data; data="$(data_dir)"
  case "$data" in /var/lib/postgresql/appgov/*) stop; rm -rf "$(dirname "$data")" ;; esac
}
case "${1:-start}" in
  start) start ;; stop) stop ;; purge) purge ;; status) ready && echo running || echo stopped ;;
  *) echo "usage: $0 start|stop|status|purge" >&2; exit 2 ;;
esac
