/** Connection settings of the local infrastructure (`deploy/local/env.sh`). */
export interface TestEnv {
  DATABASE_URL: string;
  REDIS_URL: string;
  KAFKA_BROKERS: string;
}

/** Reads DATABASE_URL, REDIS_URL and KAFKA_BROKERS with the `deploy/local/env.sh` defaults. */
export function testEnv(env: NodeJS.ProcessEnv = process.env): TestEnv {
  return {
    DATABASE_URL: env.DATABASE_URL || 'postgres://appgov:appgov@127.0.0.1:55432/appgov',
    REDIS_URL: env.REDIS_URL || 'redis://127.0.0.1:56379',
    KAFKA_BROKERS: env.KAFKA_BROKERS || '127.0.0.1:59092',
  };
}

/**
 * The two roles of production (`deploy/local/postgres.sh`): the migration role that owns the schemas,
 * and the runtime role services run as (no DDL, no ownership, no BYPASSRLS).
 */
export function roleUrls(env: NodeJS.ProcessEnv = process.env): { migration: string; runtime: string } {
  const base = new URL(testEnv(env).DATABASE_URL);
  const as = (user: string) => {
    const url = new URL(base);
    url.username = user;
    url.password = user;
    return url.toString();
  };
  return {
    migration: env.DATABASE_MIGRATION_URL || as('appgov_migrator'),
    runtime: env.DATABASE_RUNTIME_URL || as('appgov_app'),
  };
}

/** The runtime role's name (what migrate.js grants row access to). */
export const RUNTIME_ROLE = 'appgov_app';

/** Where `deploy/local/tls.sh` keeps its private CA (`APPGOV_CA_FILE`). */
export function localCaFile(env: NodeJS.ProcessEnv = process.env): string {
  if (env.APPGOV_CA_FILE) return env.APPGOV_CA_FILE;
  return `${env.APPGOV_STATE || `${repoRootFromCwd()}/.local`}/tls/ca.pem`;
}

// Tests run with their package folder as working directory (libs/x, services/x, test/x).
function repoRootFromCwd(): string {
  return process.cwd().replace(/\/(libs|services|test)\/[^/]+$/, '');
}

/**
 * The service variables that connect to the local broker's SASL_SSL listener (SCRAM-SHA-512 over
 * TLS from the scripts' private CA; `deploy/local/kafka.sh`), as a managed Kafka would be reached.
 */
export function saslSslKafkaEnv(
  env: NodeJS.ProcessEnv = process.env,
  mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512' = 'scram-sha-512',
): Record<string, string> {
  return {
    KAFKA_BROKERS: env.KAFKA_SASL_SSL_BROKERS || '127.0.0.1:59094',
    KAFKA_SSL: 'true',
    KAFKA_SSL_CA_FILE: localCaFile(env),
    KAFKA_SASL_MECHANISM: mechanism,
    KAFKA_SASL_USERNAME: env.KAFKA_LOCAL_SASL_USERNAME || 'appgov',
    KAFKA_SASL_PASSWORD: env.KAFKA_LOCAL_SASL_PASSWORD || 'appgov-kafka-local',
  };
}

/**
 * Every link of a service secured as in production, on the local infrastructure: Postgres with
 * sslmode=verify-full and the private CA as the runtime role, Redis over TLS as its ACL user, Kafka
 * over SASL_SSL.
 */
export function securedLinksEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const redis = new URL(testEnv(env).REDIS_URL);
  const user = env.REDIS_LOCAL_ACL_USER || 'appgov_app';
  const password = env.REDIS_LOCAL_ACL_PASSWORD || 'appgov-redis-local';
  return {
    ...saslSslKafkaEnv(env),
    DATABASE_URL: roleUrls(env).runtime,
    DATABASE_SSL_CA_FILE: localCaFile(env),
    MIGRATE_ON_START: 'false',
    REDIS_URL: `rediss://${user}:${password}@${redis.hostname}:${env.REDIS_TLS_PORT || '56380'}`,
    REDIS_TLS_CA_FILE: localCaFile(env),
  };
}
