import { type Kysely, sql, type Transaction } from 'kysely';
import type { SyncScope } from './okta-rows.repository.js';
import { runStatement } from './sql-statement.js';
import type { CatalogDatabase } from './tables/catalog.database.js';

// `dataset_counts`: per connection row counts of each dataset and of its open findings, kept by the
// apply, the sweep, the findings recompute and the purge, and read instead of count(*) over the big
// tables.

/** Adds `delta` to the maintained row count of a dataset of the connection. */
export async function bumpCount(
  trx: Transaction<CatalogDatabase>,
  scope: Pick<SyncScope, 'tenantId' | 'connectionId'>,
  dataset: string,
  delta: number,
): Promise<void> {
  if (delta === 0) return;
  await trx
    .insertInto('dataset_counts')
    .values({ tenant_id: scope.tenantId, connection_id: scope.connectionId, dataset, row_count: delta })
    .onConflict((oc) =>
      oc
        .columns(['connection_id', 'dataset'])
        .doUpdateSet({ row_count: sql`dataset_counts.row_count + excluded.row_count` }),
    )
    .execute();
}

/** The stored counts of a connection (of the tenant, when given; the read side relies on RLS). */
export async function countsOf(
  db: Kysely<CatalogDatabase>,
  connectionId: string,
  tenantId?: string,
): Promise<Map<string, number>> {
  let q = db
    .selectFrom('dataset_counts')
    .select(['dataset', 'row_count'])
    .where('connection_id', '=', connectionId);
  if (tenantId !== undefined) q = q.where('tenant_id', '=', tenantId);
  const rows = await q.execute();
  return new Map(rows.map((r) => [r.dataset, Number(r.row_count)]));
}

/** Sets the connection's `open-findings` count from `findings`. */
export async function refreshOpenFindingsCount(
  trx: Transaction<CatalogDatabase>,
  tenantId: string,
  connectionId: string,
): Promise<void> {
  await runStatement(
    trx,
    `insert into dataset_counts (tenant_id, connection_id, dataset, row_count)
     select $1, $2::uuid, 'open-findings', count(*)::int from findings
      where tenant_id = $1 and connection_id = $2::uuid and resolved_at is null
     on conflict (connection_id, dataset) do update set row_count = excluded.row_count`,
    [tenantId, connectionId],
  );
}

export async function deleteConnectionCounts(
  trx: Transaction<CatalogDatabase>,
  tenantId: string,
  connectionId: string,
): Promise<void> {
  await trx
    .deleteFrom('dataset_counts')
    .where('tenant_id', '=', tenantId)
    .where('connection_id', '=', connectionId)
    .execute();
}
