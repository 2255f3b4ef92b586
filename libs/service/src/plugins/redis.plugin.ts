import type { AppLogger } from '@appgov/telemetry';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Redis, type RedisOptions } from 'ioredis';

declare module 'fastify' {
  interface FastifyInstance {
    redis: Redis;
  }
}

/** A Redis client that connects on `connect()` and logs (never throws) connection errors. */
export function createRedis(url: string, logger: AppLogger, options: RedisOptions = {}): Redis {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2, ...options });
  redis.on('error', (err: Error) => logger.warn({ err: { message: err.message } }, 'redis error'));
  return redis;
}

/** `appgov-redis`: the client, its `redis` readiness check, disconnected on close. */
export const redisPlugin = fp<{ redis: Redis }>(
  async (app: FastifyInstance, { redis }) => {
    app.decorate('redis', redis);
    app.addReadinessCheck('redis', () => redis.ping());
    app.addHook('onClose', async () => {
      if (redis.status !== 'end') redis.disconnect();
    });
  },
  { name: 'appgov-redis', fastify: '5.x', dependencies: ['appgov-readiness'] },
);
