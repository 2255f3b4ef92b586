import { buildHttpApp, type HttpApp, type ReadinessCheck } from '@appgov/http';
import { authOptions } from '@appgov/service';
import type { AppLogger, Registry } from '@appgov/telemetry';
import type { Redis } from 'ioredis';
import type { Config } from './config.js';
import { recipientsRoutes } from './routes/recipients.routes.js';
import type { RouteDeps } from './routes/route-deps.js';
import { settingsRoutes } from './routes/settings.routes.js';
import { webhooksRoutes } from './routes/webhooks.routes.js';

/** What {@link buildApp} needs: the routes' deps plus the HTTP cross-cutting pieces. */
export interface AppOptions extends RouteDeps {
  config: Readonly<Config>;
  redis: Redis;
  logger: AppLogger;
  registry: Registry;
  /** The `/readyz` checks (the infrastructure plugins add one per dependency). */
  readiness: Record<string, ReadinessCheck>;
}

/** Builds the notification-service HTTP app; it never listens (server.ts does). */
export async function buildApp(options: AppOptions): Promise<HttpApp> {
  const { config } = options;
  const app = await buildHttpApp({
    name: 'notification-service',
    logger: options.logger,
    registry: options.registry,
    auth: authOptions(config),
    readiness: options.readiness,
    redis: options.redis,
    redisKeyPrefix: config.REDIS_KEY_PREFIX,
    rateLimit: { perMinute: config.RATE_LIMIT_PER_MINUTE },
    swagger: {
      title: 'Appgov notification-service',
      version: '1.0.0',
      description: 'Email recipients and branding, outbound webhooks and their delivery log (SPEC N1–N5).',
    },
  });
  recipientsRoutes(app, options);
  settingsRoutes(app, options);
  webhooksRoutes(app, options);
  return app;
}
