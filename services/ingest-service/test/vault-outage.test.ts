// Vault down during a sync (SPEC §11 reliability, I7): like Kafka, Postgres and Redis, an unreachable
// Vault is a dependency outage, not the sync's fault. The sync pauses and is retried from its
// checkpoint each time its heartbeat goes stale; only an outage that outlasts the retry bound fails
// it, as `internal` ("The sync failed (VAULT_UNAVAILABLE)"). Regression: a Vault blip used to fail
// the sync at once, and the admin saw an error until the next scheduled sync, hours later.
import { randomUUID } from 'node:crypto';
import { makeEvent } from '@appgov/contracts';
import { waitFor } from '@appgov/testing';
import t from 'tap';
import { Collector, type Env, publish, setupEnv, startService } from './fixtures/harness.js';

const DOMAIN = 'vault-outage.okta.com';
// The shortest lease, so each retry comes half a second after the last (the bound is 10 attempts).
const LEASE_TTL_MS = '500';

t.test('Vault down during a sync', async (t) => {
  const e: Env = await setupEnv(t, [{ domain: DOMAIN, seed: 43, size: 'tiny' }], 2000);
  const collector = await Collector.start(t, e);
  const service = await startService(t, e, { SYNC_LEASE_TTL_MS: LEASE_TTL_MS, OKTA_RATE_WINDOW_MS: '2000' });
  const org = e.okta.sim.org(DOMAIN);
  const metric = async (name: string, ...labels: string[]) => {
    const body = (await service.app.inject({ url: '/metrics' })).body;
    const line = body.split('\n').find((l) => l.startsWith(`${name}{`) && labels.every((x) => l.includes(x)));
    return Number(line?.split(' ').at(-1) ?? 0);
  };
  // Each credential read that met the outage (the store's own retries included) counts once here.
  const credentialReads = () => metric('appgov_vault_errors_total', 'code="VAULT_UNAVAILABLE"');
  const startSync = async () => {
    const connectionId = randomUUID();
    const syncId = randomUUID();
    await e.vault.sim.setUnavailable(false);
    await e.store.putOktaToken('tenant-a', connectionId, org.token);
    await e.vault.sim.setUnavailable('refused');
    const readsBefore = await credentialReads();
    await publish(t, e, [
      makeEvent('sync.requested', {
        source: '/test',
        tenantId: 'tenant-a',
        connectionId,
        data: { syncId, trigger: 'manual', domain: DOMAIN },
      }),
    ]);
    return { syncId, readsBefore };
  };
  t.teardown(() => e.vault.sim.setUnavailable(false));
  const syncsTotal = (outcome: string, reason: string) =>
    metric('appgov_syncs_total', `outcome="${outcome}"`, `reason="${reason}"`);

  await t.test('Vault down briefly: the sync waits for it and completes', async (t) => {
    org.resetRequestCounts();
    const { syncId, readsBefore } = await startSync();
    // Observable retries: the runner asked Vault again after the first refusal.
    await waitFor(async () => (await credentialReads()) >= readsBefore + 2, {
      timeoutMs: 30_000,
      description: 'a second credential read after Vault refused the first',
    });
    t.equal(
      collector.of(syncId).filter((ev) => ev.type === 'sync.failed').length,
      0,
      'not failed while Vault is down',
    );
    t.equal(org.requestCounts().total, 0, 'Okta not called without a credential');
    await e.vault.sim.setUnavailable(false);
    const end = await collector.waitForEnd(syncId, 90_000);
    t.equal(end.type, 'sync.completed', 'the same sync completed once Vault was back');
    t.ok(
      e.logs.some((l) => l.includes(syncId) && l.includes('sync paused')),
      'the pause is logged for the operator',
    );
  });

  await t.test(
    'Vault down past the retry bound: the sync fails as internal (VAULT_UNAVAILABLE)',
    async (t) => {
      org.resetRequestCounts();
      const before = await syncsTotal('failed', 'internal');
      const { syncId, readsBefore } = await startSync();
      const end = await collector.waitForEnd(syncId, 120_000);
      t.equal(end.type, 'sync.failed', 'the sync failed');
      t.same(
        {
          reasonCode: (end.data as { reasonCode: string }).reasonCode,
          message: (end.data as { message: string }).message,
        },
        { reasonCode: 'internal', message: 'The sync failed (VAULT_UNAVAILABLE)' },
        'naming Vault, and no secret or address',
      );
      const reads = (await credentialReads()) - readsBefore;
      t.ok(reads >= 10, `retried before failing: ${reads} credential reads met the outage`);
      t.equal((await syncsTotal('failed', 'internal')) - before, 1, 'counted once in appgov_syncs_total');
      t.equal(org.requestCounts().total, 0, 'Okta was never called without a credential');
    },
  );
});
