// Regression: connection-service metered its Okta calls under the fixed `appgov:okta-budget:{domain}`
// whatever REDIS_KEY_PREFIX said, so every test (and deployment) sharing a Redis and a domain shared
// one budget: a test that exhausted acme.okta.com's slowed or blocked every other one.
import t from 'tap';
import { startHarness } from './fixtures/harness.js';

const base = '/v1/integrations/okta/connections';

t.test('the Okta budget key honours REDIS_KEY_PREFIX', async (t) => {
  const h = await startHarness(t);
  const acme = h.okta.sim.org('acme.okta.com');
  const res = await h.request('POST', base, h.tokens.adminA, { domain: 'acme', apiToken: acme.token });
  t.equal(res.status, 201, 'the connection was added (its token validated against Okta)');
  const own = h.rt.config.REDIS_KEY_PREFIX.replace(/:+$/, '');
  t.not(own, 'appgov', 'the harness runs under a prefix of its own');
  const keys = await h.rt.redis.keys(`${own}:okta-budget:acme.okta.com:*`);
  t.ok(keys.length > 0, `the validation's budget lives under ${own}: (${keys.join(', ')})`);
  t.same(
    keys.filter((k) => !k.startsWith(`${own}:okta-budget:acme.okta.com:`)),
    [],
    'and nowhere else',
  );
});
