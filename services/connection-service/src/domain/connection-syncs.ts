import { ConflictError } from '@appgov/errors';
import { connectionExists, lockLiveConnection } from './connection.repository.js';
import { type Actor, type ConnectionDeps, notFound, requireConnectionId } from './connection.service.js';
import { type StaleThresholds, syncRunView } from './connection.view.js';
import { decodeCursor, nextCursorOf } from './list-cursor.js';
import { cancelCurrentInTx, requestSyncInTx } from './sync-requests.js';
import { findSyncRun, listSyncRuns } from './sync-run.repository.js';
import type { SyncRunRow } from './sync-run.table.js';

// C10 on demand: "sync now" and the sync history of a connection.

/** True when the run still blocks a new sync (C10); a run older than the running threshold does not. */
function blocks(run: SyncRunRow | null, now: Date, stale: StaleThresholds): boolean {
  if (!run || (run.outcome !== 'requested' && run.outcome !== 'running')) return false;
  const since = run.started_at ?? run.requested_at;
  return now.getTime() - since.getTime() <= stale.runningStaleAfterMs;
}

/** C10 "sync now": 409 SYNC_ALREADY_RUNNING while a sync runs. */
export async function syncNow(deps: ConnectionDeps, actor: Actor, id: string) {
  requireConnectionId(id);
  const now = deps.clock.now();
  const syncId = await deps.db.transaction().execute(async (trx) => {
    const row = await lockLiveConnection(trx, actor.tenant, id);
    if (!row) throw notFound();
    const current = await findSyncRun(trx, row.current_sync_id);
    if (blocks(current, now, deps.settings.stale)) {
      throw new ConflictError('SYNC_ALREADY_RUNNING', `A sync of ${row.domain} is already running.`, {
        details: { syncId: current?.sync_id },
      });
    }
    // A stuck run (past the running threshold) is given up and its worker told to stop.
    await cancelCurrentInTx(deps, trx, row, 'manual', now);
    return requestSyncInTx(deps, trx, row, 'manual', now, actor);
  });
  const run = await findSyncRun(deps.db, syncId);
  return syncRunView(run as SyncRunRow);
}

/** C10 sync history, newest first; `tenant` null for operators (any tenant, deleted too). */
export async function listSyncs(
  deps: Pick<ConnectionDeps, 'db'>,
  tenant: string | null,
  id: string,
  limit: number,
  cursor?: string,
) {
  requireConnectionId(id);
  const after = cursor ? (decodeCursor(cursor, ['time', 'uuid']) as [Date, string]) : undefined;
  if (!(await connectionExists(deps.db, tenant, id))) throw notFound();
  const runs = await listSyncRuns(deps.db, id, limit, after);
  return {
    items: runs.map(syncRunView),
    nextCursor: nextCursorOf(runs, limit, (r) => [r.requested_at, r.sync_id]),
  };
}
