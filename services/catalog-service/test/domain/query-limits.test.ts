import { createDb } from '@appgov/db';
import { testEnv } from '@appgov/testing';
import { sql } from 'kysely';
import t from 'tap';
import { withTenant } from '../../src/domain/catalog.repository.js';
import { setQueryTimeout } from '../../src/domain/query-limits.js';
import { startOfflineCatalog } from '../fixtures/offline-catalog.js';

t.test(
  'the catalog database has no statement timeout and no pool acquire timeout; ILIKE searches scan (finding 9)',
  async (t) => {
    const { service } = await startOfflineCatalog(t, 'catalog_limits');

    await t.test(
      'a query-API statement is cancelled at the timeout: 503 CATALOG_QUERY_TIMEOUT',
      async (t) => {
        setQueryTimeout(service.db, 200);
        t.teardown(() => setQueryTimeout(service.db, 5000));
        const started = performance.now();
        await t.rejects(
          withTenant(service.db, 'tenant-slow', (trx) => sql`select pg_sleep(3)`.execute(trx)),
          { code: 'CATALOG_QUERY_TIMEOUT' },
        );
        t.comment(`cancelled after ${Math.round(performance.now() - started)} ms`);
      },
    );

    await t.test('a saturated pool answers 503 CATALOG_BUSY instead of queueing without bound', async (t) => {
      const schema = (await sql<{ s: string }>`select current_schema() as s`.execute(service.db)).rows[0]!.s;
      const db = createDb<any>({
        connectionString: testEnv().DATABASE_URL,
        schema,
        max: 1,
        acquireTimeoutMs: 300,
      });
      t.teardown(() => db.destroy());
      setQueryTimeout(db, 5000);
      const holder = withTenant(db, 'tenant-slow', (trx) => sql`select pg_sleep(1.5)`.execute(trx));
      await new Promise((resolve) => setTimeout(resolve, 100));
      await t.rejects(
        withTenant(db, 'tenant-other', (trx) => sql`select 1`.execute(trx)),
        { code: 'CATALOG_BUSY' },
      );
      await holder;
    });

    await t.test('searches can use trigram indexes', async (t) => {
      const plan = await service.db.transaction().execute(async (trx) => {
        await sql`set local enable_seqscan = off`.execute(trx);
        const { rows } = await sql<{ 'QUERY PLAN': string }>`explain select id from apps a
        where a.label ilike '%acme%' or a.name ilike '%acme%'`.execute(trx);
        return rows.map((r) => r['QUERY PLAN']).join('\n');
      });
      t.match(plan, /apps_label_trgm_idx/, plan);
      t.match(plan, /apps_name_trgm_idx/, plan);
    });
  },
);
