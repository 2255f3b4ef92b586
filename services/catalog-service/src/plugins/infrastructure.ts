import { databaseUrl, type OutboxDatabase, outboxView } from '@appgov/db';
import type { HttpApp } from '@appgov/http';
import { createKafkaFromEnv } from '@appgov/kafka';
import { dbPlugin, kafkaPlugin, outboxRelayPlugin, redisPlugin } from '@appgov/service';
import type { AppLogger, Registry } from '@appgov/telemetry';
import type { Redis } from 'ioredis';
import type { Kysely } from 'kysely';
import type { Config } from '../config.js';

/** The clients the service built; the plugins own their readiness checks and closing. */
export interface Infrastructure<DB extends OutboxDatabase> {
  config: Readonly<Config>;
  db: Kysely<DB>;
  redis: Redis;
  logger: AppLogger;
  registry: Registry;
}

/**
 * The infrastructure catalog-service needs, as named plugins whose declared dependencies make a wrong
 * order fail at boot: Postgres, Redis and, unless an HTTP-only test turns it off, Kafka and the outbox relay.
 */
export async function registerInfrastructure<DB extends OutboxDatabase>(
  app: HttpApp,
  { config, db, redis, logger, registry }: Infrastructure<DB>,
  kafka: { enabled: boolean; relayPollMs: number },
): Promise<void> {
  await app.register(dbPlugin, { db });
  await app.register(redisPlugin, { redis });
  if (!kafka.enabled) return;
  await app.register(kafkaPlugin, {
    client: createKafkaFromEnv(config, { clientId: 'catalog-service', logger }),
    logger,
    manageTopics: config.KAFKA_MANAGE_TOPICS,
  });
  await app.register(outboxRelayPlugin, {
    db: outboxView(db),
    logger,
    registry,
    pollIntervalMs: kafka.relayPollMs,
    listenConnectionString: databaseUrl(config),
    batchSize: 500,
  });
}
