// Fair scheduling between tenants (issue 16): a tenant with many due connections cannot starve a
// tenant with one, and long syncs move out of the ordinary slots.
import { randomUUID } from 'node:crypto';
import { createDb, migrateToLatest } from '@appgov/db';
import { freshSchema, testEnv } from '@appgov/testing';
import { sql } from 'kysely';
import t from 'tap';
import type { IngestDatabase } from '../src/domain/ingest.tables.js';
import { insertJob, lockClaimable as lockClaimableFairly } from '../src/domain/sync-job.repository.js';
import { freeSlots } from '../src/domain/sync-slots.js';
import { ingestMigrations } from '../src/migrations/index.js';

const busyTenant = randomUUID();
const quietTenant = randomUUID();

t.test('fair claims against Postgres', async (t) => {
  const schema = await freshSchema(t, 'ingest_fair');
  const db = createDb<IngestDatabase>({ connectionString: testEnv().DATABASE_URL, schema });
  t.teardown(() => db.destroy());
  await migrateToLatest(db, ingestMigrations, schema);

  // The busy tenant's 30 connections became due first; the quiet tenant's one a moment later.
  const busyJobs: string[] = [];
  for (let i = 0; i < 30; i++) {
    const syncId = randomUUID();
    busyJobs.push(syncId);
    await db.transaction().execute((trx) =>
      insertJob(trx, {
        syncId,
        connectionId: randomUUID(),
        tenantId: busyTenant,
        domain: `busy-${i}.okta.com`,
        trigger: 'schedule',
      }),
    );
  }
  const quietJob = randomUUID();
  await db.transaction().execute((trx) =>
    insertJob(trx, {
      syncId: quietJob,
      connectionId: randomUUID(),
      tenantId: quietTenant,
      domain: 'quiet.okta.com',
      trigger: 'schedule',
    }),
  );

  await t.test("one round with two free slots takes the quiet tenant's job", async (t) => {
    const claimed = await db.transaction().execute((trx) => lockClaimableFairly(trx, 2, 30_000, []));
    t.same(
      claimed.map((j) => j.tenantId),
      [busyTenant, quietTenant],
      'the first of each tenant, in request order',
    );
    t.ok(
      claimed.some((j) => j.syncId === quietJob),
      'the quiet tenant starts within the first round',
    );
    t.equal(
      claimed.find((j) => j.tenantId === busyTenant)?.syncId,
      busyJobs[0],
      'a tenant keeps its own order',
    );
  });

  await t.test('a tenant with syncs running on any replica yields to one with none', async (t) => {
    // Five of the busy tenant's syncs run elsewhere (fresh heartbeats).
    await db
      .updateTable('sync_jobs')
      .set({ state: 'running', worker_id: 'other-replica', heartbeat_at: sql`now()` })
      .where('sync_id', 'in', busyJobs.slice(0, 5))
      .execute();
    const claimed = await db.transaction().execute((trx) => lockClaimableFairly(trx, 1, 30_000, []));
    t.equal(claimed[0]?.syncId, quietJob, "one free slot: the quiet tenant's job");
  });

  await t.test('replicas claiming at once never take the same job', async (t) => {
    const a = db.transaction().execute(async (trx) => {
      const jobs = await lockClaimableFairly(trx, 10, 30_000, []);
      await new Promise((r) => setTimeout(r, 200)); // hold the locks while b claims
      return jobs;
    });
    await new Promise((r) => setTimeout(r, 50));
    const b = db.transaction().execute((trx) => lockClaimableFairly(trx, 10, 30_000, []));
    const [ja, jb] = await Promise.all([a, b]);
    const ids = [...ja, ...jb].map((j) => j.syncId);
    t.equal(new Set(ids).size, ids.length, `no job twice (${ja.length} + ${jb.length})`);
  });

  await t.test('a stale running job is claimable again (its worker died)', async (t) => {
    await db
      .updateTable('sync_jobs')
      .set({ heartbeat_at: sql`now() - interval '1 hour'` })
      .where('sync_id', '=', busyJobs[0] as string)
      .execute();
    const claimed = await db.transaction().execute((trx) => lockClaimableFairly(trx, 100, 30_000, []));
    t.ok(claimed.some((j) => j.syncId === busyJobs[0]));
    t.notOk(
      claimed.some((j) => busyJobs.slice(1, 5).includes(j.syncId)),
      'jobs running with fresh heartbeats are not',
    );
  });
});

t.test('long syncs move out of the ordinary slots', async (t) => {
  const policy = { concurrency: 4, longAfterMs: 1000, longSlots: 2 };
  t.equal(freeSlots(policy, [], 0), 4);
  t.equal(freeSlots(policy, [0, 0, 0, 0], 500), 0, 'four ordinary syncs fill the slots');
  t.equal(freeSlots(policy, [0, 0, 900, 900], 1500), 2, 'two long ones free their slots');
  t.equal(freeSlots(policy, [0, 0, 0, 900], 1500), 2, 'a third long one takes an ordinary slot again');
  t.equal(freeSlots(policy, [0, 0, 0, 0, 0, 0], 1500), 0, 'six long ones: the pool and every ordinary slot');
});
