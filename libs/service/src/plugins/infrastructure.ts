import type { HttpApp } from '@appgov/http';
import { createKafkaFromEnv, type KafkaConnectionEnv } from '@appgov/kafka';
import type { AppLogger, Registry } from '@appgov/telemetry';
import type { Redis } from 'ioredis';
import type { Kysely } from 'kysely';
import { dbPlugin } from './db.plugin.js';
import { kafkaPlugin } from './kafka.plugin.js';
import { type OutboxRelayPluginOptions, outboxRelayPlugin } from './outbox-relay.plugin.js';
import { redisPlugin } from './redis.plugin.js';

/** The clients a service built; the plugins own their readiness checks and closing. */
export interface InfrastructureClients<DB> {
  db: Kysely<DB>;
  redis: Redis;
  logger: AppLogger;
  registry: Registry;
}

/** What a service says about its links beyond Postgres and Redis. */
export interface InfrastructureOptions {
  /** The service's name (its Kafka client id). */
  name: string;
  /** Its Kafka variables; absent: no Kafka (HTTP-only tests of a service that allows it). */
  kafka?: (KafkaConnectionEnv & { KAFKA_MANAGE_TOPICS: boolean }) | undefined;
  /** The outbox relay of a service that publishes (needs `kafka`); absent for consume-only ones. */
  outbox?: Omit<OutboxRelayPluginOptions, 'logger' | 'registry'> | undefined;
}

/**
 * Registers a service's infrastructure as named plugins whose declared dependencies make a wrong
 * order fail at boot: Postgres, Redis, then Kafka and the outbox relay when the service has them.
 */
export async function registerInfrastructure<DB>(
  app: HttpApp,
  { db, redis, logger, registry }: InfrastructureClients<DB>,
  { name, kafka, outbox }: InfrastructureOptions,
): Promise<void> {
  await app.register(dbPlugin, { db });
  await app.register(redisPlugin, { redis });
  if (!kafka) return;
  await app.register(kafkaPlugin, {
    client: createKafkaFromEnv(kafka, { clientId: name, logger }),
    logger,
    manageTopics: kafka.KAFKA_MANAGE_TOPICS,
  });
  if (outbox) await app.register(outboxRelayPlugin, { ...outbox, logger, registry });
}
