import { createDb, migrateToLatest } from '@appgov/db';
import { loadCatalogConfig } from './config.js';
import { catalogMigrations } from './migrations/index.js';

// `node dist/src/migrate.js`: applies the catalog migrations and exits (the Helm hook Job).
const config = loadCatalogConfig();
const db = createDb<any>({ connectionString: config.DATABASE_URL, schema: config.DB_SCHEMA, max: 1 });
try {
  const results = await migrateToLatest(db, catalogMigrations, config.DB_SCHEMA);
  console.log(
    `catalog migrations applied: ${results.map((r) => r.migrationName).join(', ') || 'none pending'}`,
  );
} catch (error) {
  console.error('catalog migration failed:', error);
  process.exitCode = 1;
} finally {
  await db.destroy();
}
