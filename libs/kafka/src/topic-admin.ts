import { setTimeout as sleep } from 'node:timers/promises';
import type { TopicSpec } from '@appgov/contracts';
import { type BackoffPolicy, backoffDelayMs } from '@appgov/errors';
import type { Admin } from 'kafkajs';
import { type KafkaLogger, silentLogger } from './kafka-logger.js';

/** What `ensureTopics` needs of a topic (a contracts `TopicSpec` fits). */
export type EnsureTopicSpec = Pick<TopicSpec, 'name' | 'partitions' | 'configs'> & {
  replicationFactor?: number;
};

/** Result of `ensureTopics`: which topics it created and which already existed. */
export interface EnsureTopicsResult {
  created: string[];
  existing: string[];
}

/**
 * Creates the topics that do not exist yet, with their partitions and configs. Idempotent: existing
 * topics are left alone (a partition count below the spec is logged, never changed silently).
 */
export async function ensureTopics(
  admin: Admin,
  specs: readonly EnsureTopicSpec[],
  options: { logger?: KafkaLogger; timeoutMs?: number } = {},
): Promise<EnsureTopicsResult> {
  const logger = options.logger ?? silentLogger;
  // Listing first keeps CreateTopics from answering TOPIC_ALREADY_EXISTS, which kafkajs logs as an error.
  const present = new Set(await admin.listTopics());
  const missing = specs.filter((s) => !present.has(s.name));
  if (missing.length > 0) {
    const timeoutMs = options.timeoutMs ?? 30_000;
    // Not kafkajs's waitForLeaders: on a KRaft broker (Kafka 4) a new topic's metadata reaches the
    // broker a moment after CreateTopics returns, and kafkajs then fails the whole call with
    // UNKNOWN_TOPIC_OR_PARTITION instead of waiting. We wait until the partitions really answer.
    await admin.createTopics({
      waitForLeaders: false,
      timeout: timeoutMs,
      topics: missing.map((s) => ({
        topic: s.name,
        numPartitions: s.partitions,
        replicationFactor: s.replicationFactor ?? -1,
        configEntries: Object.entries(s.configs).map(([name, value]) => ({ name, value })),
      })),
    });
    await waitForLeaders(
      admin,
      missing.map((s) => s.name),
      timeoutMs,
    );
    logger.info({ topics: missing.map((s) => s.name) }, 'created Kafka topics');
  }
  const existing = specs.filter((s) => present.has(s.name));
  if (existing.length > 0) {
    const metadata = await admin.fetchTopicMetadata({ topics: existing.map((s) => s.name) });
    for (const topic of metadata.topics) {
      const want = existing.find((s) => s.name === topic.name)?.partitions ?? 0;
      if (topic.partitions.length < want) {
        logger.warn(
          { topic: topic.name, partitions: topic.partitions.length, expected: want },
          'topic has fewer partitions than its spec',
        );
      }
    }
  }
  return { created: missing.map((s) => s.name), existing: existing.map((s) => s.name) };
}

const NOT_READY_YET = new Set([
  'UNKNOWN_TOPIC_OR_PARTITION',
  'LEADER_NOT_AVAILABLE',
  'NOT_LEADER_FOR_PARTITION',
]);

// Polls for new topics' leaders from 50 ms, doubling to 1 s.
const LEADER_POLL: BackoffPolicy = { baseMs: 50, maxMs: 1000, jitter: 'none' };

/**
 * Waits until every partition of `topics` answers ListOffsets: on a KRaft broker a new topic is
 * first unknown, then has a leader in metadata that still answers NOT_LEADER_FOR_PARTITION.
 */
async function waitForLeaders(admin: Admin, topics: string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const pending = new Set(topics);
  for (let tries = 1; ; tries++) {
    for (const topic of [...pending]) {
      try {
        await admin.fetchTopicOffsets(topic);
        pending.delete(topic);
      } catch (error) {
        if (!NOT_READY_YET.has((error as { type?: string }).type ?? '')) throw error;
      }
    }
    if (pending.size === 0) return;
    if (Date.now() > deadline) {
      throw new Error(`topics not ready after ${timeoutMs} ms: ${[...pending].join(', ')}`);
    }
    await sleep(backoffDelayMs(tries, LEADER_POLL));
  }
}
