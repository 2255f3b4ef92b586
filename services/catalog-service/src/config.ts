import { loadConfig, Secret, type Static, Type } from '@appgov/config';

/** The catalog service's environment (the single source of its config type). */
export const CatalogConfigSchema = Type.Object({
  PORT: Type.Integer({ default: 8083, minimum: 0, maximum: 65535 }),
  HOST: Type.String({ default: '127.0.0.1' }),
  DATABASE_URL: Type.String({ default: 'postgres://appgov:appgov@127.0.0.1:55432/appgov' }),
  DB_SCHEMA: Type.String({ default: 'catalog', pattern: '^[a-z_][a-z0-9_]{0,62}$' }),
  DB_POOL_MAX: Type.Integer({ default: 10, minimum: 1 }),
  REDIS_URL: Type.String({ default: 'redis://127.0.0.1:56379' }),
  KAFKA_BROKERS: Type.String({ default: '127.0.0.1:59092' }),
  KAFKA_TOPIC_PREFIX: Type.String({ default: '' }),
  KAFKA_GROUP_PREFIX: Type.String({ default: '' }),
  JWT_HS256_SECRET: Type.Optional(Secret({ minLength: 32 })),
  JWT_JWKS_URL: Type.Optional(Type.String()),
  JWT_ISSUER: Type.Optional(Type.String()),
  JWT_AUDIENCE: Type.Optional(Type.String()),
  OTEL_EXPORTER_OTLP_ENDPOINT: Type.Optional(Type.String()),
  LOG_LEVEL: Type.String({ default: 'info' }),
  SUPER_ADMIN_THRESHOLD: Type.Integer({
    default: 3,
    minimum: 0,
    description: 'More super admins raise a finding',
  }),
  RECORDS_PARTITIONS_CONCURRENTLY: Type.Integer({ default: 3, minimum: 1 }),
  RATE_LIMIT_PER_MINUTE: Type.Integer({ default: 600, minimum: 1 }),
});

/** The catalog service's validated, frozen configuration. */
export type CatalogConfig = Static<typeof CatalogConfigSchema>;

/** Reads and validates the environment once (fails fast naming every bad variable). */
export const loadCatalogConfig = (env: NodeJS.ProcessEnv = process.env): CatalogConfig =>
  loadConfig(CatalogConfigSchema, env);
