import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppError, UpstreamUnavailableError } from '@appgov/errors';
import type { AppLogger, Registry } from '@appgov/telemetry';
import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type preHandlerHookHandler,
  type RawServerDefault,
} from 'fastify';
import type { Redis } from 'ioredis';
import type { AuthOptions } from './auth.js';
import { problemClientErrorHandler, problemFrameworkErrors } from './edge-errors.js';
import { registerHealthRoutes } from './health.routes.js';
import { idempotencyOnSend, idempotencyPreHandler } from './idempotency.js';
import { rejectUnsafeInput } from './input-guard.js';
import { completeContract } from './openapi-contract.js';
import { authPlugin } from './plugins/auth.plugin.js';
import { httpMetricsPlugin } from './plugins/http-metrics.plugin.js';
import { PROBLEM_CONTENT_TYPE, ProblemSchema, toProblem } from './problem-details.js';
import { type RateLimitOptions, registerTenantRateLimit } from './rate-limit.js';

/** The fastify instance services get: TypeBox schemas type their handlers. */
export type HttpApp = FastifyInstance<
  RawServerDefault,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

/** A readiness check: resolves when the dependency answers. */
export type ReadinessCheck = () => Promise<unknown>;

/** Options of {@link buildHttpApp}. */
export interface BuildHttpAppOptions {
  /** Service name (metrics, Redis key prefix). */
  name: string;
  logger: AppLogger;
  registry: Registry;
  auth: AuthOptions;
  /** Checks `/readyz` runs, by dependency name. */
  readiness?: Record<string, ReadinessCheck>;
  readinessTimeoutMs?: number;
  /** Needed for the rate limit and Idempotency-Key; without it both are off. */
  redis?: Redis;
  /** Defaults to `appgov:<name>:`; tests pass a unique one. */
  redisKeyPrefix?: string;
  rateLimit?: RateLimitOptions;
  /** How long POST responses are replayed for an Idempotency-Key (default 24 h). */
  idempotencyTtlMs?: number;
  swagger: { title: string; version: string; description?: string };
  /** Request body limit in bytes (fastify default 1 MiB). */
  bodyLimit?: number;
}

/**
 * Builds a fastify app with Appgov's cross-cutting behaviour (problem+json errors, JWT auth,
 * per-tenant rate limit, Idempotency-Key, /healthz, /readyz, /metrics, OpenAPI at /docs/json).
 * Routes are added by the caller afterwards; it never listens.
 */
export async function buildHttpApp(options: BuildHttpAppOptions): Promise<HttpApp> {
  const app = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    requestIdHeader: 'x-request-id',
    clientErrorHandler: problemClientErrorHandler,
    frameworkErrors: problemFrameworkErrors,
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true } },
  }).withTypeProvider<TypeBoxTypeProvider>() as HttpApp;

  const keyPrefix = options.redisKeyPrefix ?? `appgov:${options.name}:`;
  app.addSchema(ProblemSchema);

  app.setErrorHandler((error, request, reply) => {
    const { problem, retryAfterSeconds } = toProblem(error, request.url.split('?')[0] ?? request.url);
    if (problem.status >= 500) request.log.error({ err: error }, 'request failed');
    // Finding 13: a parser or validation error's message can quote the input (a token); log its code only.
    else if (!(error instanceof AppError))
      request.log.info({ code: problem.code, status: problem.status }, 'request rejected');
    if (retryAfterSeconds !== undefined) reply.header('retry-after', retryAfterSeconds);
    if (problem.status === 401) reply.header('www-authenticate', 'Bearer');
    return reply.code(problem.status).type(PROBLEM_CONTENT_TYPE).send(problem);
  });
  app.setNotFoundHandler((request, reply) => {
    const { problem } = toProblem(
      {
        statusCode: 404,
        code: 'ROUTE_NOT_FOUND',
        message: `No route ${request.method} ${request.url.split('?')[0]}.`,
      },
      request.url.split('?')[0] ?? request.url,
    );
    return reply.code(404).type(PROBLEM_CONTENT_TYPE).send(problem);
  });

  await app.register(authPlugin, options.auth);
  if (options.redis && options.rateLimit) {
    await registerTenantRateLimit(app, options.redis, keyPrefix, options.rateLimit);
    const limiter = options.redis;
    // Finding 11: fail closed. Serving without the limit while Redis is down would let one tenant
    // take everything the others share; a documented 503 is the safe answer.
    app.addHook('onRequest', async (request) => {
      if (request.auth && limiter.status !== 'ready') {
        throw new UpstreamUnavailableError(
          'RATE_LIMIT_UNAVAILABLE',
          'Rate limiting is unavailable; try again shortly.',
        );
      }
    });
  }
  app.addHook('preValidation', rejectUnsafeInput);

  await app.register(httpMetricsPlugin, { registry: options.registry });

  const redis = options.redis;
  if (redis) {
    const idempotency = idempotencyPreHandler(redis, keyPrefix) as preHandlerHookHandler;
    // Appended to each POST route's own preHandlers, so it runs after requireAuth/requireRole.
    app.addHook('onRoute', (route) => {
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      if (!methods.includes('POST')) return;
      const own =
        route.preHandler === undefined
          ? []
          : Array.isArray(route.preHandler)
            ? route.preHandler
            : [route.preHandler];
      route.preHandler = [...own, idempotency];
    });
    app.addHook(
      'onSend',
      idempotencyOnSend(
        redis,
        options.idempotencyTtlMs === undefined ? {} : { ttlMs: options.idempotencyTtlMs },
      ),
    );
  }

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: options.swagger.title,
        version: options.swagger.version,
        ...(options.swagger.description ? { description: options.swagger.description } : {}),
      },
      components: {
        securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      },
      security: [{ bearerAuth: [] }],
    },
    transformObject: (documentObject) =>
      completeContract((documentObject as { openapiObject: Record<string, any> }).openapiObject) as never,
  });
  app.get('/docs/json', { schema: { hide: true } }, async () => app.swagger());

  registerHealthRoutes(app, {
    registry: options.registry,
    readiness: options.readiness ?? {},
    timeoutMs: options.readinessTimeoutMs ?? 2000,
  });
  return app;
}
