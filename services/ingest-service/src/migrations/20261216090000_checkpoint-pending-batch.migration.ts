import type { Kysely } from 'kysely';

// A batch sent on a timer (not because it filled up) has a size a resumed worker cannot work out
// again; its record count is written before it is published, so the re-sent batch is identical.
export const checkpointPendingBatchMigration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema.alterTable('sync_checkpoints').addColumn('pending_count', 'integer').execute();
  },
  async down(db: Kysely<any>): Promise<void> {
    await db.schema.alterTable('sync_checkpoints').dropColumn('pending_count').execute();
  },
};
