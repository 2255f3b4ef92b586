import { buildHttpApp, type HttpApp, PROBLEM_CONTENT_TYPE, toProblem } from '@appgov/http';
import { authOptions, readinessPlugin } from '@appgov/service';
import type { AppLogger, Registry } from '@appgov/telemetry';
import type { Redis } from 'ioredis';
import type { Config } from './config.js';
import type { ConnectionDeps } from './domain/connection.service.js';
import { PublicUpstreamError } from './domain/okta-validation.js';
import { registerConnectionRoutes } from './routes/connections.routes.js';
import { registerOperatorRoutes } from './routes/operator.routes.js';

/** What {@link buildApp} needs: the use-case deps plus the HTTP cross-cutting pieces. */
export interface AppOptions {
  config: Readonly<Config>;
  deps: ConnectionDeps;
  logger: AppLogger;
  registry: Registry;
  redis: Redis;
}

/** Builds the connection-service fastify app (never listens; tests use `app.inject`). */
export async function buildApp(options: AppOptions): Promise<HttpApp> {
  // Filled by the infrastructure plugins, one check per dependency.
  const readiness: Record<string, () => Promise<unknown>> = {};
  const app = await buildHttpApp({
    name: 'connection-service',
    logger: options.logger,
    registry: options.registry,
    auth: authOptions(options.config),
    redis: options.redis,
    redisKeyPrefix: options.config.REDIS_KEY_PREFIX,
    rateLimit: { perMinute: options.config.RATE_LIMIT_PER_MINUTE },
    readiness,
    swagger: {
      title: 'Appgov connection-service',
      version: '1.0.0',
      description:
        'Okta integrations: connect, status, update token, delete, sync now, history (SPEC section 2)',
    },
  });
  await app.register(readinessPlugin, { checks: readiness });
  await app.register(async (scope) => {
    // C2 asks for distinct messages for "Okta down" and "circuit open"; the shared handler hides
    // every 5xx detail, so these errors, whose messages we write ourselves, are shown here.
    scope.setErrorHandler((error, request, reply) => {
      if (!(error instanceof PublicUpstreamError)) throw error;
      const { problem } = toProblem(error, request.url.split('?')[0] ?? request.url);
      problem.detail = error.message;
      request.log.warn({ code: error.code, details: error.details }, 'Okta validation unavailable');
      return reply.code(problem.status).header('retry-after', 30).type(PROBLEM_CONTENT_TYPE).send(problem);
    });
    registerConnectionRoutes(scope as unknown as HttpApp, options.deps);
    registerOperatorRoutes(scope as unknown as HttpApp, options.deps);
  });
  return app;
}
