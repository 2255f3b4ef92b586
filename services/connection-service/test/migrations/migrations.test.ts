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
  await migrateToLatest(db, migrations, schema);
  t.same(await tables(), ['connections', 'outbox', 'sync_runs', 'tenant_settings']);
  await migrateToLatest(db, migrations, schema);
  t.pass('idempotent');
  await migrateDown(db, migrations, schema, { all: true });
  t.same(await tables(), []);
  await migrateToLatest(db, migrations, schema);
  t.same(await tables(), ['connections', 'outbox', 'sync_runs', 'tenant_settings']);
});
