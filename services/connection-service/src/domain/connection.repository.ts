import { type Kysely, sql, type Transaction } from 'kysely';
import type {
  ConnectionPatch,
  ConnectionRow,
  ConnectionStatus,
  Database,
  NewConnection,
} from './connection.table.js';

// A `Kysely<Database>` parameter takes the pool or a transaction; `Transaction<Database>` only a
// transaction, which is what every function that locks rows asks for.

/** A live (not deleted) connection of the tenant. */
export function findLiveConnection(
  db: Kysely<Database>,
  tenant: string,
  id: string,
): Promise<ConnectionRow | undefined> {
  return liveConnection(db, tenant, id).executeTakeFirst();
}

/** {@link findLiveConnection}, locked `FOR UPDATE` until the transaction ends. */
export function lockLiveConnection(
  trx: Transaction<Database>,
  tenant: string,
  id: string,
): Promise<ConnectionRow | undefined> {
  return liveConnection(trx, tenant, id).forUpdate().executeTakeFirst();
}

function liveConnection(db: Kysely<Database>, tenant: string, id: string) {
  return db
    .selectFrom('connections')
    .selectAll()
    .where('tenant_id', '=', tenant)
    .where('id', '=', id)
    .where('deleted_at', 'is', null);
}

/** A connection of the tenant, deleted or not. */
export function findConnection(
  db: Kysely<Database>,
  tenant: string,
  id: string,
): Promise<ConnectionRow | undefined> {
  return db
    .selectFrom('connections')
    .selectAll()
    .where('tenant_id', '=', tenant)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** A connection of the tenant, deleted or not, locked `FOR UPDATE`. */
export function lockConnection(
  trx: Transaction<Database>,
  tenant: string,
  id: string,
): Promise<ConnectionRow | undefined> {
  return trx
    .selectFrom('connections')
    .selectAll()
    .where('id', '=', id)
    .where('tenant_id', '=', tenant)
    .forUpdate()
    .executeTakeFirst();
}

/** True when a live connection with this id exists (of the tenant, or of any tenant for `null`). */
export async function connectionExists(
  db: Kysely<Database>,
  tenant: string | null,
  id: string,
): Promise<boolean> {
  let q = db.selectFrom('connections').select('id').where('id', '=', id);
  if (tenant !== null) q = q.where('tenant_id', '=', tenant).where('deleted_at', 'is', null);
  return (await q.executeTakeFirst()) !== undefined;
}

/** True when the tenant already has a live connection to this domain. */
export async function domainConnected(
  db: Kysely<Database>,
  tenant: string,
  domain: string,
): Promise<boolean> {
  const row = await db
    .selectFrom('connections')
    .select('id')
    .where('tenant_id', '=', tenant)
    .where('domain', '=', domain)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  return row !== undefined;
}

/** The tenant's live connections, oldest first; a page of them after `after` (created, id) when given. */
export function listLiveConnections(
  db: Kysely<Database>,
  tenant: string,
  page?: { limit: number; after?: [Date, string] | undefined },
): Promise<ConnectionRow[]> {
  let q = db
    .selectFrom('connections')
    .selectAll()
    .where('tenant_id', '=', tenant)
    .where('deleted_at', 'is', null);
  if (page?.after) {
    q = q.where(
      sql<boolean>`(date_trunc('milliseconds', created_at), id) > (${page.after[0]}, ${page.after[1]}::uuid)`,
    );
  }
  q = q.orderBy(sql`date_trunc('milliseconds', created_at)`).orderBy('id');
  return (page ? q.limit(page.limit) : q).execute();
}

/**
 * Up to `batch` live connections due for a scheduled sync, locked with `SKIP LOCKED` so that
 * replicas never claim the same row. Fair between tenants (issue 16): each tenant's connections in
 * due order, interleaved across tenants, so a tenant with thousands of due connections cannot push
 * another tenant's one past this round's batch.
 */
export async function lockDueConnections(
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

export async function insertConnection(trx: Transaction<Database>, row: NewConnection): Promise<void> {
  await trx.insertInto('connections').values(row).execute();
}

export async function updateConnection(
  trx: Transaction<Database>,
  id: string,
  patch: ConnectionPatch,
): Promise<void> {
  await trx.updateTable('connections').set(patch).where('id', '=', id).execute();
}

/** Operator listing (C12): live connections with their current run, no credential columns. */
export function listConnectionsWithCurrentRun(
  db: Kysely<Database>,
  filter: {
    tenant?: string | undefined;
    status?: ConnectionStatus | undefined;
    limit: number;
    after?: [string, Date, string] | undefined;
  },
) {
  let q = db
    .selectFrom('connections as c')
    .leftJoin('sync_runs as r', 'r.sync_id', 'c.current_sync_id')
    .select([
      'c.id',
      'c.tenant_id',
      'c.domain',
      'c.provider',
      'c.status',
      'c.status_reason_code',
      'c.status_message',
      'c.created_at',
      'c.last_success_at',
      'c.last_sync_finished_at',
      'c.last_sync_duration_ms',
      'c.next_sync_at',
      'r.sync_id',
      'r.trigger',
      'r.outcome',
      'r.requested_at',
      'r.started_at',
    ])
    .where('c.deleted_at', 'is', null);
  if (filter.tenant) q = q.where('c.tenant_id', '=', filter.tenant);
  if (filter.status) q = q.where('c.status', '=', filter.status);
  if (filter.after) {
    const [tenant, at, id] = filter.after;
    q = q.where(
      sql<boolean>`(c.tenant_id, date_trunc('milliseconds', c.created_at), c.id) > (${tenant}, ${at}, ${id}::uuid)`,
    );
  }
  return q
    .orderBy('c.tenant_id')
    .orderBy(sql`date_trunc('milliseconds', c.created_at)`)
    .orderBy('c.id')
    .limit(filter.limit)
    .execute();
}
