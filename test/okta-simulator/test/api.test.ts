import t from 'tap';
import { startOktaSimulator } from '../src/index.js';
import { get, nextLink, readAll } from './helpers.js';

const sim = await startOktaSimulator({
  orgs: [
    { domain: 'acme.okta.com', seed: 11, size: 'tiny' },
    { domain: 'globex.okta.com', seed: 12, counts: { users: 450, groups: 30, apps: 45 } },
  ],
});
t.teardown(() => sim.close());
const acme = sim.sim.org('acme.okta.com');
const globex = sim.sim.org('globex.okta.com');
const gh = { token: globex.token, host: `globex.okta.com:${sim.port}` };

t.test('org selection by Host; IP and localhost select the default org', async (t) => {
  const byIp = await get(sim.url, '/api/v1/org', { token: acme.token });
  t.equal(byIp.status, 200);
  t.equal((byIp.body as { subdomain: string }).subdomain, 'acme');
  const byLocalhost = await get(sim.url, '/api/v1/org', { token: acme.token, host: `localhost:${sim.port}` });
  t.equal(byLocalhost.status, 200);
  const byDomain = await get(sim.url, '/api/v1/org', gh);
  t.equal((byDomain.body as { subdomain: string }).subdomain, 'globex');
  const crossOrg = await get(sim.url, '/api/v1/org', { token: acme.token, host: gh.host });
  t.equal(crossOrg.status, 401, "another org's token is unknown here");
  const unknown = await get(sim.url, '/api/v1/org', { token: acme.token, host: 'initech.okta.com' });
  t.equal(unknown.status, 404);
  t.equal((unknown.body as { errorCode: string }).errorCode, 'E0000007');
});

t.test('auth: 401, 403 for read-only admins on privileged datasets, Bearer tokens, /users/me', async (t) => {
  const missing = await get(sim.url, '/api/v1/users', { host: gh.host });
  t.equal(missing.status, 401);
  t.match(missing.body, {
    errorCode: 'E0000011',
    errorSummary: 'Invalid token provided',
    errorLink: 'E0000011',
    errorCauses: [],
  });
  t.type((missing.body as { errorId: string }).errorId, 'string');
  const ro = { token: globex.tokenFor('READ_ONLY_ADMIN') as string, host: gh.host };
  const appId = globex.store.apps[0]?.id;
  const userId = globex.store.adminUserIds()[0];
  for (const path of [
    `/api/v1/users/${userId}/roles`,
    `/api/v1/groups/${globex.store.groups[0]?.id}/roles`,
    '/api/v1/iam/assignees/users',
    `/api/v1/apps/${appId}/grants`,
    '/api/v1/api-tokens',
  ]) {
    const r = await get(sim.url, path, ro);
    t.equal(r.status, 403, `read-only: ${path}`);
    t.equal((r.body as { errorCode: string }).errorCode, 'E0000006');
  }
  for (const path of [
    '/api/v1/users',
    '/api/v1/groups',
    '/api/v1/apps',
    `/api/v1/apps/${appId}/users`,
    '/api/v1/org',
  ]) {
    t.equal((await get(sim.url, path, ro)).status, 200, `read-only may read ${path}`);
  }
  const me = await get(sim.url, '/api/v1/users/me', ro);
  t.equal((me.body as { id: string }).id, globex.store.users[3]?.id, '/users/me is the token owner');

  const bearer = globex.registerToken({ kind: 'Bearer', role: 'SUPER_ADMIN' });
  t.equal(
    (await get(sim.url, '/api/v1/api-tokens', { ...gh, token: bearer.value, scheme: 'Bearer' })).status,
    200,
  );
  t.equal(
    (await get(sim.url, '/api/v1/org', { ...gh, token: bearer.value })).status,
    401,
    'a Bearer token is not SSWS',
  );
  globex.revokeToken(bearer.value);
  t.equal(
    (await get(sim.url, '/api/v1/org', { ...gh, token: bearer.value, scheme: 'Bearer' })).status,
    401,
    'revoked',
  );

  // A token dies with its owner.
  const owner = globex.addUser({ firstName: 'Temp' });
  globex.assignRole(owner.id, 'SUPER_ADMIN');
  const tok = globex.createApiToken({ userId: owner.id });
  t.equal((await get(sim.url, '/api/v1/org', { ...gh, token: tok.secret })).status, 200);
  globex.deactivateUser(owner.id);
  t.equal((await get(sim.url, '/api/v1/org', { ...gh, token: tok.secret })).status, 401);
});

t.test(
  'paging: defaults, maxima, opaque cursors, separate Link headers, no next on the last page',
  async (t) => {
    const first = await get(sim.url, '/api/v1/users', gh);
    t.equal((first.body as unknown[]).length, 200, 'users default 200');
    t.equal(first.links.length, 2, 'self and next are two Link headers');
    t.match(first.links[0], /^<http:\/\/globex\.okta\.com:\d+\/api\/v1\/users>; rel="self"$/);
    const next = nextLink(first.links) as string;
    t.match(next, /^http:\/\/globex\.okta\.com:\d+\/api\/v1\/users\?/);
    const cursor = new URL(next).searchParams.get('after') as string;
    t.notMatch(cursor, /^\d+$/, 'the cursor is not an offset');
    t.equal(Buffer.from(cursor, 'base64url').toString(), (first.body as { id: string }[])[199]?.id);
    const big = await get(sim.url, '/api/v1/users?limit=5000', gh);
    t.equal((big.body as unknown[]).length, 200, 'users max 200');

    const all = await readAll(sim.url, '/api/v1/users', gh);
    const visible = globex.store.users.filter((u) => u.status !== 'DEPROVISIONED');
    t.equal(all.items.length, visible.length, 'a plain listing omits DEPROVISIONED users');
    t.equal(all.pages, Math.ceil(visible.length / 200));
    const lastPage = all.replies[all.replies.length - 1];
    t.equal(lastPage?.links.length, 1, 'the last page has only self');
    t.equal(new Set(all.items.map((u) => u.id)).size, all.items.length, 'no duplicates across pages');

    const apps = await get(sim.url, '/api/v1/apps', gh);
    t.equal((apps.body as unknown[]).length, 20, 'apps default 20');
    t.equal(
      ((await get(sim.url, '/api/v1/apps?limit=999', gh)).body as unknown[]).length,
      45,
      'apps max 200',
    );
    const everyone = globex.store.everyone?.id;
    const members = await get(sim.url, `/api/v1/groups/${everyone}/users?limit=5000`, gh);
    t.equal((members.body as unknown[]).length, globex.store.users.length, 'group members up to 1000');
    const bigApp = globex.store.apps.reduce((a, b) =>
      globex.store.appUsers(a.id).length >= globex.store.appUsers(b.id).length ? a : b,
    );
    const appUsers = await get(sim.url, `/api/v1/apps/${bigApp.id}/users`, gh);
    t.equal(
      (appUsers.body as unknown[]).length,
      Math.min(50, globex.store.appUsers(bigApp.id).length),
      'app users default 50',
    );
    const tokens = await get(sim.url, '/api/v1/api-tokens?limit=1', gh);
    t.equal((tokens.body as unknown[]).length, 1);
    t.ok(nextLink(tokens.links));
    const bad = await get(sim.url, '/api/v1/users?after=!!notacursor!!', gh);
    t.equal(bad.status, 400);

    const since = new Date(Date.now() - 1000).toISOString();
    const changed = globex.addUser({ firstName: 'Fresh' });
    globex.deactivateUser(changed.id);
    const inc = await get(
      sim.url,
      `/api/v1/users?filter=${encodeURIComponent(`lastUpdated gt "${since}"`)}`,
      gh,
    );
    t.same(
      (inc.body as { id: string }[]).map((u) => u.id).filter((id) => id === changed.id),
      [changed.id],
      'filter includes the deactivated user',
    );
  },
);

t.test('app users: direct (USER) and through groups (GROUP)', async (t) => {
  const app = globex.addApp({ label: 'Ünïcode App', signOnMode: 'BOOKMARK' });
  const [u1, u2, u3] = globex.store.users.slice(20, 23);
  const group = globex.addGroup({ name: 'Pilot' });
  globex.addGroupMember(group.id, u2?.id as string);
  globex.addGroupMember(group.id, u3?.id as string);
  globex.assignAppToGroup(group.id, app.id);
  globex.assignUserToApp(app.id, u1?.id as string);
  globex.assignUserToApp(app.id, u3?.id as string);
  const r = await readAll(sim.url, `/api/v1/apps/${app.id}/users`, gh);
  t.same(
    r.items.map((x) => [x.id, x.scope]),
    [
      [u1?.id, 'USER'],
      [u2?.id, 'GROUP'],
      [u3?.id, 'USER'],
    ],
  );
  const groupApps = await get(sim.url, `/api/v1/groups/${group.id}/apps`, gh);
  t.same(
    (groupApps.body as { id: string }[]).map((a) => a.id),
    [app.id],
  );
  globex.removeApp(app.id);
  t.equal((await get(sim.url, `/api/v1/apps/${app.id}/users`, gh)).status, 404);
});

t.test('control API over HTTP', async (t) => {
  const created = await get(sim.url, '/__control/orgs', {
    method: 'POST',
    body: { domain: 'initech.okta.com', size: 'tiny', seed: 3, profile: 'integrator-free' },
  });
  t.equal(created.status, 201);
  const token = (created.body as { tokens: { value: string }[] }).tokens[0]?.value as string;
  const h = { token, host: `initech.okta.com:${sim.port}` };
  const users = await get(sim.url, '/api/v1/users', h);
  t.equal(
    users.headers['x-rate-limit-limit'],
    '50',
    "integrator-free users bucket (100): the token's ceiling, Okta's default 50%",
  );
  const base = '/__control/orgs/initech.okta.com';
  const user = (
    await get(sim.url, `${base}/users`, { method: 'POST', body: { firstName: 'Ana', lastName: 'Ñúñez' } })
  ).body as { id: string };
  t.equal(
    (await get(sim.url, `${base}/users/${user.id}/status`, { method: 'POST', body: { status: 'SUSPENDED' } }))
      .status,
    200,
  );
  t.equal(sim.sim.org('initech.okta.com').store.userById.get(user.id)?.status, 'SUSPENDED');
  const app = (
    await get(sim.url, `${base}/apps`, {
      method: 'POST',
      body: { label: 'Svc', signOnMode: 'OPENID_CONNECT' },
    })
  ).body as { id: string };
  const grant = (
    await get(sim.url, `${base}/apps/${app.id}/grants`, {
      method: 'POST',
      body: { scopeId: 'okta.users.manage' },
    })
  ).body as { id: string };
  t.equal(((await get(sim.url, `/api/v1/apps/${app.id}/grants`, h)).body as unknown[]).length, 1);
  t.equal(
    (await get(sim.url, `${base}/apps/${app.id}/grants/${grant.id}`, { method: 'DELETE' })).status,
    204,
  );
  t.equal(((await get(sim.url, `/api/v1/apps/${app.id}/grants`, h)).body as unknown[]).length, 0);
  const counts = (await get(sim.url, `${base}/requests`)).body as { byEndpoint: Record<string, number> };
  t.equal(counts.byEndpoint['GET /api/v1/apps/{id}/grants'], 2);
  t.equal((await get(sim.url, `${base}/requests`, { method: 'DELETE' })).status, 204);
  t.equal(((await get(sim.url, `${base}/requests`)).body as { total: number }).total, 0);
  await get(sim.url, `${base}/faults`, { method: 'PUT', body: { errorRate: 1 } });
  const failed = await get(sim.url, '/api/v1/org', h);
  t.equal(failed.status, 500);
  await get(sim.url, `${base}/faults`, { method: 'PUT', body: { resetRate: 1 } });
  await t.rejects(get(sim.url, '/api/v1/org', h), 'connection reset');
  await get(sim.url, `${base}/faults`, { method: 'PUT', body: { stormUntil: Date.now() + 60_000 } });
  const storm = await get(sim.url, '/api/v1/org', h);
  t.equal(storm.status, 429);
  await get(sim.url, `${base}/faults`, { method: 'PUT', body: { latencyMs: 120 } });
  const started = Date.now();
  t.equal((await get(sim.url, '/api/v1/org', h)).status, 200);
  t.ok(Date.now() - started >= 110, 'latency added');
  t.equal((await get(sim.url, `${base}/tokens/${token}`, { method: 'DELETE' })).status, 204);
  t.equal((await get(sim.url, '/api/v1/org', h)).status, 401, 'revoked token');
  t.equal((await get(sim.url, base, { method: 'DELETE' })).status, 204);
  t.equal((await get(sim.url, '/api/v1/org', h)).status, 404, 'deleted org');
  t.equal((await get(sim.url, `${base}/users`, { method: 'POST', body: {} })).status, 404);
});

t.test('snapshot and minimumCalls agree with what a client reads', async (t) => {
  const snap = sim.sim.snapshot('acme.okta.com');
  const h = { token: acme.token, host: `acme.okta.com:${sim.port}` };
  acme.resetRequestCounts();
  const filter = encodeURIComponent('lastUpdated gt "1970-01-01T00:00:00.000Z"');
  const users = await readAll(sim.url, `/api/v1/users?limit=200&filter=${filter}`, h);
  t.equal(users.items.length, snap.users.length, 'a filtered listing reads every user');
  for (const app of snap.apps) {
    const appUsers = await readAll(sim.url, `/api/v1/apps/${app.id}/users?limit=500`, h);
    t.same(
      appUsers.items.map((x) => [x.id, x.scope]),
      snap.appUsers[app.id]?.map((x) => [x.userId, x.scope]),
    );
  }
  const min = sim.sim.minimumCalls('acme.okta.com');
  const counts = acme.requestCounts();
  t.equal(counts.byEndpoint['GET /api/v1/users'], min.byEndpoint['GET /api/v1/users']);
  t.equal(counts.byEndpoint['GET /api/v1/apps/{id}/users'], min.byEndpoint['GET /api/v1/apps/{id}/users']);
  t.ok(
    snap.admins.some((a) => a.roles.some((r) => r.assignmentType === 'GROUP')),
    'roles through a group',
  );
  const types = new Set(snap.admins.flatMap((a) => a.roles.map((r) => r.type)));
  for (const r of ['SUPER_ADMIN', 'ORG_ADMIN', 'APP_ADMIN', 'READ_ONLY_ADMIN']) t.ok(types.has(r), r);
  t.ok(min.total > 0);
});

t.test('the request log: arrival and response times, status, bucket and rate-limit headers', async (t) => {
  const h = { token: globex.token, host: gh.host };
  globex.setFaults({});
  globex.resetRequestCounts();
  const before = Date.now();
  t.equal((await get(sim.url, '/api/v1/apps?limit=20', h)).status, 200);
  const stormUntil = Date.now() + 60_000;
  globex.setFaults({ stormUntil });
  t.equal((await get(sim.url, '/api/v1/users', h)).status, 429);
  globex.setFaults({ resetRate: 1 });
  await t.rejects(get(sim.url, '/api/v1/groups', h));
  globex.setFaults({});
  const log = globex.requestLog();
  t.equal(log.length, 3);
  const [ok, limited, reset] = log as [(typeof log)[number], (typeof log)[number], (typeof log)[number]];
  // Limits are the token's ceiling (Okta's default: 50% of the bucket), storms included.
  t.match(ok, { endpoint: 'GET /api/v1/apps', bucket: 'apps', status: 200, limit: 50 });
  t.ok(ok.at >= before && ok.doneAt >= ok.at, 'times in order');
  t.type(ok.reset, 'number');
  t.match(limited, { endpoint: 'GET /api/v1/users', bucket: 'users', status: 429, limit: 300 });
  t.equal(limited.reset, Math.ceil(stormUntil / 1000), 'the Reset the 429 carried');
  t.match(reset, { bucket: 'groups', status: 0 });
  globex.resetRequestCounts();
  t.same(globex.requestLog(), [], 'cleared with the counts');
});
