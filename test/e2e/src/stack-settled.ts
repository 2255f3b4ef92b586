// "Nothing more will happen": every outbox of a stack published, every consumer group of the stack
// committed up to the end of what it reads, and no email waiting to be sent. Counts taken after
// this see a duplicate that a count taken at the first arrival would miss.
import { waitFor } from '@appgov/testing';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';

export interface StackSettledOptions {
  /** The stack's topic and consumer-group prefix (without the trailing dot). */
  prefix: string;
  brokers: string;
  databaseUrl: string;
  timeoutMs?: number;
}

/** Groups of the stack whose committed offsets trail their topics' ends, and by how much. */
async function kafkaLag(kafka: Kafka, prefix: string): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { groups } = await admin.listGroups();
    const behind: string[] = [];
    for (const { groupId } of groups.filter((g) => g.groupId.startsWith(`${prefix}.`))) {
      for (const { topic, partitions } of await admin.fetchOffsets({ groupId })) {
        const ends = new Map(
          (await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.high)]),
        );
        for (const p of partitions) {
          const end = ends.get(p.partition) ?? 0;
          const at = Math.max(0, Number(p.offset));
          if (at < end) behind.push(`${groupId} ${topic}[${p.partition}] ${end - at}`);
        }
      }
    }
    return behind;
  } finally {
    await admin.disconnect();
  }
}

/** Unsent outbox rows and unsent emails in the stack's schemas. */
async function pendingRows(databaseUrl: string, schemaPrefix: string): Promise<string[]> {
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    const { rows } = await c.query<{ schema: string; table: string }>(
      `select table_schema as schema, table_name as table from information_schema.tables
        where table_schema like $1 and table_name in ('outbox', 'email_queue')`,
      [`${schemaPrefix}%`],
    );
    const pending: string[] = [];
    for (const r of rows) {
      const where = r.table === 'outbox' ? 'sent_at is null' : `status = 'pending'`;
      const q = await c.query<{ n: number }>(
        `select count(*)::int as n from "${r.schema}"."${r.table}" where ${where}`,
      );
      if ((q.rows[0]?.n ?? 0) > 0) pending.push(`${r.schema}.${r.table} ${q.rows[0]?.n}`);
    }
    return pending;
  } finally {
    await c.end();
  }
}

/** Waits until the stack has nothing left to do (checked twice in a row, a poll apart). */
export async function waitStackSettled(o: StackSettledOptions): Promise<void> {
  const kafka = new Kafka({
    clientId: `${o.prefix}-settled`,
    brokers: o.brokers.split(','),
    logLevel: logLevel.NOTHING,
  });
  const schemaPrefix = `${o.prefix.replace(/[^a-z0-9_]/g, '_')}_`;
  let last = 'not checked';
  let quietRounds = 0;
  await waitFor(
    async () => {
      const busy = [
        ...(await kafkaLag(kafka, o.prefix)),
        ...(await pendingRows(o.databaseUrl, schemaPrefix)),
      ];
      last = busy.join('; ') || 'settled';
      quietRounds = busy.length === 0 ? quietRounds + 1 : 0;
      return quietRounds >= 2;
    },
    {
      timeoutMs: o.timeoutMs ?? 60_000,
      intervalMs: 500,
      description: `stack ${o.prefix} to settle (${last})`,
    },
  );
}
