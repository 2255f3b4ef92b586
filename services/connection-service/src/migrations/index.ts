import { type MigrationRecord, outboxMigrations } from '@appgov/db';
import { connectionsMigration } from './20261129000100_connections.migration.js';
import { credentialTypeMigration } from './20261201090000_credential-type.migration.js';
import { syncAppliedMigration } from './20261205000100_sync-applied.migration.js';

/** Every migration of the `connection` schema, by timestamp-prefixed name. */
export const migrations: MigrationRecord = {
  ...outboxMigrations,
  '20261129000100_connections': connectionsMigration,
  '20261201090000_credential-type': credentialTypeMigration,
  '20261205000100_sync-applied': syncAppliedMigration,
};
