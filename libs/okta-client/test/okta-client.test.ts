import { randomUUID } from 'node:crypto';
import { inspect } from 'node:util';
import { waitFor } from '@appgov/testing';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import t, { type Test } from 'tap';
import {
  createOktaClientFactory,
  type OktaClientFactoryOptions,
  productionResolver,
  testResolver,
} from '../src/index.js';
import { DOMAIN, type FakeOkta, json, rateHeaders, startFakeOkta } from './fake-okta.js';

const TOKEN = '00aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789-secret';
const sec = (ms: number) => Math.ceil(ms / 1000);
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:56379';

async function setup(
  t: Test,
  handler: Parameters<typeof startFakeOkta>[0],
  extra: Partial<OktaClientFactoryOptions> = {},
): Promise<{ fake: FakeOkta; factory: ReturnType<typeof createOktaClientFactory> }> {
  const fake = await startFakeOkta(handler);
  const factory = createOktaClientFactory({
    resolver: testResolver({ port: fake.port }),
    allowInsecureForTests: true,
    registry: new Registry(),
    retry: { baseDelayMs: 20, maxDelayMs: 100, concurrencyBackoffMs: 50 },
    ...extra,
  });
  t.teardown(async () => {
    await factory.close();
    await fake.close();
  });
  return { fake, factory };
}

const okHeaders = () => rateHeaders(1000, 999, sec(Date.now() + 60_000));

t.test('pages users over Link headers and resumes from a saved next URL', async (t) => {
  const { fake, factory } = await setup(t, (req, res, seen) => {
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    const after = Number(url.searchParams.get('after') ?? '0');
    const next =
      after < 2 ? `http://${req.headers.host}/api/v1/users?after=${after + 1}&limit=200` : undefined;
    const link = [`<http://${req.headers.host}${req.url}>; rel="self"`];
    if (next) link.push(`<${next}>; rel="next"`);
    t.equal(seen.authorization, `SSWS ${TOKEN}`);
    json(res, 200, [{ id: `u${after}`, status: 'ACTIVE' }], { ...okHeaders(), link });
  });
  const client = factory.forOrg(DOMAIN, { type: 'ssws', token: TOKEN });
  const pages = [];
  for await (const page of client.listUsers()) pages.push(page);
  t.same(
    pages.map((p) => p.items.map((u) => u.id)),
    [['u0'], ['u1'], ['u2']],
  );
  t.match(fake.seen[0]?.path, /limit=200/);
  t.equal(fake.seen[0]?.host, `${DOMAIN}:${fake.port}`, 'the Host header names the org');
  t.equal(pages[2]?.next, undefined);
  const resumeFrom = pages[0]?.next as string;
  t.match(resumeFrom, /after=1/);
  const resumed = [];
  for await (const page of client.pagesFrom(resumeFrom))
    resumed.push(...page.items.map((u) => (u as { id: string }).id));
  t.same(resumed, ['u1', 'u2']);
  const viaOption = [];
  for await (const page of client.listUsers({ from: resumeFrom }))
    viaOption.push(...page.items.map((u) => u.id));
  t.same(viaOption, ['u1', 'u2']);
});

t.test('pages admin assignees through _links.next in the body', async (t) => {
  const { fake, factory } = await setup(t, (req, res) => {
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    const after = url.searchParams.get('after');
    const body = after
      ? { value: [{ id: 'u2' }], _links: {} }
      : {
          value: [{ id: 'u1' }],
          _links: {
            next: { href: `http://${req.headers.host}/api/v1/iam/assignees/users?after=c1&limit=100` },
          },
        };
    json(res, 200, body, okHeaders());
  });
  const client = factory.forOrg(DOMAIN, { type: 'ssws', token: TOKEN });
  const ids = [];
  for await (const page of client.listAdminAssignees()) ids.push(...page.items.map((u) => u.id));
  t.same(ids, ['u1', 'u2']);
  t.match(fake.seen[0]?.path, /limit=100/);
});

t.test('a cross-origin next link is refused, never followed', async (t) => {
  const { fake, factory } = await setup(t, (_req, res) => {
    json(res, 200, [{ id: 'g1' }], {
      ...okHeaders(),
      link: '<https://evil.example.com/api/v1/groups?after=1>; rel="next"',
    });
  });
  const client = factory.forOrg(DOMAIN, { type: 'ssws', token: TOKEN });
  const seenItems: string[] = [];
  await t.rejects(
    (async () => {
      for await (const page of client.listGroups()) seenItems.push(...page.items.map((g) => g.id));
    })(),
    { code: 'OKTA_CROSS_ORIGIN_LINK' },
  );
  t.equal(fake.seen.length, 1);
  t.same(seenItems, [], 'a page whose next is foreign is not yielded as if complete');
  t.throws(() => client.pagesFrom('http://other.okta.com:1/api/v1/users'), {
    code: 'OKTA_CROSS_ORIGIN_LINK',
  });
});

t.test('after a 429 no request reaches the bucket before Reset', async (t) => {
  let resetSec = 0;
  let first = true;
  const registry = new Registry();
  const { fake, factory } = await setup(
    t,
    (_req, res) => {
      if (first) {
        first = false;
        resetSec = sec(Date.now() + 1500);
        json(
          res,
          429,
          { errorCode: 'E0000047', errorSummary: 'API call exceeded rate limit' },
          rateHeaders(100, 0, resetSec),
        );
        return;
      }
      json(res, 200, [{ id: '0oa1' }], rateHeaders(100, 99, sec(Date.now() + 60_000)));
    },
    { registry },
  );
  const client = factory.forOrg(DOMAIN, { type: 'ssws', token: TOKEN });
  const other = factory.forOrg(DOMAIN, { type: 'ssws', token: TOKEN });
  const a = (async () => {
    for await (const _ of client.listApps()) {
    }
  })();
  // Once the client has counted the 429 it has closed the bucket (same tick); a fixed 200 ms could
  // pass before the first answer is even in on a loaded machine, and b would then go first.
  const counted429 = async () =>
    /appgov_okta_429_total\{[^}]*\} 1/.test(await registry.getSingleMetricAsString('appgov_okta_429_total'));
  for (let i = 0; !(await counted429()); i++) {
    if (i > 600) throw new Error('no 429 counted after 30 s');
    await new Promise((r) => setTimeout(r, 50));
  }
  // Another call to the same bucket must also wait for Reset.
  const b = other.listAppGrants('0oa1');
  await Promise.all([a, b]);
  t.equal(fake.seen.length, 3);
  for (const s of fake.seen.slice(1))
    t.ok(s.at >= resetSec * 1000, `request at ${s.at} not before reset ${resetSec * 1000}`);
});

t.test('a concurrency 429 is retried after a short backoff', async (t) => {
  let n = 0;
  const { fake, factory } = await setup(t, (_req, res) => {
    if (n++ === 0) {
      json(res, 429, { errorCode: 'E0000047' }, rateHeaders(0, 0, sec(Date.now() + 60_000)));
      return;
    }
    json(res, 200, { id: 'org1' }, okHeaders());
  });
  const started = Date.now();
  const org = await factory.forOrg(DOMAIN, { type: 'ssws', token: TOKEN }).getOrg();
  t.equal(org.id, 'org1');
  // Far below the 60 s Reset, with room for a loaded machine.
  t.ok(Date.now() - started < 30_000, 'did not wait for the 60 s Reset');
  t.equal(fake.seen.length, 2);
});

t.test('5xx is retried, then the breaker opens and fails fast, then half-opens', async (t) => {
  let healthy = false;
  const { fake, factory } = await setup(
    t,
    (_req, res) => {
      if (healthy) json(res, 200, { id: 'org1' }, okHeaders());
      else json(res, 503, { errorCode: 'E0000009' }, okHeaders());
    },
    {
      retry: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 20 },
      breaker: { consecutiveFailures: 3, resetTimeout: 500 },
    },
  );
  const client = factory.forOrg(DOMAIN, { type: 'ssws', token: TOKEN });
  await t.rejects(client.getOrg(), { code: 'OKTA_UNAVAILABLE', retryable: true });
  t.equal(fake.seen.length, 2, 'retried once');
  await t.rejects(client.getOrg(), { code: 'OKTA_CIRCUIT_OPEN' });
  t.equal(fake.seen.length, 3, 'the third failure opened the breaker');
  t.equal(factory.breakerState(DOMAIN), 'open');
  await t.rejects(client.getOrg(), { code: 'OKTA_CIRCUIT_OPEN' });
  t.equal(fake.seen.length, 3, 'open breaker fails fast without a request');
  healthy = true;
  // The breaker half-opens on its own timer; wait for that state, not for a guessed duration.
  await waitFor(() => factory.breakerState(DOMAIN) === 'half_open', {
    timeoutMs: 10_000,
    intervalMs: 20,
    description: 'the breaker to half-open',
  });
  t.equal(fake.seen.length, 3, 'no request while open');
  t.equal((await client.getOrg()).id, 'org1', 'the half-open probe succeeds');
  t.equal(fake.seen.length, 4, 'one probe');
  t.equal(factory.breakerState(DOMAIN), 'closed');
});

t.test('401 is not retried and never trips the breaker; 403 keeps Okta details', async (t) => {
  const { fake, factory } = await setup(
    t,
    (req, res) => {
      if (req.url?.startsWith('/api/v1/apps')) {
        json(
          res,
          403,
          { errorCode: 'E0000006', errorSummary: 'no' },
          {
            ...okHeaders(),
            'www-authenticate': 'Bearer realm="IdpError", error="insufficient_scope"',
          },
        );
        return;
      }
      json(res, 401, { errorCode: 'E0000011', errorSummary: 'Invalid token provided' }, okHeaders());
    },
    { breaker: { consecutiveFailures: 2, volumeThreshold: 1 } },
  );
  const client = factory.forOrg(DOMAIN, { type: 'ssws', token: TOKEN });
  for (let i = 0; i < 6; i++)
    await t.rejects(client.getMe(), { code: 'OKTA_INVALID_TOKEN', retryable: false });
  t.equal(fake.seen.length, 6, 'one request per call');
  t.equal(factory.breakerState(DOMAIN), 'closed');
  await t.rejects(client.listAppGrants('0oa1'), {
    code: 'OKTA_FORBIDDEN',
    details: { oktaErrorCode: 'E0000006', insufficientScope: true },
  });
  t.equal(factory.breakerState(DOMAIN), 'closed');
});

t.test('the token never appears in thrown errors', async (t) => {
  const { factory } = await setup(
    t,
    (req, res) => {
      // A hostile or buggy upstream echoing the credential back.
      const echo = `bad credential ${req.headers.authorization}`;
      const status = req.url?.includes('users/me') ? 401 : 500;
      json(res, status, { errorCode: 'E0000011', errorSummary: echo, errorId: echo }, okHeaders());
    },
    { retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 } },
  );
  const client = factory.forOrg(DOMAIN, { type: 'ssws', token: TOKEN });
  for (const call of [() => client.getMe(), () => client.getOrg()]) {
    const err = await call().then(
      () => undefined,
      (e: unknown) => e,
    );
    t.ok(err);
    const text = [JSON.stringify(err), inspect(err, { depth: 10 }), String((err as Error).stack)].join('\n');
    t.notMatch(text, TOKEN);
  }
  // Network failure: the error text must not carry the request's headers either.
  const dead = createOktaClientFactory({
    resolver: testResolver({ port: 1 }),
    allowInsecureForTests: true,
    registry: new Registry(),
    retry: { maxAttempts: 1 },
  });
  t.teardown(() => dead.close());
  const err = await dead
    .forOrg(DOMAIN, { type: 'bearer', accessToken: TOKEN })
    .getOrg()
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  t.match(err, { code: 'OKTA_UNAVAILABLE', retryable: true });
  t.notMatch(inspect(err, { depth: 10 }), TOKEN);
});

t.test('redirects are not followed', async (t) => {
  const { fake, factory } = await setup(t, (_req, res) => {
    res.writeHead(302, { location: 'https://login.evil.example.com/' });
    res.end();
  });
  const client = factory.forOrg(DOMAIN, { type: 'ssws', token: TOKEN });
  await t.rejects(client.getMe(), { code: 'OKTA_ORG_NOT_FOUND' });
  await t.rejects(client.listUserRoles('u1'), { code: 'OKTA_REDIRECT_REFUSED' });
  t.equal(fake.seen.length, 2);
});

t.test('plain http and the DNS override need allowInsecureForTests', async (t) => {
  t.throws(() => createOktaClientFactory({ resolver: testResolver({ port: 1 }), registry: new Registry() }), {
    code: 'OKTA_INSECURE_URL',
  });
  const f = createOktaClientFactory({
    resolver: { baseUrl: (d) => `http://${d}` },
    registry: new Registry(),
  });
  t.teardown(() => f.close());
  t.throws(() => f.forOrg(DOMAIN, { type: 'ssws', token: TOKEN }), { code: 'OKTA_INSECURE_URL' });
  const p = createOktaClientFactory({ resolver: productionResolver(), registry: new Registry() });
  t.teardown(() => p.close());
  t.equal(p.forOrg('ACME.okta.com', { type: 'ssws', token: TOKEN }).baseUrl, 'https://acme.okta.com');
  const wrongHost = createOktaClientFactory({
    resolver: { baseUrl: () => 'https://evil.example.com' },
    registry: new Registry(),
  });
  t.teardown(() => wrongHost.close());
  t.throws(() => wrongHost.forOrg(DOMAIN, { type: 'ssws', token: TOKEN }), { code: 'OKTA_INSECURE_URL' });
});

t.test('validateToken returns the owner and its roles, or no roles on 403', async (t) => {
  let rolesAllowed = true;
  const { factory } = await setup(t, (req, res) => {
    if (req.url === '/api/v1/users/me') {
      json(res, 200, { id: '00u1', status: 'ACTIVE', profile: { login: 'admin@acme.com' } }, okHeaders());
    } else if (req.url === '/api/v1/users/00u1/roles') {
      if (rolesAllowed)
        json(
          res,
          200,
          [
            { id: 'r1', type: 'SUPER_ADMIN' },
            { id: 'r2', type: 'SUPER_ADMIN' },
          ],
          okHeaders(),
        );
      else json(res, 403, { errorCode: 'E0000006' }, okHeaders());
    } else json(res, 404, { errorCode: 'E0000007' }, okHeaders());
  });
  const client = factory.forOrg(DOMAIN, { type: 'ssws', token: TOKEN });
  t.same(await client.validateToken(), {
    userId: '00u1',
    login: 'admin@acme.com',
    adminRoles: ['SUPER_ADMIN'],
  });
  rolesAllowed = false;
  t.same(await client.validateToken(), { userId: '00u1', login: 'admin@acme.com' });
});

t.test('an unknown org (404 on /users/me) is OKTA_ORG_NOT_FOUND', async (t) => {
  const { factory } = await setup(t, (_req, res) => {
    res.writeHead(404, { 'content-type': 'text/html' });
    res.end('<html>not found</html>');
  });
  await t.rejects(factory.forOrg(DOMAIN, { type: 'ssws', token: TOKEN }).validateToken(), {
    code: 'OKTA_ORG_NOT_FOUND',
  });
});

// A server enforcing a small bucket: windows end on whole seconds as Okta's Reset does.
function smallBucket(limit: number, windowMs: number) {
  const windows: number[] = [];
  let resetSec = 0;
  let count = 0;
  let over = 0;
  const handler = (_req: unknown, res: Parameters<typeof json>[0]) => {
    const now = Date.now();
    if (now >= resetSec * 1000) {
      resetSec = sec(now + windowMs);
      count = 0;
      windows.push(0);
    }
    count++;
    windows[windows.length - 1] = count;
    if (count > limit) {
      over++;
      json(res, 429, { errorCode: 'E0000047' }, rateHeaders(limit, 0, resetSec));
      return;
    }
    json(res, 200, [], rateHeaders(limit, limit - count, resetSec));
  };
  return { handler, windows, over: () => over };
}

t.test('the pacer never uses more than its share of a small bucket', async (t) => {
  const bucket = smallBucket(10, 2000);
  // The fake's limit of 10 is an org-wide one (auto would read it as a token's ceiling: ceiling.ts).
  const { factory } = await setup(t, (req, res) => bucket.handler(req, res), { share: 0.5, ceiling: 'org' });
  const client = factory.forOrg(DOMAIN, { type: 'ssws', token: TOKEN });
  await Promise.all(Array.from({ length: 12 }, (_, i) => client.listAppGrants(`0oa${i}`)));
  t.ok(Math.max(...bucket.windows) <= 5, `per-window calls ${bucket.windows.join(',')}`);
  t.equal(bucket.over(), 0, 'no 429');
});

t.test('two clients sharing Redis share one budget', async (t) => {
  const bucket = smallBucket(10, 2000);
  const prefix = `test-okta-${randomUUID()}`;
  const r1 = new Redis(redisUrl);
  const r2 = new Redis(redisUrl);
  t.teardown(async () => {
    const keys = await r1.keys(`${prefix}:*`);
    if (keys.length) await r1.del(...keys);
    r1.disconnect();
    r2.disconnect();
  });
  const { fake, factory } = await setup(t, (req, res) => bucket.handler(req, res), {
    redis: r1,
    redisKeyPrefix: prefix,
    ceiling: 'org',
  });
  const second = createOktaClientFactory({
    ceiling: 'org',
    resolver: testResolver({ port: fake.port }),
    allowInsecureForTests: true,
    registry: new Registry(),
    redis: r2,
    redisKeyPrefix: prefix,
  });
  t.teardown(() => second.close());
  const a = factory.forOrg(DOMAIN, { type: 'ssws', token: TOKEN });
  const b = second.forOrg(DOMAIN, { type: 'ssws', token: TOKEN });
  await Promise.all([
    ...Array.from({ length: 7 }, (_, i) => a.listAppGrants(`a${i}`)),
    ...Array.from({ length: 7 }, (_, i) => b.listAppGrants(`b${i}`)),
  ]);
  t.ok(Math.max(...bucket.windows) <= 5, `per-window calls ${bucket.windows.join(',')}`);
  t.equal(bucket.over(), 0, 'no 429');
  const keys = await r1.keys(`${prefix}:*`);
  t.same(keys, [`${prefix}:okta-budget:${DOMAIN}:apps`], 'keys name the domain and bucket, never the token');
});

t.test('metrics are recorded without domain labels', async (t) => {
  const registry = new Registry();
  const { factory } = await setup(
    t,
    (_req, res) => json(res, 200, { id: 'o' }, rateHeaders(100, 40, sec(Date.now() + 60_000))),
    {
      registry,
    },
  );
  await factory.forOrg(DOMAIN, { type: 'ssws', token: TOKEN }).getOrg();
  const text = await registry.metrics();
  t.match(text, /appgov_okta_calls_total\{bucket="other",status="200"\} 1/);
  t.match(text, /appgov_okta_rate_limit_remaining_ratio\{bucket="other"\} 0.4/);
  t.match(text, /appgov_okta_circuit_state\{state="closed"\} 1/);
  t.match(text, /appgov_okta_call_duration_seconds_count\{bucket="other"\} 1/);
  t.notMatch(text, DOMAIN);
  t.notMatch(text, TOKEN);
});
