import { testEnv, uniqueName } from '@appgov/testing';
import { Redis } from 'ioredis';
import t from 'tap';
import { requireRole } from '../src/index.js';
import { bearer, testApp } from './helpers.js';

t.test(
  'the idempotency cache stores the webhook-creation 201 body with its signing secret for 24 h, keyed without the caller (finding 4)',
  async (t) => {
    const redis = new Redis(testEnv().REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect();
    const prefix = `${uniqueName('idem')}:`;
    t.teardown(async () => {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      await redis.quit();
    });
    const { app } = await testApp(t, { redis, redisKeyPrefix: prefix });
    let created = 0;
    app.post('/hooks', { preHandler: requireRole('admin') }, async (_request, reply) => {
      created++;
      // A response holding a one-time secret says so: it must not be cached anywhere.
      reply.header('cache-control', 'no-store');
      return reply.code(201).send({ id: `hook-${created}`, secret: `whsec_${'s'.repeat(20)}${created}` });
    });
    const alice = await bearer('tenant-a', ['admin'], 'alice');
    const mallory = await bearer('tenant-a', ['admin'], 'mallory');
    const post = (headers: Record<string, string>) =>
      app.inject({
        method: 'POST',
        url: '/hooks',
        headers: { ...headers, 'idempotency-key': 'k1' },
        payload: {},
      });

    const first = await post(alice);
    t.equal(first.statusCode, 201);
    t.match(first.json().secret, /^whsec_/);
    const stored = await Promise.all((await redis.keys(`${prefix}*`)).map((k) => redis.get(k)));
    t.notOk(stored.join('\n').includes('whsec_'), 'Redis holds no secret');

    const again = await post(alice);
    t.equal(created, 1, 'the repeat does not create a second webhook');
    t.notOk(again.body.includes('whsec_'), 'the repeat does not show the secret again');
    t.equal(again.statusCode, 409);
    t.equal(again.json().code, 'IDEMPOTENCY_RESPONSE_NOT_REPLAYED');

    const other = await post(mallory);
    t.notOk(other.body.includes('whsec_1'), "another caller of the tenant never gets alice's response");
    t.equal(other.statusCode, 201, "another caller's key is its own");
    t.equal(created, 2);
  },
);
