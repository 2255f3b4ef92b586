import { RateLimitedError } from '@appgov/errors';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';

/** Per-tenant request budget. */
export interface RateLimitOptions {
  perMinute: number;
  /** Window length; 60 s unless a test shortens it. */
  windowMs?: number;
}

/**
 * Counts authenticated requests per tenant in Redis with @fastify/rate-limit (a window starts at
 * a tenant's first call). Once the budget is spent a request fails with RateLimitedError
 * `RATE_LIMITED` carrying the time left in the window. Requests without a verified caller are not
 * counted, so it must be registered after the onRequest hook that sets `request.auth`.
 */
export async function registerTenantRateLimit(
  app: FastifyInstance,
  redis: Redis,
  keyPrefix: string,
  options: RateLimitOptions,
): Promise<void> {
  await app.register(rateLimit, {
    global: true,
    hook: 'onRequest',
    max: options.perMinute,
    timeWindow: options.windowMs ?? 60_000,
    redis,
    nameSpace: `${keyPrefix}ratelimit:`,
    keyGenerator: (request) => request.auth?.tenant ?? '',
    allowList: (request) => !request.auth,
    // Redis down: serving beats refusing everyone; the limit resumes when Redis is back.
    skipOnError: true,
    errorResponseBuilder: (_request, context) =>
      new RateLimitedError('RATE_LIMITED', 'Too many requests for this tenant; slow down.', {
        retryAfterMs: context.ttl,
      }),
  });
}
