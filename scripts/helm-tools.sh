#!/usr/bin/env bash
# Installs the deployment test tools when they are missing, and prints the bin folder to put first
# on PATH:
#   helm           built from source through the Go module proxy (no GitHub release download)
#   helm-unittest  the helm-unittest plugin's binary, same way; run directly, not as a plugin
#   promtool       from Debian's prometheus package
# Idempotent: a second run only checks versions (well under a second).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="$root/.tools/bin"
helm_version="v3.22.0"
unittest_version="v1.1.2"
mkdir -p "$bin"
log() { echo "helm-tools: $*" >&2; }

# The machine's Go lives in /usr/local/go/bin, which a non-login shell's PATH may lack.
command -v go >/dev/null || { [ -x /usr/local/go/bin/go ] && PATH="$PATH:/usr/local/go/bin"; } || true

need_go() {
  command -v go >/dev/null || { log "go is required to build $1 (none on PATH)"; exit 1; }
}

# The same -X flags as Helm's release Makefile: without them a source build reports "v3.22" and
# assumes Kubernetes 1.20 for `helm template`/`lint` (client-go v0.37 -> Kubernetes 1.37).
helm_ldflags="-s -w -X helm.sh/helm/v3/internal/version.version=$helm_version -X helm.sh/helm/v3/internal/version.metadata="
for pkg in chartutil lint/rules; do
  helm_ldflags+=" -X helm.sh/helm/v3/pkg/$pkg.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/$pkg.k8sVersionMinor=37"
done
if [ "$("$bin/helm" version --template '{{.Version}}' 2>/dev/null || true)" != "$helm_version" ]; then
  need_go helm
  log "building helm $helm_version into .tools/bin (first time: a few minutes)"
  GOBIN="$bin" GOFLAGS=-buildvcs=false go install -trimpath -ldflags "$helm_ldflags" "helm.sh/helm/v3/cmd/helm@$helm_version"
fi

if [ ! -x "$bin/helm-unittest" ] || [ "$(cat "$bin/.helm-unittest.version" 2>/dev/null || true)" != "$unittest_version" ]; then
  need_go helm-unittest
  log "building helm-unittest $unittest_version into .tools/bin (first time: about two minutes)"
  # Its go.mod has a replace directive, which `go install pkg@version` refuses: download the module
  # through the proxy and build it in its own (read-only, cached) source folder instead.
  src="$(go mod download -json "github.com/helm-unittest/helm-unittest@$unittest_version" |
    sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  [ -d "$src" ] || { log "could not download helm-unittest $unittest_version"; exit 1; }
  (cd "$src" && GOFLAGS=-buildvcs=false go build -trimpath -ldflags "-s -w" -o "$bin/helm-unittest" ./cmd/helm-unittest)
  echo "$unittest_version" >"$bin/.helm-unittest.version"
fi

if ! command -v promtool >/dev/null; then
  if [ "$(id -u)" -ne 0 ] && ! command -v sudo >/dev/null; then
    log "promtool is missing and apt-get needs root: install Debian's prometheus package"
    exit 1
  fi
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  log "apt-get install prometheus (for promtool)"
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
  # In containers /usr/sbin/policy-rc.d (exit 101) keeps postinst from starting a Prometheus server.
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null
fi
echo "$bin"
