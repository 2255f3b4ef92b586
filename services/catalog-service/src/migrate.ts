// `node dist/src/migrate.js`: applies the catalog schema's migrations and exits (the Helm hook Job).
import { databaseUrl, runMigrationsAndExit } from '@appgov/db';
import { loadConfig } from './config.js';
import { catalogMigrations, READER_ROLE } from './migrations/index.js';

const config = loadConfig();
await runMigrationsAndExit({
  connectionString: databaseUrl(config),
  schema: config.DB_SCHEMA,
  runtimeRole: config.DATABASE_RUNTIME_ROLE,
  // The read path switches to the reader role (row-level security).
  runtimeMemberOf: [READER_ROLE],
  migrations: catalogMigrations,
  log: (line) => console.log(JSON.stringify({ name: 'catalog-service-migrate', ...line })),
});
