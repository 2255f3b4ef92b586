// `node dist/src/migrate.js`: applies the catalog schema's migrations and exits (the Helm hook Job).
import { runMigrationsAndExit } from '@appgov/db';
import { loadConfig } from './config.js';
import { catalogMigrations } from './migrations/index.js';

const config = loadConfig();
await runMigrationsAndExit({
  connectionString: config.DATABASE_URL,
  schema: config.DB_SCHEMA,
  migrations: catalogMigrations,
  log: (line) => console.log(JSON.stringify({ name: 'catalog-service-migrate', ...line })),
});
