// "Nothing more will happen": every consumer group of a stack has committed up to the end of its topics.
import type { Stack } from './stack.js';

/** Total lag of the stack's consumer groups (high watermark − committed offset, over every partition). */
export async function stackLag(stack: Stack): Promise<number> {
  const admin = stack.kafka.admin();
  await admin.connect();
  try {
    const { groups } = await admin.listGroups();
    const highs = new Map<string, Map<number, number>>();
    let lag = 0;
    for (const { groupId } of groups.filter((g) => g.groupId.startsWith(`${stack.prefix}.`))) {
      for (const t of await admin.fetchOffsets({ groupId })) {
        let high = highs.get(t.topic);
        if (!high) {
          high = new Map((await admin.fetchTopicOffsets(t.topic)).map((p) => [p.partition, Number(p.high)]));
          highs.set(t.topic, high);
        }
        for (const p of t.partitions) {
          const committed = Number(p.offset);
          const h = high.get(p.partition) ?? 0;
          lag += committed < 0 ? h : Math.max(0, h - committed);
        }
      }
    }
    return lag;
  } finally {
    await admin.disconnect();
  }
}

/**
 * Waits until `ready` holds and the stack's consumers have no lag, twice in a row (an event consumed
 * between the two reads may publish another: the outboxes relay what the handlers wrote).
 */
export async function settled(stack: Stack, ready: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let quiet = 0;
  for (;;) {
    const ok = (await ready()) && (await stackLag(stack)) === 0;
    quiet = ok ? quiet + 1 : 0;
    if (quiet >= 2) return;
    if (Date.now() > deadline) throw new Error(`the stack did not settle within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}
