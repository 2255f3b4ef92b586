// Every way a sync ends failed, seen as the operator and the connection-service see it: the
// sync.failed event (reason code and message) and the appgov_syncs_total metric.
import { randomUUID } from 'node:crypto';
import { makeEvent } from '@appgov/contracts';
import t from 'tap';
import { Collector, type Env, publish, requestSync, setupEnv, startService } from './fixtures/harness.js';

const WINDOW_MS = 2000;
// Unique per run: the pacer's budget in the shared Redis is keyed by domain, and the storm closes it.
const STORM = `storm-${randomUUID().slice(0, 8)}.okta.com`;
const PLAIN = 'plain-failures.okta.com';

interface Failed {
  reasonCode: string;
  message: string;
}

async function failedMetric(service: Awaited<ReturnType<typeof startService>>, reason: string) {
  const body = (await service.app.inject({ url: '/metrics' })).body;
  const line = body
    .split('\n')
    .find((l) => l.startsWith('appgov_syncs_total{') && l.includes(`reason="${reason}"`));
  return Number(line?.split(' ').at(-1) ?? 0);
}

t.test('sync failure paths', async (t) => {
  const e: Env = await setupEnv(
    t,
    [
      { domain: STORM, seed: 41, size: 'tiny' },
      { domain: PLAIN, seed: 42, size: 'tiny' },
    ],
    WINDOW_MS,
  );
  const collector = await Collector.start(t, e);
  const service = await startService(t, e, {
    OKTA_RATE_WINDOW_MS: String(WINDOW_MS),
    OKTA_MAX_ATTEMPTS: '2',
    OKTA_MAX_RATE_LIMIT_WAIT_MS: '5000',
  });
  const failedWith = async (syncId: string): Promise<Failed> => {
    const end = await collector.waitForEnd(syncId, 90_000);
    t.equal(end.type, 'sync.failed', 'the sync failed');
    return end.data as Failed;
  };

  // Regression (found by this test): an unknown org answers the sync's first list call with E0000007,
  // which okta-client classified OKTA_NOT_FOUND, so the sync ended `internal (OKTA_NOT_FOUND)`.
  await t.test('org_not_found: a domain no Okta org answers for', async (t) => {
    const before = await failedMetric(service, 'org_not_found');
    const { syncId } = await requestSync(t, e, { domain: 'nobody-here.okta.com', token: 'x'.repeat(42) });
    const failed = await failedWith(syncId);
    t.same(
      { reasonCode: failed.reasonCode, message: failed.message },
      { reasonCode: 'org_not_found', message: 'The Okta org does not exist or does not answer' },
    );
    t.equal((await failedMetric(service, 'org_not_found')) - before, 1, 'counted once in appgov_syncs_total');
  });

  await t.test('rate_limited: 429s past the retry budget', async (t) => {
    const org = e.okta.sim.org(STORM);
    org.setFaults({ stormUntil: Date.now() + 10 * 60_000 });
    t.teardown(() => org.setFaults({}));
    const before = await failedMetric(service, 'rate_limited');
    const { syncId } = await requestSync(t, e, { domain: STORM, token: org.token });
    const failed = await failedWith(syncId);
    t.same(
      { reasonCode: failed.reasonCode, message: failed.message },
      { reasonCode: 'rate_limited', message: 'Okta kept answering 429 past the retry budget' },
    );
    t.equal((await failedMetric(service, 'rate_limited')) - before, 1, 'counted once in appgov_syncs_total');
  });

  await t.test('a credential missing from Vault', async (t) => {
    const before = await failedMetric(service, 'invalid_token');
    const syncId = randomUUID();
    const connectionId = randomUUID();
    await publish(t, e, [
      makeEvent('sync.requested', {
        source: '/test',
        tenantId: 'tenant-a',
        connectionId,
        data: { syncId, trigger: 'manual', domain: PLAIN },
      }),
    ]);
    const failed = await failedWith(syncId);
    t.same(
      { reasonCode: failed.reasonCode, message: failed.message },
      { reasonCode: 'invalid_token', message: 'No Okta credential is stored for this connection' },
    );
    t.equal((await failedMetric(service, 'invalid_token')) - before, 1, 'counted once in appgov_syncs_total');
    t.equal(e.okta.sim.org(PLAIN).requestCounts().total, 0, 'Okta was never called');
  });

  // Vault down or not answering no longer fails a sync `internal` at once: it pauses and resumes
  // (vault-outage.test.ts: a brief outage completes, one past the bound fails; vault-timeout-under-load.test.ts, issue 16).
});
