import { RateLimitedError } from '@appgov/errors';
import type { FastifyReply } from 'fastify';
import type { Redis } from 'ioredis';

/** Per-tenant request budget. */
export interface RateLimitOptions {
  perMinute: number;
  /** Window length; 60 s unless a test shortens it. */
  windowMs?: number;
}

/**
 * Fixed-window counter per tenant in Redis (INCR, PEXPIRE on the first hit). Throws
 * RateLimitedError `RATE_LIMITED` with the time left in the window once the budget is spent.
 */
export async function enforceRateLimit(
  redis: Redis,
  keyPrefix: string,
  tenant: string,
  options: RateLimitOptions,
  reply: FastifyReply,
): Promise<void> {
  const windowMs = options.windowMs ?? 60_000;
  const now = Date.now();
  const window = Math.floor(now / windowMs);
  const key = `${keyPrefix}ratelimit:${tenant}:${window}`;
  const [[incrError, count] = [], [, ttl] = []] = (await redis.multi().incr(key).pttl(key).exec()) ?? [];
  if (incrError) throw incrError;
  if (typeof ttl === 'number' && ttl < 0) await redis.pexpire(key, windowMs);
  const used = Number(count);
  const remaining = Math.max(0, options.perMinute - used);
  reply.header('x-ratelimit-limit', options.perMinute);
  reply.header('x-ratelimit-remaining', remaining);
  if (used > options.perMinute) {
    const retryAfterMs = (window + 1) * windowMs - now;
    throw new RateLimitedError('RATE_LIMITED', 'Too many requests for this tenant; slow down.', {
      retryAfterMs,
    });
  }
}
