// A connection the server ends while a transaction holds it (Postgres restarted between two statements)
// fails that transaction; it must not crash the process, and the pool must serve the next query.
import { testEnv } from '@appgov/testing';
import { sql } from 'kysely';
import pg from 'pg';
import t from 'tap';
import { testDb } from './helpers.js';

t.test('a checked-out connection terminated by the server fails its transaction only', async (t) => {
  const { db } = await testDb(t, 'conn_loss');
  const uncaught: unknown[] = [];
  const onUncaught = (error: unknown) => uncaught.push(error);
  process.on('uncaughtException', onUncaught);
  t.teardown(() => process.off('uncaughtException', onUncaught));

  const admin = new pg.Client({ connectionString: testEnv().DATABASE_URL });
  await admin.connect();
  t.teardown(() => admin.end());

  const outcome = await db
    .transaction()
    .execute(async (trx) => {
      const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx);
      // What `pg_ctl stop -m fast` does to every backend, here to this one while it sits between statements.
      await admin.query('select pg_terminate_backend($1)', [rows[0]?.pid]);
      await new Promise((r) => setTimeout(r, 300));
      await sql`select 1`.execute(trx);
      return 'committed';
    })
    .catch((error: unknown) => `failed: ${(error as Error).message}`);

  t.match(outcome, /^failed: /, 'the transaction on the terminated connection fails');
  t.same(uncaught, [], 'no uncaught error event');
  const { rows } = await sql<{ one: number }>`select 1 as one`.execute(db);
  t.equal(rows[0]?.one, 1, 'the pool serves the next query on a new connection');
});
