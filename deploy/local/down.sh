#!/usr/bin/env bash
# Stops the local infrastructure; data stays in .local/ until `make clean`.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
"$here/prometheus.sh" stop
"$here/kafka.sh" stop
"$here/redis.sh" stop
"$here/postgres.sh" stop
