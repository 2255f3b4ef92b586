import { listConnectionsWithCurrentRun } from './connection.repository.js';
import type { ConnectionDeps } from './connection.service.js';
import type { ConnectionRow, ConnectionStatus } from './connection.table.js';
import { connectionView } from './connection.view.js';
import { decodeCursor, nextCursorOf } from './list-cursor.js';
import type { SyncRunRow } from './sync-run.table.js';

/** C12: status of every tenant's connections for operators: no secrets, no catalog data. */
export async function operatorList(
  deps: Pick<ConnectionDeps, 'db' | 'clock' | 'settings'>,
  filter: {
    tenant?: string | undefined;
    status?: string | undefined;
    limit: number;
    cursor?: string | undefined;
  },
) {
  const after = filter.cursor
    ? (decodeCursor(filter.cursor, ['text', 'time', 'uuid']) as [string, Date, string])
    : undefined;
  const rows = await listConnectionsWithCurrentRun(deps.db, {
    tenant: filter.tenant,
    status: filter.status as ConnectionStatus | undefined,
    limit: filter.limit,
    after,
  });
  const now = deps.clock.now();
  const items = rows.map((r) => {
    const current =
      r.sync_id && r.requested_at && r.outcome && r.trigger
        ? ({
            sync_id: r.sync_id,
            trigger: r.trigger,
            outcome: r.outcome,
            requested_at: r.requested_at,
            started_at: r.started_at,
          } as SyncRunRow)
        : null;
    const view = connectionView(
      {
        ...(r as unknown as ConnectionRow),
        token_last4: '',
        token_fingerprint: '',
        token_updated_at: r.created_at,
      },
      current,
      now,
      deps.settings.stale,
    );
    return {
      tenantId: r.tenant_id,
      id: view.id,
      provider: view.provider,
      domain: view.domain,
      firstConnectedAt: view.firstConnected.at,
      lastSynced: view.lastSynced,
      lastSyncFinishedAt: view.lastSyncFinishedAt,
      stale: view.stale,
      staleReason: view.staleReason,
      status: view.status,
      statusReasonCode: view.statusReasonCode,
      statusMessage: view.statusMessage,
      currentSync: view.currentSync,
      nextSyncAt: view.nextSyncAt,
    };
  });
  return {
    items,
    nextCursor: nextCursorOf(rows, filter.limit, (r) => [r.tenant_id, r.created_at, r.id]),
  };
}
