import { type Kysely, type QueryExecutorProvider, sql, type Transaction } from 'kysely';

/** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
export function withTransaction<DB, T>(db: Kysely<DB>, fn: (trx: Transaction<DB>) => Promise<T>): Promise<T> {
  return db.transaction().execute(fn);
}

/** Throws unless Postgres answers a trivial query (for readiness checks). */
export async function pingDb(db: QueryExecutorProvider): Promise<void> {
  await sql`select 1`.execute(db);
}
