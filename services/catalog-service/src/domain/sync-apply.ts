import {
  type AnyCloudEvent,
  type AppInventoryState,
  DATASETS,
  type Dataset,
  type TopicId,
} from '@appgov/contracts';
import type { AppLogger } from '@appgov/telemetry';
import type { Transaction } from 'kysely';
import { type FindingRules, recomputeFindings } from './findings.js';
import { OutboxBatch } from './inventory-outbox.js';
import { applyRecords, runSql, type SyncScope, sweepDataset } from './record-apply.js';
import { toInventoryApp, toInventoryGrant } from './row-mappers.js';

/** What applying record events needs. */
export interface ApplyDeps {
  topics: Readonly<Record<TopicId, string>>;
  rules: FindingRules;
  now: () => Date;
  logger?: AppLogger;
  /** Called with the number of rows written per dataset (metrics). */
  onRows?: (dataset: Dataset, rows: number) => void;
}

interface DatasetProgress {
  started?: boolean;
  completed?: { recordCount: number; batchCount: number };
  skipped?: string;
  swept?: boolean;
}
type Progress = Partial<Record<Dataset, DatasetProgress>>;

/** Sets the tenant the row-level security policies see for the rest of the transaction. */
export async function setTenant(trx: Transaction<any>, tenantId: string): Promise<void> {
  await runSql(trx, `select set_config('app.tenant_id', $1, true)`, [tenantId]);
}

/**
 * Finds out whether a message of `syncId` may be applied, registering the sync when it is new. The
 * records topic is keyed by connection, so a connection's messages arrive in order: the first
 * message of a sync makes it the connection's current sync and supersedes the previous one, whose
 * later batches are then ignored. Messages of an ended sync (a replay) are ignored too.
 */
async function admitSync(trx: Transaction<any>, scope: SyncScope): Promise<{ progress: Progress } | null> {
  const state = await runSql(
    trx,
    `insert into connection_state (connection_id, tenant_id) values ($1::uuid, $2)
     on conflict (connection_id) do update set tenant_id = connection_state.tenant_id
     returning current_sync, deleted_at, tenant_id`,
    [scope.connectionId, scope.tenantId],
  );
  const conn = state[0]!;
  if (conn.deleted_at !== null || conn.tenant_id !== scope.tenantId) return null;
  const rows = await runSql(
    trx,
    `select state, datasets from sync_progress where sync_id = $1::uuid for update`,
    [scope.syncId],
  );
  if (rows[0]) {
    if (rows[0].state !== 'running' || conn.current_sync !== scope.syncId) return null;
    return { progress: rows[0].datasets as Progress };
  }
  if (conn.current_sync) {
    await runSql(
      trx,
      `update sync_progress set state = 'superseded', ended_at = now() where sync_id = $1::uuid and state = 'running'`,
      [conn.current_sync],
    );
  }
  await runSql(
    trx,
    `insert into sync_progress (tenant_id, connection_id, sync_id) values ($1, $2::uuid, $3::uuid)`,
    [scope.tenantId, scope.connectionId, scope.syncId],
  );
  await runSql(trx, `update connection_state set current_sync = $2::uuid where connection_id = $1::uuid`, [
    scope.connectionId,
    scope.syncId,
  ]);
  return { progress: {} };
}

async function saveProgress(trx: Transaction<any>, syncId: string, progress: Progress): Promise<void> {
  await runSql(trx, `update sync_progress set datasets = $2::jsonb where sync_id = $1::uuid`, [
    syncId,
    JSON.stringify(progress),
  ]);
}

async function appliedBatchCount(trx: Transaction<any>, syncId: string, dataset: Dataset): Promise<number> {
  const rows = await runSql(
    trx,
    `select count(*) as n from applied_batches where sync_id = $1::uuid and dataset = $2`,
    [syncId, dataset],
  );
  return Number(rows[0]?.n ?? 0);
}

/** Sweeps a dataset once its end marker arrived and every announced batch is applied. */
async function sweepIfComplete(
  trx: Transaction<any>,
  scope: SyncScope,
  dataset: Dataset,
  progress: Progress,
  outbox: OutboxBatch,
): Promise<boolean> {
  const p = progress[dataset];
  if (!p?.completed || p.swept) return Boolean(p?.swept);
  const applied = await appliedBatchCount(trx, scope.syncId, dataset);
  if (applied !== p.completed.batchCount) return false;
  await sweepDataset(trx, scope, dataset, outbox);
  p.swept = true;
  return true;
}

/** The sync a records event belongs to, or null for an event that carries none. */
function scopeOf(event: AnyCloudEvent): SyncScope | null {
  const syncId = (event.data as { syncId?: string } | undefined)?.syncId;
  if (!event.connectionid || !syncId) return null;
  return { tenantId: event.tenantid, connectionId: event.connectionid, syncId };
}

const sameScope = (a: SyncScope | null, b: SyncScope) =>
  a !== null && a.tenantId === b.tenantId && a.connectionId === b.connectionId && a.syncId === b.syncId;

/** Applies one okta-records event inside the caller's transaction; its events go to the outbox. */
export async function applyRecordEvent(
  trx: Transaction<any>,
  deps: ApplyDeps,
  event: AnyCloudEvent,
): Promise<void> {
  await applyRecordEvents(trx, deps, [event]);
}

/**
 * Applies a chunk of okta-records events inside the caller's transaction. Consecutive events of the
 * same sync form a run: the sync is admitted, its progress read and written, and its outbox rows
 * enqueued once per run; consecutive batches of one dataset are checked against the ledger and upserted
 * with one statement each. The outcome equals applying the events one by one.
 */
export async function applyRecordEvents(
  trx: Transaction<any>,
  deps: ApplyDeps,
  events: readonly AnyCloudEvent[],
): Promise<void> {
  // Merged batches sort up to a chunk of records (distinct on); keep that sort in memory.
  if (events.length > 1) await runSql(trx, `set local work_mem = '64MB'`, []);
  let i = 0;
  while (i < events.length) {
    const scope = scopeOf(events[i]!);
    if (!scope) {
      i += 1;
      continue;
    }
    let j = i + 1;
    while (j < events.length && sameScope(scopeOf(events[j]!), scope)) j += 1;
    await applyRun(trx, deps, scope, events.slice(i, j));
    i = j;
  }
}

interface PendingBatches {
  dataset: Dataset;
  batches: { seq: number; records: readonly object[] }[];
}

/** Applies consecutive events of one sync. */
async function applyRun(
  trx: Transaction<any>,
  deps: ApplyDeps,
  scope: SyncScope,
  events: readonly AnyCloudEvent[],
): Promise<void> {
  await setTenant(trx, scope.tenantId);
  const admitted = await admitSync(trx, scope);
  if (!admitted) return;
  const { progress } = admitted;
  const outbox = new OutboxBatch(deps.topics, scope.tenantId, scope.connectionId, deps.now());
  let pending: PendingBatches | null = null;
  let changed = false;
  const applyPending = async () => {
    if (!pending) return;
    const { dataset, batches } = pending;
    pending = null;
    if (await applyBatches(trx, deps, scope, dataset, batches, progress, outbox)) changed = true;
  };

  for (const event of events) {
    if (event.type === 'records.batch') {
      const { dataset, seq, records } = event.data;
      if (pending && pending.dataset !== dataset) await applyPending();
      pending ??= { dataset, batches: [] };
      pending.batches.push({ seq, records });
      continue;
    }
    await applyPending();
    let ended = false;
    switch (event.type) {
      case 'records.dataset-started': {
        progress[event.data.dataset] = { ...progress[event.data.dataset], started: true };
        changed = true;
        break;
      }
      case 'records.dataset-completed': {
        const { dataset, recordCount, batchCount } = event.data;
        progress[dataset] = { ...progress[dataset], completed: { recordCount, batchCount } };
        await sweepIfComplete(trx, scope, dataset, progress, outbox);
        changed = true;
        break;
      }
      case 'records.dataset-skipped': {
        progress[event.data.dataset] = { ...progress[event.data.dataset], skipped: event.data.reason };
        changed = true;
        break;
      }
      case 'records.sync-ended': {
        const { outcome, datasetsRead } = event.data;
        let complete = outcome === 'completed';
        if (complete) {
          for (const dataset of datasetsRead) {
            if (!(await sweepIfComplete(trx, scope, dataset, progress, outbox))) {
              complete = false;
              deps.logger?.error(
                { syncId: scope.syncId, connectionId: scope.connectionId, dataset },
                'sync ended before every announced batch of a dataset was applied; not swept',
              );
            }
          }
        }
        await finishSync(trx, deps, scope, outbox, complete);
        await runSql(
          trx,
          `update sync_progress set state = $2, ended_at = now(), applied_at = $3 where sync_id = $1::uuid`,
          [
            scope.syncId,
            complete ? 'completed' : outcome === 'completed' ? 'incomplete' : outcome,
            complete ? outbox.now : null,
          ],
        );
        changed = true;
        ended = true; // later messages of an ended sync are ignored
        break;
      }
      default:
        break;
    }
    if (ended) break;
  }
  await applyPending();
  if (changed) await saveProgress(trx, scope.syncId, progress);
  await outbox.flush(trx);
}

/**
 * Consecutive batches of one dataset: one ledger statement tells the new ones (a replayed batch
 * conflicts), one upsert applies their records, then the dataset is swept if its end marker already
 * arrived and this completed it. Returns whether the progress changed (the dataset was swept).
 */
async function applyBatches(
  trx: Transaction<any>,
  deps: ApplyDeps,
  scope: SyncScope,
  dataset: Dataset,
  batches: PendingBatches['batches'],
  progress: Progress,
  outbox: OutboxBatch,
): Promise<boolean> {
  const bySeq = new Map<number, readonly object[]>();
  for (const b of batches) if (!bySeq.has(b.seq)) bySeq.set(b.seq, b.records);
  const seqs = [...bySeq.keys()];
  const ledger = await runSql<{ seq: number }>(
    trx,
    `insert into applied_batches (sync_id, dataset, seq, record_count)
     select $1::uuid, $2, b.seq, b.n from unnest($3::int[], $4::int[]) as b(seq, n)
     on conflict do nothing returning seq`,
    [scope.syncId, dataset, seqs, seqs.map((s) => bySeq.get(s)!.length)],
  );
  if (ledger.length === 0) return false; // replayed batches: already applied
  const fresh = new Set(ledger.map((r) => Number(r.seq)));
  const records = seqs.filter((s) => fresh.has(s)).flatMap((s) => bySeq.get(s)!);
  await applyRecords(trx, scope, dataset, records, outbox);
  deps.onRows?.(dataset, records.length);
  if (progress[dataset]?.completed && (await sweepIfComplete(trx, scope, dataset, progress, outbox))) {
    return true;
  }
  return false;
}

/**
 * Catalog totals of a connection per dataset, from the counters the apply and the sweep maintain
 * (`dataset_counts`) rather than count(*) over the big tables.
 */
export async function datasetCounts(trx: Transaction<any>, tenantId: string, connectionId: string) {
  const rows = await runSql(
    trx,
    `select dataset, row_count from dataset_counts where tenant_id = $1 and connection_id = $2::uuid`,
    [tenantId, connectionId],
  );
  const stored = new Map(rows.map((r) => [r.dataset as string, Number(r.row_count)]));
  return Object.fromEntries(DATASETS.map((d) => [d, stored.get(d) ?? 0])) as Record<Dataset, number>;
}

/**
 * End of a sync: assignment counts, `app.assignments.changed`, the state of every changed app,
 * findings, and, for a completed sync, the snapshot marker and `catalog.applied`.
 */
async function finishSync(
  trx: Transaction<any>,
  deps: ApplyDeps,
  scope: SyncScope,
  outbox: OutboxBatch,
  complete: boolean,
): Promise<void> {
  const params = [scope.tenantId, scope.connectionId, scope.syncId];
  await runSql(
    trx,
    `with counts as (
       select a.id,
              (select count(*) from app_users u where u.tenant_id = a.tenant_id and u.connection_id = a.connection_id and u.app_id = a.id) as users,
              (select count(*) from group_apps g where g.tenant_id = a.tenant_id and g.connection_id = a.connection_id and g.app_id = a.id) as groups
         from apps a where a.tenant_id = $1 and a.connection_id = $2::uuid)
     update apps a set user_count = c.users, group_count = c.groups from counts c
      where a.tenant_id = $1 and a.connection_id = $2::uuid and a.id = c.id
        and (a.user_count <> c.users or a.group_count <> c.groups)`,
    [scope.tenantId, scope.connectionId],
  );
  const LIMIT = 100;
  const changes = await runSql(
    trx,
    `select p.app_id, a.user_count, a.group_count,
            (array_agg(p.member_id order by p.member_id) filter (where kind = 'user' and change = 'added')) as added_users,
            (array_agg(p.member_id order by p.member_id) filter (where kind = 'user' and change = 'removed')) as removed_users,
            (array_agg(p.member_id order by p.member_id) filter (where kind = 'group' and change = 'added')) as added_groups,
            (array_agg(p.member_id order by p.member_id) filter (where kind = 'group' and change = 'removed')) as removed_groups
       from pending_changes p join apps a on a.tenant_id = $1 and a.connection_id = p.connection_id and a.id = p.app_id
      where p.sync_id = $3::uuid and p.connection_id = $2::uuid and p.kind in ('user', 'group')
      group by p.app_id, a.user_count, a.group_count order by p.app_id`,
    params,
  );
  for (const row of changes) {
    const lists = [row.added_users, row.removed_users, row.added_groups, row.removed_groups].map(
      (l: string[] | null) => l ?? [],
    );
    const truncated = lists.some((l) => l.length > LIMIT);
    const [addedUserIds, removedUserIds, addedGroupIds, removedGroupIds] = lists.map((l) =>
      l.slice(0, LIMIT),
    );
    outbox.inventory('app.assignments.changed', row.app_id, {
      syncId: scope.syncId,
      appId: row.app_id,
      userCount: row.user_count,
      groupCount: row.group_count,
      addedUserIds: addedUserIds!,
      removedUserIds: removedUserIds!,
      addedGroupIds: addedGroupIds!,
      removedGroupIds: removedGroupIds!,
      truncated,
    });
  }
  const states = await runSql(
    trx,
    `select a.*, coalesce((select jsonb_agg(to_jsonb(g) order by g.id) from app_grants g
               where g.tenant_id = a.tenant_id and g.connection_id = a.connection_id and g.app_id = a.id), '[]') as grants
       from apps a
      where a.tenant_id = $1 and a.connection_id = $2::uuid
        and a.id in (select distinct app_id from pending_changes where sync_id = $3::uuid and connection_id = $2::uuid)
      order by a.id`,
    params,
  );
  for (const row of states) {
    const state: AppInventoryState = {
      tenantId: scope.tenantId,
      connectionId: scope.connectionId,
      syncId: scope.syncId,
      updatedAt: outbox.now.toISOString(),
      app: toInventoryApp(row),
      grants: (row.grants as Record<string, unknown>[]).map(toInventoryGrant),
      userCount: row.user_count,
      groupCount: row.group_count,
    };
    outbox.appState(row.id, state);
  }
  await runSql(trx, `delete from pending_changes where sync_id = $1::uuid`, [scope.syncId]);
  // Fresh statistics after a sync: right after a first large load the planner would otherwise
  // estimate empty tables and pick nested loops for the findings rules. Through the migration's
  // SECURITY DEFINER function: the runtime role does not own the tables, and Postgres skips an
  // ANALYZE by a non-owner with only a warning.
  await runSql(trx, 'select analyze_catalog_tables($1::text[])', [
    ['users', 'user_roles', 'app_users', 'group_apps', 'app_grants', 'api_tokens', 'apps'],
  ]);
  await recomputeFindings(trx, scope, deps.rules, outbox);
  if (complete) {
    const counts = await datasetCounts(trx, scope.tenantId, scope.connectionId);
    const at = outbox.now.toISOString();
    outbox.inventory('inventory.snapshot.completed', undefined, {
      syncId: scope.syncId,
      counts,
      completedAt: at,
    });
    outbox.syncStatus('catalog.applied', { syncId: scope.syncId, counts, appliedAt: at });
  }
}
