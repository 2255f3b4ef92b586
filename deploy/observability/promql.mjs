// Every PromQL expression of the dashboards and alert rules, for the checks that run them against a
// real Prometheus (test/e2e/test/observability.test.ts) and the static checks.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const here = dirname(fileURLToPath(import.meta.url));

/** Grafana variables as a query against one Prometheus sees them: every value, a 1m rate window. */
export const VARIABLE_VALUES = {
  __rate_interval: '1m',
  __interval: '15s',
  __range: '1h',
  namespace: '.*',
  service: '.*',
  instance: '.*',
};

export function substituteVariables(expr) {
  return expr.replace(/\$\{?(\w+)\}?/g, (all, name) => VARIABLE_VALUES[name] ?? all);
}

/** [{ dashboard, panel, refId, expr }] with Grafana variables substituted. */
export function dashboardQueries(dir = join(here, 'dashboards')) {
  const out = [];
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    const d = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    for (const p of d.panels ?? []) {
      for (const t of p.targets ?? []) {
        if (t.expr)
          out.push({ dashboard: file, panel: p.title, refId: t.refId, expr: substituteVariables(t.expr) });
      }
    }
    for (const v of d.templating?.list ?? []) {
      const def = v.type === 'query' ? v.definition : undefined;
      const m = def && /^label_values\((.+),\s*\w+\)$/.exec(def);
      if (m)
        out.push({
          dashboard: file,
          panel: `variable ${v.name}`,
          refId: 'var',
          expr: substituteVariables(m[1]),
        });
    }
  }
  return out;
}

/** The rule groups of alerts.yaml. */
export function ruleGroups(file = join(here, 'alerts.yaml')) {
  return parse(readFileSync(file, 'utf8')).groups;
}

/** [{ alert, expr, labels, annotations }] of every alerting rule. */
export function alertRules(file) {
  return ruleGroups(file).flatMap((g) =>
    g.rules.filter((r) => r.alert).map((r) => ({ group: g.name, ...r })),
  );
}

/** [{ record, expr }] of every recording rule. */
export function recordingRules(file) {
  return ruleGroups(file).flatMap((g) => g.rules.filter((r) => r.record));
}

// Series names the services, Prometheus itself or our recording rules produce; other identifiers in
// an expression are functions, keywords, label names or durations.
const SERIES = /(?<![\w:"])((?:appgov_|appgov:|process_|nodejs_)[a-zA-Z0-9_:]*|up)(?![\w:(])\s*(\{[^}]*\})?/g;

/** The vector selectors of an expression, with their label matchers (`name{a="b"}`), deduplicated. */
export function selectorsOf(expr) {
  const found = new Set();
  // Blank out string literals outside selectors (label_replace arguments) so their words do not
  // match; selectors, with their quoted values, are kept as they are.
  let code = '';
  let depth = 0;
  let quoted = false;
  for (const ch of expr) {
    if (ch === '"' && depth === 0) quoted = !quoted;
    else if (!quoted && ch === '{') depth++;
    else if (!quoted && ch === '}') depth--;
    code += quoted && depth === 0 && ch !== '"' ? ' ' : ch;
  }
  for (const m of code.matchAll(SERIES)) found.add(`${m[1]}${(m[2] ?? '').replace(/\s+/g, '')}`);
  return [...found];
}
