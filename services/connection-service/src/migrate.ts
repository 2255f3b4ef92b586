import { createDb, migrateToLatest } from '@appgov/db';
import { readConfig } from './config.js';
import { migrations } from './migrations/index.js';

// `node dist/src/migrate.js`: applies the migrations of the connection schema and exits (Helm hook).
const config = readConfig();
const db = createDb({ connectionString: config.DATABASE_URL, schema: config.DB_SCHEMA });
try {
  const results = await migrateToLatest(db, migrations, config.DB_SCHEMA);
  console.log(
    JSON.stringify({
      msg: 'migrations applied',
      schema: config.DB_SCHEMA,
      results: results.map((r) => `${r.migrationName}:${r.status}`),
    }),
  );
} catch (error) {
  console.error('migration failed:', error instanceof Error ? error.message : error);
  process.exitCode = 1;
} finally {
  await db.destroy();
}
