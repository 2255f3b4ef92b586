import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

/**
 * A tenant admin's own share of each Okta rate-limit bucket for one connection (null: the
 * deployment's default). double precision, so pg hands it back as a number.
 */
export const rateLimitShareMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('connections').addColumn('rate_limit_share', 'double precision').execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.alterTable('connections').dropColumn('rate_limit_share').execute();
  },
};
