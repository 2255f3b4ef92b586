import { type MigrationRecord, outboxMigrations } from '@appgov/db';
import { connectionsMigration } from './20261129000100_connections.migration.js';
import { credentialTypeMigration } from './20261201090000_credential-type.migration.js';
import { rateLimitShareMigration } from './20261217100000_rate-limit-share.migration.js';
// After main's migrations: Kysely refuses a pending migration older than an applied one.
import { syncAppliedMigration } from './20261218000100_sync-applied.migration.js';

/** Every migration of the `connection` schema, by timestamp-prefixed name. */
export const migrations: MigrationRecord = {
  ...outboxMigrations,
  '20261129000100_connections': connectionsMigration,
  '20261201090000_credential-type': credentialTypeMigration,
  '20261217100000_rate-limit-share': rateLimitShareMigration,
  '20261218000100_sync-applied': syncAppliedMigration,
};
