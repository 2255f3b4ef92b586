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
