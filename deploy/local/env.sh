# Ports, folders and URLs of the local infrastructure; sourced by the scripts and the Makefile.
# Non-default ports so a developer's own Postgres/Redis/Kafka never collide with ours.
APPGOV_ROOT="${APPGOV_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
APPGOV_STATE="${APPGOV_STATE:-$APPGOV_ROOT/.local}"
export APPGOV_ROOT APPGOV_STATE
export PG_PORT="${PG_PORT:-55432}"
export REDIS_PORT="${REDIS_PORT:-56379}"
export KAFKA_PORT="${KAFKA_PORT:-59092}"
export KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-59093}"
export DATABASE_URL="${DATABASE_URL:-postgres://appgov:appgov@127.0.0.1:$PG_PORT/appgov}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:$REDIS_PORT}"
export KAFKA_BROKERS="${KAFKA_BROKERS:-127.0.0.1:$KAFKA_PORT}"
# The SASL_SSL listener of the local broker (SCRAM-SHA-512/256 and PLAIN, TLS from the private CA).
export KAFKA_SASL_PORT="${KAFKA_SASL_PORT:-59094}"
export KAFKA_SASL_SSL_BROKERS="${KAFKA_SASL_SSL_BROKERS:-127.0.0.1:$KAFKA_SASL_PORT}"
# Which clone's state the servers on these ports were started from (up.sh writes it when it starts
# them): a second clone on the same machine reuses those servers, so it must trust their CA too.
export APPGOV_LOCAL_OWNER_FILE="${APPGOV_LOCAL_OWNER_FILE:-${TMPDIR:-/tmp}/appgov-local-$PG_PORT-$REDIS_PORT-$KAFKA_PORT.owner}"
appgov_tls_dir_default() {
  local owner
  owner="$(cat "$APPGOV_LOCAL_OWNER_FILE" 2>/dev/null)" || true
  if [ -n "$owner" ] && [ -f "$owner/tls/ca.pem" ]; then echo "$owner/tls"; else echo "$APPGOV_STATE/tls"; fi
}
# The scripts' private CA (deploy/local/tls.sh) and the password of its PKCS12 key store.
export APPGOV_TLS_DIR="${APPGOV_TLS_DIR:-$(appgov_tls_dir_default)}"
export APPGOV_CA_FILE="${APPGOV_CA_FILE:-$APPGOV_TLS_DIR/ca.pem}"
export APPGOV_TLS_STORE_PASSWORD="${APPGOV_TLS_STORE_PASSWORD:-appgov-local}"
# The user of that listener (kafka.sh gives it SCRAM-SHA-512/256 credentials and a PLAIN entry).
export KAFKA_LOCAL_SASL_USERNAME="${KAFKA_LOCAL_SASL_USERNAME:-appgov}"
export KAFKA_LOCAL_SASL_PASSWORD="${KAFKA_LOCAL_SASL_PASSWORD:-appgov-kafka-local}"
# The two roles of production (deploy/local/postgres.sh): migrations run as the first, services as the second.
export DATABASE_MIGRATION_URL="${DATABASE_MIGRATION_URL:-postgres://appgov_migrator:appgov_migrator@127.0.0.1:$PG_PORT/appgov}"
export DATABASE_RUNTIME_URL="${DATABASE_RUNTIME_URL:-postgres://appgov_app:appgov_app@127.0.0.1:$PG_PORT/appgov}"
# Redis's TLS port (same server, certificate from the private CA) and the ACL user tests connect as.
export REDIS_TLS_PORT="${REDIS_TLS_PORT:-56380}"
export REDIS_LOCAL_ACL_USER="${REDIS_LOCAL_ACL_USER:-appgov_app}"
export REDIS_LOCAL_ACL_PASSWORD="${REDIS_LOCAL_ACL_PASSWORD:-appgov-redis-local}"
