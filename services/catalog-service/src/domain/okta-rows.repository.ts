import { CompiledQuery, type Transaction } from 'kysely';
import type { DatasetSpec } from './dataset-specs.js';
import type { AppGrantRow, AppRow } from './row-mappers.js';
import { runStatement } from './sql-statement.js';
import type { CatalogDatabase } from './tables/catalog.database.js';

// The statements over the nine Okta dataset tables, which share their shape (tenant, connection,
// first/last seen sync, key columns from the dataset's spec). They stay SQL text: one statement
// upserts a whole chunk of records through `jsonb_to_recordset` and data-modifying CTEs, which
// kysely's builder cannot express, and the table is chosen at run time from the spec.

type Trx = Transaction<CatalogDatabase>;

/** Which sync of which connection a write belongs to. */
export interface SyncScope {
  tenantId: string;
  connectionId: string;
  syncId: string;
}

/** A row the upsert wrote: `inserted` (new) or updated, and for updates the row before (`to_jsonb`). */
export type Upserted<Row> = Row & { inserted: boolean; prev: Record<string, unknown> | null };

const q = (name: string) => `"${name}"`;

/**
 * The upsert of one batch as a single statement: the records travel as one jsonb parameter,
 * `jsonb_to_recordset` turns them into rows and `ON CONFLICT DO UPDATE` marks them seen by this
 * sync. `prev` reads the rows as they were before the statement (a data-modifying CTE does not see
 * its own changes), which is how changes are computed in SQL rather than in memory.
 */
function upsertStatement(spec: DatasetSpec, withPrev: boolean): string {
  const defs = spec.columns.map((col) => `${q(col.field)} ${col.type}`).join(', ');
  const keyFields = spec.columns
    .filter((col) => spec.keys.includes(col.column))
    .map((col) => `r.${q(col.field)}`);
  const cols = spec.columns.map((col) => col.column);
  const nonKey = cols.filter((col) => !spec.keys.includes(col));
  const conflict = ['tenant_id', 'connection_id', ...spec.keys].join(', ');
  const update = ['last_seen_sync', ...nonKey].map((col) => `${col} = excluded.${col}`).join(', ');
  const names = spec.columns.map((col) => q(col.field)).join(', ');
  // Several batches travel in one statement: when a key occurs twice, the later record wins, as it
  // did when each batch was its own statement.
  const input = `input as (
    select distinct on (${keyFields.join(', ')}) *
      from rows from (jsonb_to_recordset($4::jsonb) as (${defs})) with ordinality as r(${names}, ord)
     order by ${keyFields.join(', ')}, r.ord desc)`;
  const insert = `insert into ${spec.table} as t (tenant_id, connection_id, first_seen_sync, last_seen_sync, ${cols.join(', ')})
    select $1, $2::uuid, $3::uuid, $3::uuid, ${spec.columns.map((col) => `r.${q(col.field)}`).join(', ')} from input r
    on conflict (${conflict}) do update set ${update}`;
  const prevMatch = spec.columns
    .filter((col) => spec.keys.includes(col.column))
    .map((col) => `p.${col.column} = r.${q(col.field)}`)
    .join(' and ');
  if (!withPrev) {
    // The big datasets: a set-based UPDATE of the rows that exist, then an INSERT of the others,
    // instead of ON CONFLICT's per-row speculative insertion (measured on the large preset, same
    // machine, back to back: first sync 56–61k vs 42–50k rows/s, resyncs 74–80k vs 60–73k rows/s). `up` lists the inserted rows. A row inserted concurrently
    // by someone else fails the statement (unique violation → the chunk is retried) rather than being
    // silently skipped: a connection's records are applied by one consumer at a time anyway.
    const keyCols = spec.keys.map((k) => `t.${k}`).join(', ');
    const set = [
      'last_seen_sync = $3::uuid',
      ...spec.columns
        .filter((col) => !spec.keys.includes(col.column))
        .map((col) => `${col.column} = r.${q(col.field)}`),
    ].join(', ');
    const updMatch = spec.columns
      .filter((col) => spec.keys.includes(col.column))
      .map((col) => `u.${col.column} = r.${q(col.field)}`)
      .join(' and ');
    return `with ${input},
      upd as (update ${spec.table} p set ${set} from input r
               where p.tenant_id = $1 and p.connection_id = $2::uuid and ${prevMatch}
               returning ${spec.keys.map((k) => `p.${k}`).join(', ')}),
      up as (insert into ${spec.table} as t (tenant_id, connection_id, first_seen_sync, last_seen_sync, ${cols.join(', ')})
             select $1, $2::uuid, $3::uuid, $3::uuid, ${spec.columns.map((col) => `r.${q(col.field)}`).join(', ')} from input r
              where not exists (select 1 from upd u where ${updMatch})
             returning ${keyCols}, true as inserted)`;
  }
  const joinPrev = spec.keys.map((k) => `p.${k} = up.${k}`).join(' and ');
  return `with ${input},
    prev as (select p.* from ${spec.table} p join input r on ${prevMatch}
             where p.tenant_id = $1 and p.connection_id = $2::uuid),
    up as (${insert} returning t.*, (xmax = 0) as inserted)
    select up.*, to_jsonb(p) as prev from up left join prev p on ${joinPrev}`;
}

const statements = new Map<string, string>();
function statementOf(spec: DatasetSpec, withPrev: boolean, suffix: string): string {
  const key = `${spec.table}:${withPrev}:${suffix}`;
  let text = statements.get(key);
  if (!text) {
    text = `${upsertStatement(spec, withPrev)}${suffix}`;
    statements.set(key, text);
  }
  return text;
}

const paramsOf = (scope: SyncScope, records: readonly object[]) => [
  scope.tenantId,
  scope.connectionId,
  scope.syncId,
  JSON.stringify(records),
];

/** Upserts records and returns every row written with the row as it was before (small datasets). */
export function upsertReturningPrevious<Row>(
  trx: Trx,
  spec: DatasetSpec,
  scope: SyncScope,
  records: readonly object[],
): Promise<Upserted<Row>[]> {
  return runStatement<Upserted<Row>>(trx, statementOf(spec, true, ''), paramsOf(scope, records));
}

/** Upserts records and returns how many rows were inserted (not updated). */
export async function upsertCountingInserts(
  trx: Trx,
  spec: DatasetSpec,
  scope: SyncScope,
  records: readonly object[],
): Promise<number> {
  const suffix = ' select count(*) filter (where inserted)::int as n from up';
  const [row] = await runStatement<{ n: number }>(
    trx,
    statementOf(spec, false, suffix),
    paramsOf(scope, records),
  );
  return Number(row?.n ?? 0);
}

/**
 * Upserts assignments (`app_users` / `group_apps`) and, in the same statement, logs the new
 * assignments of apps the catalog knew before this sync in `pending_changes` (a newly discovered
 * app has no "change"). Returns how many rows were inserted.
 */
export async function upsertAssignments(
  trx: Trx,
  spec: DatasetSpec,
  scope: SyncScope,
  records: readonly object[],
  kind: 'user' | 'group',
): Promise<number> {
  const member = kind === 'user' ? 'user_id' : 'group_id';
  const suffix = `,
        logged as (insert into pending_changes (sync_id, connection_id, app_id, kind, member_id, change)
          select $3::uuid, $2::uuid, a.app_id, '${kind}', a.${member}, 'added' from up a
          where a.inserted and exists (select 1 from apps x where x.tenant_id = $1 and x.connection_id = $2::uuid
            and x.id = a.app_id and x.first_seen_sync <> $3::uuid)
          on conflict do nothing)
        select count(*) filter (where inserted)::int as n from up`;
  const [row] = await runStatement<{ n: number }>(
    trx,
    statementOf(spec, false, suffix),
    paramsOf(scope, records),
  );
  return Number(row?.n ?? 0);
}

const UNSEEN = 'tenant_id = $1 and connection_id = $2::uuid and last_seen_sync <> $3::uuid';
const sweepParams = (scope: SyncScope) => [scope.tenantId, scope.connectionId, scope.syncId];

/** Deletes the connection's apps this sync did not see and returns them. */
export function deleteUnseenApps(trx: Trx, scope: SyncScope): Promise<AppRow[]> {
  return runStatement<AppRow>(trx, `delete from apps where ${UNSEEN} returning *`, sweepParams(scope));
}

/** Deletes the connection's grants this sync did not see and returns them. */
export function deleteUnseenGrants(trx: Trx, scope: SyncScope): Promise<AppGrantRow[]> {
  return runStatement<AppGrantRow>(
    trx,
    `delete from app_grants where ${UNSEEN} returning *`,
    sweepParams(scope),
  );
}

/** Deletes the connection's API tokens this sync did not see and returns their ids. */
export function deleteUnseenApiTokens(trx: Trx, scope: SyncScope): Promise<{ id: string }[]> {
  return runStatement<{ id: string }>(
    trx,
    `delete from api_tokens where ${UNSEEN} returning id`,
    sweepParams(scope),
  );
}

/**
 * Deletes the assignments this sync did not see and logs each removal in `pending_changes` (same
 * statement); returns how many were deleted.
 */
export async function deleteUnseenAssignments(
  trx: Trx,
  spec: DatasetSpec,
  scope: SyncScope,
  kind: 'user' | 'group',
): Promise<number> {
  const member = kind === 'user' ? 'user_id' : 'group_id';
  const rows = await runStatement<{ n: string }>(
    trx,
    `with gone as (delete from ${spec.table} where ${UNSEEN} returning app_id, ${member} as member_id),
     logged as (insert into pending_changes (sync_id, connection_id, app_id, kind, member_id, change)
       select $3::uuid, $2::uuid, app_id, '${kind}', member_id, 'removed' from gone on conflict do nothing)
     select count(*) as n from gone`,
    sweepParams(scope),
  );
  return Number(rows[0]?.n ?? 0);
}

/** Deletes the rows of the dataset this sync did not see; returns how many. */
export async function deleteUnseen(trx: Trx, spec: DatasetSpec, scope: SyncScope): Promise<number> {
  const rows = await runStatement<{ n: string }>(
    trx,
    `with gone as (delete from ${spec.table} where ${UNSEEN} returning 1) select count(*) as n from gone`,
    sweepParams(scope),
  );
  return Number(rows[0]?.n ?? 0);
}

/**
 * Refreshes the statistics of the big tables (after a sync, before the findings rules run), through
 * the migration's SECURITY DEFINER function: the runtime role does not own the tables, and Postgres
 * skips an ANALYZE by a non-owner with only a warning.
 */
export async function analyzeOktaTables(trx: Trx, tables: readonly string[]): Promise<void> {
  await trx.executeQuery(CompiledQuery.raw('select analyze_catalog_tables($1::text[])', [tables]));
}

/** Deletes every app of the connection and returns them (purge). */
export function deleteConnectionApps(trx: Trx, tenantId: string, connectionId: string): Promise<AppRow[]> {
  return trx
    .deleteFrom('apps')
    .where('tenant_id', '=', tenantId)
    .where('connection_id', '=', connectionId)
    .returningAll()
    .execute();
}

/** Deletes every grant of the connection and returns them (purge). */
export function deleteConnectionGrants(
  trx: Trx,
  tenantId: string,
  connectionId: string,
): Promise<AppGrantRow[]> {
  return trx
    .deleteFrom('app_grants')
    .where('tenant_id', '=', tenantId)
    .where('connection_id', '=', connectionId)
    .returningAll()
    .execute();
}

/** Deletes every API token of the connection and returns their ids (purge). */
export function deleteConnectionApiTokens(
  trx: Trx,
  tenantId: string,
  connectionId: string,
): Promise<{ id: string }[]> {
  return trx
    .deleteFrom('api_tokens')
    .where('tenant_id', '=', tenantId)
    .where('connection_id', '=', connectionId)
    .returning('id')
    .execute();
}

/** Deletes every row of the connection from one dataset's table (purge). */
export async function deleteConnectionRows(
  trx: Trx,
  spec: DatasetSpec,
  tenantId: string,
  connectionId: string,
): Promise<void> {
  await runStatement(trx, `delete from ${spec.table} where tenant_id = $1 and connection_id = $2::uuid`, [
    tenantId,
    connectionId,
  ]);
}
