#!/usr/bin/env bash
# Builds the web console's single-page app (services/console/web → web/dist, served by services/console):
# its own type check (DOM/JSX settings, not part of the root's tsc -b) and the Vite bundle.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root/services/console/web"
pnpm exec tsc -b
pnpm exec vite build --logLevel warn
