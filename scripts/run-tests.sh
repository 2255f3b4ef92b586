#!/usr/bin/env bash
# Runs every compiled test file with tap against the local infrastructure and ends with one plain
# summary line ("N passed, N failed") that CI reads.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
source deploy/local/env.sh
mapfile -t files < <(find libs services test -path '*/node_modules' -prune -o -path '*/dist/test/*' -name '*.test.js' -print | sort)
if [ "${#files[@]}" -eq 0 ]; then echo "no test files found"; exit 1; fi
out="$(mktemp)"
pnpm exec tap --reporter=tap "${files[@]}" "$@" 2>&1 | tee "$out"
rc=${PIPESTATUS[0]}
passed=$(grep -cE '^ok [0-9]+ ' "$out")
failed=$(grep -cE '^not ok [0-9]+ ' "$out")
rm -f "$out"
echo "files: $passed passed, $failed failed"
[ "$rc" -eq 0 ] && [ "$failed" -eq 0 ]
