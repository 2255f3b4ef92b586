import type { ConnectionRow } from './connection.table.js';
import type { SyncRunRow } from './sync-run.table.js';
import { maskToken } from './token-fingerprint.js';

/** Thresholds of C7. */
export interface StaleThresholds {
  staleAfterMs: number;
  runningStaleAfterMs: number;
}

export type StaleReason = 'last_success_too_old' | 'never_synced' | 'sync_running_too_long';

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);
const num = (v: string | number | null | undefined) => (v === null || v === undefined ? null : Number(v));

/** C7: why a connection is stale at `now`, or null. */
export function staleReason(
  connection: Pick<ConnectionRow, 'last_success_at' | 'created_at'>,
  current: Pick<SyncRunRow, 'requested_at' | 'started_at' | 'outcome'> | null,
  now: Date,
  t: StaleThresholds,
): StaleReason | null {
  if (current && (current.outcome === 'running' || current.outcome === 'requested')) {
    const since = current.started_at ?? current.requested_at;
    if (now.getTime() - since.getTime() > t.runningStaleAfterMs) return 'sync_running_too_long';
  }
  if (connection.last_success_at) {
    if (now.getTime() - connection.last_success_at.getTime() > t.staleAfterMs) return 'last_success_too_old';
  } else if (now.getTime() - connection.created_at.getTime() > t.staleAfterMs) {
    return 'never_synced';
  }
  return null;
}

export function currentSyncView(run: SyncRunRow | null) {
  if (!run || (run.outcome !== 'requested' && run.outcome !== 'running')) return null;
  return {
    syncId: run.sync_id,
    trigger: run.trigger,
    state: run.outcome,
    requestedAt: run.requested_at.toISOString(),
    startedAt: iso(run.started_at),
  };
}

/** What the tenant API shows of a connection (C3, C5, C6, C7): never the token. */
export function connectionView(
  row: ConnectionRow,
  current: SyncRunRow | null,
  now: Date,
  t: StaleThresholds,
) {
  const reason = staleReason(row, current, now, t);
  const oauth = row.credential_type === 'oauth_service_app';
  return {
    id: row.id,
    provider: row.provider,
    domain: row.domain,
    credentialType: row.credential_type,
    token: oauth
      ? null
      : {
          masked: maskToken(row.token_last4 ?? ''),
          last4: row.token_last4 ?? '',
          fingerprint: row.token_fingerprint ?? '',
          updatedAt: row.token_updated_at.toISOString(),
        },
    oauth: oauth
      ? {
          clientId: row.oauth_client_id ?? '',
          keyId: row.oauth_key_id,
          publicKeyFingerprint: row.public_key_fingerprint ?? '',
          scopes: (row.oauth_scopes ?? []) as string[],
          updatedAt: row.token_updated_at.toISOString(),
        }
      : null,
    adminRole: row.admin_role,
    permissionWarnings: (row.permission_warnings ?? []) as string[],
    firstConnected: {
      at: row.created_at.toISOString(),
      by: { sub: row.created_by_sub, email: row.created_by_email },
    },
    lastSynced: { at: iso(row.last_success_at), durationMs: num(row.last_sync_duration_ms) },
    lastSyncFinishedAt: iso(row.last_sync_finished_at),
    stale: reason !== null,
    staleReason: reason,
    status: row.status,
    statusReasonCode: row.status_reason_code,
    statusMessage: row.status_message,
    currentSync: currentSyncView(current),
    nextSyncAt: iso(row.next_sync_at),
    rateLimitShare: row.rate_limit_share ?? null,
  };
}

export type ConnectionView = ReturnType<typeof connectionView>;

/** One sync of the history (C10). */
export function syncRunView(run: SyncRunRow) {
  return {
    syncId: run.sync_id,
    connectionId: run.connection_id,
    trigger: run.trigger,
    outcome: run.outcome,
    requestedAt: run.requested_at.toISOString(),
    startedAt: iso(run.started_at),
    finishedAt: iso(run.finished_at),
    durationMs: num(run.duration_ms),
    counts: (run.counts ?? null) as Record<string, number> | null,
    warnings: (run.warnings ?? []) as unknown[],
    errorCode: run.error_code,
    errorMessage: run.error_message,
  };
}
