import { fileURLToPath } from 'node:url';
import { topicSpecs } from '@appgov/contracts';
import { createKafka } from './kafka-client.js';
import { ensureTopics } from './topic-admin.js';

// `node dist/src/create-topics.js`: creates the default topics (KAFKA_BROKERS, KAFKA_TOPIC_PREFIX).

/** Creates every contract topic on the brokers; returns the names it created. */
export async function createDefaultTopics(brokers: string, prefix?: string): Promise<string[]> {
  const kafka = createKafka({ clientId: 'appgov-create-topics', brokers });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const result = await ensureTopics(admin, topicSpecs(prefix ? { prefix } : {}));
    return result.created;
  } finally {
    await admin.disconnect();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const brokers = process.env.KAFKA_BROKERS ?? '127.0.0.1:59092';
  createDefaultTopics(brokers, process.env.KAFKA_TOPIC_PREFIX).then(
    (created) => console.log(created.length ? `created: ${created.join(', ')}` : 'all topics exist'),
    (error: unknown) => {
      console.error('creating topics failed:', error);
      process.exitCode = 1;
    },
  );
}
