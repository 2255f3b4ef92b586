import { testEnv, uniqueName } from '@appgov/testing';
import { type Kysely, sql } from 'kysely';
import pg from 'pg';
import t from 'tap';
import {
  createDb,
  type Migration,
  migrateDown,
  migrateToLatest,
  outboxMigrations,
  pingDb,
} from '../src/index.js';
import { testDb } from './helpers.js';

const widgets: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('widget')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('widget').execute();
  },
};
const migrations = { ...outboxMigrations, '20250101000000_widget': widgets };

async function tables(db: Kysely<any>, schema: string): Promise<string[]> {
  const { rows } = await sql<{ table_name: string }>`
    select table_name from information_schema.tables where table_schema = ${schema} order by table_name`.execute(
    db,
  );
  return rows.map((r) => r.table_name);
}

t.test('migrations run up and down in the service schema', async (t) => {
  const { db, schema } = await testDb(t, 'migrate');
  const up = await migrateToLatest(db, migrations, schema);
  t.same(
    up.map((r) => [r.migrationName, r.direction, r.status]),
    [
      ['00000000000000_appgov_outbox', 'Up', 'Success'],
      ['20250101000000_widget', 'Up', 'Success'],
    ],
  );
  t.same(await tables(db, schema), ['kysely_migration', 'kysely_migration_lock', 'outbox', 'widget']);
  t.same(await migrateToLatest(db, migrations, schema), [], 'a second run has nothing to do');

  await migrateDown(db, migrations, schema);
  t.same(await tables(db, schema), ['kysely_migration', 'kysely_migration_lock', 'outbox']);
  await migrateDown(db, migrations, schema, { all: true });
  t.same(await tables(db, schema), ['kysely_migration', 'kysely_migration_lock']);
  await migrateToLatest(db, migrations, schema);
  t.same(await tables(db, schema), ['kysely_migration', 'kysely_migration_lock', 'outbox', 'widget']);
});

t.test('a failing migration throws and names itself', async (t) => {
  const { db, schema } = await testDb(t, 'migrate_fail');
  const broken: Migration = {
    async up(db: Kysely<any>) {
      await sql`select * from no_such_table`.execute(db);
    },
  };
  await t.rejects(migrateToLatest(db, { '20250101000000_broken': broken }, schema), {
    name: 'MigrationError',
    message: /20250101000000_broken/,
  });
});

t.test('createDb creates a missing schema and pins search_path to it', async (t) => {
  const schema = uniqueName('created');
  const db = createDb({ connectionString: testEnv().DATABASE_URL, schema });
  t.teardown(async () => {
    await db.destroy();
    const c = new pg.Client({ connectionString: testEnv().DATABASE_URL });
    await c.connect();
    await c.query(`drop schema if exists "${schema}" cascade`);
    await c.end();
  });
  await pingDb(db);
  const { rows } = await sql<{ s: string }>`select current_schema() as s`.execute(db);
  t.equal(rows[0]?.s, schema);
  t.throws(() => createDb({ connectionString: testEnv().DATABASE_URL, schema: 'Bad; drop' }));
});

// Regression: kysely's stock introspector read every schema of the database and failed with
// "schema … does not exist" when another process dropped a schema mid-query (two test files
// running side by side in CI; in production, services migrating while others drop schemas).
t.test('migrations succeed while other schemas are created and dropped concurrently', async (t) => {
  const churn = new pg.Client({ connectionString: testEnv().DATABASE_URL });
  await churn.connect();
  let stop = false;
  const churning = (async () => {
    while (!stop) {
      const other = uniqueName('churn');
      await churn.query(`create schema "${other}"; create table "${other}".t (id bigserial primary key)`);
      await churn.query(`drop schema "${other}" cascade`);
    }
  })();
  t.teardown(async () => {
    stop = true;
    await churning.catch(() => undefined);
    await churn.end();
  });
  for (let i = 0; i < 8; i++) {
    const { db, schema } = await testDb(t, 'migrate_race');
    const results = await migrateToLatest(db, migrations, schema);
    t.equal(results.length, Object.keys(migrations).length, `run ${i + 1}: every migration applied`);
  }
});
