import { buildHttpApp, type HttpApp, type ReadinessCheck } from '@appgov/http';
import type { AppLogger, Registry } from '@appgov/telemetry';
import { sessionPlugin } from './plugins/session.plugin.js';
import { registerAuthRoutes } from './routes/auth.routes.js';
import { registerMeRoutes } from './routes/me.routes.js';
import { registerProxyRoutes } from './routes/proxy.routes.js';
import type { RouteDeps } from './routes/route-deps.js';
import { registerSpaRoutes } from './routes/spa.routes.js';

/** What {@link buildApp} needs. */
export interface AppOptions {
  deps: RouteDeps;
  logger: AppLogger;
  registry: Registry;
  /** The `/readyz` checks (Redis, the identity provider, the upstream services). */
  readiness: Record<string, ReadinessCheck>;
}

/** Builds the console's fastify app (never listens; tests use `app.inject` or listen themselves). */
export async function buildApp(options: AppOptions): Promise<HttpApp> {
  const { deps } = options;
  const app = await buildHttpApp({
    name: 'console',
    logger: options.logger,
    registry: options.registry,
    // The console takes no bearer tokens: its callers have a session cookie.
    auth: {},
    readiness: options.readiness,
    swagger: {
      title: 'Appgov console',
      version: '1.0.0',
      description:
        'The web console backend-for-frontend (SPEC U1-U5): OIDC sign-in, /api/me, and /api/{connection,catalog,notification}/... forwarded to the services with the user token',
    },
  });
  await app.register(sessionPlugin, {
    store: deps.store,
    names: deps.cookies,
    clock: deps.clock,
    publicOrigin: new URL(deps.config.PUBLIC_URL).origin,
    refresh: (refreshToken) => deps.login.refresh(refreshToken),
    refreshBeforeMs: deps.config.OIDC_REFRESH_BEFORE_SECONDS * 1000,
  });
  registerAuthRoutes(app, deps);
  registerMeRoutes(app);
  await registerProxyRoutes(app, deps);
  await registerSpaRoutes(app, deps.config.WEB_DIST_DIR);
  return app;
}
