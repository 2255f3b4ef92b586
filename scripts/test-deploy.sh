#!/usr/bin/env bash
# Checks everything under helm/ and deploy/observability/:
#   helm lint --strict with each helm/appgov/ci/*.yaml, helm-unittest suites (helm/appgov/tests)
#   and their negative assertions' positive twins, a full `helm template` per scenario, the
#   chart's Kafka topics against libs/contracts, promtool check/test of the alert rules, the
#   dashboards' static checks and generator, and that the chart's copies of rules and dashboards
#   are identical to deploy/observability. Installs its tools first (scripts/helm-tools.sh).
#   Then scripts/kube-test.sh: the chart against a real API server (etcd + kube-apiserver on
#   loopback); its checks count into the summary. KUBE_TEST=0 skips that part.
# Ends with one line CI reads: "deploy checks: N passed, N failed"; exits non-zero on a failure.
# `scripts/test-deploy.sh sync` refreshes the chart's copies from deploy/observability and exits.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
chart=helm/appgov
obs=deploy/observability

if [ "${1:-}" = "sync" ]; then
  rm -f "$chart"/dashboards/*.json
  cp "$obs"/dashboards/*.json "$chart/dashboards/"
  cp "$obs/alerts.yaml" "$chart/rules/alerts.yaml"
  echo "copied $obs dashboards and alerts.yaml into $chart"
  exit 0
fi

bin="$(bash scripts/helm-tools.sh)" || { echo "deploy checks: 0 passed, 1 failed (tool install)"; exit 1; }
export PATH="$bin:$root/.tools/bin:$PATH"

passed=0
failed=0
out="$(mktemp)"
trap 'rm -f "$out"' EXIT
# check <name> <command...>: runs the command quietly, prints its output only when it fails.
check() {
  local name=$1
  shift
  if "$@" >"$out" 2>&1; then
    passed=$((passed + 1))
    echo "ok     $name"
  else
    failed=$((failed + 1))
    echo "FAILED $name"
    sed 's/^/    /' "$out"
  fi
}

for values in "$chart"/ci/*.yaml; do
  scenario="$(basename "$values" .yaml)"
  check "helm lint --strict ($scenario)" helm lint --strict "$chart" -f "$values"
  check "helm template ($scenario)" helm template appgov "$chart" -n appgov -f "$values" \
    --api-versions monitoring.coreos.com/v1/ServiceMonitor \
    --api-versions monitoring.coreos.com/v1/PrometheusRule
done
check "chart refuses to render without existingSecrets" \
  bash -c "! helm template appgov '$chart' >/dev/null 2>&1"
check "values.yaml documents every key" node "$chart/tests/values-documented.mjs"
check "files/kafka-topics.yaml matches libs/contracts (fix: node $chart/tests/kafka-topics.mjs)" \
  node "$chart/tests/kafka-topics.mjs" --check
check "helm-unittest ($chart/tests)" helm-unittest --color=false "$chart"
check "every negative assertion has a positive twin" node "$chart/tests/negative-twins.mjs"

check "promtool check rules" promtool check rules "$obs/alerts.yaml"
check "promtool test rules" bash -c "cd '$obs' && promtool test rules alerts.test.yaml"
check "dashboards and rules: static checks" node "$obs/check-observability.mjs"
check "dashboards: JSON up to date with generate.mjs" node "$obs/dashboards/generate.mjs" --check

same_files() {
  local src=$1 dst=$2 f rc=0
  diff <(cd "$src" && ls -- *.json) <(cd "$dst" && ls -- *.json) || rc=1
  for f in "$src"/*.json; do
    cmp -- "$f" "$dst/$(basename "$f")" || rc=1
  done
  return $rc
}
check "chart dashboards identical to $obs/dashboards (fix: scripts/test-deploy.sh sync)" \
  same_files "$obs/dashboards" "$chart/dashboards"
check "chart rules identical to $obs/alerts.yaml (fix: scripts/test-deploy.sh sync)" \
  cmp "$obs/alerts.yaml" "$chart/rules/alerts.yaml"

if [ "${KUBE_TEST:-1}" != 0 ]; then
  bash scripts/kube-test.sh | tee "$out"
  counts="$(sed -n 's/^kube checks: \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' "$out" | tail -1)"
  if [ -n "$counts" ]; then
    passed=$((passed + ${counts% *}))
    failed=$((failed + ${counts#* }))
  else
    failed=$((failed + 1))
    echo "FAILED scripts/kube-test.sh ended without its summary"
  fi
fi

echo "deploy checks: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
