import type { ColumnType, Generated } from 'kysely';

/** A row of the transactional outbox (`outbox` in the service's schema). */
export interface OutboxTable {
  id: Generated<string>;
  topic: string;
  key: string | null;
  value: ColumnType<unknown, string, string>;
  headers: ColumnType<Record<string, string>, string | undefined, string>;
  created_at: Generated<Date>;
  sent_at: ColumnType<Date | null, never, Date | null>;
}

/** Tables this library reads and writes; a service's `Database` type extends it. */
export interface OutboxDatabase {
  outbox: OutboxTable;
}
