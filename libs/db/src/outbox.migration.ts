import { type Kysely, sql } from 'kysely';
import type { Migration } from 'kysely/migration';

/** Creates the `outbox` table; services list it among their own migrations (see {@link outboxMigrations}). */
export const outboxMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('outbox')
      .addColumn('id', 'bigserial', (c) => c.primaryKey())
      .addColumn('topic', 'text', (c) => c.notNull())
      .addColumn('key', 'text')
      .addColumn('value', 'jsonb', (c) => c.notNull())
      .addColumn('headers', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('sent_at', 'timestamptz')
      .execute();
    // The relay only ever scans unsent rows in id order.
    await sql`create index outbox_unsent_idx on outbox (id) where sent_at is null`.execute(db);
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('outbox').execute();
  },
};

/** The outbox migration under a fixed early name, to spread into a service's migration record. */
export const outboxMigrations = { '00000000000000_appgov_outbox': outboxMigration } as const;
