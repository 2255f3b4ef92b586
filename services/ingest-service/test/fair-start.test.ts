// Fair scheduling end to end (issue 16): a tenant with many due connections and a tenant with one,
// through Kafka, the consumer, the job runner and the claim query of one ingest replica with two
// slots. The quiet tenant's sync must start within one scheduling round of being recorded: at most
// one claim round (two slots) of the busy tenant's queued syncs may start between the two.
import { randomUUID } from 'node:crypto';
import { createDb } from '@appgov/db';
import { testEnv } from '@appgov/testing';
import t from 'tap';
import type { IngestDatabase } from '../src/domain/ingest.tables.js';
import { Collector, requestSync, setupEnv, startService } from './fixtures/harness.js';

const CONCURRENCY = 2;
const BUSY = 12;
const run = randomUUID().slice(0, 8);
const busyDomains = Array.from({ length: BUSY }, (_, i) => `fair-busy-${i}-${run}.okta.com`);
const quietDomain = `fair-quiet-${run}.okta.com`;

t.test("a tenant's many due syncs do not delay another tenant's one by more than a round", async (t) => {
  const e = await setupEnv(t, [
    // Each busy sync takes a few seconds (Okta answering slowly), so its queue stays long.
    ...busyDomains.map((domain, i) => ({
      domain,
      seed: 100 + i,
      size: 'tiny' as const,
      faults: { latencyMs: 150 },
    })),
    { domain: quietDomain, seed: 99, size: 'tiny' },
  ]);
  const collector = await Collector.start(t, e);
  await startService(t, e, { SYNC_CONCURRENCY: String(CONCURRENCY) });
  const busyTenant = `busy-${run}`;
  const quietTenant = `quiet-${run}`;
  for (const domain of busyDomains)
    await requestSync(t, e, { domain, token: e.okta.sim.org(domain).token, tenantId: busyTenant });
  const quiet = await requestSync(t, e, {
    domain: quietDomain,
    token: e.okta.sim.org(quietDomain).token,
    tenantId: quietTenant,
  });
  const end = await collector.waitForEnd(quiet.syncId, 120_000);
  t.equal(end.type, 'sync.completed', "the quiet tenant's sync completes");

  const db = createDb<IngestDatabase>({ connectionString: testEnv().DATABASE_URL, schema: e.schema });
  t.teardown(() => db.destroy());
  const jobs = await db
    .selectFrom('sync_jobs')
    .select(['sync_id', 'tenant_id', 'requested_at', 'started_at'])
    .execute();
  const q = jobs.find((j) => j.sync_id === quiet.syncId);
  if (!q?.started_at) throw new Error('the quiet job has no start');
  const recorded = q.requested_at.getTime();
  const started = q.started_at.getTime();
  const busy = jobs.filter((j) => j.tenant_id === busyTenant);
  // Without fairness these would all start before the quiet one (requested earlier, FIFO).
  const queuedAhead = busy.filter(
    (j) => j.requested_at.getTime() < recorded && (!j.started_at || j.started_at.getTime() > recorded),
  ).length;
  const overtook = busy.filter(
    (j) => j.started_at && j.started_at.getTime() > recorded && j.started_at.getTime() < started,
  ).length;
  t.comment(
    `busy syncs still queued when the quiet one was recorded: ${queuedAhead}; started before it: ${overtook}; ` +
      `quiet wait ${started - recorded} ms`,
  );
  t.ok(
    queuedAhead > CONCURRENCY,
    'the busy tenant had more than a round of syncs queued ahead (the test bites)',
  );
  t.ok(overtook <= CONCURRENCY, `at most one round (${CONCURRENCY} slots) of busy syncs started first`);
});
