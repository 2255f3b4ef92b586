import type { CloudEvent } from '@appgov/contracts';
import { context, SpanStatusCode } from '@opentelemetry/api';
import type { EachBatchPayload, KafkaMessage } from 'kafkajs';
import type { ConsumerMetrics } from './consumer-metrics.js';
import { startMessageSpan, tracedBatch } from './consumer-tracing.js';
import type {
  BatchContext,
  BatchItem,
  EventHandler,
  MessageOrigin,
  RunConsumerOptions,
} from './consumer-types.js';
import type { DlqWriter } from './dlq-writer.js';
import type { WithRetries } from './handler-retries.js';
import type { KafkaLogger } from './kafka-logger.js';
import { type Admission, originOf } from './message-admission.js';

/** What the single-message and batch loops share. */
export interface LoopDeps {
  groupId: string;
  admit: Admission;
  sendToDlq: DlqWriter;
  withRetries: WithRetries;
  metrics: ConsumerMetrics;
  logger: KafkaLogger;
  signal: AbortSignal;
  /** Told the next offset to process once a message (or chunk) is committed. */
  onCommitted(topic: string, partition: number, nextOffset: bigint): void;
}

type Outcome = 'ok' | 'dlq' | 'skipped' | 'aborted';

const nextOffset = (offset: string) => (BigInt(offset) + 1n).toString();

// The payload's commitOffsetsIfNecessary(offsets) commits at once. consumer.commitOffsets() would not do:
// kafkajs silently drops it once stop() has begun, losing the commit of the message stop() waited for.
async function commit(deps: LoopDeps, payload: EachBatchPayload, offset: string): Promise<void> {
  const { topic, partition } = payload.batch;
  const next = nextOffset(offset);
  await payload.commitOffsetsIfNecessary({ topics: [{ topic, partitions: [{ partition, offset: next }] }] });
  deps.onCommitted(topic, partition, BigInt(next));
}

async function handleOne(
  deps: LoopDeps,
  handlers: RunConsumerOptions['handlers'],
  message: KafkaMessage,
  origin: MessageOrigin,
  heartbeat: () => Promise<void>,
): Promise<Outcome> {
  const { groupId, metrics } = deps;
  const event = await deps.admit(origin, message);
  if (!event) return 'dlq';
  const handler = handlers[event.type] as EventHandler | undefined;
  if (!handler) {
    metrics.consumed.inc({ topic: origin.topic, outcome: 'skipped' });
    return 'skipped';
  }
  const { span, spanContext } = startMessageSpan(origin, groupId, event);
  const label = {
    groupId,
    topic: origin.topic,
    partition: origin.partition,
    offset: origin.offset,
    type: event.type,
  };
  try {
    const result = await deps.withRetries(label, origin.topic, heartbeat, (attempt) =>
      context.with(spanContext, () =>
        handler(event as CloudEvent, {
          ...origin,
          attempt,
          traceContext: spanContext,
          signal: deps.signal,
          logger: deps.logger,
        }),
      ),
    );
    if (result === 'aborted') return 'aborted';
    if (result === null) {
      metrics.consumed.inc({ topic: origin.topic, outcome: 'ok' });
      return 'ok';
    }
    span.setStatus({ code: SpanStatusCode.ERROR, message: result[result.length - 1]?.error ?? 'failed' });
    await deps.sendToDlq(origin, message.value, 'handler_failed', result, event.type);
    return 'dlq';
  } finally {
    span.end();
  }
}

/** One message at a time through `handlers`, committing each. */
export function eachMessageLoop(deps: LoopDeps, handlers: RunConsumerOptions['handlers']) {
  return async (payload: EachBatchPayload): Promise<void> => {
    const { batch, resolveOffset, heartbeat, isRunning, isStale } = payload;
    for (const message of batch.messages) {
      if (!isRunning() || isStale() || deps.signal.aborted) return;
      const origin = originOf(batch.topic, batch.partition, message);
      const outcome = await handleOne(deps, handlers, message, origin, heartbeat);
      if (outcome === 'aborted') return;
      resolveOffset(message.offset);
      await commit(deps, payload, message.offset);
      await heartbeat();
    }
  };
}

/** Chunks of valid events through one batch handler; a failing chunk is retried event by event. */
export function batchLoop(deps: LoopDeps, batchOptions: NonNullable<RunConsumerOptions['eachBatch']>) {
  const { groupId, metrics, withRetries } = deps;
  const maxItems = batchOptions.maxItems ?? 500;
  return async (payload: EachBatchPayload): Promise<void> => {
    const { batch, resolveOffset, heartbeat, isRunning, isStale } = payload;
    const ctxFor = (attempt: number): BatchContext => ({
      topic: batch.topic,
      partition: batch.partition,
      attempt,
      signal: deps.signal,
      logger: deps.logger,
      heartbeat,
    });
    const traced = (items: BatchItem[], attempt: number) =>
      tracedBatch(batch.topic, groupId, items, () =>
        batchOptions.handler(
          items.map(({ event, origin }) => ({ event, origin })),
          ctxFor(attempt),
        ),
      );
    const label = { groupId, topic: batch.topic, partition: batch.partition };
    for (let start = 0; start < batch.messages.length; start += maxItems) {
      if (!isRunning() || isStale() || deps.signal.aborted) return;
      const chunk = batch.messages.slice(start, start + maxItems);
      const items: Array<BatchItem & { message: KafkaMessage }> = [];
      for (const message of chunk) {
        const origin = originOf(batch.topic, batch.partition, message);
        const event = await deps.admit(origin, message);
        if (event) items.push({ event, origin, message });
      }
      if (items.length > 0) {
        const result = await withRetries(label, batch.topic, heartbeat, (n) => traced(items, n));
        if (result === 'aborted') return;
        if (result !== null) {
          // Isolate the poison: each event alone, with its own retries, so only failing ones reach the DLQ.
          for (const item of items) {
            const single = await withRetries(
              { ...label, offset: item.origin.offset },
              batch.topic,
              heartbeat,
              (n) => traced([item], n),
            );
            if (single === 'aborted') return;
            if (single === null) metrics.consumed.inc({ topic: batch.topic, outcome: 'ok' });
            else
              await deps.sendToDlq(
                item.origin,
                item.message.value,
                'handler_failed',
                single,
                item.event.type,
              );
          }
        } else {
          metrics.consumed.inc({ topic: batch.topic, outcome: 'ok' }, items.length);
        }
      }
      const last = chunk[chunk.length - 1]!;
      resolveOffset(last.offset);
      await commit(deps, payload, last.offset);
      await heartbeat();
    }
  };
}
