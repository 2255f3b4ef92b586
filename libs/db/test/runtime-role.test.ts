// Two roles: the migration role owns the schema and runs migrations; the runtime role a service runs
// as can read and write rows but cannot change the schema or get around row-level security.
import { roleUrls, testEnv, uniqueName } from '@appgov/testing';
import { type Kysely, sql } from 'kysely';
import pg from 'pg';
import t from 'tap';
import { createDb, grantRuntimeAccess, type MigrationRecord, migrateToLatest } from '../src/index.js';

const urls = roleUrls();
const runtimeRole = new URL(urls.runtime).username;

const migrations: MigrationRecord = {
  '0001_notes': {
    async up(db: Kysely<any>) {
      await sql`create table notes (id serial primary key, tenant_id text not null, body text)`.execute(db);
      await sql`alter table notes enable row level security`.execute(db);
      await sql`alter table notes force row level security`.execute(db);
      await sql`create policy notes_tenant on notes
        using (tenant_id = current_setting('app.tenant_id', true))
        with check (tenant_id = current_setting('app.tenant_id', true))`.execute(db);
    },
  },
};

async function errorOf(client: pg.Client, statement: string): Promise<string> {
  try {
    await client.query(statement);
    return 'succeeded';
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
}

t.test('under the runtime role CREATE, ALTER and DROP fail; rows need the tenant setting', async (t) => {
  const schema = uniqueName('roles')
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '_');
  const migrator = createDb<any>({ connectionString: urls.migration, schema, max: 1 });
  t.teardown(async () => {
    await migrator.destroy();
    const admin = new pg.Client({ connectionString: testEnv().DATABASE_URL });
    await admin.connect();
    await admin.query(`drop schema if exists "${schema}" cascade`);
    await admin.end();
  });
  await migrateToLatest(migrator, migrations, schema);
  await grantRuntimeAccess(migrator, schema, runtimeRole);

  const app = new pg.Client({ connectionString: urls.runtime, options: `-c search_path=${schema}` });
  await app.connect();
  t.teardown(() => app.end());
  const role = await app.query(
    'select rolsuper, rolbypassrls, rolcreaterole, rolcreatedb from pg_roles where rolname = current_user',
  );
  t.same(role.rows[0], { rolsuper: false, rolbypassrls: false, rolcreaterole: false, rolcreatedb: false });
  const owner = await app.query(
    'select nspowner::regrole::text as owner from pg_namespace where nspname = $1',
    [schema],
  );
  t.equal(owner.rows[0].owner, new URL(urls.migration).username, 'the migration role owns the schema');

  // 42501: insufficient_privilege.
  t.equal(await errorOf(app, 'create table extra (id int)'), '42501', 'CREATE TABLE fails');
  t.equal(await errorOf(app, 'alter table notes add column extra int'), '42501', 'ALTER TABLE fails');
  t.equal(await errorOf(app, 'drop table notes'), '42501', 'DROP TABLE fails');
  t.equal(
    await errorOf(app, 'alter table notes disable row level security'),
    '42501',
    'turning RLS off fails',
  );
  t.equal(await errorOf(app, 'truncate notes'), '42501', 'TRUNCATE fails');
  t.equal(await errorOf(app, `create schema "${schema}_x"`), '42501', 'CREATE SCHEMA fails');
  t.equal(await errorOf(app, 'select * from kysely_migration'), '42501', 'the migration ledger is not its');

  // Rows: writes and reads only within the tenant set for the transaction.
  await app.query('begin');
  await app.query(`select set_config('app.tenant_id', 'tenant-a', true)`);
  await app.query(`insert into notes (tenant_id, body) values ('tenant-a', 'one'), ('tenant-a', 'two')`);
  t.equal(
    await errorOf(app, `insert into notes (tenant_id, body) values ('tenant-b', 'x')`),
    '42501',
    'no write into another tenant',
  );
  await app.query('rollback');
  await app.query('begin');
  await app.query(`select set_config('app.tenant_id', 'tenant-a', true)`);
  await app.query(`insert into notes (tenant_id, body) values ('tenant-a', 'one'), ('tenant-a', 'two')`);
  await app.query('commit');
  const unscoped = await app.query('select count(*)::int as n from notes');
  t.equal(unscoped.rows[0].n, 0, 'a read without the tenant setting returns nothing');
  await app.query('begin');
  await app.query(`select set_config('app.tenant_id', 'tenant-a', true)`);
  const scoped = await app.query('select count(*)::int as n from notes');
  await app.query('commit');
  t.equal(scoped.rows[0].n, 2, 'the tenant sees its rows');

  // A table a later migration adds is covered by the default privileges.
  await migrateToLatest(
    migrator,
    {
      ...migrations,
      '0002_tags': {
        up: async (db) => {
          await sql`create table tags (name text)`.execute(db);
        },
      },
    },
    schema,
  );
  await app.query(`insert into tags values ('new')`);
  t.equal((await app.query('select count(*)::int as n from tags')).rows[0].n, 1, 'a new table is usable');
  t.equal(await errorOf(app, 'drop table tags'), '42501', 'and still not droppable');

  // A service started with MIGRATE_ON_START=false connects to the existing schema without CREATE.
  const runtimeDb = createDb<any>({ connectionString: urls.runtime, schema, max: 1 });
  t.teardown(() => runtimeDb.destroy());
  const rows = await runtimeDb.selectFrom('tags').selectAll().execute();
  t.equal(rows.length, 1, 'createDb under the runtime role finds the schema');
});
