// `node dist/src/migrate.js`: applies the ingest schema's migrations and exits (Helm hook).
import { createDb, migrateToLatest } from '@appgov/db';
import { createLogger } from '@appgov/telemetry';
import { readConfig } from './config.js';
import { ingestMigrations } from './migrations/index.js';

const config = readConfig();
const logger = createLogger({ name: 'ingest-service-migrate', level: config.LOG_LEVEL });
const db = createDb({ connectionString: config.DATABASE_URL, schema: config.DB_SCHEMA });
try {
  const results = await migrateToLatest(db, ingestMigrations, config.DB_SCHEMA);
  logger.info({ applied: results.map((r) => r.migrationName) }, 'migrations applied');
} catch (error) {
  logger.fatal({ err: error }, 'migration failed');
  process.exitCode = 1;
} finally {
  await db.destroy();
}
