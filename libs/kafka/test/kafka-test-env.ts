import { randomUUID } from 'node:crypto';
import { type Kafka, logLevel } from 'kafkajs';
import { createKafka } from '../src/index.js';
import { ensureTopics } from '../src/topic-admin.js';

// Test-only helpers (libs/testing is another package; these stay local to keep the lib self-contained).

type Teardown = { teardown(fn: () => unknown): void };

/**
 * A teardown stack run last-in first-out, so consumers stop before the topics they read are deleted
 * (kafkajs crashes noisily when its topic vanishes under it).
 */
export function testScope(t: Teardown): Teardown {
  const stack: Array<() => unknown> = [];
  t.teardown(async () => {
    const errors: unknown[] = [];
    for (const fn of stack.reverse()) {
      try {
        await fn();
      } catch (error) {
        errors.push(error);
      }
    }
    // Every cleanup runs even if one fails; then the first failure is reported.
    if (errors.length > 0) throw errors[0];
  });
  return { teardown: (fn) => stack.push(fn) };
}

/** Brokers of the local Kafka (`make up`). */
export const brokers = process.env.KAFKA_BROKERS ?? '127.0.0.1:59092';

/** A name no other test or run uses. */
export const unique = (prefix: string): string => `${prefix}-${randomUUID().slice(0, 8)}`;

/** A kafkajs client for tests. */
export const testKafka = (): Kafka =>
  createKafka({ clientId: unique('kafka-lib-test'), brokers, logLevel: logLevel.NOTHING });

/** Creates unique topics (deleted in teardown) and returns their names. */
export async function createTestTopics(
  t: Teardown,
  kafka: Kafka,
  count: number,
  partitions = 1,
): Promise<string[]> {
  const names = Array.from({ length: count }, () => unique('test.kafka-lib'));
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(
    admin,
    names.map((name) => ({ name, partitions, configs: {} })),
  );
  t.teardown(async () => {
    await admin.deleteTopics({ topics: names }).catch(() => undefined);
    await admin.disconnect();
  });
  return names;
}

/** Resolves once `condition` is truthy; rejects after `timeoutMs`. */
export async function waitFor<T>(
  condition: () => T | Promise<T>,
  timeoutMs = 20_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await condition();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A consumer that collects every raw message of a topic (for DLQ assertions). */
export async function collectTopic(t: Teardown, kafka: Kafka, topic: string) {
  const messages: Array<{ key: string | null; value: string | null; headers: Record<string, string> }> = [];
  const consumer = kafka.consumer({ groupId: unique('collector'), maxWaitTimeInMs: 200 });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(message.headers ?? {})) headers[k] = String(v);
      messages.push({
        key: message.key?.toString() ?? null,
        value: message.value?.toString() ?? null,
        headers,
      });
    },
  });
  t.teardown(() => consumer.disconnect());
  return messages;
}
