// analyze_catalog_tables analyzes only what a transaction changed a lot: an ANALYZE in every apply of
// tables with millions of rows held their SHARE UPDATE EXCLUSIVE lock to commit, so four catalog
// replicas' applies queued behind one another (issue 16, 4 replicas at real windows: lag p95 248 s,
// members dropped from the consumer group) and autovacuum logged "lock not available" all along.
import { createDb, migrateToLatest } from '@appgov/db';
import { testEnv, uniqueName } from '@appgov/testing';
import pg from 'pg';
import t from 'tap';
import { catalogMigrations } from '../../src/migrations/index.js';

t.test('a table is analyzed when never analyzed or changed by more than 50 + 10% of its rows', async (t) => {
  const schema = uniqueName('catalog_an');
  const db = createDb<any>({ connectionString: testEnv().DATABASE_URL, schema, max: 1 });
  await migrateToLatest(db, catalogMigrations, schema);
  await db.destroy();
  const url = testEnv().DATABASE_URL;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  t.teardown(async () => {
    await admin.query(`drop schema if exists "${schema}" cascade`);
    await admin.end();
  });
  let next = 0;
  /**
   * One transaction that adds `n` role assignments and asks for the table's statistics. A session
   * of its own each time: a backend's per-transaction counters (pg_stat_get_xact_*) also hold its
   * earlier transactions' counts until it flushes them (at most about a second later), which in the
   * catalog only makes an apply analyze a little sooner, but would make this test's figures vary.
   */
  const applyRoles = async (n: number) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(`set search_path = "${schema}"`);
      await client.query('begin');
      await client.query(
        `insert into user_roles (tenant_id, connection_id, first_seen_sync, last_seen_sync, user_id, role_id, type, label, assignment_type)
         select 'tenant-a', gen_random_uuid(), gen_random_uuid(), gen_random_uuid(), 'u' || g, 'r1', 'APP_ADMIN', 'App admin', 'USER'
           from generate_series($1::int, $2::int) g`,
        [next, next + n - 1],
      );
      next += n;
      await client.query(`select analyze_catalog_tables(array['user_roles'])`);
      await client.query('commit');
    } finally {
      await client.end();
    }
  };
  const estimate = async () =>
    Number(
      (
        await admin.query<{ n: number }>(
          `select reltuples as n from pg_class where oid = '"${schema}".user_roles'::regclass`,
        )
      ).rows[0]?.n,
    );

  t.equal(await estimate(), -1, 'a new table has never been analyzed');
  await applyRoles(200);
  t.equal(await estimate(), 200, 'never analyzed: analyzed (200 rows)');
  await applyRoles(10);
  t.equal(await estimate(), 200, '10 rows changed, threshold 70: not analyzed');
  await applyRoles(100);
  t.equal(await estimate(), 310, '100 rows changed, threshold 70: analyzed (310 rows)');
  await t.rejects(
    admin.query(`select "${schema}".analyze_catalog_tables(array['pg_class'])`),
    /not a catalog table/,
    'still only the catalog tables',
  );
});
