import { createDb, migrateDown, migrateToLatest } from '@appgov/db';
import { freshSchema, testEnv } from '@appgov/testing';
import { sql } from 'kysely';
import t from 'tap';
import { migrations } from '../../src/migrations/index.js';

t.test('migrations go up and down against the real Postgres', async (t) => {
  const schema = await freshSchema(t, 'conn_mig');
  const db = createDb({ connectionString: testEnv().DATABASE_URL, schema });
  t.teardown(() => db.destroy());
  const tables = async () =>
    (
      await sql<{
        table_name: string;
      }>`select table_name from information_schema.tables where table_schema = ${schema} and table_name not like 'kysely_%' order by 1`.execute(
        db,
      )
    ).rows.map((r) => r.table_name);
  // What a second run could change: the migrations recorded, the columns and the indexes.
  const state = async () => ({
    applied: (
      await sql<{
        name: string;
      }>`select name from ${sql.table(`${schema}.kysely_migration`)} order by name`.execute(db)
    ).rows.map((r) => r.name),
    columns: (
      await sql<{ c: string }>`select table_name || '.' || column_name || ':' || data_type as c
        from information_schema.columns where table_schema = ${schema} order by 1`.execute(db)
    ).rows.map((r) => r.c),
    indexes: (
      await sql<{
        d: string;
      }>`select indexdef as d from pg_indexes where schemaname = ${schema} order by 1`.execute(db)
    ).rows.map((r) => r.d),
  });
  await migrateToLatest(db, migrations, schema);
  t.same(await tables(), ['connections', 'outbox', 'sync_runs', 'tenant_settings']);
  const first = await state();
  t.same(first.applied, Object.keys(migrations).sort(), 'every migration recorded once');
  await migrateToLatest(db, migrations, schema);
  t.same(await state(), first, 'idempotent: a second run records, adds and alters nothing');
  await migrateDown(db, migrations, schema, { all: true });
  t.same(await tables(), []);
  await migrateToLatest(db, migrations, schema);
  t.same(await tables(), ['connections', 'outbox', 'sync_runs', 'tenant_settings']);
});
