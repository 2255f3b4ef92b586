#!/usr/bin/env bash
# Tools the tests use besides the project's own: kcat reads Kafka as a non-kafkajs consumer would.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/lib.sh"
command -v kcat >/dev/null || apt_install kcat
# The web console's browser tests drive Debian's Chromium through playwright-core (Playwright's own
# browser downloads are not reachable).
command -v chromium >/dev/null || apt_install chromium
