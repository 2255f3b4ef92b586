import pg from 'pg';
import { testEnv } from './test-env.js';
import { uniqueName } from './unique-name.js';

/** What tests register cleanup with (tap's `t`). */
export interface Teardown {
  teardown(fn: () => unknown): void;
}

/** Creates a unique Postgres schema and drops it (cascade) when the test ends. */
export async function freshSchema(
  t: Teardown,
  prefix = 'test',
  connectionString: string = testEnv().DATABASE_URL,
): Promise<string> {
  const schema = uniqueName(prefix);
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA "${schema}"`);
  } finally {
    await client.end();
  }
  t.teardown(async () => {
    const c = new pg.Client({ connectionString });
    await c.connect();
    try {
      await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    } finally {
      await c.end();
    }
  });
  return schema;
}
