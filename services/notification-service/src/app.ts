import { buildHttpApp, type HttpApp } from '@appgov/http';
import { authOptions, readinessPlugin } from '@appgov/service';
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
}

/** Builds the notification-service HTTP app; it never listens (server.ts does). */
export async function buildApp(options: AppOptions): Promise<HttpApp> {
  const { config } = options;
  // Filled by the infrastructure plugins, one check per dependency.
  const readiness: Record<string, () => Promise<unknown>> = {};
  const app = await buildHttpApp({
    name: 'notification-service',
    logger: options.logger,
    registry: options.registry,
    auth: authOptions(config),
    readiness,
    redis: options.redis,
    redisKeyPrefix: config.REDIS_KEY_PREFIX,
    rateLimit: { perMinute: config.RATE_LIMIT_PER_MINUTE },
    swagger: {
      title: 'Appgov notification-service',
      version: '1.0.0',
      description: 'Email recipients and branding, outbound webhooks and their delivery log (SPEC N1–N5).',
    },
  });
  await app.register(readinessPlugin, { checks: readiness });
  recipientsRoutes(app, options);
  settingsRoutes(app, options);
  webhooksRoutes(app, options);
  return app;
}
