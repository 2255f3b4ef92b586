import { redisTlsOptions } from '@appgov/config';
import { compileAllValidators, topicNames, topicSpecs } from '@appgov/contracts';
import {
  createDb,
  databaseUrl,
  migrateToLatest,
  type OutboxRecord,
  type OutboxRelay,
  registerPoolMetrics,
} from '@appgov/db';
import type { HttpApp } from '@appgov/http';
import { type ConsumerRunner, type EventProducer, runConsumer } from '@appgov/kafka';
import {
  createOktaClientFactory,
  type OktaClientFactory,
  type OktaClientFactoryOptions,
  oktaBudgetKeyPrefix,
  resolverFromEnv,
} from '@appgov/okta-client';
import { countVaultErrors, createSecretStoreFromEnv, type SecretStore } from '@appgov/secrets';
import { type Clock, createRedis, systemClock } from '@appgov/service';
import {
  type AppLogger,
  createLogger,
  createMetricsRegistry,
  type Registry,
  vaultErrorCounter,
} from '@appgov/telemetry';
import type { Redis } from 'ioredis';
import type { Kafka } from 'kafkajs';
import type { Kysely } from 'kysely';
import { buildApp } from './app.js';
import { type Config, staleAfterMs } from './config.js';
import { handle as handleSyncStatus } from './consumers/sync-status.consumer.js';
import type { ConnectionDeps } from './domain/connection.service.js';
import type { Database } from './domain/connection.table.js';
import { registerConnectionStatusMetrics } from './domain/connection-status.metrics.js';
import { SyncScheduler } from './domain/sync-scheduler.js';
import { migrations } from './migrations/index.js';
import { registerInfrastructure } from './plugins/infrastructure.js';

/** Test seams: everything else comes from the config. */
export interface ServiceOverrides {
  logger?: AppLogger;
  clock?: Clock;
  random?: () => number;
  /** Wraps the relay's send (tests simulate Kafka being down). */
  wrapSend?: (send: (records: OutboxRecord[]) => Promise<void>) => (records: OutboxRecord[]) => Promise<void>;
  okta?: Partial<OktaClientFactoryOptions>;
  secrets?: SecretStore;
  /** Start the scheduler loop (default true; tests call `scheduler.tick()` themselves). */
  scheduler?: boolean;
  /** Start the sync-status consumer (default true). */
  consumer?: boolean;
  /** Start the outbox relay loop (default true). */
  relay?: boolean;
}

/** The assembled service: the app plus everything it owns, with start/stop. */
export interface Service {
  config: Readonly<Config>;
  app: HttpApp;
  deps: ConnectionDeps;
  db: Kysely<Database>;
  redis: Redis;
  kafka: Kafka;
  producer: EventProducer;
  relay: OutboxRelay;
  scheduler: SyncScheduler;
  registry: Registry;
  logger: AppLogger;
  /** Runs migrations, ensures topics, starts the relay, the consumer and the scheduler. */
  start(): Promise<void>;
  /** Stops consumers after in-flight work, then the relay, fastify, Kafka, Postgres and Redis. */
  stop(): Promise<void>;
}

/** Builds the service from its config; nothing connects until `start()` (except lazy pools). */
export async function createService(
  config: Readonly<Config>,
  overrides: ServiceOverrides = {},
): Promise<Service> {
  compileAllValidators();
  const logger = overrides.logger ?? createLogger({ name: 'connection-service', level: config.LOG_LEVEL });
  const registry = createMetricsRegistry('connection-service');
  const db = createDb<Database>({
    connectionString: databaseUrl(config),
    schema: config.DB_SCHEMA,
    applicationName: 'connection-service',
  });
  const redis = createRedis(config.REDIS_URL, logger, redisTlsOptions(config));
  const topics = topicNames({ prefix: config.KAFKA_TOPIC_PREFIX });

  registerPoolMetrics(registry, db);
  const secrets =
    overrides.secrets ?? countVaultErrors(createSecretStoreFromEnv(config), vaultErrorCounter(registry));

  const okta: OktaClientFactory = createOktaClientFactory({
    ...resolverFromEnv(config),
    registry,
    logger,
    redis,
    // The org's budget, shared with ingest's syncs: under this deployment's prefix, not a fixed `appgov`.
    redisKeyPrefix: oktaBudgetKeyPrefix(config.REDIS_KEY_PREFIX, 'connection-service'),
    // Validation is interactive: a short retry budget keeps a dead Okta from holding the request.
    retry: { maxAttempts: 2, baseDelayMs: 200, maxDelayMs: 1000 },
    timeouts: { headersTimeoutMs: 10_000, bodyTimeoutMs: 10_000, connectTimeoutMs: 5000 },
    ...overrides.okta,
  });

  const deps: ConnectionDeps = {
    db,
    secrets,
    okta,
    topics,
    clock: overrides.clock ?? systemClock,
    random: overrides.random ?? Math.random,
    logger,
    settings: {
      allowCustomDomains: config.OKTA_ALLOW_CUSTOM_DOMAINS,
      maxConnectionsPerTenant: config.CONNECTIONS_PER_TENANT_MAX,
      syncIntervalSeconds: config.SYNC_INTERVAL_SECONDS,
      jitterRatio: config.SYNC_JITTER_RATIO,
      rateLimitShare: {
        min: config.CONNECTION_RATE_LIMIT_SHARE_MIN,
        max: config.CONNECTION_RATE_LIMIT_SHARE_MAX,
      },
      stale: {
        staleAfterMs: staleAfterMs(config),
        runningStaleAfterMs: config.RUNNING_STALE_AFTER_SECONDS * 1000,
      },
    },
  };

  registerConnectionStatusMetrics(registry, {
    db,
    clock: () => deps.clock.now(),
    syncIntervalSeconds: config.SYNC_INTERVAL_SECONDS,
    ...deps.settings.stale,
    perConnectionLabels: config.METRICS_CONNECTION_LABELS,
    onError: (err) => logger.warn({ err }, 'connection metrics: database read failed'),
  });
  const scheduler = new SyncScheduler(deps, {
    tickMs: config.SCHEDULER_TICK_MS,
    batch: config.SCHEDULER_BATCH,
    logger,
  });

  const app = await buildApp({ config, deps, logger, registry, redis });
  await registerInfrastructure(app, { db, redis, logger, registry }, config, overrides.wrapSend);
  const { kafka, outboxRelay: relay } = app;

  let consumer: ConsumerRunner | undefined;
  return {
    config,
    app,
    deps,
    db,
    redis,
    kafka: kafka.client,
    producer: kafka.producer,
    relay,
    scheduler,
    registry,
    logger,
    async start() {
      if (config.MIGRATE_ON_START) await migrateToLatest(db, migrations, config.DB_SCHEMA);
      await redis.connect().catch((err: unknown) => logger.warn({ err }, 'redis not reachable at boot'));
      await kafka.ensureTopics(topicSpecs({ prefix: config.KAFKA_TOPIC_PREFIX }));
      if (overrides.relay !== false) await relay.start();
      if (overrides.consumer !== false) {
        consumer = await runConsumer({
          kafka: kafka.client,
          groupId: `${config.KAFKA_GROUP_PREFIX}connection-service.sync-status`,
          topics: [topics.syncStatus],
          dlqTopic: topics.dlq,
          logger,
          metricsRegistry: registry,
          handlers: {
            'sync.started': (event) => handleSyncStatus({ db, logger }, event),
            'sync.completed': (event) => handleSyncStatus({ db, logger }, event),
            'sync.failed': (event) => handleSyncStatus({ db, logger }, event),
            'catalog.applied': (event) => handleSyncStatus({ db, logger }, event),
          },
        });
      }
      if (overrides.scheduler !== false) scheduler.start();
      app.markStarted();
    },
    async stop() {
      await scheduler.stop();
      await consumer?.stop().catch((err: unknown) => logger.warn({ err }, 'consumer stop failed'));
      await relay.stop();
      await okta.close();
      // Closes the HTTP server, then the Kafka clients, Redis and Postgres (the plugins' onClose).
      await app.close();
    },
  };
}
