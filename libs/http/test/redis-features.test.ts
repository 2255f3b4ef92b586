import { setTimeout } from 'node:timers/promises';
import { testEnv, uniqueName, waitFor } from '@appgov/testing';
import { Type } from '@sinclair/typebox';
import { Redis } from 'ioredis';
import t from 'tap';
import { requireRole } from '../src/index.js';
import { bearer, testApp } from './helpers.js';

async function redisFor(t: Tap): Promise<{ redis: Redis; prefix: string }> {
  const redis = new Redis(testEnv().REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  const prefix = `${uniqueName('test')}:`;
  t.teardown(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });
  return { redis, prefix };
}
type Tap = { teardown(fn: () => unknown): void };

t.test('per-tenant rate limit answers 429 RATE_LIMITED once the budget is spent', async (t) => {
  const { redis, prefix } = await redisFor(t);
  const { app } = await testApp(t, { redis, redisKeyPrefix: prefix, rateLimit: { perMinute: 3 } });
  app.get('/things', { preHandler: requireRole('viewer') }, async () => ({ ok: true }));
  const a = await bearer('tenant-a', ['viewer']);
  const b = await bearer('tenant-b', ['viewer']);
  const statuses: number[] = [];
  for (let i = 0; i < 4; i++) statuses.push((await app.inject({ url: '/things', headers: a })).statusCode);
  t.same(statuses, [200, 200, 200, 429]);
  const limited = await app.inject({ url: '/things', headers: a });
  t.equal(limited.json().code, 'RATE_LIMITED');
  t.match(limited.headers['retry-after'], /^\d+$/);
  t.equal(limited.headers['x-ratelimit-remaining'], '0');
  t.equal(
    (await app.inject({ url: '/things', headers: b })).statusCode,
    200,
    'other tenants keep their budget',
  );
});

t.test('the rate limit window resets', async (t) => {
  const { redis, prefix } = await redisFor(t);
  const windowMs = 1000;
  const { app } = await testApp(t, {
    redis,
    redisKeyPrefix: prefix,
    rateLimit: { perMinute: 1, windowMs },
  });
  app.get('/things', { preHandler: requireRole('viewer') }, async () => ({ ok: true }));
  const a = await bearer('tenant-a', ['viewer']);
  const call = () => app.inject({ url: '/things', headers: a });
  // A window starts at the tenant's first call. On a stalled machine the two calls of a try may
  // still be a window apart, so such a try is repeated (after its window ran out) rather than the
  // test failing on timing.
  let pair: number[] = [];
  let retryAfterSeconds = 0;
  for (let i = 0; i < 5; i++) {
    const started = Date.now();
    const first = await call();
    const second = await call();
    pair = [first.statusCode, second.statusCode];
    retryAfterSeconds = Number(second.headers['retry-after']);
    if (Date.now() - started < windowMs) break;
    await setTimeout(windowMs);
  }
  t.same(pair, [200, 429], 'the second call of a window is limited');
  // The 429 says when its window ends.
  await setTimeout(retryAfterSeconds * 1000);
  t.equal((await call()).statusCode, 200, 'the next window has a fresh budget');
});

t.test('Idempotency-Key replays, rejects reuse with another body, and 409s while in flight', async (t) => {
  const { redis, prefix } = await redisFor(t);
  const { app } = await testApp(t, { redis, redisKeyPrefix: prefix });
  let created = 0;
  let release: () => void = () => {};
  let slowInHandler = false;
  app.post(
    '/connections',
    { preHandler: requireRole('admin'), schema: { body: Type.Object({ domain: Type.String() }) } },
    async (request, reply) => {
      if (request.body.domain === 'slow.okta.com') {
        slowInHandler = true;
        await new Promise<void>((r) => (release = r));
      }
      created++;
      return reply.code(201).send({ id: `c-${created}`, domain: request.body.domain });
    },
  );
  const admin = await bearer('t1', ['admin']);
  const post = (key: string, domain: string, headers = admin) =>
    app.inject({
      method: 'POST',
      url: '/connections',
      headers: { ...headers, 'idempotency-key': key },
      payload: { domain },
    });

  const first = await post('k1', 'acme.okta.com');
  t.equal(first.statusCode, 201);
  const replay = await post('k1', 'acme.okta.com');
  t.equal(replay.statusCode, 201);
  t.same(replay.json(), first.json());
  t.equal(replay.headers['idempotent-replayed'], 'true');
  t.equal(created, 1, 'the handler ran once');

  const reused = await post('k1', 'other.okta.com');
  t.equal(reused.statusCode, 422);
  t.equal(reused.json().code, 'IDEMPOTENCY_KEY_REUSED');

  const otherTenant = await post('k1', 'acme.okta.com', await bearer('t2', ['admin']));
  t.equal(otherTenant.statusCode, 201, 'keys are per tenant');
  t.equal(created, 2);

  const slow = post('k2', 'slow.okta.com');
  // In the handler means the key is taken (not "surely taken after 50 ms").
  await waitFor(() => slowInHandler, { description: 'the first k2 request in its handler' });
  const duplicate = await post('k2', 'slow.okta.com');
  t.equal(duplicate.statusCode, 409);
  t.equal(duplicate.json().code, 'IDEMPOTENCY_REQUEST_IN_PROGRESS');
  release();
  t.equal((await slow).statusCode, 201);
  t.equal((await post('k2', 'slow.okta.com')).statusCode, 201);
  t.equal(created, 3);

  const noKey1 = await app.inject({
    method: 'POST',
    url: '/connections',
    headers: admin,
    payload: { domain: 'x' },
  });
  const noKey2 = await app.inject({
    method: 'POST',
    url: '/connections',
    headers: admin,
    payload: { domain: 'x' },
  });
  t.not(noKey1.json().id, noKey2.json().id, 'without a key every POST runs');
});

t.test('a failed request frees its Idempotency-Key for a retry', async (t) => {
  const { redis, prefix } = await redisFor(t);
  const { app } = await testApp(t, { redis, redisKeyPrefix: prefix });
  let calls = 0;
  app.post('/flaky', { preHandler: requireRole('admin') }, async () => {
    calls++;
    if (calls === 1) throw new Error('database hiccup');
    return { ok: true };
  });
  const admin = await bearer('t1', ['admin']);
  const send = () =>
    app.inject({
      method: 'POST',
      url: '/flaky',
      headers: { ...admin, 'idempotency-key': 'f1' },
      payload: { a: 1 },
    });
  t.equal((await send()).statusCode, 500);
  t.equal((await send()).statusCode, 200);
  t.equal((await send()).headers['idempotent-replayed'], 'true');
  t.equal(calls, 2);
});
