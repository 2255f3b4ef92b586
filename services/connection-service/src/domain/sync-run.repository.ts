import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database } from './connection.table.js';
import type { NewSyncRun, SyncRunPatch, SyncRunRow } from './sync-run.table.js';

export async function findSyncRun(db: Kysely<Database>, syncId: string | null): Promise<SyncRunRow | null> {
  if (!syncId) return null;
  return (
    (await db.selectFrom('sync_runs').selectAll().where('sync_id', '=', syncId).executeTakeFirst()) ?? null
  );
}

export function findSyncRuns(db: Kysely<Database>, syncIds: string[]): Promise<SyncRunRow[]> {
  if (syncIds.length === 0) return Promise.resolve([]);
  return db.selectFrom('sync_runs').selectAll().where('sync_id', 'in', syncIds).execute();
}

export function lockSyncRun(trx: Transaction<Database>, syncId: string): Promise<SyncRunRow | undefined> {
  return trx.selectFrom('sync_runs').selectAll().where('sync_id', '=', syncId).forUpdate().executeTakeFirst();
}

export async function insertSyncRun(trx: Transaction<Database>, run: NewSyncRun): Promise<SyncRunRow> {
  return trx.insertInto('sync_runs').values(run).returningAll().executeTakeFirstOrThrow();
}

/** Updates a run; `touch` also sets `updated_at` to the database's clock. */
export async function updateSyncRun(
  trx: Transaction<Database>,
  syncId: string,
  patch: SyncRunPatch,
  touch = false,
): Promise<void> {
  await trx
    .updateTable('sync_runs')
    .set(touch ? { ...patch, updated_at: sql`now()` } : patch)
    .where('sync_id', '=', syncId)
    .execute();
}

/** A connection's runs, newest request first; those after `after` (requested, sync id) when given. */
export function listSyncRuns(
  db: Kysely<Database>,
  connectionId: string,
  limit: number,
  after?: [Date, string],
): Promise<SyncRunRow[]> {
  const requested = sql<Date>`date_trunc('milliseconds', requested_at)`;
  let q = db.selectFrom('sync_runs').selectAll().where('connection_id', '=', connectionId);
  if (after) {
    q = q.where(
      sql<boolean>`(${requested} < ${after[0]} or (${requested} = ${after[0]} and sync_id > ${after[1]}::uuid))`,
    );
  }
  return q.orderBy(requested, 'desc').orderBy('sync_id').limit(limit).execute();
}

/** True when a run requested after `requestedAt` has completed or failed already. */
export async function newerOutcomeExists(
  trx: Transaction<Database>,
  connectionId: string,
  requestedAt: Date,
): Promise<boolean> {
  const row = await trx
    .selectFrom('sync_runs')
    .select('sync_id')
    .where('connection_id', '=', connectionId)
    .where('requested_at', '>', requestedAt)
    .where('outcome', 'in', ['completed', 'failed'])
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** True when the run is requested or running and was requested or started after `since`. */
export async function runActiveSince(db: Kysely<Database>, syncId: string, since: Date): Promise<boolean> {
  const row = await db
    .selectFrom('sync_runs')
    .select('sync_id')
    .where('sync_id', '=', syncId)
    .where('outcome', 'in', ['requested', 'running'])
    .where(sql<boolean>`coalesce(started_at, requested_at) > ${since}`)
    .executeTakeFirst();
  return row !== undefined;
}
