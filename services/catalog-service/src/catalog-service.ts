import { redisTlsOptions } from '@appgov/config';
import { type Dataset, topicNames, topicSpecs } from '@appgov/contracts';
import { createDb, databaseUrl, migrateToLatest, OutboxRelay } from '@appgov/db';
import { type HttpApp, StartupGate } from '@appgov/http';
import {
  type ConsumerRunner,
  createKafkaFromEnv,
  createProducer,
  runConsumer,
  TopicReadiness,
} from '@appgov/kafka';
import {
  type AppLogger,
  createLogger,
  createMetricsRegistry,
  defineCounter,
  type Registry,
} from '@appgov/telemetry';
import { Redis } from 'ioredis';
import type { Kysely } from 'kysely';
import { buildApp } from './app.js';
import type { CatalogConfig } from './config.js';
import { handle as handleConnectionEvent } from './consumers/connections.consumer.js';
import { handle as handleRecords } from './consumers/okta-records.consumer.js';
import { catalogMigrations } from './migrations/index.js';

/** Test hooks of {@link startCatalogService}. */
export interface StartOptions {
  logger?: AppLogger;
  registry?: Registry;
  now?: () => Date;
  /** Skip the Kafka consumers and relay (HTTP-only tests). */
  withoutKafka?: boolean;
  redisKeyPrefix?: string;
  /** Outbox relay poll interval (tests shorten it). */
  relayPollMs?: number;
  /** Called once the app is built, before Kafka is set up (server.ts listens here, so /readyz answers). */
  onAppReady?: (app: HttpApp) => Promise<unknown>;
}

/** A running catalog service: its app (not listening), db and a stop function. */
export interface CatalogService {
  app: HttpApp;
  db: Kysely<any>;
  relay: OutboxRelay | undefined;
  consumers: ConsumerRunner[];
  stop(): Promise<void>;
}

/**
 * Wires the service: migrations, topics, the okta-records and connections consumers, the outbox
 * relay and the HTTP app. `stop` drains in reverse order (consumers finish in-flight work first).
 */
export async function startCatalogService(
  config: CatalogConfig,
  options: StartOptions = {},
): Promise<CatalogService> {
  const logger = options.logger ?? createLogger({ name: 'catalog-service', level: config.LOG_LEVEL });
  const registry = options.registry ?? createMetricsRegistry('catalog-service');
  const now = options.now ?? (() => new Date());
  const db = createDb<any>({
    connectionString: databaseUrl(config),
    schema: config.DB_SCHEMA,
    max: config.DB_POOL_MAX,
    applicationName: 'catalog-service',
  });
  const stops: Array<() => Promise<unknown>> = [() => db.destroy()];
  const stopAll = async () => {
    for (const stop of stops.splice(0).reverse()) {
      try {
        await stop();
      } catch (error) {
        logger.warn({ err: error }, 'shutdown step failed');
      }
    }
  };
  let built: HttpApp | undefined;
  try {
    if (config.MIGRATE_ON_START) await migrateToLatest(db, catalogMigrations, config.DB_SCHEMA);
    const redis = new Redis(config.REDIS_URL, {
      ...redisTlsOptions(config),
      lazyConnect: true,
      maxRetriesPerRequest: 2,
    });
    redis.on('error', () => {});
    await redis.connect();
    stops.push(async () => redis.quit());

    const topics = topicNames({ prefix: config.KAFKA_TOPIC_PREFIX });
    const consumers: ConsumerRunner[] = [];
    let relay: OutboxRelay | undefined;
    const startup = new StartupGate();
    const readiness: Record<string, () => Promise<unknown>> = { started: startup.check };
    const kafka = options.withoutKafka
      ? undefined
      : createKafkaFromEnv(config, { clientId: 'catalog-service', logger });
    const admin = kafka?.admin();
    const topicReadiness =
      admin &&
      new TopicReadiness(admin, topicSpecs({ prefix: config.KAFKA_TOPIC_PREFIX }), {
        manage: config.KAFKA_MANAGE_TOPICS,
        logger,
      });
    if (admin && topicReadiness) {
      readiness.kafka = () => admin.describeCluster();
      readiness.topics = topicReadiness.check;
    }
    const app = await buildApp({
      config,
      db,
      logger,
      registry,
      redis,
      redisKeyPrefix: options.redisKeyPrefix,
      readiness,
    });
    built = app;
    await options.onAppReady?.(app);
    if (kafka && admin && topicReadiness) {
      await admin.connect();
      stops.push(() => admin.disconnect());
      stops.push(async () => topicReadiness.stop());
      await topicReadiness.prepare();
      const producer = createProducer(kafka, { logger });
      await producer.connect();
      stops.push(() => producer.disconnect());
      relay = new OutboxRelay({
        db,
        schema: config.DB_SCHEMA,
        logger,
        registry,
        pollIntervalMs: options.relayPollMs ?? 1000,
        listenConnectionString: databaseUrl(config),
        batchSize: 500,
        send: (records) =>
          producer.send(
            records.map((r) => ({
              topic: r.topic,
              key: r.key,
              value: r.value === null ? null : JSON.stringify(r.value),
              headers: r.headers,
            })),
          ),
      });
      await relay.start();
      const started = relay;
      stops.push(() => started.stop());

      const rows = defineCounter(registry, {
        name: 'appgov_catalog_rows_written_total',
        help: 'Okta records applied to the catalog, by dataset',
        labelNames: ['dataset'],
      });
      const group = `${config.KAFKA_GROUP_PREFIX}catalog-service`;
      const recordsDeps = {
        db,
        topics,
        now,
        logger,
        rules: { superAdminThreshold: config.SUPER_ADMIN_THRESHOLD },
        onRows: (dataset: Dataset, n: number) => rows.inc({ dataset }, n),
      };
      consumers.push(
        await runConsumer({
          kafka,
          groupId: `${group}.okta-records`,
          topics: [topics.oktaRecords],
          dlqTopic: topics.dlq,
          handlers: {},
          eachBatch: { handler: (items) => handleRecords(recordsDeps, items), maxItems: 200 },
          partitionsConcurrently: config.RECORDS_PARTITIONS_CONCURRENTLY,
          logger,
          metricsRegistry: registry,
        }),
      );
      consumers.push(
        await runConsumer({
          kafka,
          groupId: `${group}.connections`,
          topics: [topics.connections],
          dlqTopic: topics.dlq,
          handlers: { 'connection.deleted': (event) => handleConnectionEvent({ db, topics, now }, event) },
          logger,
          metricsRegistry: registry,
        }),
      );
      // Independent consumers, each waiting out its own fetch poll: stopped together (each still
      // finishes and commits its in-flight batch).
      stops.push(async () => {
        for (const r of await Promise.allSettled(consumers.map((c) => c.stop())))
          if (r.status === 'rejected') logger.warn({ err: r.reason }, 'shutdown step failed');
      });
    }
    stops.push(() => app.close());
    startup.open();
    return { app, db, relay, consumers, stop: stopAll };
  } catch (error) {
    await built?.close().catch(() => {});
    await stopAll();
    throw error;
  }
}
