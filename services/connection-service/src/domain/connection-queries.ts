import { findLiveConnection, listLiveConnections } from './connection.repository.js';
import { type ConnectionDeps, notFound, requireConnectionId } from './connection.service.js';
import { connectionView } from './connection.view.js';
import { decodeCursor, nextCursorOf } from './list-cursor.js';
import { findSyncRun, findSyncRuns } from './sync-run.repository.js';

// What a tenant reads about its connections: one, all, and the per-provider summary (C5, C7).

type QueryDeps = Pick<ConnectionDeps, 'db' | 'clock' | 'settings'>;

/** One connection of the tenant (404 for other tenants' ids). */
export async function getConnection(deps: QueryDeps, tenant: string, id: string) {
  requireConnectionId(id);
  const row = await findLiveConnection(deps.db, tenant, id);
  if (!row) throw notFound();
  return connectionView(
    row,
    await findSyncRun(deps.db, row.current_sync_id),
    deps.clock.now(),
    deps.settings.stale,
  );
}

/** Every live connection of the tenant, oldest first, with their running syncs. */
export async function listConnections(
  deps: QueryDeps,
  tenant: string,
  page?: { limit: number; after?: [Date, string] | undefined },
) {
  const rows = await listLiveConnections(deps.db, tenant, page);
  const currentIds = rows.map((r) => r.current_sync_id).filter((x): x is string => x !== null);
  const runs = await findSyncRuns(deps.db, currentIds);
  const byId = new Map(runs.map((r) => [r.sync_id, r]));
  const now = deps.clock.now();
  return rows.map((r) =>
    connectionView(
      r,
      r.current_sync_id ? (byId.get(r.current_sync_id) ?? null) : null,
      now,
      deps.settings.stale,
    ),
  );
}

/** One page of the tenant's connections, oldest first, and the cursor of the next. */
export async function listConnectionsPage(deps: QueryDeps, tenant: string, limit: number, cursor?: string) {
  const after = cursor ? (decodeCursor(cursor, ['time', 'uuid']) as [Date, string]) : undefined;
  const items = await listConnections(deps, tenant, { limit, after });
  return { items, nextCursor: nextCursorOf(items, limit, (c) => [new Date(c.firstConnected.at), c.id]) };
}

/** C5: per-provider summary: count and the connection whose last success is oldest (N/A first). */
export async function providerSummaries(deps: QueryDeps, tenant: string) {
  const connections = await listConnections(deps, tenant);
  const okta = connections.filter((c) => c.provider === 'okta');
  let oldest: (typeof okta)[number] | undefined;
  for (const c of okta) {
    if (!oldest) oldest = c;
    else if (oldest.lastSynced.at === null) continue;
    else if (c.lastSynced.at === null || c.lastSynced.at < oldest.lastSynced.at) oldest = c;
  }
  return [
    {
      provider: 'okta',
      connectedDomains: okta.length,
      statusCounts: {
        success: okta.filter((c) => c.status === 'success').length,
        in_progress: okta.filter((c) => c.status === 'in_progress').length,
        error: okta.filter((c) => c.status === 'error').length,
      },
      staleCount: okta.filter((c) => c.stale).length,
      oldestLastSynced: oldest
        ? {
            connectionId: oldest.id,
            domain: oldest.domain,
            at: oldest.lastSynced.at,
            display: oldest.lastSynced.at ?? 'N/A',
            durationMs: oldest.lastSynced.durationMs,
            stale: oldest.stale,
          }
        : null,
    },
  ];
}
