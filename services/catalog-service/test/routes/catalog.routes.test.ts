import { randomUUID } from 'node:crypto';
import { OktaSimulator } from '@appgov/okta-simulator';
import { mintJwt } from '@appgov/testing';
import { sql } from 'kysely';
import t from 'tap';
import { listApps, withTenant } from '../../src/domain/catalog.repository.js';
import { startOfflineCatalog } from '../fixtures/offline-catalog.js';
import { recordsOf, syncEvents } from '../fixtures/org-records.js';

t.test('query API and tenant isolation (API and repository layer)', async (t) => {
  const { service, apply } = await startOfflineCatalog(t, 'catalog_r');

  // The same org (same Okta ids) under two tenants; tenant B's app labels differ.
  const org = new OktaSimulator().createOrg({ domain: 'shared-ids.okta.com', seed: 3, size: 'tiny' });
  const recA = recordsOf(org.store);
  const recB = recordsOf(org.store);
  recB.apps = recB.apps.map((a) => ({ ...a, label: `B ${a.label}` }));
  const connA = randomUUID();
  const connB = randomUUID();
  await apply(syncEvents(recA, { tenantId: 'tenant-a', connectionId: connA }));
  await apply(syncEvents(recB, { tenantId: 'tenant-b', connectionId: connB }));

  const tokenFor = (tenant: string) =>
    mintJwt({ sub: `u-${tenant}`, email: `${tenant}@example.com`, tenant, roles: ['viewer'] });
  const jwtA = await tokenFor('tenant-a');
  const jwtB = await tokenFor('tenant-b');
  const get = async (url: string, jwt?: string) => {
    const res = await service.app.inject({
      method: 'GET',
      url,
      headers: jwt ? { authorization: `Bearer ${jwt}` } : {},
    });
    return { status: res.statusCode, body: res.json(), type: res.headers['content-type'] };
  };

  // API layer.
  const appsB = await get('/v1/catalog/apps?limit=200', jwtB);
  t.equal(appsB.status, 200);
  t.equal(appsB.body.items.length, recB.apps.length);
  t.ok(
    appsB.body.items.every((a: any) => a.connectionId === connB && a.label.startsWith('B ')),
    'tenant B sees only its rows',
  );
  const appId = recA.apps[0]!.id;
  t.equal((await get(`/v1/catalog/apps/${connA}/${appId}`, jwtB)).status, 404, "another tenant's app is 404");
  const detailA = await get(`/v1/catalog/apps/${connA}/${appId}`, jwtA);
  t.equal(detailA.status, 200);
  t.equal(detailA.body.label, recA.apps[0]!.label);
  t.equal(
    detailA.body.users.length,
    Math.min(100, recA['app-users'].filter((x) => x.appId === appId).length),
    'assigned users listed',
  );
  t.equal((await get(`/v1/catalog/connections/${connA}/summary`, jwtB)).status, 404);
  const summaryA = await get(`/v1/catalog/connections/${connA}/summary`, jwtA);
  t.equal(summaryA.body.counts.users, recA.users.length);
  t.equal(summaryA.body.counts['group-members'], recA['group-members'].length);
  const { rows: openA } = await sql<{ n: string; apps: string[] }>`select count(*) as n,
      array_agg(distinct subject_id) filter (where subject_type = 'app') as apps
      from findings where connection_id = ${connA}::uuid and resolved_at is null`.execute(service.db);
  t.equal(summaryA.body.openFindings, Number(openA[0]?.n), 'open findings in the summary');
  // The risk filter and findingCount (maintained counters) against the findings table.
  const riskyIds = [...(openA[0]?.apps ?? [])].sort();
  t.ok(riskyIds.length > 0, 'the fixture has apps with findings');
  const risky = await get(`/v1/catalog/apps?limit=200&risk=true&connectionId=${connA}`, jwtA);
  t.same(
    risky.body.items.map((a: any) => a.id).sort(),
    riskyIds,
    'risk=true: exactly the apps with open findings',
  );
  t.ok(risky.body.items.every((a: any) => a.findingCount > 0));
  const safe = await get(`/v1/catalog/apps?limit=200&risk=false&connectionId=${connA}`, jwtA);
  t.equal(safe.body.items.length, recA.apps.length - riskyIds.length, 'risk=false: the others');
  t.ok(safe.body.items.every((a: any) => a.findingCount === 0));
  t.equal((await get(`/v1/catalog/users?limit=200&connectionId=${connA}`, jwtB)).body.items.length, 0);
  const usersA = await get('/v1/catalog/users?limit=200', jwtA);
  t.equal(usersA.body.items.length, recA.users.length);
  const someUser = recA['user-roles'][0]!.userId;
  const userDetail = await get(`/v1/catalog/users/${connA}/${someUser}`, jwtA);
  t.ok(userDetail.body.roles.length > 0, 'user detail has roles');
  // The list row gives each user's role labels and assigned-app count (U2), as the detail does.
  const listed = usersA.body.items.find((u: any) => u.id === someUser);
  t.same(
    listed.roles,
    [...new Set(userDetail.body.roles.map((r: any) => r.label))].sort(),
    'list: role labels',
  );
  t.equal(listed.appCount, recA['app-users'].filter((x) => x.userId === someUser).length, 'list: app count');
  const withApps = usersA.body.items.filter((u: any) => u.appCount > 0).length;
  t.equal(withApps, new Set(recA['app-users'].map((x) => x.userId)).size, 'every user with apps counts them');
  t.ok(
    usersA.body.items.some((u: any) => u.roles.length === 0 && u.appCount >= 0),
    'users without roles: []',
  );
  t.equal((await get(`/v1/catalog/users/${connA}/${someUser}`, jwtB)).status, 404);
  t.equal((await get('/v1/catalog/groups?limit=200', jwtA)).body.items.length, recA.groups.length);
  t.equal((await get('/v1/catalog/api-tokens?limit=200', jwtA)).body.items.length, recA['api-tokens'].length);
  const admins = await get('/v1/catalog/admins?limit=200', jwtA);
  t.equal(admins.body.items.length, new Set(recA['user-roles'].map((r) => r.userId)).size);
  const findings = await get('/v1/catalog/findings', jwtB);
  t.ok(findings.body.items.every((f: any) => f.connectionId === connB));

  // Keyset pagination: every app once, in order, for each sort.
  for (const [sort, order] of [
    ['label', 'asc'],
    ['userCount', 'desc'],
    ['lastUpdated', 'asc'],
  ]) {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: any } = await get(
        `/v1/catalog/apps?limit=2&sort=${sort}&order=${order}${cursor ? `&cursor=${cursor}` : ''}`,
        jwtA,
      );
      seen.push(...page.body.items.map((a: any) => a.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    t.same([...seen].sort(), recA.apps.map((a) => a.id).sort(), `pages cover every app once (${sort})`);
  }
  const searched = await get(`/v1/catalog/apps?q=${encodeURIComponent(recA.apps[1]!.label)}`, jwtA);
  t.ok(
    searched.body.items.some((a: any) => a.id === recA.apps[1]!.id),
    'search by label',
  );

  // Errors are problem+json with a stable code.
  const unauth = await get('/v1/catalog/apps');
  t.equal(unauth.status, 401);
  t.match(unauth.type, /application\/problem\+json/);
  const badCursor = await get('/v1/catalog/apps?cursor=notacursor', jwtA);
  t.equal(badCursor.status, 400);
  t.equal(badCursor.body.code, 'CATALOG_INVALID_CURSOR');
  const docs = await get('/docs/json');
  t.ok(docs.body.paths['/v1/catalog/apps'], 'OpenAPI lists the routes');

  // Repository layer: a query without any tenant filter still sees only its tenant.
  const raw = await withTenant(service.db, 'tenant-b', async (trx) => {
    const { rows } = await sql<{ tenant_id: string }>`select tenant_id from apps`.execute(trx);
    return rows;
  });
  t.ok(
    raw.length > 0 && raw.every((r) => r.tenant_id === 'tenant-b'),
    'RLS hides tenant A from a bare select',
  );
  const none = await withTenant(service.db, 'tenant-c', (trx) => listApps(trx, {}));
  t.equal(none.items.length, 0, 'an unknown tenant sees nothing');
  await t.rejects(
    withTenant(service.db, 'tenant-b', (trx) => sql`delete from apps`.execute(trx)),
    'the reader role cannot write',
  );
});
