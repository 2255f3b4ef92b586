import { randomUUID } from 'node:crypto';
import type { DlqRecord } from '@appgov/contracts';
import type { Kafka } from 'kafkajs';

/** A DLQ record with its own place in the DLQ topic. */
export interface DlqEntry {
  partition: number;
  offset: string;
  record: DlqRecord;
}

/** What to pick from the DLQ: origin topic, event type, and failure time range (inclusive). */
export interface DlqFilter {
  topic?: string | undefined;
  type?: string | undefined;
  since?: Date | undefined;
  until?: Date | undefined;
}

export function matches(entry: DlqEntry, f: DlqFilter): boolean {
  const r = entry.record;
  if (f.topic && r.originTopic !== f.topic) return false;
  if (f.type && r.eventType !== f.type) return false;
  const at = Date.parse(r.failedAt);
  if (f.since && at < f.since.getTime()) return false;
  if (f.until && at > f.until.getTime()) return false;
  return true;
}

/**
 * Every record in the DLQ topic up to its high watermarks at the time of the call, oldest first per
 * partition. Reads with a throw-away consumer group that commits nothing and is deleted afterwards,
 * so the services' groups and other operators are untouched.
 */
export async function readDlq(kafka: Kafka, dlqTopic: string): Promise<DlqEntry[]> {
  const admin = kafka.admin();
  await admin.connect();
  const groupId = `appgov-ops.dlq-reader.${randomUUID()}`;
  try {
    const offsets = await admin.fetchTopicOffsets(dlqTopic);
    const remaining = new Map<number, bigint>();
    for (const p of offsets) {
      if (BigInt(p.high) > BigInt(p.low)) remaining.set(p.partition, BigInt(p.high));
    }
    const entries: DlqEntry[] = [];
    if (remaining.size === 0) return entries;
    const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false, maxWaitTimeInMs: 500 });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic: dlqTopic, fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        consumer
          .run({
            autoCommit: false,
            eachMessage: async ({ partition, message }) => {
              const high = remaining.get(partition);
              if (high === undefined) return;
              if (message.value) {
                entries.push({
                  partition,
                  offset: message.offset,
                  record: JSON.parse(message.value.toString('utf8')) as DlqRecord,
                });
              }
              if (BigInt(message.offset) + 1n >= high) remaining.delete(partition);
              if (remaining.size === 0) resolve();
            },
          })
          .catch(reject);
      });
    } finally {
      await consumer.disconnect();
    }
    return entries.sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)));
  } finally {
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect();
  }
}
