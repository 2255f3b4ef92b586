// Web console benchmark (SPEC U5): the first load's compressed JavaScript (target under 300 KB) and
// the time until the apps table of a 1,000-app org is interactive in Chromium.
// `node test/bench/dist/src/console-load.js [--apps 1000] [--runs 5]` (needs `make build` and the
// local infrastructure; starts its own services, OpenID provider and Okta simulator).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { launchChromium, SignInPage, startBrowserStack } from '@appgov/browser-tests';
import { repoRoot } from '@appgov/e2e';
import { DEMO_PASSWORD } from '@appgov/oidc-provider';
import { waitFor } from '@appgov/testing';

const { values } = parseArgs({
  options: { apps: { type: 'string', default: '1000' }, runs: { type: 'string', default: '5' } },
});
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

/** The scripts index.html loads (the entry and what it preloads), raw, gzip and brotli. */
function firstLoadSize() {
  const dist = join(repoRoot, 'services/console/web/dist');
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const scripts = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]!);
  let raw = 0;
  let gzip = 0;
  let brotli = 0;
  for (const file of scripts) {
    const buf = readFileSync(join(dist, file));
    raw += buf.length;
    gzip += gzipSync(buf, { level: 9 }).length;
    brotli += brotliCompressSync(buf).length;
  }
  const allJs = readdirSync(join(dist, 'assets')).filter((f) => f.endsWith('.js')).length;
  return { scripts: scripts.length, allJs, raw, gzip, brotli };
}

const size = firstLoadSize();
console.log(
  `first load: ${size.scripts} script(s) of ${size.allJs} built; ${kb(size.raw)} raw, ${kb(size.gzip)} gzip, ${kb(size.brotli)} brotli (target < 300 KB compressed)`,
);

const teardowns: (() => unknown)[] = [];
// Interrupted (Ctrl-C, timeout): stop the processes and drop the topics and schemas anyway.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, async () => {
    for (const fn of teardowns.reverse()) await fn();
    process.exit(130);
  });
}
const apps = Number(values.apps);
const domain = `bench${Date.now().toString(36)}.okta.com`;
try {
  const stack = await startBrowserStack({ teardown: (fn) => teardowns.push(fn) }, [
    // Okta's pacing is not what this measures: generous limits make the sync take seconds, not minutes.
    {
      domain,
      seed: 5,
      counts: { apps, users: 500, groups: 50 },
      rateLimits: {
        limits: { apps: 100_000, groups: 100_000, users: 100_000, logs: 100_000, other: 100_000 },
      },
    },
  ]);
  const browser = await launchChromium();
  teardowns.push(() => browser.close());
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await new SignInPage(page).signIn(stack.consoleUrl, 'admin@demo.example', DEMO_PASSWORD);
  const api = `${stack.consoleUrl}/api/connection/v1/integrations/okta/connections`;
  const csrf = (await (await page.request.get(`${stack.consoleUrl}/api/me`)).json()).csrfToken as string;
  const created = await page.request.post(api, {
    headers: { 'x-csrf-token': csrf, origin: stack.consoleUrl },
    data: { domain, apiToken: stack.okta.sim.org(domain).token },
  });
  if (created.status() !== 201) throw new Error(`connect: ${created.status()} ${await created.text()}`);
  const t0 = performance.now();
  await waitFor(
    async () =>
      (await (await page.request.get(api)).json()).items[0]?.status === 'success' ? true : undefined,
    { timeoutMs: 600_000, intervalMs: 500, description: 'the first sync applied' },
  );
  console.log(`org of ${apps} apps synced and applied in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const times: number[] = [];
  for (let run = 0; run < Number(values.runs); run++) {
    const fresh = await context.newPage();
    const start = performance.now();
    await fresh.goto(`${stack.consoleUrl}/apps`);
    // Interactive: the first app link of the table is visible and takes a click (Playwright checks it is
    // visible, stable, enabled and receives events).
    const first = fresh.getByRole('table', { name: 'Apps' }).getByRole('link').first();
    await first.click({ trial: true });
    times.push(performance.now() - start);
    const rows = await fresh.getByRole('table', { name: 'Apps' }).getByRole('link').count();
    if (run === 0) console.log(`apps table: ${rows} rows on the first page (server-side cursor pagination)`);
    await fresh.close();
  }
  times.sort((a, b) => a - b);
  console.log(
    `apps table of a ${apps}-app org interactive after: median ${times[Math.floor(times.length / 2)]!.toFixed(0)} ms, ` +
      `min ${times[0]!.toFixed(0)} ms, max ${times[times.length - 1]!.toFixed(0)} ms (${times.length} cold page loads)`,
  );
} finally {
  for (const fn of teardowns.reverse()) await fn();
}
process.exit(0);
