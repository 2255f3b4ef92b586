// Regression (issue 16): under heavy CPU load the multi-tenant bench's syncs ended `internal` by the
// dozen. The cause: a Vault read that does not answer within the secrets client's 5 s timeout
// becomes VAULT_UNAVAILABLE, an AppError, which the job runner did not count as a dependency outage,
// so failureOf ended the sync `internal` at once. A sync now pauses on it and resumes from its
// checkpoint once Vault answers, as it does for Kafka, Postgres and Redis.
import { randomUUID } from 'node:crypto';
import { connect, createServer, type Socket } from 'node:net';
import { createDb } from '@appgov/db';
import { testEnv, waitFor } from '@appgov/testing';
import t, { type Test } from 'tap';
import type { IngestDatabase } from '../src/domain/ingest.tables.js';
import { insertJob } from '../src/domain/sync-job.repository.js';
import { Collector, requestSync, setupEnv, startService } from './fixtures/harness.js';

const DOMAIN = `vault-slow-${randomUUID().slice(0, 8)}.okta.com`;

/** A TCP proxy in front of Vault that accepts and never answers (a starved Vault), until told to forward. */
async function hangingProxy(t: Test, target: URL) {
  let hang = true;
  let hung = 0;
  const sockets = new Set<Socket>();
  const track = (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => s.destroy());
  };
  const server = createServer((client) => {
    track(client);
    if (hang) {
      hung++;
      return; // accepted, never answered: the Vault client's own timeout ends the call
    }
    const upstream = connect(Number(target.port), target.hostname, () => client.pipe(upstream).pipe(client));
    track(upstream);
    upstream.on('close', () => client.destroy());
    client.on('close', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    get hung() {
      return hung;
    },
    hang() {
      hang = true;
      // Kept-alive connections would still forward: close them, so the next call meets the hang.
      for (const s of sockets) s.destroy();
    },
    answer() {
      hang = false;
      // Connections accepted while hanging stay silent; closing them makes the client retry on new ones.
      for (const s of sockets) s.destroy();
    },
  };
}

async function internalFailures(service: Awaited<ReturnType<typeof startService>>): Promise<number> {
  const body = (await service.app.inject({ url: '/metrics' })).body;
  const line = body
    .split('\n')
    .find((l) => l.startsWith('appgov_syncs_total{') && l.includes('reason="internal"'));
  return Number(line?.split(' ').at(-1) ?? 0);
}

t.test('a Vault read timing out pauses the sync, never ends it internal', async (t) => {
  const e = await setupEnv(t, [{ domain: DOMAIN, seed: 16, size: 'tiny' }]);
  const collector = await Collector.start(t, e);
  const proxy = await hangingProxy(t, new URL(e.vault.url));
  // A short lease, so that a paused sync (no heartbeat) is resumed within seconds.
  const service = await startService(t, e, { VAULT_ADDR: proxy.url, SYNC_LEASE_TTL_MS: '1500' });
  const org = e.okta.sim.org(DOMAIN);
  const { syncId } = await requestSync(t, e, { domain: DOMAIN, token: org.token });

  await waitFor(() => e.logs.some((l) => l.includes(syncId) && l.includes('sync paused')), {
    timeoutMs: 60_000,
    description: 'the sync pauses on the Vault timeout',
  });
  t.ok(proxy.hung > 0, `Vault was asked and did not answer (${proxy.hung} connections hung)`);
  t.same(collector.of(syncId, 'sync.failed'), [], 'no sync.failed while Vault does not answer');
  t.equal(await internalFailures(service), 0, 'no internal failure counted');
  t.equal(org.requestCounts().total, 0, 'Okta is not called without a credential');

  proxy.answer();
  const end = await collector.waitForEnd(syncId, 90_000);
  t.equal(end.type, 'sync.completed', 'the sync resumes and completes once Vault answers');
  t.same(collector.of(syncId, 'sync.failed'), [], 'and never failed');
  t.equal(await internalFailures(service), 0);

  // The outage budget counted attempts, and attempts also grow when a starved replica loses its
  // lease and another resumes the sync: such a sync ended `internal` on its first outage.
  await t.test('a sync resumed many times (lease losses) still pauses on an outage', async (t) => {
    const db = createDb<IngestDatabase>({ connectionString: testEnv().DATABASE_URL, schema: e.schema });
    t.teardown(() => db.destroy());
    proxy.hang();
    const resumedId = randomUUID();
    const connectionId = randomUUID();
    await e.store.putOktaToken('tenant-a', connectionId, org.token);
    await db.transaction().execute(async (trx) => {
      await insertJob(trx, {
        syncId: resumedId,
        connectionId,
        tenantId: 'tenant-a',
        domain: DOMAIN,
        trigger: 'schedule',
      });
      // Twelve earlier claims, none of them ended by an outage.
      await trx.updateTable('sync_jobs').set({ attempts: 12 }).where('sync_id', '=', resumedId).execute();
    });
    await waitFor(() => e.logs.some((l) => l.includes(resumedId) && l.includes('sync paused')), {
      timeoutMs: 60_000,
      description: 'the resumed sync pauses on the Vault timeout',
    });
    t.same(collector.of(resumedId, 'sync.failed'), [], 'no sync.failed');
    proxy.answer();
    await waitFor(
      async () => {
        const row = await db
          .selectFrom('sync_jobs')
          .select(['state', 'reason_code', 'outage_pauses'])
          .where('sync_id', '=', resumedId)
          .executeTakeFirst();
        return row && row.state !== 'running' && row.state !== 'queued' ? row : undefined;
      },
      { timeoutMs: 90_000, description: 'the resumed sync ends' },
    ).then((row) => {
      t.equal(row.state, 'done', 'it completes once Vault answers');
      t.equal(row.reason_code, null);
      t.ok(row.outage_pauses >= 1, `its pauses are counted (${row.outage_pauses})`);
    });
    t.equal(await internalFailures(service), 0, 'no internal failure counted');
  });
});
