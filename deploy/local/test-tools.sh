#!/usr/bin/env bash
# Tools the tests use besides the project's own: kcat reads Kafka as a non-kafkajs consumer would;
# prometheus runs the dashboards' and alerts' queries against a real scrape; chromium runs the console's
# browser tests.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/lib.sh"
command -v kcat >/dev/null || apt_install kcat
# The web console's browser tests drive Debian's Chromium through playwright-core (Playwright's own
# browser downloads are not reachable).
command -v chromium >/dev/null || apt_install chromium
# Prometheus (server and promtool): the observability test scrapes a real run with a private server.
# In containers /usr/sbin/policy-rc.d keeps the package's postinst from starting a system server.
command -v prometheus >/dev/null && command -v promtool >/dev/null || apt_install prometheus
