import type { DlqAttempt, DlqReason, DlqRecord } from '@appgov/contracts';
import type { ConsumerMetrics } from './consumer-metrics.js';
import type { MessageOrigin } from './consumer-types.js';
import type { EventProducer } from './event-producer.js';
import type { KafkaLogger } from './kafka-logger.js';
import { encodeValue } from './message-headers.js';

/** Writes a message the consumer gives up on to the DLQ, with its origin and every attempt's error. */
export type DlqWriter = (
  origin: MessageOrigin,
  value: Buffer | null,
  reason: DlqReason,
  attempts: DlqAttempt[],
  eventType?: string,
) => Promise<void>;

interface DlqWriterOptions {
  producer: EventProducer;
  dlqTopic: string;
  groupId: string;
  metrics: ConsumerMetrics;
  logger: KafkaLogger;
}

export function createDlqWriter({
  producer,
  dlqTopic,
  groupId,
  metrics,
  logger,
}: DlqWriterOptions): DlqWriter {
  return async (origin, value, reason, attempts, eventType) => {
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
    await producer.send([{ topic: dlqTopic, key: origin.key, value: JSON.stringify(record), headers }]);
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
}
