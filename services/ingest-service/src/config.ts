import { loadConfig, Secret, type Static, Type } from '@appgov/config';

/** Every environment variable ingest-service reads (the single source of its config type). */
export const ConfigSchema = Type.Object({
  PORT: Type.Integer({ default: 8082, minimum: 0, maximum: 65535 }),
  HOST: Type.String({ default: '127.0.0.1' }),
  DATABASE_URL: Type.String({ default: 'postgres://appgov:appgov@127.0.0.1:55432/appgov' }),
  DB_SCHEMA: Type.String({ default: 'ingest', pattern: '^[a-z_][a-z0-9_]{0,62}$' }),
  REDIS_URL: Type.String({ default: 'redis://127.0.0.1:56379' }),
  REDIS_KEY_PREFIX: Type.String({ default: 'appgov' }),
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
  VAULT_KUBERNETES_ROLE: Type.String({ default: 'ingest-service' }),
  VAULT_KUBERNETES_JWT_PATH: Type.String({ default: '/var/run/secrets/kubernetes.io/serviceaccount/token' }),
  VAULT_KUBERNETES_MOUNT: Type.String({ default: 'kubernetes' }),
  VAULT_KV_MOUNT: Type.String({ default: 'secret' }),
  VAULT_PATH_PREFIX: Type.String({ default: '' }),
  /** `http://{domain}:PORT` style template; only honoured with OKTA_TEST_RESOLVE_TO_LOOPBACK (tests, demo). */
  OKTA_BASE_URL_TEMPLATE: Type.Optional(Type.String()),
  OKTA_TEST_RESOLVE_TO_LOOPBACK: Type.Boolean({ default: false }),
  /** Largest share of each Okta rate-limit bucket a sync may use (I2). */
  OKTA_BUCKET_SHARE: Type.Number({ default: 0.5, exclusiveMinimum: 0, maximum: 1 }),
  /** Okta's rate-limit window; only simulators with short windows change it. */
  OKTA_RATE_WINDOW_MS: Type.Integer({ default: 60_000, minimum: 100 }),
  OKTA_MAX_IN_FLIGHT: Type.Integer({ default: 10, minimum: 1, maximum: 75 }),
  OKTA_MAX_ATTEMPTS: Type.Integer({ default: 4, minimum: 1 }),
  OKTA_MAX_RATE_LIMIT_WAIT_MS: Type.Integer({ default: 120_000, minimum: 0 }),
  /** Syncs one replica runs at once (one slow org never blocks the others). */
  SYNC_CONCURRENCY: Type.Integer({ default: 4, minimum: 1 }),
  /** Per-connection lease (I6): expires this long after its holder stops renewing it. */
  SYNC_LEASE_TTL_MS: Type.Integer({ default: 30_000, minimum: 500 }),
  SYNC_POLL_MS: Type.Integer({ default: 1000, minimum: 10 }),
  SYNC_PROGRESS_INTERVAL_MS: Type.Integer({ default: 10_000, minimum: 100 }),
  /** A partly filled batch is sent (and the checkpoint saved) at least this often. */
  SYNC_FLUSH_INTERVAL_MS: Type.Integer({ default: 2000, minimum: 10 }),
  OUTBOX_POLL_MS: Type.Integer({ default: 1000, minimum: 10 }),
  OTEL_EXPORTER_OTLP_ENDPOINT: Type.Optional(Type.String()),
  LOG_LEVEL: Type.String({ default: 'info' }),
});

/** ingest-service configuration. */
export type Config = Static<typeof ConfigSchema>;

/** Reads and validates the environment once. */
export function readConfig(env: NodeJS.ProcessEnv = process.env): Readonly<Config> {
  return loadConfig(ConfigSchema, env);
}
