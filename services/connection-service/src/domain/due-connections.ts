// Which due connections one scheduler round takes, fairly between tenants (issue 16): each
// tenant's connections in due order, interleaved across tenants, so a tenant with thousands of
// due connections cannot push another tenant's one past this round's batch.
import { sql, type Transaction } from 'kysely';
import type { Database } from './connection.table.js';
import type { ConnectionRow } from './connection.view.js';

/** Up to `batch` due connections, locked (`SKIP LOCKED`: replicas take different rows). */
export async function lockDueFairly(
  trx: Transaction<Database>,
  now: Date,
  batch: number,
): Promise<ConnectionRow[]> {
  // The window function sits in a CTE so that FOR UPDATE OF c may lock the rows themselves.
  const ordered = await sql<{ id: string }>`
    with due as (
      select id, next_sync_at,
        row_number() over (partition by tenant_id order by next_sync_at, id) as rank
      from connections
      where deleted_at is null and next_sync_at <= ${now}
    )
    select c.id from connections c join due d on d.id = c.id
    order by d.rank, d.next_sync_at, c.id
    limit ${batch}
    for update of c skip locked`.execute(trx);
  const ids = ordered.rows.map((r) => r.id);
  if (ids.length === 0) return [];
  const rows = await trx.selectFrom('connections').selectAll().where('id', 'in', ids).execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => byId.get(id)).filter((r): r is ConnectionRow => r !== undefined);
}
