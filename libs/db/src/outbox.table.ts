import type { ColumnType, Generated, Kysely, Transaction } from 'kysely';

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

/**
 * A service's handle seen as the outbox tables its `Database` extends. Kysely's database type is
 * invariant, so `Kysely<ServiceDatabase>` is not assignable to `Kysely<OutboxDatabase>` although it
 * has every table this library touches; the bound on `DB` is what makes the view sound.
 */
export function outboxView<DB extends OutboxDatabase>(db: Transaction<DB>): Transaction<OutboxDatabase>;
export function outboxView<DB extends OutboxDatabase>(db: Kysely<DB>): Kysely<OutboxDatabase>;
export function outboxView(db: unknown): unknown {
  return db;
}
