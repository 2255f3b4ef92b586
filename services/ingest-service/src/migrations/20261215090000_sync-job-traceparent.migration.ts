import type { Kysely } from 'kysely';

// The W3C traceparent of the sync.requested message, so the job runner (later, maybe on another
// replica) runs the sync inside the trace that started at the HTTP request.
export const syncJobTraceparentMigration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema.alterTable('sync_jobs').addColumn('traceparent', 'text').execute();
  },
  async down(db: Kysely<any>): Promise<void> {
    await db.schema.alterTable('sync_jobs').dropColumn('traceparent').execute();
  },
};
