import { type Kysely, sql, type Transaction } from 'kysely';
import type { SyncScope } from './okta-rows.repository.js';
import { runStatement } from './sql-statement.js';
import type { CatalogDatabase } from './tables/catalog.database.js';

// Where each connection's syncs stand in the catalog: `connection_state` (current sync, deleted),
// `sync_progress` (one row per sync) and `applied_batches` (the idempotency ledger).

type Trx = Transaction<CatalogDatabase>;

/** Sets the tenant the row-level security policies see for the rest of the transaction. */
export async function setTenant(trx: Trx, tenantId: string): Promise<void> {
  await sql`select set_config('app.tenant_id', ${tenantId}, true)`.execute(trx);
}

/** The connection's state, created on first sight (the tenant of an existing row is kept). */
export function ensureConnectionState(trx: Trx, connectionId: string, tenantId: string) {
  return trx
    .insertInto('connection_state')
    .values({ connection_id: connectionId, tenant_id: tenantId })
    .onConflict((oc) =>
      oc.column('connection_id').doUpdateSet({ tenant_id: sql`connection_state.tenant_id` }),
    )
    .returning(['current_sync', 'deleted_at', 'tenant_id'])
    .executeTakeFirstOrThrow();
}

/** Remembers the connection as deleted (first deletion time kept); returns the row's tenant. */
export function markConnectionDeleted(trx: Trx, connectionId: string, tenantId: string) {
  return trx
    .insertInto('connection_state')
    .values({ connection_id: connectionId, tenant_id: tenantId, deleted_at: sql`now()` })
    .onConflict((oc) =>
      oc
        .column('connection_id')
        .doUpdateSet({ deleted_at: sql`coalesce(connection_state.deleted_at, now())` })
        // Finding 7: an event naming another tenant's connection must not mark it deleted.
        .whereRef('connection_state.tenant_id', '=', 'excluded.tenant_id'),
    )
    .returning('tenant_id')
    .executeTakeFirst();
}

export async function setCurrentSync(trx: Trx, connectionId: string, syncId: string): Promise<void> {
  await trx
    .updateTable('connection_state')
    .set({ current_sync: syncId })
    .where('connection_id', '=', connectionId)
    .execute();
}

/** The sync's progress row, locked `FOR UPDATE`. */
export function lockSyncProgress(trx: Trx, syncId: string) {
  return trx
    .selectFrom('sync_progress')
    .select(['state', 'datasets'])
    .where('sync_id', '=', syncId)
    .forUpdate()
    .executeTakeFirst();
}

export async function insertSyncProgress(trx: Trx, scope: SyncScope): Promise<void> {
  await trx
    .insertInto('sync_progress')
    .values({ tenant_id: scope.tenantId, connection_id: scope.connectionId, sync_id: scope.syncId })
    .execute();
}

/** Ends a running sync that a newer one replaces. */
export async function supersedeSync(trx: Trx, syncId: string): Promise<void> {
  await trx
    .updateTable('sync_progress')
    .set({ state: 'superseded', ended_at: sql`now()` })
    .where('sync_id', '=', syncId)
    .where('state', '=', 'running')
    .execute();
}

/** Ends the connection's running syncs as cancelled (the connection was deleted). */
export async function cancelRunningSyncs(trx: Trx, connectionId: string): Promise<void> {
  await trx
    .updateTable('sync_progress')
    .set({ state: 'cancelled', ended_at: sql`now()` })
    .where('connection_id', '=', connectionId)
    .where('state', '=', 'running')
    .execute();
}

export async function saveDatasetProgress(trx: Trx, syncId: string, datasets: unknown): Promise<void> {
  await trx
    .updateTable('sync_progress')
    .set({ datasets: JSON.stringify(datasets) })
    .where('sync_id', '=', syncId)
    .execute();
}

export async function endSync(
  trx: Trx,
  syncId: string,
  state: string,
  appliedAt: Date | null,
): Promise<void> {
  await trx
    .updateTable('sync_progress')
    .set({ state, ended_at: sql`now()`, applied_at: appliedAt })
    .where('sync_id', '=', syncId)
    .execute();
}

/** The connection's last completed sync (read side: the tenant comes from row-level security). */
export function lastCompletedSync(db: Kysely<CatalogDatabase>, connectionId: string) {
  return db
    .selectFrom('sync_progress')
    .select(['sync_id', 'applied_at'])
    .where('connection_id', '=', connectionId)
    .where('state', '=', 'completed')
    .orderBy(sql`applied_at desc nulls last`)
    .limit(1)
    .executeTakeFirst();
}

/**
 * Enters batches in the ledger; returns the seqs that were new (a replayed batch conflicts). One
 * statement for any number of batches, through `unnest` of two arrays.
 */
export async function enterBatches(
  trx: Trx,
  syncId: string,
  dataset: string,
  batches: readonly { seq: number; recordCount: number }[],
): Promise<number[]> {
  const rows = await runStatement<{ seq: number }>(
    trx,
    `insert into applied_batches (sync_id, dataset, seq, record_count)
     select $1::uuid, $2, b.seq, b.n from unnest($3::int[], $4::int[]) as b(seq, n)
     on conflict do nothing returning seq`,
    [syncId, dataset, batches.map((b) => b.seq), batches.map((b) => b.recordCount)],
  );
  return rows.map((r) => Number(r.seq));
}

export async function appliedBatchCount(trx: Trx, syncId: string, dataset: string): Promise<number> {
  const row = await trx
    .selectFrom('applied_batches')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('sync_id', '=', syncId)
    .where('dataset', '=', dataset)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}
