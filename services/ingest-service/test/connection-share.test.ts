// A connection's own rate-limit share (issue 16), end to end in ingest: the share carried by
// sync.requested bounds the sync's calls in every window of Okta's apps bucket, counted by the
// simulator (the okta-client test proves the pacer rule across replicas; this proves ingest applies
// the job's share to the sync it runs).
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { makeEvent } from '@appgov/contracts';
import t from 'tap';
import { Collector, publish, setupEnv, startService } from './fixtures/harness.js';

const WINDOW_MS = 1500;
const DOMAIN = `share-${randomUUID().slice(0, 8)}.okta.com`;
const APPS_LIMIT = 100; // org-wide; Okta's default per-token ceiling gives the token 50
const SHARE = 0.1; // the connection's share of the org-wide limit: 10 calls per window

t.test("the connection's share bounds its calls in every window", async (t) => {
  const e = await setupEnv(
    t,
    [
      {
        domain: DOMAIN,
        seed: 7,
        counts: { users: 20, groups: 4, apps: 30 },
        rateLimits: { limits: { apps: APPS_LIMIT } },
      },
    ],
    WINDOW_MS,
  );
  const perWindow = new Map<string, number>();
  let rateLimited = 0;
  e.okta.server.on('request', (req, res: ServerResponse) => {
    if (!req.url?.startsWith('/api/v1/apps')) return;
    res.on('finish', () => {
      if (res.statusCode === 429) rateLimited++;
      const reset = String(res.getHeader('x-rate-limit-reset'));
      perWindow.set(reset, (perWindow.get(reset) ?? 0) + 1);
    });
  });
  const collector = await Collector.start(t, e);
  await startService(t, e, { OKTA_RATE_WINDOW_MS: String(WINDOW_MS) });
  const org = e.okta.sim.org(DOMAIN);
  const connectionId = randomUUID();
  await e.store.putOktaToken('tenant-a', connectionId, org.token);
  const syncId = randomUUID();
  await publish(t, e, [
    makeEvent('sync.requested', {
      source: '/test',
      tenantId: 'tenant-a',
      connectionId,
      data: { syncId, trigger: 'manual', domain: DOMAIN, rateLimitShare: SHARE },
    }),
  ]);
  const end = await collector.waitForEnd(syncId, 120_000);
  t.equal(end.type, 'sync.completed', 'the sync completes at its share');
  const counts = [...perWindow.values()];
  const calls = counts.reduce((a, b) => a + b, 0);
  const cap = Math.floor(SHARE * APPS_LIMIT);
  t.comment(`apps-bucket calls per window: ${counts.join(', ')} (${calls} in all, share ${cap} per window)`);
  t.ok(calls > 2 * cap, `enough apps calls (${calls}) that the share must spread them over windows`);
  t.ok(Math.max(...counts) <= cap, `never more than the share (${cap}) in a window`);
  t.equal(rateLimited, 0, 'no 429');
});
