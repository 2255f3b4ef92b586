#!/usr/bin/env bash
# The chart against a real Kubernetes API server, started the way envtest does it: etcd and
# kube-apiserver on loopback ports picked free, no kubelet, no controllers (so nothing runs and
# hook Jobs never complete). Token auth (system:masters) and RBAC; serving certificates from a
# throwaway CA (kubecheck certs). Tools: scripts/kube-tools.sh (built once into .tools/bin).
#   1. the CRDs the chart uses (deploy/kube-test/crds: ServiceMonitor, PrometheusRule, KafkaTopic)
#   2. per helm/appgov/ci/*.yaml, in its own namespace and release:
#      - every object of `helm template` (hooks and test pods included) is accepted by a
#        server-side dry-run create with strict field validation
#      - helm install (--no-hooks: hook Jobs would wait forever), upgrade with changed values (and
#        the change is on the server), uninstall
#      - no object carrying the release's instance label is left, in any listable kind, but the
#        KafkaTopics kept on purpose (keepOnUninstall); once those are deleted, none at all
# Stops both servers at the end. Ends with "kube checks: N passed, N failed"; exits non-zero on a
# failure. KUBE_TEST_KEEP=1 keeps the work folder (logs, kubeconfig) for debugging.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
chart=helm/appgov
kube_version=v1.34.3 # as scripts/kube-tools.sh builds it

t0=$SECONDS
hbin="$(bash scripts/helm-tools.sh)" || { echo "kube checks: 0 passed, 1 failed (helm tools)"; exit 1; }
kbin="$(bash scripts/kube-tools.sh)" || { echo "kube checks: 0 passed, 1 failed (kube tools)"; exit 1; }
export PATH="$kbin:$hbin:$PATH"
echo "kube-test: tools ready in $((SECONDS - t0)) s"

work="$(mktemp -d)"
etcd_pid=""
api_pid=""
# Stops only the two servers this script started, by their pids.
stop_servers() {
  [ -n "$api_pid" ] && kill "$api_pid" 2>/dev/null && wait "$api_pid" 2>/dev/null
  [ -n "$etcd_pid" ] && kill "$etcd_pid" 2>/dev/null && wait "$etcd_pid" 2>/dev/null
  api_pid=""
  etcd_pid=""
}
cleanup() {
  stop_servers
  if [ "${KUBE_TEST_KEEP:-}" = 1 ]; then echo "kube-test: kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

passed=0
failed=0
out="$work/check.out"
check() {
  local name=$1 start=$SECONDS
  shift
  if "$@" >"$out" 2>&1; then
    passed=$((passed + 1))
    echo "ok     $name ($((SECONDS - start)) s)"
    # kubecheck's closing figures (objects accepted, kinds listed, objects kept on purpose).
    grep -E '^[0-9]+ (objects|kinds)|^kept ' "$out" | sed 's/^/         /'
    return 0
  else
    failed=$((failed + 1))
    echo "FAILED $name"
    sed 's/^/    /' "$out" | tail -40
  fi
}
summary() {
  echo "kube checks: $passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}

mapfile -t ports < <(kubecheck free-ports 3)
etcd_url="http://127.0.0.1:${ports[0]}"
api_url="https://127.0.0.1:${ports[2]}"
pki="$work/pki"
kubecheck certs "$pki" || { failed=1; summary; exit 1; }
token="$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')"
echo "$token,appgov-kube-test,appgov-kube-test,system:masters" >"$pki/tokens.csv"
chmod 600 "$pki/tokens.csv"
kubecheck kubeconfig "$pki" "$api_url" "$token"
export KUBECONFIG="$pki/kubeconfig"

t1=$SECONDS
etcd -data-dir "$work/etcd" -client-url "$etcd_url" -peer-url "http://127.0.0.1:${ports[1]}" \
  >"$work/etcd.log" 2>&1 &
etcd_pid=$!
kube-apiserver \
  --etcd-servers="$etcd_url" \
  --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="${ports[2]}" \
  --tls-cert-file="$pki/server.crt" --tls-private-key-file="$pki/server.key" \
  --cert-dir="$work/apiserver-certs" \
  --token-auth-file="$pki/tokens.csv" --authorization-mode=RBAC \
  --service-account-issuer=https://kubernetes.default.svc.cluster.local \
  --service-account-key-file="$pki/sa.pub" --service-account-signing-key-file="$pki/sa.key" \
  --service-cluster-ip-range=10.96.0.0/24 --allow-privileged=true --profiling=false \
  >"$work/apiserver.log" 2>&1 &
api_pid=$!
if ! kubecheck wait-ready 240s >"$out" 2>&1; then
  echo "FAILED API server ready"
  sed 's/^/    /' "$out"
  echo "    --- apiserver.log (tail)"
  tail -20 "$work/apiserver.log" | sed 's/^/    /'
  echo "    --- etcd.log (tail)"
  tail -5 "$work/etcd.log" | sed 's/^/    /'
  failed=$((failed + 1))
  summary
  exit 1
fi
passed=$((passed + 1))
echo "ok     etcd and kube-apiserver $kube_version ready on loopback ($((SECONDS - t1)) s)"

check "CRDs the chart uses are served (ServiceMonitor, PrometheusRule, KafkaTopic)" \
  kubecheck create deploy/kube-test/crds/*.yaml

# refused_as_expected: the dry-run check can fail: both objects of refused.yaml are refused, each
# for its own reason, and kubecheck exits non-zero.
refused_as_expected() {
  local got
  if got="$(kubecheck dry-run deploy/kube-test/refused.yaml 2>&1)"; then
    echo "kubecheck accepted deploy/kube-test/refused.yaml"
    return 1
  fi
  echo "$got"
  grep -q 'unknown field "dat"' <<<"$got" && grep -q 'partitions: Invalid value' <<<"$got" &&
    grep -qx '2 objects, 2 refused' <<<"$got"
}
check "self-check: the dry-run refuses a misspelt field and a mistyped KafkaTopic (deploy/kube-test/refused.yaml)" \
  refused_as_expected

# changed_value <ns> <configmap> <path> <expected>: the upgrade's change reached the server.
changed_value() {
  local got
  got="$(kubecheck field "$1" configmaps "$2" "$3")" || return 1
  [ "$got" = "$4" ] || { echo "$2 $3 is '$got', expected '$4'"; return 1; }
}

for values in "$chart"/ci/*.yaml; do
  scenario="$(basename "$values" -values.yaml)"
  scenario="${scenario%.yaml}"
  rel="kt-$scenario"
  ns="kt-$scenario"
  manifest="$work/$scenario.yaml"
  helm template "$rel" "$chart" -n "$ns" -f "$values" --kube-version "$kube_version" \
    --api-versions monitoring.coreos.com/v1/ServiceMonitor \
    --api-versions monitoring.coreos.com/v1/PrometheusRule \
    --api-versions kafka.strimzi.io/v1beta2/KafkaTopic >"$manifest" 2>"$out" ||
    { echo "FAILED $scenario: helm template"; cat "$out"; failed=$((failed + 1)); continue; }
  objects="$(grep -c '^kind:' "$manifest")"
  hooks="$(grep -c 'helm.sh/hook:' "$manifest")"
  check "$scenario: all $objects objects ($hooks hooks and test pods) accepted by the API server (server-side dry-run, strict fields)" \
    kubecheck dry-run "$manifest"
  check "$scenario: helm install" \
    helm install "$rel" "$chart" -n "$ns" -f "$values" --no-hooks
  check "$scenario: helm upgrade with changed values (logLevel debug, connection.replicaCount 4)" \
    helm upgrade "$rel" "$chart" -n "$ns" -f "$values" --no-hooks --set logLevel=debug --set connection.replicaCount=4
  check "$scenario: the upgrade reached the server (LOG_LEVEL=debug in the connection ConfigMap)" \
    changed_value "$ns" "$rel-appgov-connection-env" data.LOG_LEVEL debug
  check "$scenario: the leftovers search finds the installed release (its twin below must then find none)" \
    bash -c "! kubecheck leftovers app.kubernetes.io/instance=$rel"
  check "$scenario: helm uninstall" \
    helm uninstall "$rel" -n "$ns"
  check "$scenario: uninstall leaves no object of the release but the KafkaTopics kept on purpose (app.kubernetes.io/instance=$rel, every listable kind)" \
    kubecheck leftovers "app.kubernetes.io/instance=$rel" KafkaTopic
  # kafka.strimziTopics.keepOnUninstall keeps the topics' data; a team that means to drop it deletes them.
  check "$scenario: once the kept KafkaTopics are deleted, nothing of the release remains" \
    bash -c "kubecheck delete-kept app.kubernetes.io/instance=$rel && kubecheck leftovers app.kubernetes.io/instance=$rel"
done

stop_servers
echo "kube-test: $((SECONDS - t0)) s in all"
summary
