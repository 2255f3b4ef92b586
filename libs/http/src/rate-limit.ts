import { AppError, RateLimitedError, UpstreamUnavailableError } from '@appgov/errors';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';

/** Per-tenant request budget. */
export interface RateLimitOptions {
  perMinute: number;
  /** Window length; 60 s unless a test shortens it. */
  windowMs?: number;
}

/** Requests in the onRequest phase, where the limiter checks: a raw error then is its store failing. */
const checking = new WeakSet<FastifyRequest>();

/**
 * The answer to an error the limiter's check threw (finding 11: Redis connected but its command
 * failing): a documented 503, as when Redis is down, never a request served uncounted. Undefined
 * for errors of later phases and for the app's own errors (the limiter's 429, auth's 401).
 */
export function rateLimitFailure(request: FastifyRequest, error: unknown): Error | undefined {
  if (!checking.has(request) || error instanceof AppError) return undefined;
  return new UpstreamUnavailableError(
    'RATE_LIMIT_UNAVAILABLE',
    'Rate limiting is unavailable; try again shortly.',
  );
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
  app.addHook('onRequest', async (request) => {
    checking.add(request);
  });
  await app.register(rateLimit, {
    global: true,
    hook: 'onRequest',
    max: options.perMinute,
    timeWindow: options.windowMs ?? 60_000,
    redis,
    nameSpace: `${keyPrefix}ratelimit:`,
    keyGenerator: (request) => request.auth?.tenant ?? '',
    allowList: (request) => !request.auth,
    // Fail closed (finding 11): a store error reaches the error handler, which answers 503
    // (rateLimitFailure); build-http-app also refuses while the Redis client is not ready.
    skipOnError: false,
    errorResponseBuilder: (_request, context) =>
      new RateLimitedError('RATE_LIMITED', 'Too many requests for this tenant; slow down.', {
        retryAfterMs: context.ttl,
      }),
  });
  // The plugin hooks every route's own onRequest, which runs after all of the app's: the check is
  // over once parsing starts.
  app.addHook('preParsing', async (request) => {
    checking.delete(request);
  });
}
