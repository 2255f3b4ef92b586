// Wires one ingest-service instance: Postgres, Redis, Kafka, Vault, the Okta client factory, the
// consumer, the job runner, the outbox relay and the HTTP app. Tests build it in-process with
// overrides (unique schema, topic prefix, group, short leases); server.ts builds it from the env.
import { redisTlsOptions } from '@appgov/config';
import { type TopicId, topicNames, topicSpecs } from '@appgov/contracts';
import { createDb, databaseUrl, migrateToLatest, registerPoolMetrics } from '@appgov/db';
import type { HttpApp } from '@appgov/http';
import { type ConsumerRunner, type EventProducer, runConsumer } from '@appgov/kafka';
import {
  createOktaClientFactory,
  type OktaClientFactory,
  oktaBudgetKeyPrefix,
  resolverFromEnv,
} from '@appgov/okta-client';
import { countVaultErrors, createSecretStoreFromEnv } from '@appgov/secrets';
import { type Clock, createRedis, systemClock } from '@appgov/service';
import {
  type AppLogger,
  createLogger,
  createMetricsRegistry,
  type Registry,
  vaultErrorCounter,
} from '@appgov/telemetry';
import type { Redis } from 'ioredis';
import type { Kysely } from 'kysely';
import { buildApp } from './app.js';
import type { Config } from './config.js';
import {
  handleConnectionDeleted,
  handleSyncCancelRequested,
  handleSyncRequested,
  type SyncRequestDeps,
} from './consumers/sync-request.consumer.js';
import { ConnectionLeases } from './domain/connection-lease.js';
import { createIngestMetrics } from './domain/ingest.metrics.js';
import type { IngestDatabase } from './domain/ingest.tables.js';
import { JobRunner, type JobRunnerDeps } from './domain/job-runner.js';
import { ingestMigrations } from './migrations/index.js';
import { registerInfrastructure } from './plugins/infrastructure.js';

/** Test seams: everything else comes from the config. */
export interface ServiceOverrides {
  logger?: AppLogger;
  registry?: Registry;
  clock?: Clock;
  secrets?: JobRunnerDeps['secrets'];
  okta?: OktaClientFactory;
  workerId?: string;
  /** Skip the Kafka consumer (tests that drive handlers directly). */
  consume?: boolean;
}

/** The assembled ingest-service. */
export interface Service {
  app: HttpApp;
  logger: AppLogger;
  db: Kysely<IngestDatabase>;
  redis: Redis;
  runner: JobRunner;
  producer: EventProducer;
  topics: Readonly<Record<TopicId, string>>;
  okta: OktaClientFactory;
  /** Migrates, ensures topics, starts the consumer, relay and runner (does not listen). */
  start(): Promise<void>;
  /** Stops consumers after in-flight work, hands running syncs back, closes every client. */
  stop(): Promise<void>;
}

/** Builds the service from its config; nothing connects until `start()`. */
export async function createService(
  config: Readonly<Config>,
  overrides: ServiceOverrides = {},
): Promise<Service> {
  const logger = overrides.logger ?? createLogger({ name: 'ingest-service', level: config.LOG_LEVEL });
  const registry = overrides.registry ?? createMetricsRegistry('ingest-service');
  const clock = overrides.clock ?? systemClock;
  const topics = topicNames({ prefix: config.KAFKA_TOPIC_PREFIX });
  const db = createDb<IngestDatabase>({
    connectionString: databaseUrl(config),
    schema: config.DB_SCHEMA,
    applicationName: 'ingest-service',
  });
  const redis = createRedis(config.REDIS_URL, logger, {
    ...redisTlsOptions(config),
    maxRetriesPerRequest: 3,
  });
  const app = await buildApp({ db, logger, registry, config });
  await registerInfrastructure(app, { db, redis, logger, registry }, config);
  const { kafka, outboxRelay: relay } = app;
  const producer = kafka.producer;

  registerPoolMetrics(registry, db);
  const secrets =
    overrides.secrets ?? countVaultErrors(createSecretStoreFromEnv(config), vaultErrorCounter(registry));
  const okta =
    overrides.okta ??
    createOktaClientFactory({
      ...resolverFromEnv(config),
      redis,
      redisKeyPrefix: oktaBudgetKeyPrefix(config.REDIS_KEY_PREFIX, 'ingest-service'),
      registry,
      share: config.OKTA_BUCKET_SHARE,
      ceiling: config.OKTA_CEILING,
      maxInFlight: config.OKTA_MAX_IN_FLIGHT,
      maxInFlightTotal: config.OKTA_MAX_IN_FLIGHT_TOTAL,
      pacer: { windowMs: config.OKTA_RATE_WINDOW_MS },
      retry: {
        maxAttempts: config.OKTA_MAX_ATTEMPTS,
        maxRateLimitWaitMs: config.OKTA_MAX_RATE_LIMIT_WAIT_MS,
      },
      logger,
    });
  const runner = new JobRunner({
    db,
    producer,
    topics,
    clock,
    metrics: createIngestMetrics(registry),
    logger,
    flushIntervalMs: config.SYNC_FLUSH_INTERVAL_MS,
    leases: new ConnectionLeases(redis, {
      keyPrefix: config.REDIS_KEY_PREFIX,
      ttlMs: config.SYNC_LEASE_TTL_MS,
    }),
    secrets,
    okta,
    ...(overrides.workerId ? { workerId: overrides.workerId } : {}),
    concurrency: config.SYNC_CONCURRENCY,
    longSlots: { afterMs: config.SYNC_LONG_AFTER_MS, slots: config.SYNC_LONG_SLOTS },
    pollMs: config.SYNC_POLL_MS,
    progressIntervalMs: config.SYNC_PROGRESS_INTERVAL_MS,
  });
  const handlerDeps: SyncRequestDeps = {
    db,
    topics,
    clock,
    logger,
    wake: () => runner.wake(),
    stopLocal: (syncId, kind) => runner.stopLocal(syncId, kind),
  };

  let consumer: ConsumerRunner | undefined;
  return {
    app,
    logger,
    db,
    redis,
    runner,
    producer,
    topics,
    okta,
    async start() {
      if (config.MIGRATE_ON_START) await migrateToLatest(db, ingestMigrations, config.DB_SCHEMA);
      await redis.connect().catch((err: unknown) => logger.warn({ err }, 'redis not reachable at boot'));
      await kafka.ensureTopics(topicSpecs({ prefix: config.KAFKA_TOPIC_PREFIX }));
      await kafka.producerReady();
      await relay.start();
      if (overrides.consume !== false) {
        consumer = await runConsumer({
          kafka: kafka.client,
          groupId: `${config.KAFKA_GROUP_PREFIX}ingest-service`,
          topics: [topics.syncRequests, topics.connections],
          dlqTopic: topics.dlq,
          logger,
          metricsRegistry: registry,
          handlers: {
            'sync.requested': (event) => handleSyncRequested(handlerDeps, event),
            'sync.cancel-requested': (event) => handleSyncCancelRequested(handlerDeps, event),
            'connection.deleted': (event) => handleConnectionDeleted(handlerDeps, event),
          },
        });
      }
      runner.start();
      app.markStarted();
    },
    async stop() {
      await consumer?.stop().catch((err: unknown) => logger.warn({ err }, 'consumer stop failed'));
      await runner.stop();
      await relay.stop().catch(() => {});
      if (!overrides.okta) await okta.close();
      // Closes the HTTP server, then the Kafka clients, Redis and Postgres (the plugins' onClose).
      await app.close();
    },
  };
}
