import { freshSchema, type Teardown, testEnv } from '@appgov/testing';
import type { Kysely } from 'kysely';
import { createDb, type OutboxDatabase } from '../src/index.js';

/** A db on a fresh schema, destroyed (pool closed) before the schema is dropped. */
export async function testDb(
  t: Teardown,
  prefix: string,
): Promise<{ db: Kysely<OutboxDatabase>; schema: string }> {
  const schema = await freshSchema(t, prefix);
  const db = createDb<OutboxDatabase>({ connectionString: testEnv().DATABASE_URL, schema, max: 5 });
  t.teardown(() => db.destroy());
  return { db, schema };
}
