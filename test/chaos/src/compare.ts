// What a disturbed sync is compared on: the catalog's rows of the connection and the app-inventory events.
import { randomBytes } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import pg from 'pg';

// Columns that legitimately differ between two runs: whose row, which sync saw it, generated ids, times.
const VOLATILE = ['tenant_id', 'connection_id', 'first_seen_sync', 'last_seen_sync'];
const CATALOG_TABLES: Record<string, string[]> = {
  users: [],
  user_roles: [],
  groups: [],
  group_members: [],
  group_apps: [],
  apps: [],
  app_users: [],
  app_grants: [],
  api_tokens: [],
  findings: ['id', 'first_seen'],
};

/** Each table's rows of one connection as canonical JSON text (jsonb prints keys in a fixed order). */
export type CatalogContent = Map<string, Map<string, number>>;

export async function catalogContent(
  databaseUrl: string,
  schema: string,
  connectionId: string,
): Promise<CatalogContent> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const out: CatalogContent = new Map();
    for (const [table, extra] of Object.entries(CATALOG_TABLES)) {
      const drop = [...VOLATILE, ...extra].map((c) => ` - '${c}'`).join('');
      const { rows } = await client.query<{ r: string }>(
        `SELECT (to_jsonb(t)${drop})::text AS r FROM "${schema}".${table} t WHERE connection_id = $1`,
        [connectionId],
      );
      const m = new Map<string, number>();
      for (const { r } of rows) m.set(r, (m.get(r) ?? 0) + 1);
      out.set(table, m);
    }
    return out;
  } finally {
    await client.end();
  }
}

/** Rows in one and not the other (multiset difference both ways), per table. */
export function catalogDiff(ref: CatalogContent, got: CatalogContent): { size: number; byTable: string[] } {
  let size = 0;
  const byTable: string[] = [];
  for (const table of Object.keys(CATALOG_TABLES)) {
    const a = ref.get(table) ?? new Map();
    const b = got.get(table) ?? new Map();
    let missing = 0;
    let extra = 0;
    let example = '';
    for (const [row, n] of a) {
      const d = n - (b.get(row) ?? 0);
      if (d > 0) {
        missing += d;
        example ||= `missing ${row.slice(0, 160)}`;
      }
    }
    for (const [row, n] of b) {
      const d = n - (a.get(row) ?? 0);
      if (d > 0) {
        extra += d;
        example ||= `extra ${row.slice(0, 160)}`;
      }
    }
    if (missing || extra) byTable.push(`${table}: ${missing} missing, ${extra} extra (e.g. ${example})`);
    size += missing + extra;
  }
  return { size, byTable };
}

export const rowCount = (c: CatalogContent): number =>
  [...c.values()].reduce((a, m) => a + [...m.values()].reduce((x, y) => x + y, 0), 0);

export interface InventoryEvent {
  id: string;
  type: string;
  subject: string;
  syncId: string | undefined;
}

/** Every message of a topic from the beginning to its current end (a fresh consumer group). */
export async function readTopic(kafka: Kafka, topic: string, timeoutMs = 60_000): Promise<Buffer[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    const remaining = new Map(
      offsets.filter((p) => Number(p.high) > Number(p.low)).map((p) => [p.partition, Number(p.high)]),
    );
    const values: Buffer[] = [];
    if (remaining.size === 0) return values;
    const groupId = `chaos-read-${randomBytes(4).toString('hex')}`;
    const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    let done!: () => void;
    const finished = new Promise<void>((r) => {
      done = r;
    });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        const high = remaining.get(partition);
        if (high === undefined) return;
        if (message.value) values.push(message.value);
        if (Number(message.offset) + 1 >= high) remaining.delete(partition);
        if (remaining.size === 0) done();
      },
    });
    const timer = setTimeout(done, timeoutMs);
    await finished;
    clearTimeout(timer);
    await consumer.disconnect();
    await admin.deleteGroups([groupId]).catch(() => undefined);
    if (remaining.size > 0)
      throw new Error(`${topic}: read timed out with partitions ${[...remaining.keys()]} unread`);
    return values;
  } finally {
    await admin.disconnect();
  }
}

/** The connection's app-inventory events, with a finding's subject as what it is about (kind and object). */
export async function inventoryEvents(
  kafka: Kafka,
  topic: string,
  connectionId: string,
): Promise<InventoryEvent[]> {
  const out: InventoryEvent[] = [];
  for (const v of await readTopic(kafka, topic)) {
    const e = JSON.parse(v.toString('utf8')) as {
      id: string;
      type: string;
      subject?: string;
      connectionid?: string;
      data?: { syncId?: string; kind?: string; subject?: { type: string; id: string } };
    };
    // A finding's event subject is its generated id; what it is about (kind, object) is what must match.
    const subject =
      e.data?.kind && e.data.subject
        ? `${e.data.kind} ${e.data.subject.type}:${e.data.subject.id}`
        : e.subject;
    if (e.connectionid === connectionId)
      out.push({ id: e.id, type: e.type, subject: subject ?? '', syncId: e.data?.syncId ?? undefined });
  }
  return out;
}

const eventKey = (e: InventoryEvent) => `${e.type} ${e.subject}`;

/** (type, subject) occurrences, counting each event id once. */
export function tally(events: InventoryEvent[]): Map<string, number> {
  const m = new Map<string, number>();
  const seen = new Set<string>();
  for (const e of events) {
    if (seen.has(e.id)) continue;
    seen.add(e.id);
    m.set(eventKey(e), (m.get(eventKey(e)) ?? 0) + 1);
  }
  return m;
}

export interface EventsDiff {
  /** (type, subject) occurrences of the reference missing here. */
  lost: number;
  /** Occurrences beyond the reference's, with distinct event ids (a second change, not a redelivery). */
  duplicated: number;
  /**
   * The same event id delivered more than once: allowed, the contract's consumers are idempotent
   * (SPEC §6: "every handler is idempotent"; the outbox is at-least-once).
   */
  redelivered: number;
  notes: string[];
}

export function eventsDiff(ref: InventoryEvent[], got: InventoryEvent[]): EventsDiff {
  const a = tally(ref);
  const b = tally(got);
  let lost = 0;
  let duplicated = 0;
  const missing: string[] = [];
  const extra: string[] = [];
  for (const [k, n] of a) {
    const d = n - (b.get(k) ?? 0);
    if (d > 0) {
      lost += d;
      missing.push(k);
    }
  }
  for (const [k, n] of b) {
    const d = n - (a.get(k) ?? 0);
    if (d > 0) {
      duplicated += d;
      extra.push(`${k} ×${n}`);
    }
  }
  const notes: string[] = [];
  if (lost) notes.push(`events lost, e.g. ${missing.slice(0, 4).join(', ')}`);
  if (duplicated) notes.push(`events duplicated, e.g. ${extra.slice(0, 4).join(', ')}`);
  return { lost, duplicated, redelivered: got.length - new Set(got.map((e) => e.id)).size, notes };
}
