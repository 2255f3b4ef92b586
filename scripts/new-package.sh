#!/usr/bin/env bash
# Creates the skeleton of a workspace package: scripts/new-package.sh libs/foo "one-line purpose"
set -euo pipefail
dir="$1"; purpose="${2:-}"
name="@appgov/$(basename "$dir")"
mkdir -p "$dir/src" "$dir/test"
[ -f "$dir/package.json" ] || cat >"$dir/package.json" <<JSON
{
  "name": "$name",
  "version": "0.1.0",
  "private": true,
  "description": "$purpose",
  "type": "module",
  "exports": { ".": { "types": "./dist/src/index.d.ts", "default": "./dist/src/index.js" } },
  "scripts": {}
}
JSON
[ -f "$dir/tsconfig.json" ] || cat >"$dir/tsconfig.json" <<JSON
{
  "extends": "../../tsconfig.base.json",
  "compilerOptions": { "rootDir": ".", "outDir": "dist" },
  "include": ["src", "test"],
  "references": []
}
JSON
echo "$name in $dir"
