import { type MigrationRecord, outboxMigrations } from '@appgov/db';
import { catalogTablesMigration } from './20261129000100_catalog-tables.migration.js';
import { countersAndApplyIndexesMigration } from './20261129000200_counters-and-apply-indexes.migration.js';
import { trigramSearchMigration } from './20261205000100_trigram-search.migration.js';
import { analyzeFunctionMigration } from './20261205000200_analyze-function.migration.js';
import { analyzeWhenChangedMigration } from './20261205000300_analyze-when-changed.migration.js';

export { READER_ROLE } from './20261129000100_catalog-tables.migration.js';

/** Every catalog migration by name (timestamp order). */
export const catalogMigrations: MigrationRecord = {
  ...outboxMigrations,
  '20261129000100_catalog_tables': catalogTablesMigration,
  '20261129000200_counters_and_apply_indexes': countersAndApplyIndexesMigration,
  '20261205000100_trigram_search': trigramSearchMigration,
  '20261205000200_analyze_function': analyzeFunctionMigration,
  '20261205000300_analyze_when_changed': analyzeWhenChangedMigration,
};
