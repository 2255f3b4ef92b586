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

/**
 * Drops every schema whose name starts with `prefix` (the schemas a stack of services created for
 * itself, e.g. `<prefix>_catalog`); returns their names. Refuses prefixes shorter than 6 characters.
 */
export async function dropSchemasWithPrefix(
  prefix: string,
  connectionString: string = testEnv().DATABASE_URL,
): Promise<string[]> {
  if (prefix.length < 6) throw new Error(`refusing to drop schemas by the prefix '${prefix}'`);
  const c = new pg.Client({ connectionString });
  await c.connect();
  try {
    const { rows } = await c.query<{ name: string }>(
      'SELECT nspname AS name FROM pg_namespace WHERE starts_with(nspname, $1)',
      [prefix],
    );
    for (const { name } of rows) await c.query(`DROP SCHEMA IF EXISTS "${name.replace(/"/g, '""')}" CASCADE`);
    return rows.map((r) => r.name);
  } finally {
    await c.end();
  }
}
