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
    DATABASE_URL: Type.String({ default: 'postgres://appgov:appgov@127.0.0.1:55432/appgov' }),
    DB_SCHEMA: Type.String({ default: defaults.schema, pattern: '^[a-z_][a-z0-9_]{0,62}$' }),
    REDIS_URL: Type.String({ default: 'redis://127.0.0.1:56379' }),
    REDIS_KEY_PREFIX: Type.String({ default: defaults.redisKeyPrefix }),
    KAFKA_BROKERS: Type.String({ default: '127.0.0.1:59092' }),
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
