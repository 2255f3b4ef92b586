// Wires one ingest-service instance: Postgres, Redis, Kafka, Vault, the Okta client factory, the
// consumer, the job runner, the outbox relay and the HTTP app. Tests build it in-process with
// overrides (unique schema, topic prefix, group, short leases); server.ts builds it from the env.
import { type TopicId, topicNames, topicSpecs } from '@appgov/contracts';
import { createDb, migrateToLatest, OutboxRelay, pingDb } from '@appgov/db';
import type { HttpApp } from '@appgov/http';
import {
  type ConsumerRunner,
  createKafka,
  createProducer,
  type EventProducer,
  ensureTopics,
  runConsumer,
} from '@appgov/kafka';
import { createOktaClientFactory, type OktaClientFactory, resolverFromEnv } from '@appgov/okta-client';
import { createSecretStoreFromEnv } from '@appgov/secrets';
import { type AppLogger, createMetricsRegistry, type Registry } from '@appgov/telemetry';
import { Redis } from 'ioredis';
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

export interface IngestServiceOverrides {
  registry?: Registry;
  secrets?: JobRunnerDeps['secrets'];
  okta?: OktaClientFactory;
  workerId?: string;
  /** Skip the Kafka consumer (tests that drive handlers directly). */
  consume?: boolean;
}

export interface IngestService {
  app: HttpApp;
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

export async function createIngestService(
  config: Config,
  logger: AppLogger,
  overrides: IngestServiceOverrides = {},
): Promise<IngestService> {
  const registry = overrides.registry ?? createMetricsRegistry('ingest-service');
  const topics = topicNames(config.KAFKA_TOPIC_PREFIX ? { prefix: config.KAFKA_TOPIC_PREFIX } : {});
  const db = createDb<IngestDatabase>({
    connectionString: config.DATABASE_URL,
    schema: config.DB_SCHEMA,
    applicationName: 'ingest-service',
  });
  const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 3, lazyConnect: false });
  redis.on('error', (error) => logger.warn({ err: { message: error.message } }, 'redis error'));
  const kafka = createKafka({ clientId: 'ingest-service', brokers: config.KAFKA_BROKERS, logger });
  const producer = createProducer(kafka, { logger });
  const admin = kafka.admin();
  const secrets = overrides.secrets ?? createSecretStoreFromEnv(config);
  const okta =
    overrides.okta ??
    createOktaClientFactory({
      ...resolverFromEnv(config),
      redis,
      redisKeyPrefix: config.REDIS_KEY_PREFIX,
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
  const metrics = createIngestMetrics(registry);
  const leases = new ConnectionLeases(redis, {
    keyPrefix: config.REDIS_KEY_PREFIX,
    ttlMs: config.SYNC_LEASE_TTL_MS,
  });
  const runner = new JobRunner({
    db,
    producer,
    topics,
    metrics,
    logger,
    flushIntervalMs: config.SYNC_FLUSH_INTERVAL_MS,
    leases,
    secrets,
    okta,
    ...(overrides.workerId ? { workerId: overrides.workerId } : {}),
    concurrency: config.SYNC_CONCURRENCY,
    longSlots: { afterMs: config.SYNC_LONG_AFTER_MS, slots: config.SYNC_LONG_SLOTS },
    pollMs: config.SYNC_POLL_MS,
    progressIntervalMs: config.SYNC_PROGRESS_INTERVAL_MS,
  });
  const relay = new OutboxRelay({
    db,
    schema: config.DB_SCHEMA,
    send: (messages) =>
      producer.send(
        messages.map((m) => ({
          topic: m.topic,
          key: m.key,
          value: JSON.stringify(m.value),
          headers: m.headers,
        })),
      ),
    pollIntervalMs: config.OUTBOX_POLL_MS,
    listenConnectionString: config.DATABASE_URL,
    logger,
    registry,
  });
  const handlerDeps: SyncRequestDeps = {
    db,
    producer,
    topics,
    logger,
    wake: () => runner.wake(),
    stopLocal: (syncId, kind) => runner.stopLocal(syncId, kind),
  };
  const app = await buildApp({
    db,
    logger,
    registry,
    auth: {
      hs256Secret: config.JWT_HS256_SECRET,
      jwksUrl: config.JWT_JWKS_URL,
      issuer: config.JWT_ISSUER,
      audience: config.JWT_AUDIENCE,
    },
    readiness: {
      postgres: () => pingDb(db),
      redis: () => redis.ping(),
      kafka: () => admin.describeCluster(),
    },
  });

  let consumer: ConsumerRunner | undefined;
  let adminConnected = false;
  return {
    app,
    db,
    redis,
    runner,
    producer,
    topics,
    okta,
    async start() {
      await migrateToLatest(db, ingestMigrations, config.DB_SCHEMA);
      await admin.connect();
      adminConnected = true;
      await ensureTopics(
        admin,
        topicSpecs(config.KAFKA_TOPIC_PREFIX ? { prefix: config.KAFKA_TOPIC_PREFIX } : {}),
        {
          logger,
        },
      );
      await producer.connect();
      await relay.start();
      if (overrides.consume !== false) {
        consumer = await runConsumer({
          kafka,
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
    },
    async stop() {
      await consumer?.stop().catch((error: unknown) => logger.warn({ err: error }, 'consumer stop failed'));
      await runner.stop();
      await relay.stop().catch(() => {});
      await app.close();
      if (!overrides.okta) await okta.close();
      await producer.disconnect().catch(() => {});
      if (adminConnected) await admin.disconnect().catch(() => {});
      await db.destroy();
      redis.disconnect();
    },
  };
}

export { handleConnectionDeleted, handleSyncCancelRequested, handleSyncRequested };
