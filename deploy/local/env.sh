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
