import { loadConfig as loadConfigFrom, type Static, serviceConfigProperties, Type } from '@appgov/config';

/** The catalog service's environment (the single source of its config type). */
export const ConfigSchema = Type.Object({
  ...serviceConfigProperties({ port: 8083, schema: 'catalog', redisKeyPrefix: 'appgov:catalog-service:' }),
  DB_POOL_MAX: Type.Integer({ default: 10, minimum: 1 }),
  /** Statement timeout of each query-API transaction (finding 9). */
  QUERY_STATEMENT_TIMEOUT_MS: Type.Integer({ default: 5000, minimum: 1 }),
  /** Longest wait for a pooled connection before answering 503 CATALOG_BUSY. */
  DB_ACQUIRE_TIMEOUT_MS: Type.Integer({ default: 10_000, minimum: 1 }),
  SUPER_ADMIN_THRESHOLD: Type.Integer({
    default: 3,
    minimum: 0,
    description: 'More super admins raise a finding',
  }),
  RECORDS_PARTITIONS_CONCURRENTLY: Type.Integer({ default: 3, minimum: 1 }),
});

/** The catalog service's validated, frozen configuration. */
export type Config = Static<typeof ConfigSchema>;

/** Reads and validates the environment once (fails fast naming every bad variable). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Readonly<Config> {
  return loadConfigFrom(ConfigSchema, env);
}
