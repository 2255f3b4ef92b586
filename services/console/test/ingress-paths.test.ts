import { existsSync, readdirSync, readFileSync } from 'node:fs';
import t from 'tap';

// The Helm chart's console Ingress routes a fixed list of paths (never /metrics, /readyz, /docs).
// A page the web app adds, or a file its build emits, must be in that list or it 404s in a cluster.
const root = new URL('../../', import.meta.url);
const chartPaths = (() => {
  const tpl = readFileSync(new URL('../../helm/appgov/templates/console/_public-paths.tpl', root), 'utf8');
  const fixed = [...tpl.matchAll(/path: (\/[a-z-]*), pathType/g)].map((m) => m[1] as string);
  const pages = /range list ((?:"[a-z-]+" ?)+)/.exec(tpl)?.[1] ?? '';
  return new Set([...fixed, ...[...pages.matchAll(/"([a-z-]+)"/g)].map((m) => `/${m[1]}`)]);
})();

t.test('the chart routes the BFF entry points and no operational endpoint', async (t) => {
  for (const p of ['/', '/api', '/auth', '/assets']) t.ok(chartPaths.has(p), p);
  for (const p of ['/metrics', '/readyz', '/livez', '/healthz', '/docs']) t.notOk(chartPaths.has(p), p);
});

t.test("every page of the web app's router is under a routed prefix", async (t) => {
  const app = readFileSync(new URL('web/src/app/App.tsx', root), 'utf8');
  const pages = new Set([...app.matchAll(/'(\/[a-z-]+)[/']/g)].map((m) => m[1] as string));
  t.ok(pages.size >= 8, `found ${[...pages].join(' ')}`);
  for (const page of pages) t.ok(chartPaths.has(page), `${page} is routed by the chart`);
});

t.test('every top-level entry of the built web app is routed', async (t) => {
  const dist = new URL('web/dist/', root);
  t.ok(existsSync(dist), 'web/dist is built (make build builds it)');
  for (const entry of readdirSync(dist)) {
    if (entry === 'index.html') continue; // served at / (Exact) and on every page
    t.ok(chartPaths.has(`/${entry}`), `/${entry}`);
  }
});
