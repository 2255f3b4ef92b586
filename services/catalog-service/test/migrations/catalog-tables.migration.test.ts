import { createDb, migrateDown, migrateToLatest } from '@appgov/db';
import { testEnv, uniqueName } from '@appgov/testing';
import { sql } from 'kysely';
import pg from 'pg';
import t from 'tap';
import { catalogMigrations } from '../../src/migrations/index.js';

t.test('catalog migrations go up and down against the real Postgres', async (t) => {
  const schema = uniqueName('catalog_m');
  const db = createDb<any>({ connectionString: testEnv().DATABASE_URL, schema, max: 2 });
  t.teardown(async () => {
    await db.destroy();
    const c = new pg.Client({ connectionString: testEnv().DATABASE_URL });
    await c.connect();
    await c.query(`drop schema if exists "${schema}" cascade`);
    await c.end();
  });
  await migrateToLatest(db, catalogMigrations, schema);
  const tables = async () =>
    (
      await sql<{
        t: string;
      }>`select table_name as t from information_schema.tables where table_schema = ${schema}`.execute(db)
    ).rows
      .map((r) => r.t)
      .sort();
  t.ok((await tables()).includes('apps'));
  const { rows } = await sql<{
    n: string;
  }>`select count(*) as n from pg_policies where schemaname = ${schema}`.execute(db);
  // 11 tables of the first migration plus dataset_counts.
  t.equal(Number(rows[0]?.n), 12, 'a tenant policy on every tenant table');
  const { rows: forced } = await sql<{
    n: string;
  }>`select count(*) as n from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = ${schema} and c.relforcerowsecurity`.execute(db);
  t.equal(Number(forced[0]?.n), 12, 'FORCE row level security');
  const trigram = async () =>
    (
      await sql<{ n: string }>`select count(*) as n from pg_indexes where schemaname = ${schema}
        and indexname like '%_trgm_idx'`.execute(db)
    ).rows[0]?.n;
  const analyzeFunctions = async () =>
    Number(
      (
        await sql<{
          n: string;
        }>`select count(*) as n from pg_proc p join pg_namespace n on n.oid = p.pronamespace
          where n.nspname = ${schema} and p.proname = 'analyze_catalog_tables'`.execute(db)
      ).rows[0]?.n,
    );
  t.equal(await analyzeFunctions(), 1, 'the analyze function for the runtime role');
  t.equal(Number(await trigram()), 6, 'trigram search indexes');
  await migrateDown(db, catalogMigrations, schema);
  t.equal(await analyzeFunctions(), 1, 'down from analyze-when-changed keeps the analyze function');
  await migrateDown(db, catalogMigrations, schema);
  t.equal(await analyzeFunctions(), 0, 'the analyze function goes down');
  await migrateDown(db, catalogMigrations, schema);
  t.equal(Number(await trigram()), 0, 'the trigram migration goes down');
  await migrateDown(db, catalogMigrations, schema);
  t.notOk((await tables()).includes('dataset_counts'), 'the counters migration goes down');
  t.ok((await tables()).includes('apps'), 'one migration at a time');
  await migrateDown(db, catalogMigrations, schema);
  t.notOk((await tables()).includes('apps'), 'down drops the tables');
  await migrateToLatest(db, catalogMigrations, schema);
  t.ok((await tables()).includes('apps'), 'and up again');
});
