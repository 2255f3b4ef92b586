// `node dist/src/migrate.js`: applies the ingest schema's migrations and exits (the Helm hook Job).
import { databaseUrl, runMigrationsAndExit } from '@appgov/db';
import { loadConfig } from './config.js';
import { ingestMigrations } from './migrations/index.js';

const config = loadConfig();
await runMigrationsAndExit({
  connectionString: databaseUrl(config),
  schema: config.DB_SCHEMA,
  runtimeRole: config.DATABASE_RUNTIME_ROLE,
  migrations: ingestMigrations,
  log: (line) => console.log(JSON.stringify({ name: 'ingest-service-migrate', ...line })),
});
