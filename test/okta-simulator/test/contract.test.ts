import t from 'tap';
import { startOktaSimulator } from '../src/index.js';
import { get, readAll } from './helpers.js';
import { arrayOf, loadValidators } from './schema.js';

// Every body the simulator serves must validate against Okta's published schemas.
const validate = loadValidators();
const sim = await startOktaSimulator({
  orgs: [{ domain: 'contract.okta.com', seed: 7, counts: { users: 150, groups: 15, apps: 12 } }],
});
t.teardown(() => sim.close());
const org = sim.sim.org('contract.okta.com');
const token = org.token;
const host = `contract.okta.com:${sim.port}`;
const opts = { token, host };

function check(name: string, body: unknown, errors: string[]) {
  t.same(errors, [], `${name} validates`, { body: JSON.stringify(body).slice(0, 400) });
}
const one = (schema: string) => (body: unknown) => {
  const v = validate(schema);
  return v(body) ? [] : [JSON.stringify(v.errors?.slice(0, 5))];
};
const users = arrayOf(validate, 'User');

t.test('users, groups, apps and their sub-resources', async (t) => {
  const all = await readAll(sim.url, '/api/v1/users?limit=37', opts);
  check('GET /users', all.items, users(all.items));
  const filtered = await readAll(
    sim.url,
    '/api/v1/users?filter=lastUpdated gt "2000-01-01T00:00:00.000Z"',
    opts,
  );
  check('GET /users?filter', filtered.items, users(filtered.items));
  t.ok(
    filtered.items.some((u) => u.status === 'DEPROVISIONED'),
    'a filtered listing includes DEPROVISIONED users',
  );
  const me = await get(sim.url, '/api/v1/users/me', opts);
  check('GET /users/me', me.body, one('UserGetSingleton')(me.body));
  for (const admin of org.store.adminUserIds()) {
    const r = await get(sim.url, `/api/v1/users/${admin}/roles`, opts);
    check(`GET /users/${admin}/roles`, r.body, arrayOf(validate, 'StandardRole', 'CustomRole')(r.body));
  }
  const groups = await readAll(sim.url, '/api/v1/groups?limit=4', opts);
  check('GET /groups', groups.items, arrayOf(validate, 'Group')(groups.items));
  for (const g of groups.items) {
    const members = await readAll(sim.url, `/api/v1/groups/${g.id}/users?limit=40`, opts);
    check(`GET /groups/${g.id}/users`, members.items, users(members.items));
    const apps = await readAll(sim.url, `/api/v1/groups/${g.id}/apps`, opts);
    check(`GET /groups/${g.id}/apps`, apps.items, arrayOf(validate, 'Application')(apps.items));
    const roles = await get(sim.url, `/api/v1/groups/${g.id}/roles`, opts);
    check(
      `GET /groups/${g.id}/roles`,
      roles.body,
      arrayOf(validate, 'StandardRole', 'CustomRole')(roles.body),
    );
  }
  const apps = await readAll(sim.url, '/api/v1/apps?limit=5', opts);
  check('GET /apps', apps.items, arrayOf(validate, 'Application')(apps.items));
  t.equal(new Set(apps.items.map((a) => a.signOnMode)).size, 9, 'every sign-on mode is served');
  let grantCount = 0;
  for (const a of apps.items) {
    const appUsers = await readAll(sim.url, `/api/v1/apps/${a.id}/users?limit=60`, opts);
    check(`GET /apps/${a.id}/users`, appUsers.items, arrayOf(validate, 'AppUser')(appUsers.items));
    const grants = await get(sim.url, `/api/v1/apps/${a.id}/grants`, opts);
    grantCount += (grants.body as unknown[]).length;
    check(`GET /apps/${a.id}/grants`, grants.body, arrayOf(validate, 'OAuth2ScopeConsentGrant')(grants.body));
  }
  t.ok(grantCount > 0, 'grants are served');
});

t.test('admins, tokens, org, logs', async (t) => {
  let next: string | undefined = '/api/v1/iam/assignees/users?limit=3';
  let pages = 0;
  while (next) {
    const r = await get(sim.url, next, opts);
    check('GET /iam/assignees/users', r.body, one('RoleAssignedUsers')(r.body));
    const body = r.body as { _links: { next?: { href: string } } };
    next = body._links.next?.href.replace(/^http:\/\/[^/]+/, '');
    pages++;
  }
  t.equal(pages, Math.ceil(org.store.adminUserIds().length / 3));
  const tokens = await readAll(sim.url, '/api/v1/api-tokens?limit=2', opts);
  check('GET /api-tokens', tokens.items, arrayOf(validate, 'ApiToken')(tokens.items));
  t.ok(
    tokens.items.some((x) => x.expiresAt === undefined),
    'a token without expiry',
  );
  t.ok(
    tokens.items.some((x) => typeof x.expiresAt === 'string'),
    'a token with expiry',
  );
  const orgBody = await get(sim.url, '/api/v1/org', opts);
  check('GET /org', orgBody.body, one('OrgSetting')(orgBody.body));
  const someone = org.addUser({ firstName: 'Zoë', lastName: 'Łukasiewicz' });
  org.deactivateUser(someone.id);
  const logs = await get(sim.url, '/api/v1/logs?since=2000-01-01T00:00:00.000Z', opts);
  t.ok((logs.body as unknown[]).length >= 2, 'mutations appear in the System Log');
  check('GET /logs', logs.body, arrayOf(validate, 'LogEvent')(logs.body));
});

t.test('error bodies', async (t) => {
  const ro = org.tokenFor('READ_ONLY_ADMIN') as string;
  const replies = [
    await get(sim.url, '/api/v1/users', { host, token: 'nope' }),
    await get(sim.url, '/api/v1/api-tokens', { host, token: ro }),
    await get(sim.url, '/api/v1/apps/0oaNOPE/users', opts),
    await get(sim.url, '/api/v1/users', { token, host: `missing.okta.com:${sim.port}` }),
  ];
  t.same(
    replies.map((r) => r.status),
    [401, 403, 404, 404],
  );
  for (const r of replies) check(`error ${r.status}`, r.body, one('Error')(r.body));
});

t.test('the validators reject what Okta would not send', async (t) => {
  t.notOk(validate('User')({ id: 'x', status: 'BOGUS' }), 'unknown user status');
  t.notOk(validate('ApiToken')({ name: 'n', expiresAt: null }), 'null expiresAt');
  t.ok(validate('ApiToken')({ name: 'n', tokenWindow: 'PT5M' }), 'PT5M token window');
  t.notOk(validate('Group')({ type: 'TEAM' }), 'unknown group type');
});
