import {
  type AnyCloudEvent,
  type AppInventoryState,
  DATASETS,
  type Dataset,
  type TopicId,
} from '@appgov/contracts';
import type { Clock } from '@appgov/service';
import type { AppLogger } from '@appgov/telemetry';
import { sql, type Transaction } from 'kysely';
import { OKTA_ANALYZED_TABLES } from '../migrations/analyze-function.sql.js';
import { changedAppStates, refreshAssignmentCounts } from './apps.repository.js';
import { countsOf } from './dataset-counts.repository.js';
import { type FindingRules, recomputeFindings } from './findings.js';
import { OutboxBatch } from './inventory-outbox.js';
import { analyzeOktaTables } from './okta-rows.repository.js';
import { assignmentChanges, deleteSyncChanges } from './pending-changes.repository.js';
import { applyRecords, type SyncScope, sweepDataset } from './record-apply.js';
import { toInventoryApp, toInventoryGrant } from './row-mappers.js';
import {
  appliedBatchCount,
  endSync,
  ensureConnectionState,
  enterBatches,
  insertSyncProgress,
  lockSyncProgress,
  saveDatasetProgress,
  setCurrentSync,
  setTenant,
  supersedeSync,
} from './sync-progress.repository.js';
import type { CatalogDatabase } from './tables/catalog.database.js';

export { setTenant } from './sync-progress.repository.js';

type Trx = Transaction<CatalogDatabase>;

/** What applying record events needs. */
export interface ApplyDeps {
  topics: Readonly<Record<TopicId, string>>;
  rules: FindingRules;
  clock: Clock;
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

/**
 * Finds out whether a message of `syncId` may be applied, registering the sync when it is new. The
 * records topic is keyed by connection, so a connection's messages arrive in order: the first
 * message of a sync makes it the connection's current sync and supersedes the previous one, whose
 * later batches are then ignored. Messages of an ended sync (a replay) are ignored too.
 */
async function admitSync(trx: Trx, scope: SyncScope): Promise<{ progress: Progress } | null> {
  const conn = await ensureConnectionState(trx, scope.connectionId, scope.tenantId);
  if (conn.deleted_at !== null || conn.tenant_id !== scope.tenantId) return null;
  const row = await lockSyncProgress(trx, scope.syncId);
  if (row) {
    if (row.state !== 'running' || conn.current_sync !== scope.syncId) return null;
    return { progress: row.datasets as Progress };
  }
  if (conn.current_sync) await supersedeSync(trx, conn.current_sync);
  await insertSyncProgress(trx, scope);
  await setCurrentSync(trx, scope.connectionId, scope.syncId);
  return { progress: {} };
}

/** Sweeps a dataset once its end marker arrived and every announced batch is applied. */
async function sweepIfComplete(
  trx: Trx,
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

/**
 * Applies a chunk of okta-records events inside the caller's transaction. Consecutive events of the
 * same sync form a run: the sync is admitted, its progress read and written, and its outbox rows
 * enqueued once per run; consecutive batches of one dataset are checked against the ledger and upserted
 * with one statement each. The outcome equals applying the events one by one.
 */
export async function applyRecordEvents(
  trx: Trx,
  deps: ApplyDeps,
  events: readonly AnyCloudEvent[],
): Promise<void> {
  // Merged batches sort up to a chunk of records (distinct on); keep that sort in memory.
  if (events.length > 1) await sql`set local work_mem = '64MB'`.execute(trx);
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
  trx: Trx,
  deps: ApplyDeps,
  scope: SyncScope,
  events: readonly AnyCloudEvent[],
): Promise<void> {
  await setTenant(trx, scope.tenantId);
  const admitted = await admitSync(trx, scope);
  if (!admitted) return;
  const { progress } = admitted;
  const outbox = new OutboxBatch(deps.topics, scope.tenantId, scope.connectionId, deps.clock.now());
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
        await endSync(
          trx,
          scope.syncId,
          complete ? 'completed' : outcome === 'completed' ? 'incomplete' : outcome,
          complete ? outbox.now : null,
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
  if (changed) await saveDatasetProgress(trx, scope.syncId, progress);
  await outbox.flush(trx);
}

/**
 * Consecutive batches of one dataset: one ledger statement tells the new ones (a replayed batch
 * conflicts), one upsert applies their records, then the dataset is swept if its end marker already
 * arrived and this completed it. Returns whether the progress changed (the dataset was swept).
 */
async function applyBatches(
  trx: Trx,
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
  const ledger = await enterBatches(
    trx,
    scope.syncId,
    dataset,
    seqs.map((seq) => ({ seq, recordCount: bySeq.get(seq)!.length })),
  );
  if (ledger.length === 0) return false; // replayed batches: already applied
  const fresh = new Set(ledger);
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
export async function datasetCounts(trx: Trx, tenantId: string, connectionId: string) {
  const stored = await countsOf(trx, connectionId, tenantId);
  return Object.fromEntries(DATASETS.map((d) => [d, stored.get(d) ?? 0])) as Record<Dataset, number>;
}

/**
 * End of a sync: assignment counts, `app.assignments.changed`, the state of every changed app,
 * findings, and, for a completed sync, the snapshot marker and `catalog.applied`.
 */
async function finishSync(
  trx: Trx,
  deps: ApplyDeps,
  scope: SyncScope,
  outbox: OutboxBatch,
  complete: boolean,
): Promise<void> {
  await refreshAssignmentCounts(trx, scope.tenantId, scope.connectionId);
  const LIMIT = 100;
  const changes = await assignmentChanges(trx, scope);
  for (const row of changes) {
    const lists = [row.added_users, row.removed_users, row.added_groups, row.removed_groups].map(
      (l) => l ?? [],
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
  const states = await changedAppStates(trx, scope);
  for (const row of states) {
    const state: AppInventoryState = {
      tenantId: scope.tenantId,
      connectionId: scope.connectionId,
      syncId: scope.syncId,
      updatedAt: outbox.now.toISOString(),
      app: toInventoryApp(row),
      grants: row.grants.map(toInventoryGrant),
      userCount: row.user_count,
      groupCount: row.group_count,
    };
    outbox.appState(row.id, state);
  }
  await deleteSyncChanges(trx, scope.syncId);
  // Fresh statistics after a large load (the function skips tables this sync changed little): right
  // after a first large load the planner would otherwise estimate empty tables and pick nested
  // loops for the findings rules.
  await analyzeOktaTables(trx, OKTA_ANALYZED_TABLES);
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
