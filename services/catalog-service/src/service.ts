import { redisTlsOptions } from '@appgov/config';
import { type Dataset, topicNames, topicSpecs } from '@appgov/contracts';
import { createDb, databaseUrl, migrateToLatest, type OutboxRelay, registerPoolMetrics } from '@appgov/db';
import { isDependencyOutage } from '@appgov/errors';
import type { HttpApp } from '@appgov/http';
import { type ConsumerRunner, runConsumer } from '@appgov/kafka';
import { type Clock, createRedis, systemClock } from '@appgov/service';
import {
  type AppLogger,
  createLogger,
  createMetricsRegistry,
  defineCounter,
  type Registry,
} from '@appgov/telemetry';
import type { Kysely } from 'kysely';
import { buildApp } from './app.js';
import type { Config } from './config.js';
import { handle as handleConnectionEvent } from './consumers/connections.consumer.js';
import { handle as handleRecords } from './consumers/okta-records.consumer.js';
import { setQueryTimeout } from './domain/query-limits.js';
import type { CatalogDatabase } from './domain/tables/catalog.database.js';
import { catalogMigrations } from './migrations/index.js';
import { registerInfrastructure } from './plugins/infrastructure.js';

/** Test seams: everything else comes from the config. */
export interface ServiceOverrides {
  logger?: AppLogger;
  registry?: Registry;
  clock?: Clock;
  /** Skip the Kafka consumers and relay (HTTP-only tests). */
  withoutKafka?: boolean;
  /** Outbox relay poll interval (tests shorten it). */
  relayPollMs?: number;
  /**
   * The chaos suite's deliberately broken consumer (test/chaos): the record consumer takes an error
   * that means a dependency is down as success, so the batch is committed without being applied.
   * Never set by server.ts; it proves the suite fails when outage handling is lost.
   */
  brokenRecordsOutageHandling?: boolean;
}

/** The assembled catalog service. */
export interface Service {
  app: HttpApp;
  logger: AppLogger;
  db: Kysely<CatalogDatabase>;
  relay: OutboxRelay | undefined;
  consumers: ConsumerRunner[];
  /** Migrates, ensures topics, starts the relay and both consumers (does not listen). */
  start(): Promise<void>;
  /** Stops the consumers together (each commits its in-flight batch), the relay, then every client. */
  stop(): Promise<void>;
}

/** Builds the service from its config; nothing connects until `start()`. */
export async function createService(
  config: Readonly<Config>,
  overrides: ServiceOverrides = {},
): Promise<Service> {
  const logger = overrides.logger ?? createLogger({ name: 'catalog-service', level: config.LOG_LEVEL });
  const registry = overrides.registry ?? createMetricsRegistry('catalog-service');
  const clock = overrides.clock ?? systemClock;
  const withKafka = !overrides.withoutKafka;
  const topics = topicNames({ prefix: config.KAFKA_TOPIC_PREFIX });
  const db = createDb<CatalogDatabase>({
    connectionString: databaseUrl(config),
    schema: config.DB_SCHEMA,
    max: config.DB_POOL_MAX,
    applicationName: 'catalog-service',
    acquireTimeoutMs: config.DB_ACQUIRE_TIMEOUT_MS,
  });
  registerPoolMetrics(registry, db);
  setQueryTimeout(db, config.QUERY_STATEMENT_TIMEOUT_MS);
  const redis = createRedis(config.REDIS_URL, logger, redisTlsOptions(config));
  const app = await buildApp({ config, db, logger, registry, redis });
  await registerInfrastructure(app, { db, redis, logger, registry }, config, {
    enabled: withKafka,
    relayPollMs: overrides.relayPollMs ?? 1000,
  });
  const relay = withKafka ? app.outboxRelay : undefined;
  const rows = defineCounter(registry, {
    name: 'appgov_catalog_rows_written_total',
    help: 'Okta records applied to the catalog, by dataset',
    labelNames: ['dataset'],
  });
  const recordsDeps = {
    db,
    topics,
    clock,
    logger,
    rules: { superAdminThreshold: config.SUPER_ADMIN_THRESHOLD },
    onRows: (dataset: Dataset, n: number) => rows.inc({ dataset }, n),
  };
  const applyRecords = overrides.brokenRecordsOutageHandling
    ? async (items: Parameters<typeof handleRecords>[1]) => {
        try {
          await handleRecords(recordsDeps, items);
        } catch (err) {
          if (!isDependencyOutage(err)) throw err;
          logger.warn({ err }, 'broken consumer: dependency error treated as success');
        }
      }
    : (items: Parameters<typeof handleRecords>[1]) => handleRecords(recordsDeps, items);

  const consumers: ConsumerRunner[] = [];
  const stopConsumers = async () => {
    // Independent consumers, each waiting out its own fetch poll: stopped together (each still
    // finishes and commits its in-flight batch).
    for (const r of await Promise.allSettled(consumers.splice(0).map((c) => c.stop())))
      if (r.status === 'rejected') logger.warn({ err: r.reason }, 'shutdown step failed');
  };
  return {
    app,
    logger,
    db,
    relay,
    consumers,
    async start() {
      if (config.MIGRATE_ON_START) await migrateToLatest(db, catalogMigrations, config.DB_SCHEMA);
      await redis.connect().catch((err: unknown) => logger.warn({ err }, 'redis not reachable at boot'));
      if (!withKafka) {
        app.markStarted();
        return;
      }
      const { kafka } = app;
      await kafka.ensureTopics(topicSpecs({ prefix: config.KAFKA_TOPIC_PREFIX }));
      await kafka.producerReady();
      await app.outboxRelay.start();
      const group = `${config.KAFKA_GROUP_PREFIX}catalog-service`;
      consumers.push(
        await runConsumer({
          kafka: kafka.client,
          groupId: `${group}.okta-records`,
          topics: [topics.oktaRecords],
          dlqTopic: topics.dlq,
          handlers: {},
          eachBatch: { handler: applyRecords, maxItems: 200 },
          partitionsConcurrently: config.RECORDS_PARTITIONS_CONCURRENTLY,
          logger,
          metricsRegistry: registry,
        }),
      );
      consumers.push(
        await runConsumer({
          kafka: kafka.client,
          groupId: `${group}.connections`,
          topics: [topics.connections],
          dlqTopic: topics.dlq,
          handlers: { 'connection.deleted': (event) => handleConnectionEvent({ db, topics, clock }, event) },
          logger,
          metricsRegistry: registry,
        }),
      );
      app.markStarted();
    },
    async stop() {
      await stopConsumers();
      await relay?.stop().catch((err: unknown) => logger.warn({ err }, 'shutdown step failed'));
      // Closes the HTTP server, then the Kafka clients, Redis and Postgres (the plugins' onClose).
      await app.close();
    },
  };
}
