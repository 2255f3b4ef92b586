import { freePort } from '@appgov/testing';
import { Redis } from 'ioredis';
import t from 'tap';
import { requireRole } from '../src/index.js';
import { bearer, testApp } from './helpers.js';

t.test('rate limiting fails open when Redis is down (finding 11)', async (t) => {
  // A Redis client pointing at a port nothing listens on: every command fails at once.
  const redis = new Redis(`redis://127.0.0.1:${await freePort()}`, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  redis.on('error', () => {});
  t.teardown(() => redis.disconnect());
  const { app } = await testApp(t, { redis, rateLimit: { perMinute: 5 } });
  app.get('/things', { preHandler: requireRole('viewer') }, async () => ({ ok: true }));
  const viewer = await bearer('tenant-a', ['viewer']);
  const statuses: number[] = [];
  for (let i = 0; i < 10; i++)
    statuses.push((await app.inject({ url: '/things', headers: viewer })).statusCode);
  t.same(statuses, Array(10).fill(503), 'refused while the limit cannot be enforced');
  const res = await app.inject({ url: '/things', headers: viewer });
  t.equal(res.json().code, 'RATE_LIMIT_UNAVAILABLE');
  t.match(String(res.headers['content-type']), 'application/problem+json');
});
