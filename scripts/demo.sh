#!/usr/bin/env bash
# `make demo` / `make demo-down`: the demo launcher lives in test/e2e (see its src/demo.ts).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
exec node "$root/test/e2e/dist/src/demo.js" "$@"
