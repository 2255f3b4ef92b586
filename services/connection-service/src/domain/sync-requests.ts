import { randomUUID } from 'node:crypto';
import { enqueueEvents } from '@appgov/service';
import type { Transaction } from 'kysely';
import { updateConnection } from './connection.repository.js';
import { type Actor, actorOf, type ConnectionDeps } from './connection.service.js';
import type { ConnectionRow, Database } from './connection.table.js';
import { connectionEvents } from './connection-events.js';
import { findSyncRun, insertSyncRun, updateSyncRun } from './sync-run.repository.js';
import type { SyncTrigger } from './sync-run.table.js';

// The transactional steps every sync request and cancellation takes, shared by the lifecycle use
// cases, "sync now" and the scheduler.

/** Inserts a run and its `sync.requested`, and makes it the connection's current sync. */
export async function requestSyncInTx(
  deps: Pick<ConnectionDeps, 'topics'>,
  trx: Transaction<Database>,
  connection: Pick<ConnectionRow, 'id' | 'tenant_id' | 'domain'> & { rate_limit_share?: number | null },
  trigger: SyncTrigger,
  now: Date,
  by: Actor | undefined,
): Promise<string> {
  const syncId = randomUUID();
  await insertSyncRun(trx, {
    sync_id: syncId,
    connection_id: connection.id,
    tenant_id: connection.tenant_id,
    trigger,
    requested_at: now,
    requested_by_sub: by?.sub ?? null,
    outcome: 'requested',
  });
  await updateConnection(trx, connection.id, { current_sync_id: syncId });
  await enqueueEvents(
    trx,
    connectionEvents([
      {
        type: 'sync.requested',
        tenantId: connection.tenant_id,
        connectionId: connection.id,
        time: now,
        data: {
          syncId,
          trigger,
          domain: connection.domain,
          ...(by ? { requestedBy: actorOf(by) } : {}),
          ...(connection.rate_limit_share != null ? { rateLimitShare: connection.rate_limit_share } : {}),
        },
      },
    ]),
    deps.topics,
  );
  return syncId;
}

/** Marks the current sync cancelled (if it still runs) and asks ingest to stop it. */
export async function cancelCurrentInTx(
  deps: Pick<ConnectionDeps, 'topics'>,
  trx: Transaction<Database>,
  connection: ConnectionRow,
  reason: 'token-updated' | 'connection-deleted' | 'manual',
  now: Date,
): Promise<void> {
  const current = await findSyncRun(trx, connection.current_sync_id);
  if (!current || (current.outcome !== 'requested' && current.outcome !== 'running')) return;
  await updateSyncRun(trx, current.sync_id, {
    outcome: 'cancelled',
    finished_at: now,
    error_code: 'cancelled',
    error_message: `Cancelled: ${reason.replace('-', ' ')}.`,
    updated_at: now,
  });
  await updateConnection(trx, connection.id, { current_sync_id: null });
  await enqueueEvents(
    trx,
    connectionEvents([
      {
        type: 'sync.cancel-requested',
        tenantId: connection.tenant_id,
        connectionId: connection.id,
        time: now,
        data: { syncId: current.sync_id, reason },
      },
    ]),
    deps.topics,
  );
}
