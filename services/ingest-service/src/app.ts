// Builds the HTTP side of ingest-service (health, readiness, metrics, OpenAPI, operator job list);
// never listens: server.ts owns the process, tests use app.inject.
import { buildHttpApp, type HttpApp } from '@appgov/http';
import type { AppLogger, Registry } from '@appgov/telemetry';
import type { Kysely } from 'kysely';
import type { IngestDatabase } from './domain/ingest.tables.js';
import { registerJobRoutes } from './routes/jobs.routes.js';

export interface AppDeps {
  db: Kysely<IngestDatabase>;
  logger: AppLogger;
  registry: Registry;
  auth: {
    hs256Secret?: string | undefined;
    jwksUrl?: string | undefined;
    issuer?: string | undefined;
    audience?: string | undefined;
  };
  readiness: Record<string, () => Promise<unknown>>;
}

export async function buildApp(deps: AppDeps): Promise<HttpApp> {
  const app = await buildHttpApp({
    name: 'ingest-service',
    logger: deps.logger,
    registry: deps.registry,
    auth: deps.auth,
    readiness: deps.readiness,
    swagger: {
      title: 'Appgov ingest-service',
      version: '0.1.0',
      description: 'Okta sync jobs: health, readiness, metrics and an operator view of jobs',
    },
  });
  registerJobRoutes(app, deps.db);
  return app;
}
