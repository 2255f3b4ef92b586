// The catalog under the runtime role (as the chart runs it): syncs apply and the API answers, but
// the role cannot change the schema, and a read without the tenant setting returns nothing.
import { randomUUID } from 'node:crypto';
import { OktaSimulator } from '@appgov/okta-simulator';
import { mintJwt, roleUrls, testEnv, waitFor } from '@appgov/testing';
import pg from 'pg';
import t from 'tap';
import { startOfflineCatalog } from './fixtures/offline-catalog.js';
import { recordsOf, syncEvents } from './fixtures/org-records.js';

t.test('catalog under the runtime role', async (t) => {
  const { service, apply, schema } = await startOfflineCatalog(t, 'catalog_rr', { runtimeRole: true });
  const org = new OktaSimulator().createOrg({ domain: 'runtime-role.okta.com', seed: 5, size: 'tiny' });
  const records = recordsOf(org.store);
  const connectionId = randomUUID();
  await apply(syncEvents(records, { tenantId: 'tenant-r', connectionId }));

  const jwt = await mintJwt({ sub: 'u-r', email: 'r@example.com', tenant: 'tenant-r', roles: ['viewer'] });
  const res = await service.app.inject({
    method: 'GET',
    url: '/v1/catalog/apps?limit=200',
    headers: { authorization: `Bearer ${jwt}` },
  });
  t.equal(res.statusCode, 200);
  t.equal(
    res.json().items.length,
    records.apps.length,
    'the sync applied and the API reads it under the runtime role',
  );

  const app = new pg.Client({ connectionString: roleUrls().runtime, options: `-c search_path=${schema}` });
  await app.connect();
  t.teardown(() => app.end());
  t.equal((await app.query('select current_user as u')).rows[0].u, new URL(roleUrls().runtime).username);
  const code = (statement: string) =>
    app.query(statement).then(
      () => 'succeeded',
      (error: { code?: string }) => error.code,
    );
  t.equal(await code('create table extra (id int)'), '42501', 'CREATE fails');
  t.equal(await code('alter table apps add column extra int'), '42501', 'ALTER fails');
  t.equal(await code('drop table apps'), '42501', 'DROP fails');
  t.equal(await code('alter table apps no force row level security'), '42501', 'RLS cannot be loosened');
  const unscoped = await app.query('select count(*)::int as n from apps');
  t.equal(unscoped.rows[0].n, 0, 'a catalog read without the tenant setting returns nothing');
  await app.query('begin');
  await app.query(`select set_config('app.tenant_id', 'tenant-r', true)`);
  const scoped = await app.query('select count(*)::int as n from apps');
  await app.query('commit');
  t.equal(scoped.rows[0].n, records.apps.length, 'with the tenant set, its apps');

  // The sync refreshed the statistics of tables the runtime role does not own (a plain ANALYZE by
  // a non-owner is skipped with a warning).
  const admin = new pg.Client({ connectionString: testEnv().DATABASE_URL });
  await admin.connect();
  t.teardown(() => admin.end());
  const analyzed = await waitFor(
    async () => {
      await admin.query('select pg_stat_clear_snapshot()');
      const { rows } = await admin.query(
        `select relname from pg_stat_user_tables
          where schemaname = $1 and relname in ('apps', 'users', 'findings') and last_analyze is not null`,
        [schema],
      );
      return rows.length === 3 ? rows : undefined;
    },
    { timeoutMs: 15_000, intervalMs: 200, description: 'apps, users and findings analyzed' },
  );
  t.equal(analyzed.length, 3, 'apps, users and findings analyzed under the runtime role');
});
