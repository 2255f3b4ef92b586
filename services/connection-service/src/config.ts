import { loadConfig, Secret, type Static, Type } from '@appgov/config';

/** Every environment variable connection-service reads (the single source of its config type). */
export const ConfigSchema = Type.Object({
  PORT: Type.Integer({ default: 8081, minimum: 0, maximum: 65535 }),
  HOST: Type.String({ default: '127.0.0.1' }),
  DATABASE_URL: Type.String({ default: 'postgres://appgov:appgov@127.0.0.1:55432/appgov' }),
  DB_SCHEMA: Type.String({ default: 'connection', pattern: '^[a-z_][a-z0-9_]{0,62}$' }),
  REDIS_URL: Type.String({ default: 'redis://127.0.0.1:56379' }),
  REDIS_KEY_PREFIX: Type.String({ default: 'appgov:connection-service:' }),
  KAFKA_BROKERS: Type.String({ default: '127.0.0.1:59092' }),
  KAFKA_TOPIC_PREFIX: Type.String({ default: '' }),
  KAFKA_GROUP_PREFIX: Type.String({ default: '' }),
  JWT_HS256_SECRET: Type.Optional(Secret({ minLength: 16 })),
  JWT_JWKS_URL: Type.Optional(Type.String()),
  JWT_ISSUER: Type.Optional(Type.String()),
  JWT_AUDIENCE: Type.Optional(Type.String()),
  VAULT_ADDR: Type.String({ default: 'http://127.0.0.1:8200' }),
  VAULT_TOKEN: Type.Optional(Secret()),
  VAULT_AUTH_METHOD: Type.Union([Type.Literal('token'), Type.Literal('kubernetes')], { default: 'token' }),
  VAULT_KUBERNETES_ROLE: Type.String({ default: 'connection-service' }),
  VAULT_KUBERNETES_JWT_PATH: Type.String({ default: '/var/run/secrets/kubernetes.io/serviceaccount/token' }),
  VAULT_KUBERNETES_MOUNT: Type.String({ default: 'kubernetes' }),
  VAULT_KV_MOUNT: Type.String({ default: 'secret' }),
  VAULT_PATH_PREFIX: Type.String({ default: '' }),
  /** `http://{domain}:PORT` style template; only honoured with OKTA_TEST_RESOLVE_TO_LOOPBACK (tests, demo). */
  OKTA_BASE_URL_TEMPLATE: Type.Optional(Type.String()),
  OKTA_TEST_RESOLVE_TO_LOOPBACK: Type.Boolean({ default: false }),
  /** C1: accept hosts outside Okta's own domains (customer custom domains). */
  OKTA_ALLOW_CUSTOM_DOMAINS: Type.Boolean({ default: false }),
  SYNC_INTERVAL_SECONDS: Type.Integer({ default: 6 * 3600, minimum: 60 }),
  /** Share of the interval by which each next sync is moved earlier or later at random. */
  SYNC_JITTER_RATIO: Type.Number({ default: 0.1, minimum: 0, maximum: 0.5 }),
  /** C7: last success older than this is stale (default 3 × the interval). */
  STALE_AFTER_SECONDS: Type.Optional(Type.Integer({ minimum: 60 })),
  /** C7: a sync running longer than this is stale. */
  RUNNING_STALE_AFTER_SECONDS: Type.Integer({ default: 3600, minimum: 1 }),
  SCHEDULER_TICK_MS: Type.Integer({ default: 15_000, minimum: 10 }),
  SCHEDULER_BATCH: Type.Integer({ default: 200, minimum: 1 }),
  OUTBOX_POLL_MS: Type.Integer({ default: 1000, minimum: 10 }),
  RATE_LIMIT_PER_MINUTE: Type.Integer({ default: 600, minimum: 1 }),
  OTEL_EXPORTER_OTLP_ENDPOINT: Type.Optional(Type.String()),
  LOG_LEVEL: Type.String({ default: 'info' }),
});

/** connection-service configuration. */
export type Config = Static<typeof ConfigSchema>;

/** Reads and validates the environment once. */
export function readConfig(env: NodeJS.ProcessEnv = process.env): Readonly<Config> {
  return loadConfig(ConfigSchema, env);
}

/** The stale threshold of C7 in ms (3 × the sync interval unless set). */
export function staleAfterMs(config: Config): number {
  return (config.STALE_AFTER_SECONDS ?? 3 * config.SYNC_INTERVAL_SECONDS) * 1000;
}
