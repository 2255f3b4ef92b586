import type { AppLogger } from '@appgov/telemetry';
import type { Kysely } from 'kysely';
import { lockConnection, updateConnection } from '../domain/connection.repository.js';
import type { Database } from '../domain/connection.table.js';
import {
  insertSyncRun,
  lockSyncRun,
  newerOutcomeExists,
  updateSyncRun,
} from '../domain/sync-run.repository.js';
import {
  mayChangeStatus,
  runTransition,
  type SyncStatusEvent,
  settledConnection,
  settlementOf,
  unrequestedRun,
} from '../domain/sync-status.js';

export type { SyncStatusEvent } from '../domain/sync-status.js';

/** What the sync-status handler needs. */
export interface SyncStatusDeps {
  db: Kysely<Database>;
  logger: AppLogger;
}

/**
 * Applies one sync-status event (ingest's started/completed/failed, the catalog's applied) to the connection's status, current sync, last-synced time and
 * history (C6, C10) under row locks; the rules are in `domain/sync-status.ts`.
 */
export async function handle(deps: SyncStatusDeps, event: SyncStatusEvent): Promise<void> {
  const connectionId = event.connectionid;
  if (!connectionId) {
    deps.logger.warn(
      { eventId: event.id, type: event.type },
      'sync-status event without connection id; ignored',
    );
    return;
  }
  await deps.db.transaction().execute(async (trx) => {
    const connection = await lockConnection(trx, event.tenantid, connectionId);
    if (!connection) return; // another service's test data, or a purged connection
    const { syncId } = event.data;
    let run = await lockSyncRun(trx, syncId);
    if (run && run.connection_id !== connectionId) {
      deps.logger.warn(
        { syncId, connectionId },
        'sync-status event names a sync of another connection; ignored',
      );
      return;
    }
    run ??= await insertSyncRun(trx, unrequestedRun(connectionId, event));
    const step = runTransition(run, event);
    if (step.patch) await updateSyncRun(trx, syncId, step.patch, step.touch);
    if (!step.settles) return;
    const settlement = settlementOf({ ...run, ...step.patch } as typeof run, event);
    const newest =
      mayChangeStatus(settlement) && !(await newerOutcomeExists(trx, connectionId, run.requested_at));
    const patch = settledConnection(connection, settlement, newest);
    // An empty SET is not SQL: an outcome that changes nothing on the connection writes nothing.
    if (Object.keys(patch).length > 0) await updateConnection(trx, connectionId, patch);
  });
}
