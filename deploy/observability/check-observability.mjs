#!/usr/bin/env node
// Static checks of the dashboards and alert rules that promtool and Grafana do not make:
// - every dashboard parses, has schemaVersion 39, a unique uid, the Prometheus `datasource`
//   variable, and every panel/target queries through ${datasource};
// - panels do not overlap on the grid;
// - every appgov_* metric named in a dashboard or alerts.yaml is one the services export (a typo
//   there is a dashboard that stays empty or an alert that never fires).
// Prints one line per finding; exit code 1 when there is any.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

// Metric families the services export (libs/http, libs/okta-client, libs/kafka, libs/db and the
// services). Histogram families end in _seconds; their _bucket/_sum/_count series are accepted.
const KNOWN = new Set([
  'appgov_http_request_duration_seconds',
  'appgov_okta_calls_total',
  'appgov_okta_call_duration_seconds',
  'appgov_okta_rate_limit_remaining_ratio',
  'appgov_okta_429_total',
  'appgov_okta_circuit_state',
  'appgov_sync_duration_seconds',
  'appgov_syncs_total',
  'appgov_sync_records_total',
  'appgov_connections_stale',
  'appgov_connections_by_status',
  'appgov_kafka_consumer_lag',
  'appgov_kafka_messages_consumed_total',
  'appgov_kafka_handler_errors_total',
  'appgov_kafka_dlq_messages_total',
  'appgov_outbox_pending_messages',
  'appgov_outbox_published_total',
  'appgov_outbox_send_failures_total',
  'appgov_catalog_rows_written_total',
  'appgov_notifications_sent_total',
  'appgov_notifications_failed_total',
]);

const problems = [];
const problem = (where, what) => problems.push(`${where}: ${what}`);

function checkMetrics(where, text) {
  for (const [name] of text.matchAll(/\bappgov_[a-z0-9_]+/g)) {
    const family = name.replace(/_(bucket|sum|count)$/, '');
    if (!KNOWN.has(name) && !KNOWN.has(family)) problem(where, `unknown metric ${name}`);
  }
}

// biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's variable syntax, not a JS template.
const DS = '${datasource}';
const dashDir = join(here, 'dashboards');
const files = readdirSync(dashDir)
  .filter((f) => f.endsWith('.json'))
  .sort();
if (files.length < 4) problem('dashboards', `expected the four dashboards, found ${files.length}`);
const uids = new Map();
for (const file of files) {
  const where = `dashboards/${file}`;
  let d;
  try {
    d = JSON.parse(readFileSync(join(dashDir, file), 'utf8'));
  } catch (err) {
    problem(where, `invalid JSON: ${err.message}`);
    continue;
  }
  if (d.schemaVersion !== 39) problem(where, `schemaVersion ${d.schemaVersion}, want 39`);
  if (!d.uid || !d.title) problem(where, 'missing uid or title');
  if (uids.has(d.uid)) problem(where, `uid ${d.uid} also used by ${uids.get(d.uid)}`);
  uids.set(d.uid, file);
  const vars = d.templating?.list ?? [];
  const ds = vars.find((v) => v.name === 'datasource');
  if (ds?.type !== 'datasource' || ds.query !== 'prometheus') {
    problem(where, 'no Prometheus datasource variable named "datasource"');
  }
  for (const v of vars.filter((x) => x.type === 'query')) {
    if (v.datasource?.uid !== DS) problem(where, `variable ${v.name} does not use ${DS}`);
  }
  const panels = d.panels ?? [];
  if (panels.filter((p) => p.type !== 'row').length === 0) problem(where, 'no panels');
  const ids = new Set();
  const cells = new Map();
  for (const p of panels) {
    const pw = `${where} panel "${p.title}"`;
    if (ids.has(p.id)) problem(pw, `duplicate id ${p.id}`);
    ids.add(p.id);
    const g = p.gridPos;
    if (!g || g.w < 1 || g.h < 1 || g.x < 0 || g.x + g.w > 24)
      problem(pw, `bad gridPos ${JSON.stringify(g)}`);
    else {
      for (let y = g.y; y < g.y + g.h; y++) {
        for (let x = g.x; x < g.x + g.w; x++) {
          const key = `${x},${y}`;
          if (cells.has(key)) {
            problem(pw, `overlaps panel "${cells.get(key)}"`);
            y = Number.POSITIVE_INFINITY;
            break;
          }
          cells.set(key, p.title);
        }
      }
    }
    if (p.type === 'row') continue;
    if (p.datasource?.uid !== DS) problem(pw, `datasource is not ${DS}`);
    if (!p.targets?.length) problem(pw, 'no queries');
    for (const t of p.targets ?? []) {
      if (t.datasource?.uid !== DS) problem(pw, `target ${t.refId} datasource is not ${DS}`);
      if (!t.expr?.trim()) problem(pw, `target ${t.refId} has no expr`);
      else checkMetrics(pw, t.expr);
    }
  }
}

checkMetrics('alerts.yaml', readFileSync(join(here, 'alerts.yaml'), 'utf8'));

for (const p of problems) console.error(p);
console.log(`observability static checks: ${files.length} dashboards, ${problems.length} problem(s)`);
process.exit(problems.length ? 1 : 0);
