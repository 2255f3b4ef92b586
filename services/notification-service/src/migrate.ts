import { createDb, migrateToLatest } from '@appgov/db';
import { createLogger } from '@appgov/telemetry';
import { loadNotificationConfig } from './config.js';
import { notificationMigrations } from './migrations/index.js';

// `node dist/src/migrate.js`: applies the notification schema's migrations and exits (Helm hook).
const config = loadNotificationConfig();
const logger = createLogger({ name: 'notification-migrate', level: config.LOG_LEVEL });
const db = createDb({ connectionString: config.DATABASE_URL, schema: config.DB_SCHEMA });
try {
  const results = await migrateToLatest(db, notificationMigrations, config.DB_SCHEMA);
  logger.info({ applied: results.map((r) => r.migrationName) }, 'migrations applied');
} catch (error) {
  logger.fatal({ err: error }, 'migration failed');
  process.exitCode = 1;
} finally {
  await db.destroy();
}
