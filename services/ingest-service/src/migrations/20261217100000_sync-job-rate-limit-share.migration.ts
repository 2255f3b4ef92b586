import type { Kysely } from 'kysely';

// The connection's own share of each Okta bucket, from its sync.requested (null: the deployment's).
export const syncJobRateLimitShareMigration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema.alterTable('sync_jobs').addColumn('rate_limit_share', 'double precision').execute();
  },
  async down(db: Kysely<any>): Promise<void> {
    await db.schema.alterTable('sync_jobs').dropColumn('rate_limit_share').execute();
  },
};
