import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import { createAnalyzeFunction } from './analyze-function.sql.js';

/** `analyze_catalog_tables` analyzes only tables a sync changed a lot (see `AnalyzeRule`). */
export const analyzeWhenChangedMigration: Migration = {
  async up(db: Kysely<any>) {
    await createAnalyzeFunction(db, 'when-changed');
  },
  async down(db: Kysely<any>) {
    await createAnalyzeFunction(db, 'always');
  },
};
