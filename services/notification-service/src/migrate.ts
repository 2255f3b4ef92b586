// `node dist/src/migrate.js`: applies the notification schema's migrations and exits (the Helm hook Job).
import { runMigrationsAndExit } from '@appgov/db';
import { loadConfig } from './config.js';
import { notificationMigrations } from './migrations/index.js';

const config = loadConfig();
await runMigrationsAndExit({
  connectionString: config.DATABASE_URL,
  schema: config.DB_SCHEMA,
  migrations: notificationMigrations,
  log: (line) => console.log(JSON.stringify({ name: 'notification-service-migrate', ...line })),
});
