#!/usr/bin/env node
// Static checks of the dashboards and alert rules that promtool and Grafana do not make:
// - every dashboard parses, has schemaVersion 39, a unique uid, the Prometheus `datasource`
//   variable, and every panel/target queries through ${datasource};
// - panels do not overlap on the grid;
// - every alert has a runbook_url pointing at docs/runbooks/<alert>.md, that file exists with the
//   four sections (Symptom, Impact, Diagnosis, Mitigation), and alerts.test.yaml tests the alert;
// - every input series of alerts.test.yaml has the shape of a series a real scrape produced
//   (scraped-series.json, recorded by the observability e2e test): same metric, same label names,
//   and a `service` the metric really comes from. Promtool tests on invented series prove nothing.
// Whether each query finds the metrics it names is proven against a real Prometheus scraping a real
// run (test/e2e/test/observability.test.ts), not against a list kept here by hand.
// Prints one line per finding; exit code 1 when there is any.
import { existsSync, readdirSync, readFileSync } from 'node:fs';

import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { alertRules, recordingRules } from './promql.mjs';

const here = dirname(fileURLToPath(import.meta.url));

const problems = [];
const problem = (where, what) => problems.push(`${where}: ${what}`);

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
    if (!p.description?.trim()) problem(pw, 'no description (what the panel shows and what is normal)');
    if (!p.fieldConfig?.defaults?.unit) problem(pw, 'no unit');
    if (!p.targets?.length) problem(pw, 'no queries');
    for (const t of p.targets ?? []) {
      if (t.datasource?.uid !== DS) problem(pw, `target ${t.refId} datasource is not ${DS}`);
      if (!t.expr?.trim()) problem(pw, `target ${t.refId} has no expr`);
    }
  }
}

// Alerts: runbook and promtool test.
const RUNBOOK_BASE = 'https://github.com/appgov/appgov/blob/main/docs/runbooks/';
const runbookDir = join(here, '../../docs/runbooks');
const tests = parse(readFileSync(join(here, 'alerts.test.yaml'), 'utf8')).tests;
const tested = new Set(
  tests.flatMap((c) => (c.alert_rule_test ?? []).filter((a) => a.exp_alerts?.length).map((a) => a.alertname)),
);
const alerts = alertRules();
for (const rule of alerts) {
  const where = `alert ${rule.alert}`;
  if (rule.annotations?.runbook_url !== `${RUNBOOK_BASE}${rule.alert}.md`) {
    problem(where, `runbook_url must be ${RUNBOOK_BASE}${rule.alert}.md`);
  }
  const file = join(runbookDir, `${rule.alert}.md`);
  if (!existsSync(file)) problem(where, `no runbook docs/runbooks/${rule.alert}.md`);
  else {
    const text = readFileSync(file, 'utf8');
    for (const section of ['Symptom', 'Impact', 'Diagnosis', 'Mitigation']) {
      if (!new RegExp(`^## ${section}\\b`, 'm').test(text))
        problem(where, `runbook has no "## ${section}" section`);
    }
  }
  if (!tested.has(rule.alert)) problem(where, 'no promtool test in alerts.test.yaml that expects it to fire');
}

// Promtool input series: shapes of a real scrape.
const TARGET_LABELS = new Set(['namespace', 'pod', 'job', 'instance', 'container', 'endpoint', 'service']);
const shapes = JSON.parse(readFileSync(join(here, 'scraped-series.json'), 'utf8'));
const recorded = new Set(recordingRules().map((r) => r.record));
for (const c of tests) {
  for (const { series } of c.input_series ?? []) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)\{(.*)\}$/.exec(series);
    const where = `alerts.test.yaml "${c.name}" ${series}`;
    if (!m) {
      problem(where, 'series must be written name{labels}');
      continue;
    }
    const [, name, body] = m;
    const labels = Object.fromEntries([...body.matchAll(/(\w+)="([^"]*)"/g)].map(([, k, v]) => [k, v]));
    if (name === 'up') {
      if (!labels.job || Object.keys(labels).some((k) => !TARGET_LABELS.has(k)))
        problem(where, 'up carries target labels only, job included');
      continue;
    }
    if (recorded.has(name)) continue;
    const shape = shapes[name];
    if (!shape) {
      problem(where, `no scrape produced ${name} (scraped-series.json)`);
      continue;
    }
    const own = Object.keys(labels)
      .filter((k) => !TARGET_LABELS.has(k))
      .sort();
    if (JSON.stringify(own) !== JSON.stringify(shape.labels)) {
      problem(where, `labels {${own.join(',')}} but a scrape has {${shape.labels.join(',')}}`);
    }
    if (!shape.services.includes(labels.service)) {
      problem(where, `service="${labels.service ?? ''}" but ${name} comes from ${shape.services.join(', ')}`);
    }
  }
}

for (const p of problems) console.error(p);
console.log(
  `observability static checks: ${files.length} dashboards, ${alerts.length} alerts, ${problems.length} problem(s)`,
);
process.exit(problems.length ? 1 : 0);
