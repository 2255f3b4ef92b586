import { pingDb } from '@appgov/db';
import { buildHttpApp, type HttpApp } from '@appgov/http';
import type { AppLogger, Registry } from '@appgov/telemetry';
import type { Redis } from 'ioredis';
import type { Kysely } from 'kysely';
import type { CatalogConfig } from './config.js';
import { registerCatalogRoutes } from './routes/catalog.routes.js';

/** What the HTTP app is built from (tests inject their own). */
export interface AppDeps {
  config: CatalogConfig;
  db: Kysely<any>;
  logger: AppLogger;
  registry: Registry;
  redis?: Redis | undefined;
  redisKeyPrefix?: string | undefined;
  /** Extra readiness checks (Kafka). */
  readiness?: Record<string, () => Promise<unknown>>;
}

/** Builds the catalog's fastify app (never listens). */
export async function buildApp(deps: AppDeps): Promise<HttpApp> {
  const { config } = deps;
  const app = await buildHttpApp({
    name: 'catalog-service',
    logger: deps.logger,
    registry: deps.registry,
    auth: {
      hs256Secret: config.JWT_HS256_SECRET,
      jwksUrl: config.JWT_JWKS_URL,
      issuer: config.JWT_ISSUER,
      audience: config.JWT_AUDIENCE,
    },
    readiness: {
      postgres: () => pingDb(deps.db),
      ...(deps.redis ? { redis: () => deps.redis!.ping() } : {}),
      ...deps.readiness,
    },
    ...(deps.redis ? { redis: deps.redis, rateLimit: { perMinute: config.RATE_LIMIT_PER_MINUTE } } : {}),
    ...(deps.redisKeyPrefix ? { redisKeyPrefix: deps.redisKeyPrefix } : {}),
    swagger: {
      title: 'Appgov catalog API',
      version: '1.0.0',
      description:
        'The app inventory of every connected Okta org, its findings and per-connection summaries.',
    },
  });
  registerCatalogRoutes(app, deps.db);
  return app;
}
