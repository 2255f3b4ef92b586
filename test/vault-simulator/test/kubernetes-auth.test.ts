import t from 'tap';
import { call, withSimulator } from './helpers.js';

const kubernetes = {
  roles: {
    'connection-service': {
      boundServiceAccountNames: ['connection-service'],
      boundServiceAccountNamespaces: ['appgov'],
      policies: ['okta-tokens'],
      ttlSeconds: 600,
    },
  },
};
const policies = {
  'okta-tokens': [
    { path: 'secret/data/tenants/*', capabilities: ['create' as const, 'read' as const, 'update' as const] },
  ],
};

t.test('a bound service account logs in and gets a token with the role policies', async (t) => {
  const vault = await withSimulator(t, { kubernetes, policies });
  const jwt = vault.sim.issueServiceAccountJwt({ name: 'connection-service', namespace: 'appgov' });
  const login = await call(vault, 'POST', '/v1/auth/kubernetes/login', {
    token: null,
    body: { role: 'connection-service', jwt },
  });
  t.equal(login.status, 200);
  const auth = login.body.auth;
  t.same(auth.policies, ['default', 'okta-tokens']);
  t.equal(auth.lease_duration, 600);
  t.equal(auth.renewable, true);
  t.equal(auth.metadata.role, 'connection-service');
  t.equal(auth.metadata.service_account_namespace, 'appgov');
  t.match(auth.client_token, /^hvs\./);

  const write = await call(vault, 'POST', '/v1/secret/data/tenants/t1/okta', {
    token: auth.client_token,
    body: { data: { token: 'x' } },
  });
  t.equal(write.status, 200);
  t.equal((await call(vault, 'GET', '/v1/secret/data/elsewhere', { token: auth.client_token })).status, 403);
  const self = await call(vault, 'GET', '/v1/auth/token/lookup-self', { token: auth.client_token });
  t.equal(self.body.data.path, 'auth/kubernetes/login');
});

t.test('login failures use the plugin messages', async (t) => {
  const vault = await withSimulator(t, { kubernetes });
  const wrongName = vault.sim.issueServiceAccountJwt({ name: 'other', namespace: 'appgov' });
  const wrongNs = vault.sim.issueServiceAccountJwt({ name: 'connection-service', namespace: 'default' });
  const login = (body: unknown) => call(vault, 'POST', '/v1/auth/kubernetes/login', { token: null, body });
  t.same(await login({ role: 'connection-service', jwt: wrongName }), {
    status: 403,
    body: { errors: ['service account name not authorized'] },
  });
  t.same((await login({ role: 'connection-service', jwt: wrongNs })).body, {
    errors: ['namespace not authorized'],
  });
  t.equal((await login({ role: 'connection-service', jwt: 'a.b.c' })).status, 403);
  t.same(await login({ role: 'nope', jwt: wrongName }), {
    status: 400,
    body: { errors: ['invalid role name "nope"'] },
  });
  t.same((await login({ role: 'connection-service' })).body, { errors: ['missing jwt'] });
});
