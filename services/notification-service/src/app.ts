import { buildHttpApp, type HttpApp, type ReadinessCheck } from '@appgov/http';
import type { AppLogger, Registry } from '@appgov/telemetry';
import type { Redis } from 'ioredis';
import type { NotificationDb } from './domain/db.js';
import type { BrandingDefaults } from './domain/settings.repository.js';
import type { TenantQuotas } from './domain/tenant-quotas.js';
import type { WebhookSecrets } from './domain/webhook-secrets.js';
import { recipientsRoutes } from './routes/recipients.routes.js';
import { settingsRoutes } from './routes/settings.routes.js';
import { webhooksRoutes } from './routes/webhooks.routes.js';

/** What the HTTP routes need; the service (or a test) builds and owns each of them. */
export interface AppDeps {
  db: NotificationDb;
  redis?: Redis;
  redisKeyPrefix?: string;
  logger: AppLogger;
  registry: Registry;
  auth: {
    hs256Secret?: string | undefined;
    jwksUrl?: string | undefined;
    issuer?: string | undefined;
    audience?: string | undefined;
  };
  branding: BrandingDefaults;
  /** TEST-ONLY allowance for http:// and internal webhook targets. */
  allowPrivateTargets: boolean;
  /** Where webhook signing secrets live (Vault). */
  webhookSecrets: WebhookSecrets;
  readiness?: Record<string, ReadinessCheck>;
  rateLimitPerMinute?: number;
  /** Per-tenant quotas (default: DEFAULT_TENANT_QUOTAS). */
  quotas?: Partial<TenantQuotas>;
  /** Wakes the webhook dispatcher (after a webhook is re-enabled). */
  pokeWebhooks?: () => void;
}

/** Builds the notification-service HTTP app; it never listens (server.ts does). */
export async function buildApp(deps: AppDeps): Promise<HttpApp> {
  const app = await buildHttpApp({
    name: 'notification-service',
    logger: deps.logger,
    registry: deps.registry,
    auth: deps.auth,
    ...(deps.readiness ? { readiness: deps.readiness } : {}),
    ...(deps.redis ? { redis: deps.redis } : {}),
    ...(deps.redisKeyPrefix ? { redisKeyPrefix: deps.redisKeyPrefix } : {}),
    ...(deps.rateLimitPerMinute ? { rateLimit: { perMinute: deps.rateLimitPerMinute } } : {}),
    swagger: {
      title: 'Appgov notification-service',
      version: '1.0.0',
      description: 'Email recipients and branding, outbound webhooks and their delivery log (SPEC N1–N5).',
    },
  });
  recipientsRoutes(app, deps);
  settingsRoutes(app, deps);
  webhooksRoutes(app, deps);
  return app;
}
