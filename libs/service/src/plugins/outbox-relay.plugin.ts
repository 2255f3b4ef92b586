import { type OutboxRecord, OutboxRelay, type OutboxRelayOptions } from '@appgov/db';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { kafkaOutboxSender } from '../outbox/kafka-outbox-sender.js';

type Send = (records: OutboxRecord[]) => Promise<void>;

/** Options of {@link outboxRelayPlugin}: the service's outbox tables (`outboxView(db)`) and the relay's tuning; send comes from `appgov-kafka`. */
export interface OutboxRelayPluginOptions extends Omit<OutboxRelayOptions, 'send'> {
  /** Test seam: wraps the Kafka send (tests simulate Kafka being down). */
  wrapSend?: ((send: Send) => Send) | undefined;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Publishes the service's outbox to Kafka; started by the service, stopped on close. */
    outboxRelay: OutboxRelay;
  }
}

/** `appgov-outbox-relay`: the outbox relay over `appgov-db`, sending through `appgov-kafka`'s producer. */
export const outboxRelayPlugin = fp<OutboxRelayPluginOptions>(
  async (app: FastifyInstance, { wrapSend, ...options }) => {
    // Connects lazily, so the service starts (and keeps its outbox) while Kafka is down.
    const send = kafkaOutboxSender(app.kafka.producer, app.kafka.producerReady);
    const relay = new OutboxRelay({ ...options, send: wrapSend ? wrapSend(send) : send });
    app.decorate('outboxRelay', relay);
    app.addHook('onClose', async () => relay.stop());
  },
  { name: 'appgov-outbox-relay', fastify: '5.x', dependencies: ['appgov-db', 'appgov-kafka'] },
);
