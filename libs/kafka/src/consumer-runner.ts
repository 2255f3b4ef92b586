import {
  type AnyCloudEvent,
  type CloudEvent,
  type DlqAttempt,
  type DlqReason,
  type DlqRecord,
  type EventType,
  isEventType,
  validateEvent,
} from '@appgov/contracts';
import { AppError, errorMessage, isDependencyOutage, isRetryable } from '@appgov/errors';
import { type Context, context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Admin, Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import type { Registry } from 'prom-client';
import { type ConsumerMetrics, consumerMetrics } from './consumer-metrics.js';
import { createProducer, type EventProducer } from './event-producer.js';
import { type KafkaLogger, silentLogger } from './kafka-logger.js';
import { decodeHeaders, encodeValue } from './message-headers.js';
import { type BackoffOptions, backoffDelay, sleep } from './retry-backoff.js';
import { extractTraceContext } from './trace-context.js';

/** Where a consumed message came from. */
export interface MessageOrigin {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  headers: Record<string, string>;
  /** The W3C `traceparent` header of the producer, if any. */
  traceparent: string | undefined;
}

/** What a handler gets besides the event. */
export interface HandlerContext extends MessageOrigin {
  /** 1 on the first try, up to `maxAttempts`. */
  attempt: number;
  /** The OpenTelemetry context extracted from the headers (the handler already runs inside it). */
  traceContext: Context;
  /** Aborts when `stop()` is called; a handler that gives up early has its message redelivered later. */
  signal: AbortSignal;
  logger: KafkaLogger;
}

/** Handles one event type; throw to retry (non-retryable AppError: straight to the DLQ). */
export type EventHandler<T extends EventType = EventType> = (
  event: CloudEvent<T>,
  ctx: HandlerContext,
) => Promise<void>;
/** Handlers by event type; valid events of other types are committed and counted `skipped`. */
export type EventHandlers = { [T in EventType]?: EventHandler<T> };

/** One validated event of a batch, with its origin. */
export interface BatchItem {
  event: AnyCloudEvent;
  origin: MessageOrigin;
}

/** What a batch handler gets besides the events. */
export interface BatchContext {
  topic: string;
  partition: number;
  attempt: number;
  signal: AbortSignal;
  logger: KafkaLogger;
  heartbeat(): Promise<void>;
}

/** The event schemas the runner checks messages against (default: the contracts registry). */
export interface EventRegistry {
  isKnownType(type: unknown): boolean;
  validate(envelope: unknown): string[];
}

/** The contracts' own registry. */
export const contractsRegistry: EventRegistry = { isKnownType: isEventType, validate: validateEvent };

/** Options of `runConsumer`. */
export interface RunConsumerOptions {
  kafka: Kafka;
  groupId: string;
  topics: string[];
  handlers: EventHandlers;
  dlqTopic: string;
  /**
   * Tries per message before the DLQ (default 5). Failures that say Kafka, Postgres or Redis is
   * unreachable (`isDependencyOutage`) do not count: the message waits for the dependency, however
   * long, and its partition with it, so an outage never dead-letters good messages (SPEC §11).
   */
  maxAttempts?: number;
  backoff?: BackoffOptions;
  logger?: KafkaLogger;
  registry?: EventRegistry;
  metricsRegistry?: Registry;
  /** Where a group without committed offsets starts (default true: the beginning, so nothing is missed). */
  fromBeginning?: boolean;
  /** How often the lag gauge is refreshed (default 15 000 ms; 0 turns the timer off). */
  lagIntervalMs?: number;
  /** Partitions processed in parallel (default 1); order is kept within a partition. */
  partitionsConcurrently?: number;
  sessionTimeoutMs?: number;
  /**
   * Longest fetch long-poll (default 1000 ms). kafkajs cannot cancel a fetch in flight, so stop()
   * waits up to this long for the poll to return before leaving the group; a busy consumer is not
   * slowed (the broker answers as soon as there is data), an idle one sends a fetch a second.
   */
  maxWaitTimeMs?: number;
  /**
   * High-throughput mode: valid events reach `handler` in chunks of up to `maxItems` (default 500)
   * instead of one by one through `handlers`. A chunk is retried whole; if it still fails, its events
   * are retried one at a time so that only the poison ones reach the DLQ.
   */
  eachBatch?: { handler: (items: BatchItem[], ctx: BatchContext) => Promise<void>; maxItems?: number };
}

/** A running consumer. */
export interface ConsumerRunner {
  /** Finishes the in-flight message (or chunk), commits it, leaves the group and disconnects. */
  stop(): Promise<void>;
  /** Recomputes the lag gauge now (also runs on a timer). */
  refreshLag(): Promise<void>;
  readonly consumer: Consumer;
}

type Outcome = 'ok' | 'dlq' | 'skipped' | 'aborted';

// Longest pause between two tries of a message whose dependency is down.
const OUTAGE_MAX_DELAY_MS = 10_000;

// kafkajs's own default is 5000 ms: most of the 2-5 s each consumer added to a SIGTERM exit.
const DEFAULT_MAX_WAIT_MS = 1000;

const tracer = trace.getTracer('@appgov/kafka');

const originOf = (topic: string, partition: number, message: KafkaMessage): MessageOrigin => {
  const headers = decodeHeaders(message.headers);
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key === null ? null : message.key.toString('utf8'),
    headers,
    traceparent: headers.traceparent,
  };
};

const nextOffset = (offset: string) => (BigInt(offset) + 1n).toString();

/** Subscribes and runs handlers with validation, bounded retries, DLQ, manual commits and lag metrics. */
export async function runConsumer(options: RunConsumerOptions): Promise<ConsumerRunner> {
  const logger = options.logger ?? silentLogger;
  const registry = options.registry ?? contractsRegistry;
  const maxAttempts = Math.max(1, options.maxAttempts ?? 5);
  const metrics: ConsumerMetrics = consumerMetrics(options.metricsRegistry);
  for (const topic of options.topics) metrics.handlerErrors.inc({ topic }, 0);
  const abort = new AbortController();
  const { groupId } = options;

  const consumer = options.kafka.consumer({
    groupId,
    allowAutoTopicCreation: false,
    ...(options.sessionTimeoutMs ? { sessionTimeout: options.sessionTimeoutMs } : {}),
    maxWaitTimeInMs: options.maxWaitTimeMs ?? DEFAULT_MAX_WAIT_MS,
  });
  const dlqProducer: EventProducer = createProducer(options.kafka, { logger });
  const admin: Admin = options.kafka.admin();

  // Partitions this member owns and the next offset it will process on each (for the lag gauge).
  let assignment: Record<string, number[]> = {};
  const processed = new Map<string, bigint>();
  consumer.on(consumer.events.GROUP_JOIN, (e) => {
    const previous = assignment;
    assignment = e.payload.memberAssignment;
    for (const [topic, partitions] of Object.entries(previous)) {
      for (const partition of partitions) {
        if (!assignment[topic]?.includes(partition)) metrics.lag.remove({ group: groupId, topic, partition });
      }
    }
  });
  consumer.on(consumer.events.CRASH, (e) =>
    logger.error({ groupId, err: e.payload.error, restart: e.payload.restart }, 'Kafka consumer crashed'),
  );

  const sendToDlq = async (
    origin: MessageOrigin,
    value: Buffer | null,
    reason: DlqReason,
    attempts: DlqAttempt[],
    eventType?: string,
  ) => {
    const record: DlqRecord = {
      originTopic: origin.topic,
      partition: origin.partition,
      offset: origin.offset,
      key: origin.key,
      headers: origin.headers,
      ...encodeValue(value),
      groupId,
      ...(eventType ? { eventType } : {}),
      reason,
      attempts,
      failedAt: new Date().toISOString(),
    };
    const headers: Record<string, string> = { 'content-type': 'application/json', dlq_reason: reason };
    if (origin.traceparent) headers.traceparent = origin.traceparent;
    // If this send fails the error propagates, nothing is committed and the message comes again.
    await dlqProducer.send([
      { topic: options.dlqTopic, key: origin.key, value: JSON.stringify(record), headers },
    ]);
    metrics.dlq.inc({ reason });
    metrics.consumed.inc({ topic: origin.topic, outcome: 'dlq' });
    logger.warn(
      {
        groupId,
        topic: origin.topic,
        partition: origin.partition,
        offset: origin.offset,
        reason,
        eventType,
        attempts,
      },
      'message sent to DLQ',
    );
  };

  /** Parses and validates; sends what cannot be handled to the DLQ and returns null for it. */
  const admit = async (origin: MessageOrigin, message: KafkaMessage): Promise<AnyCloudEvent | null> => {
    let parsed: unknown;
    try {
      if (message.value === null) throw new Error('null value');
      parsed = JSON.parse(message.value.toString('utf8'));
    } catch (error) {
      await sendToDlq(origin, message.value, 'unparseable', [
        { at: new Date().toISOString(), error: errorMessage(error), code: 'EVENT_UNPARSEABLE' },
      ]);
      return null;
    }
    const type = (parsed as { type?: unknown } | null)?.type;
    if (!registry.isKnownType(type)) {
      await sendToDlq(
        origin,
        message.value,
        'unknown_type',
        [
          {
            at: new Date().toISOString(),
            error: `unknown event type ${JSON.stringify(type ?? null)}`,
            code: 'EVENT_UNKNOWN_TYPE',
          },
        ],
        typeof type === 'string' ? type : undefined,
      );
      return null;
    }
    const errors = registry.validate(parsed);
    if (errors.length > 0) {
      await sendToDlq(
        origin,
        message.value,
        'schema_invalid',
        [{ at: new Date().toISOString(), error: errors.join('; '), code: 'EVENT_SCHEMA_INVALID' }],
        type as string,
      );
      return null;
    }
    return parsed as AnyCloudEvent;
  };

  /** Runs `attempt` up to maxAttempts with backoff; returns the failed attempts, or null on success, or 'aborted'. */
  const withRetries = async (
    label: Record<string, unknown>,
    topic: string,
    heartbeat: () => Promise<void>,
    attempt: (n: number) => Promise<void>,
  ): Promise<DlqAttempt[] | null | 'aborted'> => {
    const failures: DlqAttempt[] = [];
    let outageTries = 0;
    for (let n = 1; n <= maxAttempts; ) {
      try {
        await attempt(n);
        return null;
      } catch (error) {
        metrics.handlerErrors.inc({ topic });
        if (abort.signal.aborted) return 'aborted';
        let delay: number;
        const outage = isDependencyOutage(error);
        if (outage) {
          // Not the message's fault: same attempt number again once the dependency answers.
          outageTries += 1;
          if (outageTries === 1 || outageTries % 10 === 0)
            logger.warn({ ...label, attempt: n, outageTries, err: error }, 'handler waits for a dependency');
          delay = backoffDelay(outageTries, { baseMs: 500, maxMs: OUTAGE_MAX_DELAY_MS });
        } else {
          failures.push({
            at: new Date().toISOString(),
            error: errorMessage(error),
            ...(error instanceof AppError ? { code: error.code } : {}),
          });
          const retryable = isRetryable(error);
          logger.warn({ ...label, attempt: n, maxAttempts, retryable, err: error }, 'handler failed');
          if (!retryable || n === maxAttempts) break;
          delay = backoffDelay(n, options.backoff);
          n += 1;
        }
        // While Kafka itself is away the heartbeat fails too, and the wait goes on regardless; otherwise
        // its error (a rebalance) ends the batch as before.
        if (outage) await heartbeat().catch(() => undefined);
        else await heartbeat();
        if (!(await sleep(delay, abort.signal))) return 'aborted';
      }
    }
    return failures;
  };

  const handleOne = async (
    message: KafkaMessage,
    origin: MessageOrigin,
    heartbeat: () => Promise<void>,
  ): Promise<Outcome> => {
    const event = await admit(origin, message);
    if (!event) return 'dlq';
    const handler = options.handlers[event.type] as EventHandler | undefined;
    if (!handler) {
      metrics.consumed.inc({ topic: origin.topic, outcome: 'skipped' });
      return 'skipped';
    }
    const traceContext = extractTraceContext(origin.headers);
    const span = tracer.startSpan(
      `process ${origin.topic}`,
      {
        kind: SpanKind.CONSUMER,
        attributes: {
          'messaging.system': 'kafka',
          'messaging.destination.name': origin.topic,
          'messaging.consumer.group.name': groupId,
          'messaging.kafka.offset': Number(origin.offset),
          'cloudevents.event_type': event.type,
          'cloudevents.event_id': event.id,
        },
      },
      traceContext,
    );
    const spanContext = trace.setSpan(traceContext, span);
    const label = {
      groupId,
      topic: origin.topic,
      partition: origin.partition,
      offset: origin.offset,
      type: event.type,
    };
    try {
      const result = await withRetries(label, origin.topic, heartbeat, (attempt) =>
        context.with(spanContext, () =>
          handler(event as CloudEvent, {
            ...origin,
            attempt,
            traceContext: spanContext,
            signal: abort.signal,
            logger,
          }),
        ),
      );
      if (result === 'aborted') return 'aborted';
      if (result === null) {
        metrics.consumed.inc({ topic: origin.topic, outcome: 'ok' });
        return 'ok';
      }
      span.setStatus({ code: SpanStatusCode.ERROR, message: result[result.length - 1]?.error ?? 'failed' });
      await sendToDlq(origin, message.value, 'handler_failed', result, event.type);
      return 'dlq';
    } finally {
      span.end();
    }
  };

  // The payload's commitOffsetsIfNecessary(offsets) commits at once. consumer.commitOffsets() would not do:
  // kafkajs silently drops it once stop() has begun, losing the commit of the message stop() waited for.
  const commit = async (payload: EachBatchPayload, offset: string) => {
    const { topic, partition } = payload.batch;
    await payload.commitOffsetsIfNecessary({
      topics: [{ topic, partitions: [{ partition, offset: nextOffset(offset) }] }],
    });
    processed.set(`${topic}:${partition}`, BigInt(nextOffset(offset)));
  };

  const eachMessageMode = async (payload: EachBatchPayload) => {
    const { batch, resolveOffset, heartbeat, isRunning, isStale } = payload;
    for (const message of batch.messages) {
      if (!isRunning() || isStale() || abort.signal.aborted) return;
      const origin = originOf(batch.topic, batch.partition, message);
      const outcome = await handleOne(message, origin, heartbeat);
      if (outcome === 'aborted') return;
      resolveOffset(message.offset);
      await commit(payload, message.offset);
      await heartbeat();
    }
  };

  // One CONSUMER span per handler call of a batch: its parent is the first message's trace (a
  // batch usually carries one sync's records), and it links every message's producer context.
  const tracedBatch = async <T>(topic: string, items: BatchItem[], fn: () => Promise<T>): Promise<T> => {
    const contexts = items.map((i) => extractTraceContext(i.origin.headers));
    const links = contexts
      .map((c) => trace.getSpanContext(c))
      .filter((sc) => sc !== undefined && trace.isSpanContextValid(sc))
      .map((sc) => ({ context: sc! }));
    const parent = contexts[0] ?? context.active();
    const span = tracer.startSpan(
      `process ${topic}`,
      {
        kind: SpanKind.CONSUMER,
        links,
        attributes: {
          'messaging.system': 'kafka',
          'messaging.destination.name': topic,
          'messaging.consumer.group.name': groupId,
          'messaging.batch.message_count': items.length,
        },
      },
      parent,
    );
    try {
      return await context.with(trace.setSpan(parent, span), fn);
    } catch (error) {
      span.setStatus({
        code: SpanStatusCode.ERROR,
        message: error instanceof Error ? error.message : String(error),
      });
      throw error;
    } finally {
      span.end();
    }
  };

  const batchMode = async (payload: EachBatchPayload) => {
    const { batch, resolveOffset, heartbeat, isRunning, isStale } = payload;
    const batchOptions = options.eachBatch!;
    const maxItems = batchOptions.maxItems ?? 500;
    const ctxFor = (attempt: number): BatchContext => ({
      topic: batch.topic,
      partition: batch.partition,
      attempt,
      signal: abort.signal,
      logger,
      heartbeat,
    });
    const label = { groupId, topic: batch.topic, partition: batch.partition };
    for (let start = 0; start < batch.messages.length; start += maxItems) {
      if (!isRunning() || isStale() || abort.signal.aborted) return;
      const chunk = batch.messages.slice(start, start + maxItems);
      const items: Array<BatchItem & { message: KafkaMessage }> = [];
      for (const message of chunk) {
        const origin = originOf(batch.topic, batch.partition, message);
        const event = await admit(origin, message);
        if (event) items.push({ event, origin, message });
      }
      if (items.length > 0) {
        const result = await withRetries(label, batch.topic, heartbeat, (n) =>
          tracedBatch(batch.topic, items, () =>
            batchOptions.handler(
              items.map(({ event, origin }) => ({ event, origin })),
              ctxFor(n),
            ),
          ),
        );
        if (result === 'aborted') return;
        if (result !== null) {
          // Isolate the poison: each event alone, with its own retries, so only failing ones reach the DLQ.
          for (const item of items) {
            const single = await withRetries(
              { ...label, offset: item.origin.offset },
              batch.topic,
              heartbeat,
              (n) =>
                tracedBatch(batch.topic, [item], () =>
                  batchOptions.handler([{ event: item.event, origin: item.origin }], ctxFor(n)),
                ),
            );
            if (single === 'aborted') return;
            if (single === null) metrics.consumed.inc({ topic: batch.topic, outcome: 'ok' });
            else await sendToDlq(item.origin, item.message.value, 'handler_failed', single, item.event.type);
          }
        } else {
          metrics.consumed.inc({ topic: batch.topic, outcome: 'ok' }, items.length);
        }
      }
      const last = chunk[chunk.length - 1]!;
      resolveOffset(last.offset);
      await commit(payload, last.offset);
      await heartbeat();
    }
  };

  const refreshLag = async () => {
    const topics = Object.keys(assignment);
    for (const topic of topics) {
      const partitions = assignment[topic] ?? [];
      if (partitions.length === 0) continue;
      const [watermarks, committed] = await Promise.all([
        admin.fetchTopicOffsets(topic),
        admin.fetchOffsets({ groupId, topics: [topic] }),
      ]);
      const committedOf = new Map(
        (committed.find((c) => c.topic === topic)?.partitions ?? []).map((p) => [
          p.partition,
          BigInt(p.offset),
        ]),
      );
      for (const partition of partitions) {
        const mark = watermarks.find((w) => w.partition === partition);
        if (!mark) continue;
        const fromBroker = committedOf.get(partition) ?? -1n;
        // No commit yet: the group starts at the low watermark (fromBeginning) or the high one.
        const start =
          fromBroker >= 0n ? fromBroker : BigInt(options.fromBeginning === false ? mark.high : mark.low);
        const local = processed.get(`${topic}:${partition}`) ?? -1n;
        const next = local > start ? local : start;
        const lag = BigInt(mark.high) - next;
        metrics.lag.set({ group: groupId, topic, partition }, Number(lag > 0n ? lag : 0n));
      }
    }
  };

  await Promise.all([admin.connect(), dlqProducer.connect(), consumer.connect()]);
  await consumer.subscribe({ topics: options.topics, fromBeginning: options.fromBeginning ?? true });
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    partitionsConsumedConcurrently: options.partitionsConcurrently ?? 1,
    eachBatch: options.eachBatch ? batchMode : eachMessageMode,
  });

  const lagIntervalMs = options.lagIntervalMs ?? 15_000;
  const lagTimer =
    lagIntervalMs > 0
      ? setInterval(() => {
          refreshLag().catch((error: unknown) => logger.debug({ groupId, err: error }, 'lag refresh failed'));
        }, lagIntervalMs)
      : undefined;
  lagTimer?.unref();

  let stopping: Promise<void> | undefined;
  return {
    consumer,
    refreshLag,
    stop() {
      stopping ??= (async () => {
        if (lagTimer) clearInterval(lagTimer);
        abort.abort();
        // disconnect() waits for the running eachBatch to return, then leaves the group.
        await consumer.disconnect();
        await Promise.allSettled([dlqProducer.disconnect(), admin.disconnect()]);
        for (const [topic, partitions] of Object.entries(assignment)) {
          for (const partition of partitions) metrics.lag.remove({ group: groupId, topic, partition });
        }
        logger.info({ groupId }, 'Kafka consumer stopped');
      })();
      return stopping;
    },
  };
}
