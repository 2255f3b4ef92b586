#!/usr/bin/env bash
# Prometheus from Debian's package, on loopback (port $PROMETHEUS_PORT, default 59090), data under
# .local/prometheus. It scrapes the services at the ports `make demo` gives them (8081-8084) and
# loads deploy/observability/alerts.yaml, so the dashboards' queries and the alerts can be tried on
# the demo at http://127.0.0.1:59090. The observability test does not use it: it starts a private
# Prometheus per run (test/e2e/src/prometheus.ts), so no earlier run's series can hide a missing one.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/env.sh"; source "$here/lib.sh"
port="${PROMETHEUS_PORT:-59090}"
dir="$APPGOV_STATE/prometheus"
ready() { curl -fsS "http://127.0.0.1:$port/-/ready" >/dev/null 2>&1; }
start() {
  command -v prometheus >/dev/null || apt_install prometheus
  if ready; then log "prometheus: already running on $port"; return; fi
  mkdir -p "$dir/data"
  cat >"$dir/prometheus.yml" <<YAML
global:
  scrape_interval: 15s
  evaluation_interval: 15s
rule_files:
  - "$APPGOV_ROOT/deploy/observability/alerts.yaml"
scrape_configs:
  - job_name: connection-service
    static_configs: [{ targets: ["127.0.0.1:8081"] }]
  - job_name: ingest-service
    static_configs: [{ targets: ["127.0.0.1:8082"] }]
  - job_name: catalog-service
    static_configs: [{ targets: ["127.0.0.1:8083"] }]
  - job_name: notification-service
    static_configs: [{ targets: ["127.0.0.1:8084"] }]
YAML
  nohup prometheus --config.file="$dir/prometheus.yml" --storage.tsdb.path="$dir/data" \
    --web.listen-address="127.0.0.1:$port" --storage.tsdb.retention.time=7d \
    >"$dir/prometheus.log" 2>&1 &
  echo $! >"$dir/prometheus.pid"
  wait_for 30 ready || { log "prometheus: did not start; see $dir/prometheus.log"; exit 1; }
  log "prometheus: ready on 127.0.0.1:$port"
}
stop() {
  if [ -f "$dir/prometheus.pid" ]; then
    kill "$(cat "$dir/prometheus.pid")" 2>/dev/null || true
    rm -f "$dir/prometheus.pid"
    log "prometheus: stopped"
  fi
}
case "${1:-start}" in
  start) start ;; stop) stop ;; status) ready && echo running || echo stopped ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
