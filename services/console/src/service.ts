import { redisTlsOptions } from '@appgov/config';
import type { HttpApp, ReadinessCheck } from '@appgov/http';
import { type Clock, createRedis, readinessPlugin, redisPlugin, systemClock } from '@appgov/service';
import { type AppLogger, createLogger, createMetricsRegistry, type Registry } from '@appgov/telemetry';
import type { Redis } from 'ioredis';
import { buildApp } from './app.js';
import type { Config } from './config.js';
import { cookieNames } from './domain/cookies.js';
import { OidcLogin } from './domain/oidc-login.js';
import { SessionStore } from './domain/session-store.js';
import { UPSTREAMS, upstreamBase } from './routes/proxy.routes.js';

/** Test seams: a clock, a logger to inspect. */
export interface ServiceOverrides {
  clock?: Clock;
  logger?: AppLogger;
}

/** The running parts of the console. */
export interface Service {
  config: Readonly<Config>;
  app: HttpApp;
  redis: Redis;
  logger: AppLogger;
  registry: Registry;
  /** Connects Redis (the identity provider is discovered on first use). */
  start(): Promise<void>;
  /** Closes fastify, then Redis (the plugin's onClose). */
  stop(): Promise<void>;
}

/** An upstream answers `/healthz` (alive); readiness does not cascade their own dependencies. */
function upstreamCheck(base: string, timeoutMs: number): ReadinessCheck {
  return async () => {
    const res = await fetch(new URL('/healthz', base), { signal: AbortSignal.timeout(timeoutMs) });
    await res.body?.cancel();
    if (!res.ok) throw new Error(`healthz answered ${res.status}`);
  };
}

/** Wires everything from config; nothing connects or listens until `start()` (and server.ts listens). */
export async function createService(
  config: Readonly<Config>,
  overrides: ServiceOverrides = {},
): Promise<Service> {
  const logger = overrides.logger ?? createLogger({ name: 'console', level: config.LOG_LEVEL });
  const registry = createMetricsRegistry('console');
  const clock = overrides.clock ?? systemClock;
  const redis = createRedis(config.REDIS_URL, logger, redisTlsOptions(config));
  const store = new SessionStore(redis, config.REDIS_KEY_PREFIX);
  const login = new OidcLogin(config, clock);

  const readiness: Record<string, ReadinessCheck> = {};
  const app = await buildApp({
    deps: { config, clock, store, login, cookies: cookieNames(config.COOKIE_SECURE) },
    logger,
    registry,
    readiness,
  });
  await app.register(readinessPlugin, { checks: readiness });
  await app.register(redisPlugin, { redis });
  app.addReadinessCheck('identity-provider', () => login.discover());
  for (const upstream of UPSTREAMS) {
    app.addReadinessCheck(`${upstream}-service`, upstreamCheck(upstreamBase(config, upstream), 1500));
  }
  await app.ready();

  return {
    config,
    app,
    redis,
    logger,
    registry,
    async start() {
      await redis.connect().catch((err: unknown) => logger.warn({ err }, 'redis not reachable at boot'));
    },
    async stop() {
      await app.close();
    },
  };
}
