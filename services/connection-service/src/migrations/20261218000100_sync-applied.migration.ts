import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

/**
 * C6: a sync counts as completed when the catalog has applied it, not when ingest finished pulling.
 * `applied_at` records the catalog's `catalog.applied`, which may arrive before or after ingest's
 * `sync.completed`; the run completes when both are known.
 */
export const syncAppliedMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('sync_runs').addColumn('applied_at', 'timestamptz').execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.alterTable('sync_runs').dropColumn('applied_at').execute();
  },
};
