import t from 'tap';
import { call, withSimulator } from './helpers.js';

t.test('lookup-self describes the calling token', async (t) => {
  const vault = await withSimulator(t, { rootToken: 'dev-root' });
  t.equal(vault.rootToken, 'dev-root');
  const root = await call(vault, 'GET', '/v1/auth/token/lookup-self');
  t.equal(root.status, 200);
  t.same(root.body.data.policies, ['root']);
  t.equal(root.body.data.ttl, 0);
  t.equal(root.body.data.id, 'dev-root');

  const token = vault.sim.createToken({ policies: ['default', 'app'], ttlSeconds: 60 });
  t.match(token, /^hvs\.[A-Za-z0-9]{24}$/);
  const self = await call(vault, 'GET', '/v1/auth/token/lookup-self', { token });
  t.same(self.body.data.policies, ['default', 'app']);
  // Seconds left of 60: a loaded machine may take a few between creating and looking up.
  t.ok(self.body.data.ttl > 30 && self.body.data.ttl <= 60, `ttl ${self.body.data.ttl}`);
  t.equal(self.body.data.renewable, true);
  t.type(self.body.data.accessor, 'string');
});

t.test('renew-self extends the TTL; root is not renewable', async (t) => {
  const vault = await withSimulator(t);
  const token = vault.sim.createToken({ policies: ['default'], ttlSeconds: 60, maxTtlSeconds: 120 });
  const renewed = await call(vault, 'POST', '/v1/auth/token/renew-self', {
    token,
    body: { increment: '90s' },
  });
  t.equal(renewed.status, 200);
  t.equal(renewed.body.auth.client_token, token);
  t.equal(renewed.body.auth.lease_duration, 90);
  t.equal(renewed.body.auth.renewable, true);
  const capped = await call(vault, 'POST', '/v1/auth/token/renew-self', { token, body: { increment: 1000 } });
  t.ok(capped.body.auth.lease_duration <= 120);
  const root = await call(vault, 'POST', '/v1/auth/token/renew-self', { body: {} });
  t.same(root, { status: 400, body: { errors: ['lease is not renewable'] } });
});

t.test('expired and revoked tokens get 403', async (t) => {
  const vault = await withSimulator(t);
  const a = vault.sim.createToken({ ttlSeconds: 60 });
  const b = vault.sim.createToken({ ttlSeconds: 60 });
  vault.sim.expireToken(a);
  vault.sim.revokeToken(b);
  t.equal((await call(vault, 'GET', '/v1/auth/token/lookup-self', { token: a })).status, 403);
  t.equal((await call(vault, 'GET', '/v1/auth/token/lookup-self', { token: b })).status, 403);
});
