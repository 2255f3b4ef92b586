import { fileURLToPath } from 'node:url';
import {
  loadConfig as loadConfigFrom,
  Secret,
  type Static,
  Type,
  telemetryConfigProperties,
} from '@appgov/config';

const Url = (description: string, defaultValue?: string) =>
  Type.String({
    pattern: '^https?://[^/?#]+',
    description,
    ...(defaultValue ? { default: defaultValue } : {}),
  });

/** Every variable the console reads; the config type is derived from it. */
export const ConfigSchema = Type.Object({
  PORT: Type.Integer({ default: 8080, minimum: 0, maximum: 65535 }),
  HOST: Type.String({ default: '127.0.0.1' }),
  LOG_LEVEL: Type.String({ default: 'info' }),
  /** `rediss://user:password@host:port` for TLS and an ACL user, as for the services. */
  REDIS_URL: Type.String({ default: 'redis://127.0.0.1:56379' }),
  /** PEM bundle of the CA that signed Redis's certificate (a private CA). */
  REDIS_TLS_CA_FILE: Type.Optional(Type.String()),
  /** Sessions and login states live under this prefix. */
  REDIS_KEY_PREFIX: Type.String({ default: 'appgov:console:' }),
  ...telemetryConfigProperties(),

  /** The console's public base URL (what the browser shows); the OIDC redirect URI is `<it>/auth/callback`. */
  PUBLIC_URL: Url('public base URL', 'http://127.0.0.1:8080'),

  /** The OpenID provider's issuer (discovery at `<issuer>/.well-known/openid-configuration`). */
  OIDC_ISSUER_URL: Url('OIDC issuer'),
  OIDC_CLIENT_ID: Type.String({ minLength: 1 }),
  OIDC_CLIENT_SECRET: Secret({ minLength: 8 }),
  OIDC_SCOPES: Type.String({ default: 'openid email profile appgov' }),
  /** The API audience requested as a resource indicator (RFC 8707); the services' JWT_AUDIENCE. */
  OIDC_RESOURCE: Type.Optional(Type.String({ minLength: 1 })),
  /** ID-token claim names of the tenant and the roles (providers name them differently). */
  OIDC_TENANT_CLAIM: Type.String({ default: 'tenant', minLength: 1 }),
  OIDC_ROLES_CLAIM: Type.String({ default: 'roles', minLength: 1 }),
  /** Allows an http:// issuer; only accepted for a loopback issuer (tests and the demo). */
  OIDC_ALLOW_HTTP: Type.Boolean({ default: false }),

  /** Session lifetime. With a refresh token (Okta: add offline_access to OIDC_SCOPES) the access
   * token is refreshed within it; without one the session ends with its access token. */
  SESSION_TTL_SECONDS: Type.Integer({ default: 8 * 3600, minimum: 60 }),
  /** Refresh the access token this many seconds before it expires. */
  OIDC_REFRESH_BEFORE_SECONDS: Type.Integer({ default: 60, minimum: 0 }),
  /** Secure cookies; false only for an http loopback PUBLIC_URL (tests and the demo). */
  COOKIE_SECURE: Type.Boolean({ default: true }),
  COOKIE_SAMESITE: Type.Union([Type.Literal('lax'), Type.Literal('strict')], { default: 'lax' }),

  CONNECTION_SERVICE_URL: Url('connection-service base URL', 'http://127.0.0.1:8081'),
  CATALOG_SERVICE_URL: Url('catalog-service base URL', 'http://127.0.0.1:8083'),
  NOTIFICATION_SERVICE_URL: Url('notification-service base URL', 'http://127.0.0.1:8084'),
  UPSTREAM_TIMEOUT_MS: Type.Integer({ default: 30_000, minimum: 100 }),

  /** The built single-page app (services/console/web/dist). */
  WEB_DIST_DIR: Type.String({ default: fileURLToPath(new URL('../../web/dist', import.meta.url)) }),
});

/** console configuration. */
export type Config = Static<typeof ConfigSchema>;

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);
const isLoopbackHttp = (url: string) => {
  const u = new URL(url);
  return u.protocol === 'http:' && LOOPBACK.has(u.hostname);
};

/** Reads and validates the environment once; insecure settings are refused outside loopback. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Readonly<Config> {
  const config = loadConfigFrom(ConfigSchema, env);
  if (!config.COOKIE_SECURE && !isLoopbackHttp(config.PUBLIC_URL)) {
    throw new Error('COOKIE_SECURE=false is only allowed with an http loopback PUBLIC_URL');
  }
  if (new URL(config.OIDC_ISSUER_URL).protocol === 'http:') {
    if (!config.OIDC_ALLOW_HTTP || !isLoopbackHttp(config.OIDC_ISSUER_URL)) {
      throw new Error('OIDC_ISSUER_URL must be https (http only with OIDC_ALLOW_HTTP=true on loopback)');
    }
  }
  return config;
}
