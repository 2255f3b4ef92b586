import { createDb, migrateDown, migrateToLatest } from '@appgov/db';
import { freshSchema, testEnv } from '@appgov/testing';
import { sql } from 'kysely';
import t from 'tap';
import { notificationMigrations } from '../src/migrations/index.js';

t.test('migrations go up and down against the real Postgres', async (t) => {
  const schema = await freshSchema(t, 'notif_mig');
  const db = createDb({ connectionString: testEnv().DATABASE_URL, schema });
  t.teardown(() => db.destroy());
  const tables = async () =>
    (
      await sql<{
        table_name: string;
      }>`select table_name from information_schema.tables where table_schema = ${schema} and table_name not like 'kysely%' order by 1`.execute(
        db,
      )
    ).rows.map((r) => r.table_name);
  await migrateToLatest(db, notificationMigrations, schema);
  t.same(await tables(), [
    'connections',
    'email_queue',
    'processed_events',
    'recipients',
    'tenant_settings',
    'webhook_attempts',
    'webhook_deliveries',
    'webhooks',
  ]);
  await migrateDown(db, notificationMigrations, schema, { all: true });
  t.same(await tables(), []);
  await migrateToLatest(db, notificationMigrations, schema);
  t.equal((await tables()).length, 8, 'up again');
});
