import { Type } from '@sinclair/typebox';
import { Secret } from './load-config.js';

/** Defaults that differ between services. */
export interface ServiceConfigDefaults {
  port: number;
  /** The service's own Postgres schema. */
  schema: string;
  /** Prefix of the service's Redis keys (rate limits, idempotency, leases). */
  redisKeyPrefix: string;
}

/**
 * The variables every service reads (HTTP listener, Postgres, Redis, Kafka, JWT, telemetry), to be
 * spread into the service's own `Type.Object` schema. Defaults point at the local infrastructure of
 * `deploy/local/env.sh`; the Helm chart sets every one of them.
 */
export function serviceConfigProperties(defaults: ServiceConfigDefaults) {
  return {
    PORT: Type.Integer({ default: defaults.port, minimum: 0, maximum: 65535 }),
    HOST: Type.String({ default: '127.0.0.1' }),
    /** The runtime role's URL; `sslmode` in it turns TLS on (verify-full in production). */
    DATABASE_URL: Type.String({ default: 'postgres://appgov:appgov@127.0.0.1:55432/appgov' }),
    /** PEM bundle of the CA that signed Postgres's certificate (a private CA). */
    DATABASE_SSL_CA_FILE: Type.Optional(Type.String()),
    /** Run pending migrations at start (local development); the chart runs them in its hook Job. */
    MIGRATE_ON_START: Type.Boolean({ default: true }),
    /** migrate.js only: the role services run as, granted row access to the migrated schema. */
    DATABASE_RUNTIME_ROLE: Type.Optional(Type.String({ pattern: '^[a-z_][a-z0-9_]{0,62}$' })),
    DB_SCHEMA: Type.String({ default: defaults.schema, pattern: '^[a-z_][a-z0-9_]{0,62}$' }),
    /** `rediss://user:password@host:port` for TLS and an ACL user. */
    REDIS_URL: Type.String({ default: 'redis://127.0.0.1:56379' }),
    /** PEM bundle of the CA that signed Redis's certificate. */
    REDIS_TLS_CA_FILE: Type.Optional(Type.String()),
    REDIS_KEY_PREFIX: Type.String({ default: defaults.redisKeyPrefix }),
    ...kafkaConfigProperties(),
    /** Prepended to every topic name (tests and parallel stacks use a unique one). */
    KAFKA_TOPIC_PREFIX: Type.String({ default: '' }),
    KAFKA_GROUP_PREFIX: Type.String({ default: '' }),
    /** Development only; production verifies RS256 tokens against JWT_JWKS_URL. */
    JWT_HS256_SECRET: Type.Optional(Secret({ minLength: 16 })),
    JWT_JWKS_URL: Type.Optional(Type.String()),
    JWT_ISSUER: Type.Optional(Type.String()),
    JWT_AUDIENCE: Type.Optional(Type.String()),
    ...telemetryConfigProperties(),
    LOG_LEVEL: Type.String({ default: 'info' }),
    /** Per-tenant HTTP requests per minute (Redis-backed). */
    RATE_LIMIT_PER_MINUTE: Type.Integer({ default: 600, minimum: 1 }),
  };
}

/** The SASL mechanisms `KAFKA_SASL_MECHANISM` may name (kafkajs's names). */
export const KAFKA_SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;

/**
 * How a service reaches Kafka: brokers, TLS (a private CA and a client certificate from files),
 * SASL, and whether it creates its topics or only verifies that the platform team created them.
 */
export function kafkaConfigProperties() {
  return {
    KAFKA_BROKERS: Type.String({ default: '127.0.0.1:59092' }),
    KAFKA_SSL: Type.Boolean({ default: false }),
    KAFKA_SSL_CA_FILE: Type.Optional(Type.String()),
    KAFKA_SSL_CERT_FILE: Type.Optional(Type.String()),
    KAFKA_SSL_KEY_FILE: Type.Optional(Type.String()),
    KAFKA_SASL_MECHANISM: Type.Optional(Type.Union(KAFKA_SASL_MECHANISMS.map((m) => Type.Literal(m)))),
    KAFKA_SASL_USERNAME: Type.Optional(Type.String()),
    KAFKA_SASL_PASSWORD: Type.Optional(Secret()),
    /** false: never create topics; verify them and stay unready while any is missing or wrong. */
    KAFKA_MANAGE_TOPICS: Type.Boolean({ default: true }),
  };
}

/** The trace samplers of the OpenTelemetry SDK spec that `OTEL_TRACES_SAMPLER` may name. */
export const TRACES_SAMPLERS = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const;
/** A value of `OTEL_TRACES_SAMPLER`. */
export type TracesSamplerName = (typeof TRACES_SAMPLERS)[number];

// The spec requires a scheme (http or https) and a host.
const OTLP_URL = '^https?://[^/?#]+';

/**
 * The standard OpenTelemetry variables the services honour (part of `serviceConfigProperties`; also
 * read on their own before anything else loads, to start tracing). No trace leaves the process
 * without one of the two endpoints. Unset sampler: parent-based always-on when traces are
 * exported, nothing recorded when they are not.
 */
export function telemetryConfigProperties() {
  return {
    /** OTLP/HTTP base URL (the collector's, e.g. `http://collector:4318`): traces go to `<base>/v1/traces`. */
    OTEL_EXPORTER_OTLP_ENDPOINT: Type.Optional(Type.String({ pattern: OTLP_URL })),
    /** The full OTLP/HTTP traces URL, used as-is; wins over OTEL_EXPORTER_OTLP_ENDPOINT. */
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: Type.Optional(Type.String({ pattern: OTLP_URL })),
    OTEL_TRACES_SAMPLER: Type.Optional(Type.Union(TRACES_SAMPLERS.map((name) => Type.Literal(name)))),
    /** The ratio of the traceidratio samplers, 0 to 1 (default 1). */
    OTEL_TRACES_SAMPLER_ARG: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
  };
}

/**
 * Vault variables of the services that read secrets: token auth for development, Kubernetes auth
 * (the pod's service-account JWT exchanged for a Vault token) in clusters.
 */
export function vaultConfigProperties(defaultRole: string) {
  return {
    VAULT_ADDR: Type.String({ default: 'http://127.0.0.1:8200' }),
    /** PEM bundle of the CA that signed Vault's certificate (Vault's own variable name). */
    VAULT_CACERT: Type.Optional(Type.String()),
    VAULT_TOKEN: Type.Optional(Secret()),
    VAULT_AUTH_METHOD: Type.Union([Type.Literal('token'), Type.Literal('kubernetes')], { default: 'token' }),
    VAULT_KUBERNETES_ROLE: Type.String({ default: defaultRole }),
    VAULT_KUBERNETES_JWT_PATH: Type.String({
      default: '/var/run/secrets/kubernetes.io/serviceaccount/token',
    }),
    VAULT_KUBERNETES_MOUNT: Type.String({ default: 'kubernetes' }),
    VAULT_KV_MOUNT: Type.String({ default: 'secret' }),
    VAULT_PATH_PREFIX: Type.String({ default: '' }),
  };
}
