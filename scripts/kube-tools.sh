#!/usr/bin/env bash
# Builds the chart tests' Kubernetes control plane when missing, and prints the bin folder:
#   kube-apiserver  k8s.io/kubernetes v1.34.3 through the Go module proxy (deploy/kube-test/apiserver)
#   etcd            go.etcd.io/etcd/server/v3 embed (deploy/kube-test/etcd)
#   kubecheck       the tests' client: certificates, dry-run/create, leftovers (deploy/kube-test/kubecheck)
# Both come from wrapper modules kept in the repo with go.mod/go.sum, so the build is reproducible
# and needs no GitHub release download. Idempotent: a second run compares version stamps only.
# First build: about 5 minutes for the API server on 2 cores; Go's caches make a rebuild quick.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="$root/.tools/bin"
src="$root/deploy/kube-test"
kube_version="v1.34.3"
etcd_version="v3.6.4"
mkdir -p "$bin"
log() { echo "kube-tools: $*" >&2; }
command -v go >/dev/null || { [ -x /usr/local/go/bin/go ] && PATH="$PATH:/usr/local/go/bin"; } || true
command -v go >/dev/null || { log "go is required to build kube-apiserver and etcd (none on PATH)"; exit 1; }

# stamp <name>: the version a binary was built at, written next to it after a successful build.
stamp() { cat "$bin/.$1.version" 2>/dev/null || true; }

if [ ! -x "$bin/etcd" ] || [ "$(stamp etcd)" != "$etcd_version" ]; then
  log "building etcd $etcd_version into .tools/bin (first time: under a minute)"
  (cd "$src/etcd" && GOFLAGS="-buildvcs=false -mod=readonly" go build -trimpath -ldflags "-s -w" -o "$bin/etcd" .)
  echo "$etcd_version" >"$bin/.etcd.version"
fi

if [ ! -x "$bin/kube-apiserver" ] || [ "$(stamp kube-apiserver)" != "$kube_version" ]; then
  log "building kube-apiserver $kube_version into .tools/bin (first time: about 5 minutes)"
  # Without these the server reports v0.0.0 and Helm's kubeVersion check (>=1.25) refuses the chart.
  minor="${kube_version#v1.}"
  minor="${minor%%.*}"
  v=k8s.io/component-base/version
  ldflags="-s -w -X $v.gitVersion=$kube_version -X $v.gitMajor=1 -X $v.gitMinor=$minor -X $v.gitTreeState=clean"
  (cd "$src/apiserver" && GOFLAGS="-buildvcs=false -mod=readonly" go build -trimpath -ldflags "$ldflags" -o "$bin/kube-apiserver" .)
  echo "$kube_version" >"$bin/.kube-apiserver.version"
fi
# kubecheck is ours: rebuilt whenever its sources change (a hash of them is its stamp).
kubecheck_hash="$(cat "$src/kubecheck"/*.go "$src/kubecheck/go.mod" "$src/kubecheck/go.sum" | sha256sum | cut -c1-16)"
if [ ! -x "$bin/kubecheck" ] || [ "$(stamp kubecheck)" != "$kubecheck_hash" ]; then
  log "building kubecheck into .tools/bin"
  (cd "$src/kubecheck" && GOFLAGS="-buildvcs=false -mod=readonly" go build -trimpath -ldflags "-s -w" -o "$bin/kubecheck" .)
  echo "$kubecheck_hash" >"$bin/.kubecheck.version"
fi
echo "$bin"
