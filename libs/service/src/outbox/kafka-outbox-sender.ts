import type { OutboxRecord } from '@appgov/db';
import type { EventProducer } from '@appgov/kafka';

/** The relay's `send`: outbox rows as Kafka messages, in order (a null value is a tombstone). */
export function kafkaOutboxSender(
  producer: Pick<EventProducer, 'send'>,
  ready: () => Promise<void> = async () => {},
): (records: OutboxRecord[]) => Promise<void> {
  return async (records) => {
    await ready();
    await producer.send(
      records.map((r) => ({
        topic: r.topic,
        key: r.key,
        value: r.value === null ? null : JSON.stringify(r.value),
        headers: r.headers,
      })),
    );
  };
}
