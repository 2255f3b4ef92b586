#!/usr/bin/env bash
# Stops the local infrastructure; data stays in .local/ until `make clean`.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/env.sh"
"$here/prometheus.sh" stop
"$here/kafka.sh" stop
"$here/redis.sh" stop
"$here/postgres.sh" stop
# The servers on these ports are no longer this clone's (up.sh).
[ "$(cat "$APPGOV_LOCAL_OWNER_FILE" 2>/dev/null)" = "$(realpath "$APPGOV_STATE" 2>/dev/null)" ] &&
  rm -f "$APPGOV_LOCAL_OWNER_FILE"
exit 0
