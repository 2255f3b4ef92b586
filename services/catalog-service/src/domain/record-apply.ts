import type { Dataset } from '@appgov/contracts';
import { CompiledQuery, type Transaction } from 'kysely';
import { DATASET_SPECS, type DatasetSpec } from './dataset-specs.js';
import type { OutboxBatch } from './inventory-outbox.js';
import { APP_FIELD_COLUMNS, toInventoryApiToken, toInventoryApp, toInventoryGrant } from './row-mappers.js';

/** Which sync of which connection a write belongs to. */
export interface SyncScope {
  tenantId: string;
  connectionId: string;
  syncId: string;
}

const q = (name: string) => `"${name}"`;

async function run<R = Record<string, any>>(
  trx: Transaction<any>,
  text: string,
  params: unknown[],
): Promise<R[]> {
  const result = await trx.executeQuery<R>(CompiledQuery.raw(text, params));
  return result.rows;
}

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
  const input = `input as (
    select distinct on (${keyFields.join(', ')}) * from jsonb_to_recordset($4::jsonb) as r(${defs}))`;
  const insert = `insert into ${spec.table} as t (tenant_id, connection_id, first_seen_sync, last_seen_sync, ${cols.join(', ')})
    select $1, $2::uuid, $3::uuid, $3::uuid, ${spec.columns.map((col) => `r.${q(col.field)}`).join(', ')} from input r
    on conflict (${conflict}) do update set ${update}`;
  if (!withPrev) return `with ${input} ${insert}`;
  const joinPrev = spec.keys.map((k) => `p.${k} = up.${k}`).join(' and ');
  const prevMatch = spec.columns
    .filter((col) => spec.keys.includes(col.column))
    .map((col) => `p.${col.column} = r.${q(col.field)}`)
    .join(' and ');
  return `with ${input},
    prev as (select p.* from ${spec.table} p join input r on ${prevMatch}
             where p.tenant_id = $1 and p.connection_id = $2::uuid),
    up as (${insert} returning t.*, (xmax = 0) as inserted)
    select up.*, to_jsonb(p) as prev from up left join prev p on ${joinPrev}`;
}

const statements = new Map<string, string>();
const statementOf = (spec: DatasetSpec, withPrev: boolean) => {
  const key = `${spec.table}:${withPrev}`;
  let text = statements.get(key);
  if (!text) {
    text = upsertStatement(spec, withPrev);
    statements.set(key, text);
  }
  return text;
};

const APP_FIELDS = Object.entries(APP_FIELD_COLUMNS).filter(([field]) => field !== 'id');

/** Applies one batch of records (already known to be new to the ledger); queues the events it causes. */
export async function applyRecords(
  trx: Transaction<any>,
  scope: SyncScope,
  dataset: Dataset,
  records: readonly object[],
  outbox: OutboxBatch,
): Promise<void> {
  if (records.length === 0) return;
  const spec = DATASET_SPECS[dataset];
  const params = [scope.tenantId, scope.connectionId, scope.syncId, JSON.stringify(records)];
  switch (dataset) {
    case 'apps': {
      const rows = await run(trx, statementOf(spec, true), params);
      for (const row of rows) {
        const app = toInventoryApp(row);
        if (row.inserted) {
          outbox.inventory('app.discovered', app.id, { syncId: scope.syncId, app });
          await markDirty(trx, scope, app.id);
          continue;
        }
        const prev = toInventoryApp(row.prev);
        const changedFields = APP_FIELDS.filter(
          ([field]) =>
            JSON.stringify(app[field as keyof typeof app]) !==
            JSON.stringify(prev[field as keyof typeof prev]),
        ).map(([field]) => field);
        if (changedFields.length > 0) {
          const before = Object.fromEntries(changedFields.map((f) => [f, prev[f as keyof typeof prev]]));
          outbox.inventory('app.changed', app.id, {
            syncId: scope.syncId,
            appId: app.id,
            changedFields,
            before,
            after: app,
          });
          await markDirty(trx, scope, app.id);
        }
      }
      return;
    }
    case 'app-grants': {
      const rows = await run(trx, statementOf(spec, true), params);
      for (const row of rows) {
        const grant = toInventoryGrant(row);
        const wasActive = !row.inserted && row.prev?.status === 'ACTIVE';
        if (grant.status === 'ACTIVE' && !wasActive) {
          outbox.inventory('app.grant.added', row.app_id, { syncId: scope.syncId, appId: row.app_id, grant });
          await markDirty(trx, scope, row.app_id);
        } else if (grant.status === 'REVOKED' && wasActive) {
          outbox.inventory('app.grant.revoked', row.app_id, {
            syncId: scope.syncId,
            appId: row.app_id,
            grantId: grant.id,
            scopeId: grant.scopeId,
            reason: 'revoked',
          });
          await markDirty(trx, scope, row.app_id);
        }
      }
      return;
    }
    case 'api-tokens': {
      const rows = await run(trx, statementOf(spec, true), params);
      for (const row of rows) {
        if (row.inserted) {
          outbox.inventory('api-token.discovered', row.id, {
            syncId: scope.syncId,
            token: toInventoryApiToken(row),
          });
        }
      }
      return;
    }
    case 'app-users':
    case 'group-apps': {
      // New assignments of apps the catalog knew before this sync are collected for
      // `app.assignments.changed` at the end of the sync (a newly discovered app has no "change").
      const kind = dataset === 'app-users' ? 'user' : 'group';
      const member = dataset === 'app-users' ? 'user_id' : 'group_id';
      const text = `with applied as (${statementOf(spec, false)} returning t.app_id, t.${member} as member_id, (xmax = 0) as inserted)
        insert into pending_changes (sync_id, connection_id, app_id, kind, member_id, change)
        select $3::uuid, $2::uuid, a.app_id, '${kind}', a.member_id, 'added' from applied a
        where a.inserted and exists (select 1 from apps x where x.tenant_id = $1 and x.connection_id = $2::uuid
          and x.id = a.app_id and x.first_seen_sync <> $3::uuid)
        on conflict do nothing`;
      await run(trx, text, params);
      return;
    }
    default:
      await run(trx, statementOf(spec, false), params);
  }
}

/** Records that an app's full state must be republished at the end of the sync. */
export async function markDirty(trx: Transaction<any>, scope: SyncScope, appId: string): Promise<void> {
  await run(
    trx,
    `insert into pending_changes (sync_id, connection_id, app_id, kind, member_id, change)
     values ($1::uuid, $2::uuid, $3, 'state', '', 'dirty') on conflict do nothing`,
    [scope.syncId, scope.connectionId, appId],
  );
}

/**
 * Mark and sweep: removes the dataset's rows of this connection that the sync did not see, and queues
 * the removals' events. Only called once every announced batch of the dataset was applied.
 */
export async function sweepDataset(
  trx: Transaction<any>,
  scope: SyncScope,
  dataset: Dataset,
  outbox: OutboxBatch,
): Promise<number> {
  const spec = DATASET_SPECS[dataset];
  const where = `tenant_id = $1 and connection_id = $2::uuid and last_seen_sync <> $3::uuid`;
  const params = [scope.tenantId, scope.connectionId, scope.syncId];
  switch (dataset) {
    case 'apps': {
      const rows = await run(trx, `delete from apps where ${where} returning *`, params);
      for (const row of rows) {
        outbox.inventory('app.removed', row.id, {
          syncId: scope.syncId,
          appId: row.id,
          reason: 'not_seen_in_sync',
          app: toInventoryApp(row),
        });
        outbox.appState(row.id, null);
      }
      return rows.length;
    }
    case 'app-grants': {
      const rows = await run(trx, `delete from app_grants where ${where} returning *`, params);
      for (const row of rows) {
        if (row.status !== 'ACTIVE') continue;
        outbox.inventory('app.grant.revoked', row.app_id, {
          syncId: scope.syncId,
          appId: row.app_id,
          grantId: row.id,
          scopeId: row.scope_id,
          reason: 'removed',
        });
        await markDirty(trx, scope, row.app_id);
      }
      return rows.length;
    }
    case 'api-tokens': {
      const rows = await run(trx, `delete from api_tokens where ${where} returning id`, params);
      for (const row of rows) {
        outbox.inventory('api-token.removed', row.id, {
          syncId: scope.syncId,
          tokenId: row.id,
          reason: 'not_seen_in_sync',
        });
      }
      return rows.length;
    }
    case 'app-users':
    case 'group-apps': {
      const kind = dataset === 'app-users' ? 'user' : 'group';
      const member = dataset === 'app-users' ? 'user_id' : 'group_id';
      const rows = await run<{ n: string }>(
        trx,
        `with gone as (delete from ${spec.table} where ${where} returning app_id, ${member} as member_id),
         logged as (insert into pending_changes (sync_id, connection_id, app_id, kind, member_id, change)
           select $3::uuid, $2::uuid, app_id, '${kind}', member_id, 'removed' from gone on conflict do nothing)
         select count(*) as n from gone`,
        params,
      );
      return Number(rows[0]?.n ?? 0);
    }
    default: {
      const rows = await run<{ n: string }>(
        trx,
        `with gone as (delete from ${spec.table} where ${where} returning 1) select count(*) as n from gone`,
        params,
      );
      return Number(rows[0]?.n ?? 0);
    }
  }
}

export { run as runSql };
