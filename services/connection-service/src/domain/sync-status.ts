import type { CloudEvent } from '@appgov/contracts';
import type { ConnectionPatch, ConnectionRow } from './connection.table.js';
import type { NewSyncRun, SyncOutcome, SyncRunPatch, SyncRunRow } from './sync-run.table.js';

// The status-transition rules of C6 and C10, as pure functions of the rows and the event. They are
// idempotent and order-tolerant: a run that reached an outcome keeps it (a late or repeated
// `started` changes nothing), and a sync's outcome sets the connection status only if no newer
// sync (by request time) has reached an outcome already. C6: a sync completes when ingest has
// finished it (`sync.completed`) AND the catalog has applied it (`catalog.applied`), in either order;
// until then the run stays `running`, so a first sync keeps `in_progress` and a re-sync stays
// `currentSync`.

/** The sync-status events this service acts on. */
export type SyncStatusEvent =
  | CloudEvent<'sync.started'>
  | CloudEvent<'sync.completed'>
  | CloudEvent<'sync.failed'>
  | CloudEvent<'catalog.applied'>;

/** How a run ended, as far as the connection is concerned. */
export type SyncSettlement =
  | { kind: 'completed'; syncId: string; finishedAt: Date; durationMs: number }
  | { kind: 'failed'; syncId: string; reasonCode: string; message: string; failedAt: Date }
  | { kind: 'cancelled'; syncId: string };

const TERMINAL: readonly SyncOutcome[] = ['completed', 'failed', 'cancelled'];

/** C6: the human message shown for a failure reason. */
export const FAILURE_MESSAGES: Record<string, string> = {
  invalid_token:
    'Okta rejected the API token (invalid, expired or revoked). Update the token of this connection.',
  org_not_found: 'The Okta org no longer answers at this domain. Check the domain or delete the connection.',
  okta_unavailable:
    'Okta could not be reached during the sync; it will be retried at the next scheduled sync.',
  rate_limited: 'Okta rate limits stopped the sync; it will be retried at the next scheduled sync.',
  circuit_open: 'Calls to Okta were paused after repeated failures; the sync will be retried.',
  internal: 'The sync failed because of an internal error; contact support if it persists.',
};

/** The run to record for a sync we did not request (e.g. one requested before a restore). */
export function unrequestedRun(connectionId: string, event: SyncStatusEvent): NewSyncRun {
  const at =
    event.type === 'sync.failed'
      ? (event.data.startedAt ?? event.data.failedAt)
      : event.type === 'catalog.applied'
        ? (event.data.appliedAt ?? event.time)
        : event.data.startedAt;
  return {
    sync_id: event.data.syncId,
    connection_id: connectionId,
    tenant_id: event.tenantid,
    trigger: event.type === 'sync.started' ? event.data.trigger : 'unknown',
    requested_at: new Date(at),
    outcome: 'requested',
  };
}

/** What an event does to its run: `touch` bumps `updated_at`; `settles` when it ends the run. */
export interface RunTransition {
  patch: SyncRunPatch | null;
  touch: boolean;
  settles: boolean;
}

const NOTHING: RunTransition = { patch: null, touch: false, settles: false };

export function runTransition(run: SyncRunRow, event: SyncStatusEvent): RunTransition {
  const terminal = TERMINAL.includes(run.outcome);
  if (event.type === 'sync.started') {
    const startedAt = new Date(event.data.startedAt);
    if (!terminal)
      return { patch: { outcome: 'running', started_at: startedAt }, touch: true, settles: false };
    // A start reported after the outcome still fills in when the run started.
    return run.started_at ? NOTHING : { patch: { started_at: startedAt }, touch: false, settles: false };
  }
  if (terminal) return NOTHING; // duplicate, or a sync we cancelled ourselves

  if (event.type === 'catalog.applied') {
    if (run.applied_at) return NOTHING;
    const appliedAt = new Date(event.data.appliedAt ?? event.time);
    // Ingest's completion is known when the run has its finish time (only sync.completed sets it on
    // an open run); without it the application waits for sync.completed.
    const pulled = run.finished_at !== null;
    return {
      patch: pulled ? { outcome: 'completed', applied_at: appliedAt } : { applied_at: appliedAt },
      touch: true,
      settles: pulled,
    };
  }
  if (event.type === 'sync.completed') {
    if (run.finished_at) return NOTHING; // duplicate while the catalog applies it
    const d = event.data;
    const applied = run.applied_at !== null;
    return {
      patch: {
        outcome: applied ? 'completed' : 'running',
        started_at: new Date(d.startedAt),
        finished_at: new Date(d.finishedAt),
        duration_ms: d.durationMs,
        counts: JSON.stringify(d.counts),
        warnings: JSON.stringify(d.warnings),
      },
      touch: true,
      settles: applied,
    };
  }
  const d = event.data;
  const failedAt = new Date(d.failedAt);
  const startedAt = run.started_at ?? (d.startedAt ? new Date(d.startedAt) : null);
  return {
    patch: {
      outcome: d.reasonCode === 'cancelled' ? 'cancelled' : 'failed',
      ...(d.startedAt && !run.started_at ? { started_at: new Date(d.startedAt) } : {}),
      finished_at: failedAt,
      duration_ms: startedAt ? failedAt.getTime() - startedAt.getTime() : null,
      error_code: d.reasonCode,
      error_message: d.message,
    },
    touch: true,
    settles: true,
  };
}

/** How a run that `runTransition` settled ended; `merged` is the run with its patch applied. */
export function settlementOf(merged: SyncRunRow, event: SyncStatusEvent): SyncSettlement {
  const syncId = merged.sync_id;
  if (event.type === 'sync.failed') {
    const d = event.data;
    return d.reasonCode === 'cancelled'
      ? { kind: 'cancelled', syncId }
      : {
          kind: 'failed',
          syncId,
          reasonCode: d.reasonCode,
          message: d.message,
          failedAt: new Date(d.failedAt),
        };
  }
  return {
    kind: 'completed',
    syncId,
    finishedAt: merged.finished_at ?? new Date(event.time),
    durationMs: Number(merged.duration_ms ?? 0),
  };
}

/** True when the outcome may set the connection status; C6: a cancelled sync does not. */
export function mayChangeStatus(settlement: SyncSettlement): boolean {
  return settlement.kind !== 'cancelled';
}

/**
 * The connection's change when a run settles. `newest`: no sync requested later has an outcome,
 * so this one decides the status.
 */
export function settledConnection(
  connection: Pick<ConnectionRow, 'last_success_at' | 'current_sync_id'>,
  settlement: SyncSettlement,
  newest: boolean,
): ConnectionPatch {
  const current = connection.current_sync_id === settlement.syncId ? { current_sync_id: null } : {};
  if (settlement.kind === 'completed') {
    const { finishedAt } = settlement;
    const successIsLatest = !connection.last_success_at || finishedAt >= connection.last_success_at;
    return {
      ...(newest
        ? {
            status: 'success' as const,
            status_reason_code: null,
            status_message: null,
            last_sync_finished_at: finishedAt,
          }
        : {}),
      ...(successIsLatest
        ? { last_success_at: finishedAt, last_sync_duration_ms: settlement.durationMs }
        : {}),
      ...current,
    };
  }
  if (settlement.kind === 'failed' && newest) {
    return {
      status: 'error' as const,
      status_reason_code: settlement.reasonCode,
      status_message: FAILURE_MESSAGES[settlement.reasonCode] ?? settlement.message,
      last_sync_finished_at: settlement.failedAt,
      ...current,
    };
  }
  return current;
}
