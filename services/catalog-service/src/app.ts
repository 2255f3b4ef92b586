import { buildHttpApp, type HttpApp } from '@appgov/http';
import { authOptions, readinessPlugin } from '@appgov/service';
import type { AppLogger, Registry } from '@appgov/telemetry';
import type { Redis } from 'ioredis';
import type { Kysely } from 'kysely';
import type { Config } from './config.js';
import type { CatalogDatabase } from './domain/tables/catalog.database.js';
import { registerCatalogRoutes } from './routes/catalog.routes.js';

/** What {@link buildApp} needs. */
export interface AppOptions {
  config: Readonly<Config>;
  db: Kysely<CatalogDatabase>;
  logger: AppLogger;
  registry: Registry;
  redis: Redis;
}

/** Builds the catalog's fastify app (never listens). */
export async function buildApp(options: AppOptions): Promise<HttpApp> {
  const { config } = options;
  // Filled by the infrastructure plugins, one check per dependency.
  const readiness: Record<string, () => Promise<unknown>> = {};
  const app = await buildHttpApp({
    name: 'catalog-service',
    logger: options.logger,
    registry: options.registry,
    auth: authOptions(config),
    readiness,
    redis: options.redis,
    redisKeyPrefix: config.REDIS_KEY_PREFIX,
    rateLimit: { perMinute: config.RATE_LIMIT_PER_MINUTE },
    swagger: {
      title: 'Appgov catalog API',
      version: '1.0.0',
      description:
        'The app inventory of every connected Okta org, its findings and per-connection summaries.',
    },
  });
  await app.register(readinessPlugin, { checks: readiness });
  registerCatalogRoutes(app, options.db);
  return app;
}
