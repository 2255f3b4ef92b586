import { DEV_JWT_SECRET, RUNTIME_ROLE, roleUrls, saslSslKafkaEnv, testEnv } from '@appgov/testing';
import type { ServiceName } from './service-process.js';

/** Where the pieces a stack's services talk to live. */
export interface StackEndpoints {
  /** Unique per stack: Kafka topic prefix, consumer group prefix and Postgres schema prefix. */
  prefix: string;
  oktaPort: number;
  vaultUrl: string;
  vaultToken: string;
  smtpPort: number;
  ports: Record<ServiceName, number>;
  /** Services reach Kafka through the broker's SASL_SSL listener (SCRAM-SHA-512, private CA). */
  secureKafka?: boolean;
  /**
   * Services run as the runtime role with MIGRATE_ON_START=false, after `migrateStack` ran each
   * service's migrate.js as the migration role (what the chart's hook Job does).
   */
  runtimeRole?: boolean;
}

const SCHEMAS: Record<ServiceName, string> = {
  'connection-service': 'connection',
  'ingest-service': 'ingest',
  'catalog-service': 'catalog',
  'notification-service': 'notification',
};

/** The environment of one service in a local stack (the same variables the Helm chart sets). */
export function serviceEnv(name: ServiceName, e: StackEndpoints): Record<string, string> {
  const infra = testEnv();
  const schemaPrefix = e.prefix ? `${e.prefix.replace(/[^a-z0-9_]/g, '_')}_` : '';
  return {
    ...(e.prefix ? { REDIS_KEY_PREFIX: `${e.prefix}:${name}:` } : {}),
    NODE_ENV: 'development',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
    DATABASE_URL: e.runtimeRole ? roleUrls().runtime : infra.DATABASE_URL,
    ...(e.runtimeRole ? { MIGRATE_ON_START: 'false' } : {}),
    DB_SCHEMA: `${schemaPrefix}${SCHEMAS[name]}`,
    REDIS_URL: infra.REDIS_URL,
    KAFKA_BROKERS: infra.KAFKA_BROKERS,
    ...(e.secureKafka ? saslSslKafkaEnv() : {}),
    KAFKA_TOPIC_PREFIX: e.prefix ? `${e.prefix}.` : '',
    KAFKA_GROUP_PREFIX: e.prefix ? `${e.prefix}.` : '',
    JWT_HS256_SECRET: DEV_JWT_SECRET,
    VAULT_ADDR: e.vaultUrl,
    VAULT_TOKEN: e.vaultToken,
    VAULT_AUTH_METHOD: 'token',
    // Test-only: reach simulated orgs at http://{domain}:port with every hostname on loopback.
    OKTA_BASE_URL_TEMPLATE: `http://{domain}:${e.oktaPort}`,
    OKTA_TEST_RESOLVE_TO_LOOPBACK: 'true',
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: String(e.smtpPort),
    SMTP_SECURE: 'false',
    SMTP_FROM: 'Appgov <noreply@appgov.local>',
    WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
    PUBLIC_APP_URL: `http://127.0.0.1:${e.ports['connection-service']}`,
    // The same V8 heap bounds as the Helm chart gives ingest (helm/appgov/values.yaml).
    ...(name === 'ingest-service'
      ? { NODE_OPTIONS: '--max-old-space-size=160 --max-semi-space-size=8' }
      : {}),
  };
}

/** The environment of a service's migrate.js: the migration role, granting the runtime role. */
export function migrationEnv(name: ServiceName, e: StackEndpoints): Record<string, string> {
  return {
    ...serviceEnv(name, e),
    DATABASE_URL: roleUrls().migration,
    DATABASE_RUNTIME_ROLE: RUNTIME_ROLE,
  };
}
