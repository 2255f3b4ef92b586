#!/usr/bin/env bash
# Starts every piece of local infrastructure; safe to run again while it is up.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
"$here/postgres.sh" start
"$here/redis.sh" start
"$here/kafka.sh" start
"$here/prometheus.sh" start
