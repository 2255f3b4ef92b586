import t from 'tap';
import { bucketOf, startOktaSimulator } from '../src/index.js';
import { get } from './helpers.js';

// Long enough for a burst of 8 sequential requests to stay inside one window on a loaded machine.
const WINDOW = 3000;
const sim = await startOktaSimulator({
  windowMs: WINDOW,
  // The org-wide tests turn Okta's per-token ceiling off; the per-token tests below turn it on.
  orgs: [
    {
      domain: 'rl.okta.com',
      seed: 5,
      size: 'tiny',
      rateLimits: { perTokenShare: false, limits: { apps: 5, users: 3 } },
    },
  ],
});
t.teardown(() => sim.close());
const org = sim.sim.org('rl.okta.com');
const h = { token: org.token, host: `rl.okta.com:${sim.port}` };

t.test('buckets', async (t) => {
  t.equal(bucketOf('GET', '/api/v1/apps/0oa1/users'), 'apps');
  t.equal(bucketOf('GET', '/api/v1/apps/0oa1/grants'), 'apps');
  t.equal(bucketOf('GET', '/api/v1/groups/00g1/users'), 'groups');
  t.equal(bucketOf('GET', '/api/v1/groups/00g1'), 'other', '/groups/{id} itself is not in the groups bucket');
  t.equal(bucketOf('GET', '/api/v1/users'), 'users');
  t.equal(bucketOf('GET', '/api/v1/users/00u1/roles'), 'other');
  t.equal(bucketOf('GET', '/api/v1/logs'), 'logs');
  t.equal(bucketOf('GET', '/api/v1/iam/assignees/users'), 'other');
});

t.test(
  'a burst beyond the bucket gets 429 with a correct Reset; waiting until Reset restores it',
  async (t) => {
    await new Promise((r) => setTimeout(r, WINDOW));
    const replies = [];
    const firstAt = Date.now();
    for (let i = 0; i < 8; i++) replies.push(await get(sim.url, '/api/v1/apps', h));
    t.same(
      replies.map((r) => r.status),
      [200, 200, 200, 200, 200, 429, 429, 429],
    );
    t.same(
      replies.map((r) => r.headers['x-rate-limit-remaining']),
      ['4', '3', '2', '1', '0', '0', '0', '0'],
    );
    for (const r of replies) {
      t.equal(r.headers['x-rate-limit-limit'], '5');
      t.ok(r.headers.date, 'Date header');
    }
    const limited = replies[5];
    t.same(limited?.body, {
      errorCode: 'E0000047',
      errorSummary: 'API call exceeded rate limit due to too many requests.',
      errorLink: 'E0000047',
      errorId: (limited?.body as { errorId: string } | undefined)?.errorId,
      errorCauses: [],
    });
    const reset = Number(limited?.headers['x-rate-limit-reset']);
    t.ok(reset * 1000 >= firstAt + WINDOW, 'Reset is at or after the end of the window');
    // The window opened when the first request arrived, which on a loaded machine may be well after
    // firstAt: the bound is taken from the simulator's own arrival time.
    const windowStart = org.requestLog().find((r) => r.bucket === 'apps')?.at ?? Number.NaN;
    t.ok(
      reset * 1000 < windowStart + WINDOW + 1000 + 5,
      'Reset is the end of the window, rounded up to the second',
    );
    // Other buckets are unaffected.
    t.equal((await get(sim.url, '/api/v1/groups', h)).status, 200);
    await new Promise((r) => setTimeout(r, Math.max(0, reset * 1000 - Date.now()) + 10));
    const after = await get(sim.url, '/api/v1/apps', h);
    t.equal(after.status, 200, 'budget restored after Reset');
    t.equal(after.headers['x-rate-limit-remaining'], '4');
    t.ok(org.requestCounts().rateLimited >= 3);
  },
);

t.test('the per-token ceiling is on by default, at 50%', async (t) => {
  const sim2 = await startOktaSimulator({
    windowMs: WINDOW,
    orgs: [{ domain: 'pt.okta.com', seed: 5, size: 'tiny', rateLimits: { limits: { apps: 8 } } }],
  });
  t.teardown(() => sim2.close());
  const o = sim2.sim.org('pt.okta.com');
  const r = await get(sim2.url, '/api/v1/apps', { token: o.token, host: `pt.okta.com:${sim2.port}` });
  t.equal(r.headers['x-rate-limit-limit'], '4', "X-Rate-Limit-Limit reports the token's ceiling");
  o.setRateLimits({ tokenSharePercent: 75 });
  const r2 = await get(sim2.url, '/api/v1/apps', { token: o.token, host: `pt.okta.com:${sim2.port}` });
  t.equal(r2.headers['x-rate-limit-limit'], '6', 'an org admin can change the percentage');
  o.setRateLimits({ perTokenShare: false });
  const r3 = await get(sim2.url, '/api/v1/apps', { token: o.token, host: `pt.okta.com:${sim2.port}` });
  t.equal(r3.headers['x-rate-limit-limit'], '8', 'and turn the ceiling off');
});

t.test('per-token share: one token gets half the bucket', async (t) => {
  org.setRateLimits({ perTokenShare: true, limits: { users: 4 } });
  const other = org.tokenFor('ORG_ADMIN') as string;
  const a = [];
  for (let i = 0; i < 3; i++) a.push(await get(sim.url, '/api/v1/users', h));
  t.same(
    a.map((r) => r.status),
    [200, 200, 429],
  );
  t.equal(a[0]?.headers['x-rate-limit-limit'], '2', "the limit header shows the token's share");
  t.equal(
    (await get(sim.url, '/api/v1/users', { ...h, token: other })).status,
    200,
    'another token still has its share',
  );
  org.setRateLimits({ perTokenShare: false, limits: { apps: 5, users: 3 } });
});

t.test('concurrency limit: 429 with 0/0 headers', async (t) => {
  org.setRateLimits({ concurrency: 2, limits: { other: 1000 } });
  org.setFaults({ latencyMs: 200 });
  const replies = await Promise.all([1, 2, 3, 4].map(() => get(sim.url, '/api/v1/org', h)));
  const limited = replies.filter((r) => r.status === 429);
  t.equal(limited.length, 2);
  for (const r of limited) {
    t.equal(r.headers['x-rate-limit-limit'], '0');
    t.equal(r.headers['x-rate-limit-remaining'], '0');
  }
  t.equal(org.requestCounts().concurrencyLimited, 2);
  org.setFaults({});
});

t.test('profiles', async (t) => {
  org.setRateLimits({ profile: 'one-app', limits: {} });
  const logs = await get(sim.url, '/api/v1/logs', h);
  t.equal(logs.headers['x-rate-limit-limit'], '50');
  org.setProfile('integrator-free');
  t.equal((await get(sim.url, '/api/v1/apps', h)).headers['x-rate-limit-limit'], '20');
  org.setProfile('workforce');
  t.equal((await get(sim.url, '/api/v1/groups', h)).headers['x-rate-limit-limit'], '500');
  t.equal((await get(sim.url, '/api/v1/org', h)).headers['x-rate-limit-limit'], '1200');
});
