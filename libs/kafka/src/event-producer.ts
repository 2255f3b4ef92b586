import { type AnyCloudEvent, validateEvent } from '@appgov/contracts';
import { AppError } from '@appgov/errors';
import type { Context } from '@opentelemetry/api';
import { CompressionTypes, type Kafka, type Message, Partitioners, type Producer } from 'kafkajs';
import { type KafkaLogger, silentLogger } from './kafka-logger.js';
import { injectTraceHeaders } from './trace-context.js';

/** Content type of a structured-mode CloudEvent (CloudEvents Kafka binding). */
export const CLOUDEVENTS_CONTENT_TYPE = 'application/cloudevents+json';

/** A message already shaped for Kafka (what the outbox relay stores and sends). */
export interface RawMessage {
  topic: string;
  key: string | null;
  value: string | Buffer | null;
  headers?: Record<string, string>;
}

/** Options of one `publish` call. */
export interface PublishOptions<E extends AnyCloudEvent = AnyCloudEvent> {
  /** The message key: one for all events, or computed per event. */
  key: string | ((event: E) => string);
  /** Trace context to propagate; defaults to the active one. */
  context?: Context;
}

/** A producer that validates CloudEvents before sending them. */
export interface EventProducer {
  connect(): Promise<void>;
  /** Validates every event against its schema, then sends them all (nothing is sent if one is invalid). */
  publish<E extends AnyCloudEvent>(
    topic: string,
    events: readonly E[],
    options: PublishOptions<E>,
  ): Promise<void>;
  /** Sends pre-shaped messages in order (no validation; the outbox validated at enqueue time). */
  send(messages: readonly RawMessage[]): Promise<void>;
  /** Builds the Kafka headers `publish` would send for an event. */
  headersFor(event: AnyCloudEvent, context?: Context): Record<string, string>;
  disconnect(): Promise<void>;
  /** The kafkajs producer in use now (a failed send replaces it). */
  readonly producer: Producer;
}

/** Validates a CloudEvent or throws `EVENT_SCHEMA_INVALID` (not retryable) naming the violations. */
export function assertValidEvent(event: unknown): void {
  const errors = validateEvent(event);
  if (errors.length > 0) {
    const type = (event as { type?: unknown } | null)?.type;
    throw new AppError(
      'EVENT_SCHEMA_INVALID',
      `event ${String(type)} violates its schema: ${errors.join('; ')}`,
      {
        retryable: false,
        details: { type, errors },
      },
    );
  }
}

/**
 * Creates the typed producer: idempotent, acks=all, gzip, trace context in headers.
 *
 * Sends go out one at a time, and a send that fails retires the kafkajs producer: the next send
 * uses a new one (a new producer id). kafkajs hands a failed request's sequence numbers back to the
 * partition, yet the broker may have written that request before the connection broke; a different
 * batch sent next with the same producer id and sequence is then taken by the broker for a
 * duplicate of the written one, acknowledged, and never stored. The chaos suite lost a records
 * batch that way when the broker was killed mid-send (two syncs' batches on one partition).
 */
export function createProducer(kafka: Kafka, options: { logger?: KafkaLogger } = {}): EventProducer {
  const logger = options.logger ?? silentLogger;
  // Idempotence keeps retried sends from duplicating or reordering within a partition.
  const newProducer = () =>
    kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
  let producer = newProducer();
  /** connect() was asked for: a replacement producer connects before its first send. */
  let wanted = false;
  let connected = false;
  /** The current producer's last send failed: its sequence numbers are no longer trusted. */
  let retired = false;
  let queue: Promise<unknown> = Promise.resolve();
  const oneAtATime = <T>(work: () => Promise<T>): Promise<T> => {
    const run = queue.then(work, work);
    queue = run.catch(() => undefined);
    return run;
  };

  const headersFor = (event: AnyCloudEvent, ctx?: Context): Record<string, string> => {
    const headers: Record<string, string> = {
      'content-type': CLOUDEVENTS_CONTENT_TYPE,
      ce_type: event.type,
      ce_id: event.id,
    };
    injectTraceHeaders(headers, ctx);
    return headers;
  };

  const sendGrouped = async (messages: readonly RawMessage[]) => {
    if (messages.length === 0) return;
    const byTopic = new Map<string, Message[]>();
    for (const m of messages) {
      const list = byTopic.get(m.topic) ?? [];
      list.push({ key: m.key, value: m.value, ...(m.headers ? { headers: m.headers } : {}) });
      byTopic.set(m.topic, list);
    }
    await oneAtATime(async () => {
      if (retired) {
        const old = producer;
        producer = newProducer();
        connected = false;
        retired = false;
        await old.disconnect().catch(() => undefined);
        logger.warn({}, 'Kafka producer replaced after a failed send (new producer id)');
      }
      if (wanted && !connected) {
        await producer.connect();
        connected = true;
      }
      try {
        await producer.sendBatch({
          acks: -1,
          compression: CompressionTypes.GZIP,
          topicMessages: [...byTopic].map(([topic, msgs]) => ({ topic, messages: msgs })),
        });
      } catch (error) {
        retired = true;
        throw error;
      }
    });
  };

  return {
    get producer() {
      return producer;
    },
    headersFor,
    async connect() {
      wanted = true;
      await oneAtATime(async () => {
        if (connected) return;
        await producer.connect();
        connected = true;
      });
    },
    async publish(topic, events, publishOptions) {
      for (const event of events) assertValidEvent(event);
      const messages = events.map((event) => ({
        topic,
        key: typeof publishOptions.key === 'function' ? publishOptions.key(event) : publishOptions.key,
        value: JSON.stringify(event),
        headers: headersFor(event, publishOptions.context),
      }));
      await sendGrouped(messages);
      logger.debug({ topic, count: events.length }, 'published events');
    },
    async send(messages) {
      await sendGrouped(messages);
    },
    // Not queued: a shutdown during an outage must not wait for a send's retries to run out (the
    // send in flight fails, and nothing reconnects once connect() is no longer wanted).
    async disconnect() {
      wanted = false;
      if (!connected) return;
      connected = false;
      await producer.disconnect();
    },
  };
}
