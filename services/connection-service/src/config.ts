import {
  loadConfig as loadConfigFrom,
  type Static,
  serviceConfigProperties,
  Type,
  vaultConfigProperties,
} from '@appgov/config';

/** Every environment variable connection-service reads (the single source of its config type). */
export const ConfigSchema = Type.Object({
  ...serviceConfigProperties({
    port: 8081,
    schema: 'connection',
    redisKeyPrefix: 'appgov:connection-service:',
  }),
  ...vaultConfigProperties('connection-service'),
  /** `http://{domain}:PORT` style template; only honoured with OKTA_TEST_RESOLVE_TO_LOOPBACK (tests, demo). */
  OKTA_BASE_URL_TEMPLATE: Type.Optional(Type.String()),
  OKTA_TEST_RESOLVE_TO_LOOPBACK: Type.Boolean({ default: false }),
  /** C1: accept hosts outside Okta's own domains (customer custom domains). */
  OKTA_ALLOW_CUSTOM_DOMAINS: Type.Boolean({ default: false }),
  /** Finding 11: live connections per tenant; beyond it adding one is 409 CONNECTION_QUOTA_EXCEEDED. */
  CONNECTIONS_PER_TENANT_MAX: Type.Integer({ default: 100, minimum: 1 }),
  SYNC_INTERVAL_SECONDS: Type.Integer({ default: 6 * 3600, minimum: 60 }),
  /** Share of the interval by which each next sync is moved earlier or later at random. */
  SYNC_JITTER_RATIO: Type.Number({ default: 0.1, minimum: 0, maximum: 0.5 }),
  /** C7: last success older than this is stale (default 3 × the interval). */
  STALE_AFTER_SECONDS: Type.Optional(Type.Integer({ minimum: 60 })),
  /** C7: a sync running longer than this is stale. */
  RUNNING_STALE_AFTER_SECONDS: Type.Integer({ default: 3600, minimum: 1 }),
  /** Bounds within which a tenant admin may set a connection's share of each Okta bucket. */
  CONNECTION_RATE_LIMIT_SHARE_MIN: Type.Number({ default: 0.05, exclusiveMinimum: 0, maximum: 1 }),
  CONNECTION_RATE_LIMIT_SHARE_MAX: Type.Number({ default: 0.5, exclusiveMinimum: 0, maximum: 1 }),
  SCHEDULER_TICK_MS: Type.Integer({ default: 15_000, minimum: 10 }),
  SCHEDULER_BATCH: Type.Integer({ default: 200, minimum: 1 }),
  OUTBOX_POLL_MS: Type.Integer({ default: 1000, minimum: 10 }),
  /** Opt-in: per-connection metric series labelled with tenant and domain (cardinality grows with customers). */
  METRICS_CONNECTION_LABELS: Type.Boolean({ default: false }),
});

/** connection-service configuration. */
export type Config = Static<typeof ConfigSchema>;

/** Reads and validates the environment once. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Readonly<Config> {
  return loadConfigFrom(ConfigSchema, env);
}

/** The stale threshold of C7 in ms (3 × the sync interval unless set). */
export function staleAfterMs(config: Config): number {
  return (config.STALE_AFTER_SECONDS ?? 3 * config.SYNC_INTERVAL_SECONDS) * 1000;
}
