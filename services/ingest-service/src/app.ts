// Builds the HTTP side of ingest-service (health, readiness, metrics, OpenAPI, operator job list);
// never listens: server.ts owns the process, tests use app.inject.
import { buildHttpApp, type HttpApp } from '@appgov/http';
import { authOptions, readinessPlugin } from '@appgov/service';
import type { AppLogger, Registry } from '@appgov/telemetry';
import type { Kysely } from 'kysely';
import type { Config } from './config.js';
import type { IngestDatabase } from './domain/ingest.tables.js';
import { registerJobRoutes } from './routes/jobs.routes.js';

/** What {@link buildApp} needs. */
export interface AppOptions {
  config: Readonly<Config>;
  db: Kysely<IngestDatabase>;
  logger: AppLogger;
  registry: Registry;
}

/** Builds the ingest-service fastify app (never listens). */
export async function buildApp(options: AppOptions): Promise<HttpApp> {
  // Filled by the infrastructure plugins, one check per dependency.
  const readiness: Record<string, () => Promise<unknown>> = {};
  const app = await buildHttpApp({
    name: 'ingest-service',
    logger: options.logger,
    registry: options.registry,
    auth: authOptions(options.config),
    readiness,
    swagger: {
      title: 'Appgov ingest-service',
      version: '0.1.0',
      description: 'Okta sync jobs: health, readiness, metrics and an operator view of jobs',
    },
  });
  await app.register(readinessPlugin, { checks: readiness });
  registerJobRoutes(app, options.db);
  return app;
}
