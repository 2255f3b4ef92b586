import { type Admin, type Consumer, Kafka, logLevel } from 'kafkajs';

export function benchKafka(brokers: string): Kafka {
  return new Kafka({ clientId: 'appgov-bench', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
}

/** One CloudEvent seen on the sync-status topic, with the time the bench received it. */
export interface SeenEvent {
  type: string;
  connectionId: string;
  data: Record<string, unknown>;
  receivedAt: number;
}

/** Follows a topic of CloudEvents from the beginning and hands each event to `onEvent`. */
export async function watchEvents(
  kafka: Kafka,
  topic: string,
  groupId: string,
  onEvent: (e: SeenEvent) => void,
): Promise<Consumer> {
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      if (!message.value) return;
      try {
        const e = JSON.parse(message.value.toString('utf8')) as {
          type?: string;
          connectionid?: string;
          data?: Record<string, unknown>;
        };
        if (e.type && e.connectionid)
          onEvent({ type: e.type, connectionId: e.connectionid, data: e.data ?? {}, receivedAt: Date.now() });
      } catch {
        // not a JSON CloudEvent: not ours to judge here
      }
    },
  });
  return consumer;
}

/**
 * Samples consumer lag through the admin API every `intervalMs`: for every consumer group whose id starts
 * with `groupPrefix`, the sum over its topics' partitions of (high watermark − committed offset).
 */
export class LagSampler {
  peakTotal = 0;
  readonly peakByGroup = new Map<string, number>();
  samples = 0;
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(
    private readonly admin: Admin,
    private readonly groupPrefix: string,
    private readonly ignoreGroups: readonly string[] = [],
    private readonly intervalMs = 1000,
  ) {}

  start(): this {
    this.timer = setInterval(() => void this.sample(), this.intervalMs);
    this.timer.unref();
    return this;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    while (this.running) await new Promise((r) => setTimeout(r, 50));
  }

  private async sample(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const { groups } = await this.admin.listGroups();
      const mine = groups
        .map((g) => g.groupId)
        .filter((g) => g.startsWith(this.groupPrefix) && !this.ignoreGroups.includes(g));
      const highs = new Map<string, Map<number, number>>();
      let total = 0;
      for (const groupId of mine) {
        const offsets = await this.admin.fetchOffsets({ groupId });
        let lag = 0;
        for (const t of offsets) {
          let high = highs.get(t.topic);
          if (!high) {
            high = new Map(
              (await this.admin.fetchTopicOffsets(t.topic)).map((p) => [p.partition, Number(p.high)]),
            );
            highs.set(t.topic, high);
          }
          for (const p of t.partitions) {
            const committed = Number(p.offset);
            const h = high.get(p.partition) ?? 0;
            lag += committed < 0 ? h : Math.max(0, h - committed);
          }
        }
        if (lag > (this.peakByGroup.get(groupId) ?? 0)) this.peakByGroup.set(groupId, lag);
        total += lag;
      }
      if (total > this.peakTotal) this.peakTotal = total;
      this.samples++;
    } catch {
      // a group rebalancing or a topic being created: skip this sample
    } finally {
      this.running = false;
    }
  }
}

/** Sum of `appgov_kafka_consumer_lag` samples in a Prometheus text exposition. */
export function lagFromMetrics(text: string): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith('appgov_kafka_consumer_lag')) continue;
    const v = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (Number.isFinite(v)) sum += v;
  }
  return sum;
}
