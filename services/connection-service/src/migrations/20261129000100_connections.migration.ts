import { type Kysely, sql } from 'kysely';
import type { Migration } from 'kysely/migration';

/** connections, sync_runs and tenant_settings of the `connection` schema. */
export const connectionsMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('connections')
      .addColumn('id', 'uuid', (c) => c.primaryKey())
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('provider', 'text', (c) => c.notNull().defaultTo('okta'))
      .addColumn('domain', 'text', (c) => c.notNull())
      // C3: only the last four characters and a fingerprint; the token itself lives in Vault.
      .addColumn('token_last4', 'text', (c) => c.notNull())
      .addColumn('token_fingerprint', 'text', (c) => c.notNull())
      .addColumn('token_updated_at', 'timestamptz', (c) => c.notNull())
      .addColumn('token_updated_by_sub', 'text')
      .addColumn('vault_version', 'integer')
      .addColumn('admin_role', 'text')
      .addColumn('permission_warnings', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
      .addColumn('created_at', 'timestamptz', (c) => c.notNull())
      .addColumn('created_by_sub', 'text', (c) => c.notNull())
      .addColumn('created_by_email', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('in_progress','success','error')`))
      .addColumn('status_reason_code', 'text')
      .addColumn('status_message', 'text')
      .addColumn('current_sync_id', 'uuid')
      .addColumn('last_success_at', 'timestamptz')
      .addColumn('last_sync_finished_at', 'timestamptz')
      .addColumn('last_sync_duration_ms', 'bigint')
      .addColumn('next_sync_at', 'timestamptz')
      // C9 keeps a tombstone so that a repeated delete answers the same, while another
      // tenant's id still answers 404.
      .addColumn('deleted_at', 'timestamptz')
      .addColumn('deleted_by_sub', 'text')
      .execute();
    await sql`create unique index connections_tenant_domain_uq on connections (tenant_id, domain) where deleted_at is null`.execute(
      db,
    );
    await sql`create index connections_tenant_idx on connections (tenant_id, created_at)`.execute(db);
    await sql`create index connections_due_idx on connections (next_sync_at) where deleted_at is null`.execute(
      db,
    );

    await db.schema
      .createTable('sync_runs')
      .addColumn('sync_id', 'uuid', (c) => c.primaryKey())
      .addColumn('connection_id', 'uuid', (c) => c.notNull().references('connections.id').onDelete('cascade'))
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('trigger', 'text', (c) => c.notNull())
      .addColumn('requested_at', 'timestamptz', (c) => c.notNull())
      .addColumn('requested_by_sub', 'text')
      .addColumn('started_at', 'timestamptz')
      .addColumn('finished_at', 'timestamptz')
      .addColumn('duration_ms', 'bigint')
      .addColumn('outcome', 'text', (c) =>
        c.notNull().check(sql`outcome in ('requested','running','completed','failed','cancelled')`),
      )
      .addColumn('counts', 'jsonb')
      .addColumn('warnings', 'jsonb')
      .addColumn('error_code', 'text')
      .addColumn('error_message', 'text')
      .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .execute();
    await sql`create index sync_runs_connection_idx on sync_runs (connection_id, requested_at desc)`.execute(
      db,
    );

    await db.schema
      .createTable('tenant_settings')
      .addColumn('tenant_id', 'text', (c) => c.primaryKey())
      .addColumn('sync_interval_seconds', 'integer')
      .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('tenant_settings').execute();
    await db.schema.dropTable('sync_runs').execute();
    await db.schema.dropTable('connections').execute();
  },
};
