import { redisTlsOptions } from '@appgov/config';
import { type TopicId, topicNames, topicSpecs } from '@appgov/contracts';
import { createDb, databaseUrl, migrateToLatest, registerPoolMetrics } from '@appgov/db';
import type { HttpApp } from '@appgov/http';
import { type ConsumerRunner, runConsumer } from '@appgov/kafka';
import { countVaultErrors, createWebhookSecretStoreFromEnv } from '@appgov/secrets';
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
import { buildApp } from './app.js';
import type { Config } from './config.js';
import { notificationHandlers } from './consumers/index.js';
import type { NotificationDb } from './domain/db.js';
import { registerEmailQueueMetrics } from './domain/email-queue.metrics.js';
import { EmailSender } from './domain/email-sender.js';
import { notificationMetrics } from './domain/notification.metrics.js';
import type { NotificationDatabase } from './domain/notification.table.js';
import { type ProcessorDeps, pruneProcessedEvents } from './domain/notification-processor.js';
import { assertSmtpTransportSecure } from './domain/smtp-transport-policy.js';
import { pruneDeliveryLog } from './domain/webhook.repository.js';
import { WebhookDispatcher } from './domain/webhook-dispatcher.js';
import { moveLegacyWebhookSecrets, WebhookSecrets } from './domain/webhook-secrets.js';
import { notificationMigrations } from './migrations/index.js';
import { registerInfrastructure } from './plugins/infrastructure.js';
import { resolveSmtpPassword } from './plugins/smtp-password.js';

/** The topics this service reads. */
export const CONSUMED_TOPICS: TopicId[] = ['connections', 'syncStatus', 'appInventory'];

/** Test seams: a clock, a logger or registry to inspect, consumer tuning. */
export interface ServiceOverrides {
  clock?: Clock;
  logger?: AppLogger;
  registry?: Registry;
  consumerMaxAttempts?: number;
  lagIntervalMs?: number;
}

/** The running parts of notification-service. */
export interface Service {
  app: HttpApp;
  db: NotificationDb;
  redis: Redis;
  kafka: Kafka;
  logger: AppLogger;
  registry: Registry;
  emailSender: EmailSender;
  webhookDispatcher: WebhookDispatcher;
  webhookSecrets: WebhookSecrets;
  processorDeps: ProcessorDeps;
  /** Migrations, legacy webhook secrets into Vault, topics, consumer and sender loops. */
  start(): Promise<void>;
  /** Stops the consumer first (its in-flight event commits), then the senders, fastify, Postgres, Redis. */
  stop(): Promise<void>;
}

/** Wires everything from config; nothing connects or listens until `start()` (and server.ts listens). */
export async function createService(
  config: Readonly<Config>,
  overrides: ServiceOverrides = {},
): Promise<Service> {
  assertSmtpTransportSecure(config);
  const logger = overrides.logger ?? createLogger({ name: 'notification-service', level: config.LOG_LEVEL });
  const registry = overrides.registry ?? createMetricsRegistry('notification-service');
  const clock = overrides.clock ?? systemClock;
  const metrics = notificationMetrics(registry);
  const db = createDb<NotificationDatabase>({
    connectionString: databaseUrl(config),
    schema: config.DB_SCHEMA,
    applicationName: 'notification-service',
  });
  registerPoolMetrics(registry, db);
  registerEmailQueueMetrics(registry, db);
  const redis = createRedis(config.REDIS_URL, logger, redisTlsOptions(config));
  const topics = topicNames({ prefix: config.KAFKA_TOPIC_PREFIX });
  const branding = {
    productName: config.DEFAULT_PRODUCT_NAME,
    appUrl: config.APP_BASE_URL,
    supportUrl: config.SUPPORT_URL,
  };

  const emailSender = new EmailSender({
    db,
    clock,
    logger,
    metrics,
    smtp: {
      host: config.SMTP_HOST,
      port: config.SMTP_PORT,
      secure: config.SMTP_SECURE,
      requireTls: config.SMTP_REQUIRE_TLS,
      user: config.SMTP_USER,
      password: await resolveSmtpPassword(config),
      from: config.SMTP_FROM,
      timeoutMs: config.SMTP_TIMEOUT_MS,
    },
    retryBaseMs: config.EMAIL_RETRY_BASE_MS,
    retryMaxMs: config.EMAIL_RETRY_MAX_MS,
    pollIntervalMs: config.SENDER_POLL_INTERVAL_MS,
    leaseMs: config.SENDER_LEASE_MS,
  });
  const webhookSecrets = new WebhookSecrets(
    countVaultErrors(createWebhookSecretStoreFromEnv(config), vaultErrorCounter(registry)),
    {
      cacheMs: config.WEBHOOK_SECRET_CACHE_MS,
    },
  );
  const webhookDispatcher = new WebhookDispatcher({
    db,
    clock,
    logger,
    metrics,
    allowPrivateTargets: config.WEBHOOK_ALLOW_PRIVATE_TARGETS,
    timeoutMs: config.WEBHOOK_TIMEOUT_MS,
    maxAttempts: config.WEBHOOK_MAX_ATTEMPTS,
    disableAfter: config.WEBHOOK_DISABLE_AFTER,
    retryBaseMs: config.WEBHOOK_RETRY_BASE_MS,
    retryMaxMs: config.WEBHOOK_RETRY_MAX_MS,
    pollIntervalMs: config.SENDER_POLL_INTERVAL_MS,
    leaseMs: config.SENDER_LEASE_MS,
    branding,
    secrets: webhookSecrets,
  });
  const processorDeps: ProcessorDeps = {
    db,
    clock,
    logger,
    branding,
    onQueued: () => {
      emailSender.poke();
      webhookDispatcher.poke();
    },
  };

  const app = await buildApp({
    config,
    db,
    redis,
    logger,
    registry,
    branding,
    allowPrivateTargets: config.WEBHOOK_ALLOW_PRIVATE_TARGETS,
    webhookSecrets,
    pokeWebhooks: () => webhookDispatcher.poke(),
  });
  await registerInfrastructure(app, { db, redis, logger, registry }, config);
  const kafka = app.kafka;

  let consumer: ConsumerRunner | undefined;
  let started = false;
  let pruneTimer: NodeJS.Timeout | undefined;
  return {
    app,
    db,
    redis,
    kafka: kafka.client,
    logger,
    registry,
    emailSender,
    webhookDispatcher,
    webhookSecrets,
    processorDeps,
    async start() {
      if (config.MIGRATE_ON_START) await migrateToLatest(db, notificationMigrations, config.DB_SCHEMA);
      // Plain-text secrets of older rows go to Vault (a migration cannot reach Vault); rows a
      // rollout's old replicas still write are caught by the hourly pass below.
      const moveSecrets = () =>
        moveLegacyWebhookSecrets(db, webhookSecrets, logger).catch((error: unknown) =>
          logger.warn({ err: error }, 'moving webhook secrets to Vault failed'),
        );
      await moveSecrets();
      await redis.connect().catch((error: unknown) => {
        // Rate limit and Idempotency-Key degrade without Redis; readiness reports it.
        logger.warn({ err: error }, 'redis unavailable at boot');
      });
      await kafka.ensureTopics(
        topicSpecs({ prefix: config.KAFKA_TOPIC_PREFIX }).filter((s) =>
          [...CONSUMED_TOPICS, 'dlq'].includes(s.id),
        ),
      );
      consumer = await runConsumer({
        kafka: kafka.client,
        groupId: `${config.KAFKA_GROUP_PREFIX}notification-service`,
        topics: CONSUMED_TOPICS.map((id) => topics[id]),
        handlers: notificationHandlers(processorDeps),
        dlqTopic: topics.dlq,
        logger,
        metricsRegistry: registry,
        ...(overrides.consumerMaxAttempts ? { maxAttempts: overrides.consumerMaxAttempts } : {}),
        ...(overrides.lagIntervalMs !== undefined ? { lagIntervalMs: overrides.lagIntervalMs } : {}),
      });
      emailSender.start();
      webhookDispatcher.start();
      const prune = () => {
        const before = new Date(clock.now().getTime() - config.PROCESSED_EVENTS_RETENTION_DAYS * 86_400_000);
        pruneProcessedEvents(db, before).then(
          (n) => n > 0 && logger.info({ pruned: n }, 'pruned old dedupe rows'),
          (error: unknown) => logger.warn({ err: error }, 'pruning dedupe rows failed'),
        );
        const logBefore = new Date(
          clock.now().getTime() - config.WEBHOOK_DELIVERY_RETENTION_DAYS * 86_400_000,
        );
        pruneDeliveryLog(db, logBefore).then(
          (n) => n > 0 && logger.info({ pruned: n }, 'pruned old webhook deliveries'),
          (error: unknown) => logger.warn({ err: error }, 'pruning webhook deliveries failed'),
        );
      };
      pruneTimer = setInterval(() => {
        prune();
        void moveSecrets();
      }, 3_600_000);
      pruneTimer.unref();
      started = true;
      app.markStarted();
      logger.info({ topics: CONSUMED_TOPICS.map((id) => topics[id]) }, 'notification-service started');
    },
    async stop() {
      if (pruneTimer) clearInterval(pruneTimer);
      await consumer?.stop();
      consumer = undefined;
      await Promise.allSettled([emailSender.stop(), webhookDispatcher.stop()]);
      // Closes the HTTP server, then the Kafka clients, Redis and Postgres (the plugins' onClose).
      await app.close();
      if (started) logger.info('notification-service stopped');
    },
  };
}
