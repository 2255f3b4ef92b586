import { createDb, migrateDown, migrateToLatest } from '@appgov/db';
import { freshSchema, testEnv } from '@appgov/testing';
import { sql } from 'kysely';
import t from 'tap';
import { migrations as all } from '../../src/migrations/index.js';

// The schema as of this migration: the steps down below must undo it, not a later one.
const migrations = Object.fromEntries(
  Object.entries(all).filter(([name]) => !/^\d/.test(name) || name <= '20261201090000_credential-type'),
);

t.test(
  'credential-type migration: existing rows are API tokens; down keeps service-app rows valid',
  async (t) => {
    const schema = await freshSchema(t, 'conn_cred');
    const db = createDb({ connectionString: testEnv().DATABASE_URL, schema });
    t.teardown(() => db.destroy());
    await migrateToLatest(db, migrations, schema);
    await migrateDown(db, migrations, schema);
    const insert = (id: string, extra: string) =>
      sql
        .raw(
          `insert into connections (id, tenant_id, domain, token_last4, token_fingerprint, token_updated_at,
          created_at, created_by_sub, created_by_email, status${extra ? ', credential_type, oauth_client_id, public_key_fingerprint' : ''})
         values ('${id}', 't', 'o${id.slice(-4)}.okta.com', ${extra ? 'null, null' : "'abcd', '0123456789abcdef'"}, now(),
          now(), 's', 'e', 'in_progress'${extra})`,
        )
        .execute(db);
    await insert('00000000-0000-4000-8000-000000000001', '');
    await migrateToLatest(db, migrations, schema);
    const before = await sql<{ credential_type: string }>`select credential_type from connections`.execute(
      db,
    );
    t.same(before.rows, [{ credential_type: 'api_token' }], 'rows from before C11 are API tokens');
    await insert(
      '00000000-0000-4000-8000-000000000002',
      ", 'oauth_service_app', '0oa1', 'thumb-print-0123456789'",
    );
    await t.rejects(
      sql`update connections set credential_type = 'password'`.execute(db),
      /check constraint/,
      'only the two kinds',
    );
    await migrateDown(db, migrations, schema);
    const after = await sql<{ token_fingerprint: string; token_last4: string }>`
    select token_last4, token_fingerprint from connections order by id`.execute(db);
    t.same(after.rows, [
      { token_last4: 'abcd', token_fingerprint: '0123456789abcdef' },
      { token_last4: '', token_fingerprint: 'thumb-print-0123456789' },
    ]);
    await migrateToLatest(db, migrations, schema);
  },
);
