import type { TopicSpec } from '@appgov/contracts';
import { createProducer, type EventProducer, TopicReadiness, TopicsNotReadyError } from '@appgov/kafka';
import type { AppLogger } from '@appgov/telemetry';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Admin, Kafka } from 'kafkajs';

/** The service's Kafka clients; connections are made on first use and closed with the app. */
export interface KafkaClients {
  client: Kafka;
  producer: EventProducer;
  admin: Admin;
  /** Connects the producer once (again after a failed attempt). */
  producerReady(): Promise<void>;
  /** Connects the admin once (again after a failed attempt). */
  adminReady(): Promise<void>;
  /**
   * Creates missing topics of `specs` (needs the admin); with topic management off
   * (KAFKA_MANAGE_TOPICS=false) creates nothing, and waits until the platform team's topics exist
   * with the partitions and configs the service needs, `/readyz` naming what is missing meanwhile.
   */
  ensureTopics(specs: TopicSpec[]): Promise<void>;
}

declare module 'fastify' {
  interface FastifyInstance {
    kafka: KafkaClients;
  }
}

/** Memoises a connect call but forgets a failed one, so a later call tries again. */
function once(connect: () => Promise<void>): () => Promise<void> {
  let pending: Promise<void> | undefined;
  return () => {
    pending ??= connect().catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
}

/** `appgov-kafka`: producer and admin of `client`, the `kafka` readiness check, both closed on close. */
export const kafkaPlugin = fp<{ client: Kafka; logger: AppLogger; manageTopics?: boolean }>(
  async (app: FastifyInstance, { client, logger, manageTopics = true }) => {
    const producer = createProducer(client, { logger });
    let topics: TopicReadiness | undefined;
    const admin = client.admin();
    let adminConnected = false;
    const adminReady = once(async () => {
      await admin.connect();
      adminConnected = true;
    });
    const clients: KafkaClients = {
      client,
      producer,
      admin,
      producerReady: once(() => producer.connect()),
      adminReady,
      async ensureTopics(specs) {
        await adminReady();
        topics = new TopicReadiness(admin, specs, { manage: manageTopics, logger });
        await topics.prepare();
      },
    };
    app.decorate('kafka', clients);
    app.addReadinessCheck('kafka', async () => {
      await adminReady();
      await admin.describeCluster();
    });
    app.addReadinessCheck('topics', async () => {
      if (!topics) throw new TopicsNotReadyError([]);
      await topics.check();
    });
    app.addHook('onClose', async () => {
      topics?.stop();
      await producer.disconnect().catch(() => {});
      if (adminConnected) await admin.disconnect().catch(() => {});
    });
  },
  { name: 'appgov-kafka', fastify: '5.x', dependencies: ['appgov-readiness'] },
);
