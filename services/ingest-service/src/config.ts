import {
  loadConfig as loadConfigFrom,
  type Static,
  serviceConfigProperties,
  Type,
  vaultConfigProperties,
} from '@appgov/config';

/** Every environment variable ingest-service reads (the single source of its config type). */
export const ConfigSchema = Type.Object({
  ...serviceConfigProperties({ port: 8082, schema: 'ingest', redisKeyPrefix: 'appgov' }),
  ...vaultConfigProperties('ingest-service'),
  /** `http://{domain}:PORT` style template; only honoured with OKTA_TEST_RESOLVE_TO_LOOPBACK (tests, demo). */
  OKTA_BASE_URL_TEMPLATE: Type.Optional(Type.String()),
  OKTA_TEST_RESOLVE_TO_LOOPBACK: Type.Boolean({ default: false }),
  /** Largest share of each Okta rate-limit bucket a sync may use (I2). */
  OKTA_BUCKET_SHARE: Type.Number({ default: 0.5, exclusiveMinimum: 0, maximum: 1 }),
  /**
   * How X-Rate-Limit-Limit is read (okta-client ceiling.ts): auto = a token's own ceiling unless it
   * equals a published org-wide limit; token / org fix the reading for orgs the guess gets wrong.
   */
  OKTA_CEILING: Type.Union([Type.Literal('auto'), Type.Literal('token'), Type.Literal('org')], {
    default: 'auto',
  }),
  /** Okta's rate-limit window; only simulators with short windows change it. */
  OKTA_RATE_WINDOW_MS: Type.Integer({ default: 60_000, minimum: 100 }),
  OKTA_MAX_IN_FLIGHT: Type.Integer({ default: 10, minimum: 1, maximum: 75 }),
  OKTA_MAX_ATTEMPTS: Type.Integer({ default: 4, minimum: 1 }),
  OKTA_MAX_RATE_LIMIT_WAIT_MS: Type.Integer({ default: 120_000, minimum: 0 }),
  /**
   * Syncs one replica runs at once. Syncs mostly wait for Okta's rate-limit windows, so this is
   * sized by memory (domain/sync-slots.ts: at most one 512 KiB batch per sync), not by CPU.
   */
  SYNC_CONCURRENCY: Type.Integer({ default: 128, minimum: 1 }),
  /** A sync running longer than this moves to the long syncs' own slots. */
  SYNC_LONG_AFTER_MS: Type.Integer({ default: 15 * 60_000, minimum: 1000 }),
  /** Slots for long syncs (large orgs), on top of SYNC_CONCURRENCY. */
  SYNC_LONG_SLOTS: Type.Integer({ default: 8, minimum: 0 }),
  /** Okta requests in flight per replica, all orgs together (bounds the pages held in memory). */
  OKTA_MAX_IN_FLIGHT_TOTAL: Type.Integer({ default: 48, minimum: 1 }),
  /** Per-connection lease (I6): expires this long after its holder stops renewing it. */
  SYNC_LEASE_TTL_MS: Type.Integer({ default: 30_000, minimum: 500 }),
  SYNC_POLL_MS: Type.Integer({ default: 1000, minimum: 10 }),
  SYNC_PROGRESS_INTERVAL_MS: Type.Integer({ default: 10_000, minimum: 100 }),
  /** A partly filled batch is sent (and the checkpoint saved) at least this often. */
  SYNC_FLUSH_INTERVAL_MS: Type.Integer({ default: 2000, minimum: 10 }),
  OUTBOX_POLL_MS: Type.Integer({ default: 1000, minimum: 10 }),
});

/** ingest-service configuration. */
export type Config = Static<typeof ConfigSchema>;

/** Reads and validates the environment once. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Readonly<Config> {
  return loadConfigFrom(ConfigSchema, env);
}
