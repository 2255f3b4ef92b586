import type { HttpApp } from '@appgov/http';
import { createKafkaFromEnv } from '@appgov/kafka';
import { dbPlugin, kafkaPlugin, redisPlugin } from '@appgov/service';
import type { AppLogger, Registry } from '@appgov/telemetry';
import type { Redis } from 'ioredis';
import type { Kysely } from 'kysely';
import type { Config } from '../config.js';

/** The clients the service built; the plugins own their readiness checks and closing. */
export interface Infrastructure<DB> {
  config: Readonly<Config>;
  db: Kysely<DB>;
  redis: Redis;
  logger: AppLogger;
  registry: Registry;
}

/**
 * The infrastructure notification-service needs, as named plugins whose declared dependencies make a wrong
 * order fail at boot: Postgres, Redis and Kafka (it consumes only: no outbox).
 */
export async function registerInfrastructure<DB>(
  app: HttpApp,
  { config, db, redis, logger }: Infrastructure<DB>,
): Promise<void> {
  await app.register(dbPlugin, { db });
  await app.register(redisPlugin, { redis });
  await app.register(kafkaPlugin, {
    client: createKafkaFromEnv(config, { clientId: 'notification-service', logger }),
    logger,
    manageTopics: config.KAFKA_MANAGE_TOPICS,
  });
}
