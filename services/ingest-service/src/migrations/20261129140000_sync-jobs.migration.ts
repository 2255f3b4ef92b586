import { type Kysely, sql } from 'kysely';

// Jobs, per-dataset checkpoints and the parents (groups, apps, admins) that per-parent datasets
// walk, so a resumed sync neither re-lists them nor holds them in memory (I7, I8).
export const syncJobsMigration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema
      .createTable('sync_jobs')
      .addColumn('sync_id', 'uuid', (c) => c.primaryKey())
      .addColumn('connection_id', 'uuid', (c) => c.notNull())
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('domain', 'text', (c) => c.notNull())
      .addColumn('trigger', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('cancel_requested', 'boolean', (c) => c.notNull().defaultTo(false))
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('worker_id', 'text')
      .addColumn('reason_code', 'text')
      .addColumn('message', 'text')
      .addColumn('counts', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
      .addColumn('warnings', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
      .addColumn('calls_made', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('requested_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('started_at', 'timestamptz')
      .addColumn('heartbeat_at', 'timestamptz')
      .addColumn('finished_at', 'timestamptz')
      .addCheckConstraint(
        'sync_jobs_state_check',
        sql`state in ('queued', 'running', 'done', 'failed', 'cancelled')`,
      )
      .execute();
    await db.schema
      .createIndex('sync_jobs_claimable')
      .on('sync_jobs')
      .columns(['state', 'requested_at'])
      .where(sql.ref('state'), 'in', ['queued', 'running'])
      .execute();
    await db.schema.createIndex('sync_jobs_connection').on('sync_jobs').columns(['connection_id']).execute();
    await db.schema
      .createTable('sync_checkpoints')
      .addColumn('sync_id', 'uuid', (c) => c.notNull().references('sync_jobs.sync_id').onDelete('cascade'))
      .addColumn('dataset', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('phase', 'text', (c) => c.notNull().defaultTo('records'))
      .addColumn('parent_index', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('page_url', 'text')
      .addColumn('page_skip', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('seq', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('record_count', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('parent_count', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('warning', 'jsonb')
      .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addPrimaryKeyConstraint('sync_checkpoints_pk', ['sync_id', 'dataset'])
      .execute();
    await db.schema
      .createTable('sync_parents')
      .addColumn('sync_id', 'uuid', (c) => c.notNull().references('sync_jobs.sync_id').onDelete('cascade'))
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('ordinal', 'integer', (c) => c.notNull())
      .addColumn('okta_id', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('sync_parents_pk', ['sync_id', 'kind', 'ordinal'])
      .execute();
  },
  async down(db: Kysely<any>): Promise<void> {
    await db.schema.dropTable('sync_parents').ifExists().execute();
    await db.schema.dropTable('sync_checkpoints').ifExists().execute();
    await db.schema.dropTable('sync_jobs').ifExists().execute();
  },
};
