import { fileURLToPath } from 'node:url';
import { kafkaConfigProperties, loadConfig, Type } from '@appgov/config';
import { topicSpecs } from '@appgov/contracts';
import { createKafka, createKafkaFromEnv } from './kafka-client.js';
import type { KafkaConnectionEnv } from './kafka-security.js';
import { ensureTopics } from './topic-admin.js';

// `node dist/src/create-topics.js`: creates the default topics with the services' Kafka variables
// (KAFKA_BROKERS, KAFKA_SSL*, KAFKA_SASL_*) and KAFKA_TOPIC_PREFIX, so it reaches a managed broker too.

/** Creates every contract topic on the brokers; returns the names it created. */
export async function createDefaultTopics(env: KafkaConnectionEnv, prefix?: string): Promise<string[]> {
  const kafka = createKafkaFromEnv(env, { clientId: 'appgov-create-topics' });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const result = await ensureTopics(admin, topicSpecs(prefix ? { prefix } : {}));
    return result.created;
  } finally {
    await admin.disconnect();
  }
}

/**
 * Deletes every topic whose name starts with `prefix` (a test's or a benchmark's own topics); returns
 * their names. A single local broker keeps every partition's files open, so runs that leave their
 * topics behind end in "Too many open files". Refuses a prefix that could match production topics.
 */
export async function deleteTopicsWithPrefix(brokers: string, prefix: string): Promise<string[]> {
  if (prefix.length < 4 || prefix.startsWith('appgov.')) {
    throw new Error(`refusing to delete topics by the prefix '${prefix}'`);
  }
  const kafka = createKafka({ clientId: 'appgov-delete-topics', brokers });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((name) => name.startsWith(prefix));
    if (topics.length > 0) await admin.deleteTopics({ topics, timeout: 30_000 });
    return topics;
  } finally {
    await admin.disconnect();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const env = loadConfig(
    Type.Object({ ...kafkaConfigProperties(), KAFKA_TOPIC_PREFIX: Type.Optional(Type.String()) }),
  );
  createDefaultTopics(env, env.KAFKA_TOPIC_PREFIX).then(
    (created) => console.log(created.length ? `created: ${created.join(', ')}` : 'all topics exist'),
    (error: unknown) => {
      console.error('creating topics failed:', error);
      process.exitCode = 1;
    },
  );
}
