#!/usr/bin/env node
// Static checks of the dashboards and alert rules that promtool and Grafana do not make:
// - every dashboard parses, has schemaVersion 39, a unique uid, the Prometheus `datasource`
//   variable, and every panel/target queries through ${datasource};
// - panels do not overlap on the grid.
// Whether each query finds the metrics it names is proven against a real Prometheus scraping a real
// run (test/e2e/test/observability.test.ts), not against a list kept here by hand.
// Prints one line per finding; exit code 1 when there is any.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

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
    if (!p.targets?.length) problem(pw, 'no queries');
    for (const t of p.targets ?? []) {
      if (t.datasource?.uid !== DS) problem(pw, `target ${t.refId} datasource is not ${DS}`);
      if (!t.expr?.trim()) problem(pw, `target ${t.refId} has no expr`);
    }
  }
}

for (const p of problems) console.error(p);
console.log(`observability static checks: ${files.length} dashboards, ${problems.length} problem(s)`);
process.exit(problems.length ? 1 : 0);
