import type { Kysely } from 'kysely';
import { sql } from 'kysely';

// How often a sync paused on a dependency outage. The outage budget counts these, not `attempts`,
// which also grows when a starved replica loses a lease and another resumes the sync (issue 16).
export const syncJobOutagePausesMigration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema
      .alterTable('sync_jobs')
      .addColumn('outage_pauses', 'integer', (c) => c.notNull().defaultTo(sql`0`))
      .execute();
  },
  async down(db: Kysely<any>): Promise<void> {
    await db.schema.alterTable('sync_jobs').dropColumn('outage_pauses').execute();
  },
};
