// `node dist/src/migrate.js`: applies the connection schema's migrations and exits (the Helm hook Job).
import { databaseUrl, runMigrationsAndExit } from '@appgov/db';
import { loadConfig } from './config.js';
import { migrations } from './migrations/index.js';

const config = loadConfig();
await runMigrationsAndExit({
  connectionString: databaseUrl(config),
  schema: config.DB_SCHEMA,
  runtimeRole: config.DATABASE_RUNTIME_ROLE,
  migrations: migrations,
  log: (line) => console.log(JSON.stringify({ name: 'connection-service-migrate', ...line })),
});
