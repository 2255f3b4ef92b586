import { type Kysely, sql } from 'kysely';
import type { Migration } from 'kysely/migration';
import { createAnalyzeFunction } from './analyze-function.sql.js';

/**
 * `analyze_catalog_tables(names)` for the runtime role (see `createAnalyzeFunction`): under it a plain
 * ANALYZE of tables it does not own was skipped, and the planner kept stale statistics after each sync.
 */
export const analyzeFunctionMigration: Migration = {
  async up(db: Kysely<any>) {
    await createAnalyzeFunction(db, 'always');
  },
  async down(db: Kysely<any>) {
    await sql.raw('drop function analyze_catalog_tables(text[])').execute(db);
  },
};
