#!/usr/bin/env bash
# Starts every piece of local infrastructure; safe to run again while it is up, and from a second
# clone while the first one's servers run (they are reused, with their CA).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/env.sh"; source "$here/lib.sh"
state="$(mkdir -p "$APPGOV_STATE" && realpath "$APPGOV_STATE")"
owner="$(cat "$APPGOV_LOCAL_OWNER_FILE" 2>/dev/null)" || true
if ! port_open "$PG_PORT" && ! port_open "$REDIS_PORT" && ! port_open "$KAFKA_PORT"; then
  # Nothing runs: this clone starts the servers and its CA is the one they present.
  echo "$state" >"$APPGOV_LOCAL_OWNER_FILE"
  unset APPGOV_TLS_DIR APPGOV_CA_FILE
elif [ -z "$owner" ]; then
  echo "$state" >"$APPGOV_LOCAL_OWNER_FILE"
elif [ "$owner" != "$state" ]; then
  log "the servers on ports $PG_PORT/$REDIS_PORT/$KAFKA_PORT were started from $owner; reusing them and their CA"
  log "(to run this clone's own, stop them there with \`make down\`, or set PG_PORT, REDIS_PORT and KAFKA_PORT)"
fi
"$here/postgres.sh" start
"$here/redis.sh" start
"$here/kafka.sh" start
"$here/prometheus.sh" start
