import type { Admin, Consumer } from 'kafkajs';
import type { ConsumerMetrics } from './consumer-metrics.js';

/**
 * The lag gauge of one group member: the partitions it owns and the next offset it will process
 * on each, compared with the high watermarks.
 */
export class ConsumerLag {
  #assignment: Record<string, number[]> = {};
  readonly #processed = new Map<string, bigint>();

  readonly #admin: Admin;
  readonly #groupId: string;
  readonly #metrics: ConsumerMetrics;
  readonly #fromBeginning: boolean;

  constructor(
    consumer: Consumer,
    admin: Admin,
    groupId: string,
    metrics: ConsumerMetrics,
    fromBeginning: boolean,
  ) {
    this.#admin = admin;
    this.#groupId = groupId;
    this.#metrics = metrics;
    this.#fromBeginning = fromBeginning;
    consumer.on(consumer.events.GROUP_JOIN, (e) => {
      const previous = this.#assignment;
      this.#assignment = e.payload.memberAssignment;
      for (const [topic, partitions] of Object.entries(previous)) {
        for (const partition of partitions) {
          if (!this.#assignment[topic]?.includes(partition)) this.#remove(topic, partition);
        }
      }
    });
  }

  /** Records the next offset this member will process on a partition. */
  committed(topic: string, partition: number, next: bigint): void {
    this.#processed.set(`${topic}:${partition}`, next);
  }

  /** Recomputes the gauge for every owned partition. */
  async refresh(): Promise<void> {
    const admin = this.#admin;
    const groupId = this.#groupId;
    for (const topic of Object.keys(this.#assignment)) {
      const partitions = this.#assignment[topic] ?? [];
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
        const start = fromBroker >= 0n ? fromBroker : BigInt(this.#fromBeginning ? mark.low : mark.high);
        const local = this.#processed.get(`${topic}:${partition}`) ?? -1n;
        const next = local > start ? local : start;
        const lag = BigInt(mark.high) - next;
        this.#metrics.lag.set({ group: groupId, topic, partition }, Number(lag > 0n ? lag : 0n));
      }
    }
  }

  /** Drops the gauge's series of every owned partition (on stop). */
  clear(): void {
    for (const [topic, partitions] of Object.entries(this.#assignment)) {
      for (const partition of partitions) this.#remove(topic, partition);
    }
  }

  #remove(topic: string, partition: number): void {
    this.#metrics.lag.remove({ group: this.#groupId, topic, partition });
  }
}
