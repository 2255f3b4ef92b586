import type { Kafka } from 'kafkajs';
import type { DlqEntry } from './dlq-reader.js';

/** Header on a replayed message naming the DLQ record it came from (for logs and traces). */
export const REPLAYED_FROM_HEADER = 'appgov-replayed-from';

/**
 * Publishes each record's original key, value and headers to its original topic, in DLQ order, so the
 * topic's normal consumers handle it again (their idempotency makes a second replay a no-op). The
 * original partitioning follows from the key, as it did the first time.
 */
export async function replay(kafka: Kafka, dlqTopic: string, entries: readonly DlqEntry[]): Promise<number> {
  if (entries.length === 0) return 0;
  const producer = kafka.producer({
    allowAutoTopicCreation: false,
    idempotent: true,
    maxInFlightRequests: 1,
  });
  await producer.connect();
  try {
    for (const { partition, offset, record } of entries) {
      if (record.value === null) continue;
      const value =
        record.valueEncoding === 'base64'
          ? Buffer.from(record.value, 'base64')
          : Buffer.from(record.value, 'utf8');
      await producer.send({
        topic: record.originTopic,
        acks: -1,
        messages: [
          {
            key: record.key,
            value,
            headers: { ...record.headers, [REPLAYED_FROM_HEADER]: `${dlqTopic}/${partition}/${offset}` },
          },
        ],
      });
    }
    return entries.filter((e) => e.record.value !== null).length;
  } finally {
    await producer.disconnect();
  }
}
