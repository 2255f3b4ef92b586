// The pacing rule against Okta's per-token ceiling (ceiling.ts): the unit rule, then the real
// client against the simulator with its default per-token ceiling, alone and across two replicas
// sharing Redis with a connection's lower share.
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { startOktaSimulator } from '@appgov/okta-simulator';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import t, { type Test } from 'tap';
import {
  acquireDecision,
  callsPerWindow,
  createOktaClientFactory,
  emptyBudget,
  isTokenCeiling,
  type OktaClientFactoryOptions,
  observeDecision,
  testResolver,
} from '../src/index.js';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:56379';

t.test('which ceiling a limit is, and the calls per window it allows', async (t) => {
  t.equal(isTokenCeiling('apps', 50), true, "50 on apps is no org-wide limit Okta publishes: the token's");
  t.equal(isTokenCeiling('apps', 100), false, 'a published org-wide value is read as org-wide');
  t.equal(isTokenCeiling('apps', 20), false, 'integrator-free apps, org-wide');
  t.equal(isTokenCeiling('other', 600), true);
  t.equal(isTokenCeiling('apps', 100, 'token'), true, 'configuration overrides the guess');
  t.equal(isTokenCeiling('apps', 50, 'org'), false);
  const p = { share: 0.5, tokenMargin: 0.05, tokenPercent: 0.5 };
  t.equal(callsPerWindow(100, false, p), 50, 'org-wide: our share of it');
  t.equal(callsPerWindow(50, true, p), 48, "the token's ceiling less the margin, not half of it again");
  t.equal(callsPerWindow(600, true, p), 570);
  t.equal(callsPerWindow(2, true, p), 2, 'no margin below one call');
  t.equal(
    callsPerWindow(50, true, { ...p, share: 0.2 }),
    20,
    "a lower share caps at that share of the org's 100",
  );
  t.equal(callsPerWindow(50, true, { ...p, share: 0.29 }), 29, 'no call lost to rounding');
  t.equal(
    callsPerWindow(50, true, { ...p, share: 1 }),
    48,
    'a share above the ceiling is held to the ceiling',
  );
  t.equal(callsPerWindow(1, true, { ...p, share: 0.01 }), 1, 'at least one call');
});

t.test('budget decision at a per-token ceiling', async (t) => {
  const p = { share: 0.5, spreadBelow: 0.25, probeIntervalMs: 2000, windowMs: 60_000 };
  const s = emptyBudget();
  acquireDecision(s, 0, p);
  observeDecision(s, 10, 50, 49, 60_000, 60, true);
  let granted = 1;
  for (let now = 10; now < 60_000; ) {
    const w = acquireDecision(s, now, p);
    if (w === 0) granted++;
    else now += Math.min(w, 1000);
  }
  t.equal(granted, 48, 'one window grants the ceiling less the margin');
});

interface Counted {
  /** Calls per token window, keyed by the window's X-Rate-Limit-Reset. */
  windows: Map<string, number>;
  rateLimited: number;
}

/** A simulator with per-token ceiling on (its default) and a small apps bucket; counts per window. */
async function simulatorWithSmallApps(t: Test, apps: number, windowMs: number) {
  const domain = `ceiling-${randomUUID().slice(0, 8)}.okta.com`;
  const sim = await startOktaSimulator({
    windowMs,
    orgs: [{ domain, size: 'tiny', seed: 3, rateLimits: { limits: { apps } } }],
  });
  t.teardown(() => sim.close());
  const counted: Counted = { windows: new Map(), rateLimited: 0 };
  sim.server.on('request', (req, res: ServerResponse) => {
    if (!req.url?.startsWith('/api/v1/apps')) return;
    res.on('finish', () => {
      if (res.statusCode === 429) counted.rateLimited++;
      else {
        const reset = String(res.getHeader('x-rate-limit-reset'));
        counted.windows.set(reset, (counted.windows.get(reset) ?? 0) + 1);
      }
    });
  });
  return { sim, domain, org: sim.sim.org(domain), counted };
}

function factoryFor(t: Test, port: number, extra: Partial<OktaClientFactoryOptions> = {}) {
  const factory = createOktaClientFactory({
    resolver: testResolver({ port }),
    allowInsecureForTests: true,
    registry: new Registry(),
    ...extra,
  });
  t.teardown(() => factory.close());
  return factory;
}

t.test('the client uses the full per-token ceiling the headers report, not half of it', async (t) => {
  // apps 60 org-wide; Okta's default ceiling gives the token 30; Appgov may use 29 per window.
  const { sim, domain, org, counted } = await simulatorWithSmallApps(t, 60, 4000);
  const client = factoryFor(t, sim.port).forOrg(domain, { type: 'ssws', token: org.token });
  const apps = org.store.apps.map((a) => a.id);
  await Promise.all(
    Array.from({ length: 65 }, (_, i) => client.listAppGrants(apps[i % apps.length] as string)),
  );
  const per = [...counted.windows.values()];
  t.comment(`apps calls per token window: ${per.join(', ')}`);
  t.equal(counted.rateLimited, 0, 'no 429');
  t.ok(Math.max(...per) <= 29, 'never more than the ceiling less the margin');
  t.ok(Math.max(...per) > 15, 'more than half the ceiling: our share is not applied to it again');
});

t.test("a connection's lower share holds across two replicas sharing Redis", async (t) => {
  // apps 60 org-wide, the token's ceiling 30; the connection's share 0.1 of the org: 6 per window.
  const { sim, domain, org, counted } = await simulatorWithSmallApps(t, 60, 3000);
  const prefix = `test-ceiling-${randomUUID()}`;
  const r1 = new Redis(redisUrl);
  const r2 = new Redis(redisUrl);
  t.teardown(async () => {
    const keys = await r1.keys(`${prefix}:*`);
    if (keys.length) await r1.del(...keys);
    r1.disconnect();
    r2.disconnect();
  });
  const a = factoryFor(t, sim.port, { redis: r1, redisKeyPrefix: prefix });
  const b = factoryFor(t, sim.port, { redis: r2, redisKeyPrefix: prefix });
  const credential = { type: 'ssws' as const, token: org.token };
  const ca = a.forOrg(domain, credential, { share: 0.1 });
  const cb = b.forOrg(domain, credential, { share: 0.1 });
  const apps = org.store.apps.map((x) => x.id);
  await Promise.all([
    ...Array.from({ length: 10 }, (_, i) => ca.listAppGrants(apps[i % apps.length] as string)),
    ...Array.from({ length: 10 }, (_, i) => cb.listAppGrants(apps[(i + 3) % apps.length] as string)),
  ]);
  const per = [...counted.windows.values()];
  t.comment(`apps calls per token window, both replicas: ${per.join(', ')}`);
  t.equal(counted.rateLimited, 0, 'no 429');
  t.ok(Math.max(...per) <= 6, "calls per window never exceed the connection's share (6)");
  t.equal(
    per.reduce((x, y) => x + y, 0),
    20,
    'every call made',
  );
});
