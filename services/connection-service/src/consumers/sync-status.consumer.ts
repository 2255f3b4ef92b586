import type { CloudEvent } from '@appgov/contracts';
import type { AppLogger } from '@appgov/telemetry';
import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database, SyncOutcome } from '../domain/connection.table.js';

/** What the sync-status handler needs. */
export interface SyncStatusDeps {
  db: Kysely<Database>;
  logger: AppLogger;
}

/** The sync-status events this service acts on; others on the topic are skipped. */
export type SyncStatusEvent =
  | CloudEvent<'sync.started'>
  | CloudEvent<'sync.completed'>
  | CloudEvent<'sync.failed'>;

const TERMINAL: SyncOutcome[] = ['completed', 'failed', 'cancelled'];

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

/**
 * Applies one sync-status event to the connection's status, current sync, last-synced time and
 * history (C6, C10). Idempotent and order-tolerant: a run that reached an outcome keeps it (a late
 * or repeated `started` changes nothing), and a sync's outcome sets the connection status only if
 * no newer sync (by request time) has reached an outcome already.
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
    const connection = await trx
      .selectFrom('connections')
      .selectAll()
      .where('id', '=', connectionId)
      .where('tenant_id', '=', event.tenantid)
      .forUpdate()
      .executeTakeFirst();
    if (!connection) return; // another service's test data, or a purged connection
    const { syncId } = event.data;
    let run = await trx
      .selectFrom('sync_runs')
      .selectAll()
      .where('sync_id', '=', syncId)
      .forUpdate()
      .executeTakeFirst();
    if (run && run.connection_id !== connectionId) {
      deps.logger.warn(
        { syncId, connectionId },
        'sync-status event names a sync of another connection; ignored',
      );
      return;
    }
    if (!run) {
      // A sync we did not request (e.g. one requested before a restore); record it all the same.
      const at =
        event.type === 'sync.failed' ? (event.data.startedAt ?? event.data.failedAt) : event.data.startedAt;
      run = await trx
        .insertInto('sync_runs')
        .values({
          sync_id: syncId,
          connection_id: connectionId,
          tenant_id: event.tenantid,
          trigger: event.type === 'sync.started' ? event.data.trigger : 'unknown',
          requested_at: new Date(at),
          outcome: 'requested',
        })
        .returningAll()
        .executeTakeFirstOrThrow();
    }
    const terminal = TERMINAL.includes(run.outcome);

    if (event.type === 'sync.started') {
      if (terminal) {
        if (!run.started_at) {
          await trx
            .updateTable('sync_runs')
            .set({ started_at: new Date(event.data.startedAt) })
            .where('sync_id', '=', syncId)
            .execute();
        }
        return;
      }
      await trx
        .updateTable('sync_runs')
        .set({ outcome: 'running', started_at: new Date(event.data.startedAt), updated_at: sql`now()` })
        .where('sync_id', '=', syncId)
        .execute();
      return;
    }
    if (terminal) return; // duplicate, or a sync we cancelled ourselves

    if (event.type === 'sync.completed') {
      const d = event.data;
      const finishedAt = new Date(d.finishedAt);
      await trx
        .updateTable('sync_runs')
        .set({
          outcome: 'completed',
          started_at: new Date(d.startedAt),
          finished_at: finishedAt,
          duration_ms: d.durationMs,
          counts: JSON.stringify(d.counts),
          warnings: JSON.stringify(d.warnings),
          updated_at: sql`now()`,
        })
        .where('sync_id', '=', syncId)
        .execute();
      const newest = !(await newerOutcomeExists(trx, connectionId, run.requested_at));
      const successIsLatest = !connection.last_success_at || finishedAt >= connection.last_success_at;
      await trx
        .updateTable('connections')
        .set({
          ...(newest
            ? {
                status: 'success' as const,
                status_reason_code: null,
                status_message: null,
                last_sync_finished_at: finishedAt,
              }
            : {}),
          ...(successIsLatest ? { last_success_at: finishedAt, last_sync_duration_ms: d.durationMs } : {}),
          ...(connection.current_sync_id === syncId ? { current_sync_id: null } : {}),
        })
        .where('id', '=', connectionId)
        .execute();
      return;
    }

    const d = event.data;
    const failedAt = new Date(d.failedAt);
    const cancelled = d.reasonCode === 'cancelled';
    const message = FAILURE_MESSAGES[d.reasonCode] ?? d.message;
    await trx
      .updateTable('sync_runs')
      .set({
        outcome: cancelled ? 'cancelled' : 'failed',
        ...(d.startedAt && !run.started_at ? { started_at: new Date(d.startedAt) } : {}),
        finished_at: failedAt,
        duration_ms:
          run.started_at || d.startedAt
            ? failedAt.getTime() - new Date(run.started_at ?? (d.startedAt as string)).getTime()
            : null,
        error_code: d.reasonCode,
        error_message: d.message,
        updated_at: sql`now()`,
      })
      .where('sync_id', '=', syncId)
      .execute();
    // C6: a cancelled sync leaves the status as it was.
    const newest = !cancelled && !(await newerOutcomeExists(trx, connectionId, run.requested_at));
    await trx
      .updateTable('connections')
      .set({
        ...(newest
          ? {
              status: 'error' as const,
              status_reason_code: d.reasonCode,
              status_message: message,
              last_sync_finished_at: failedAt,
            }
          : {}),
        ...(connection.current_sync_id === syncId ? { current_sync_id: null } : {}),
      })
      .where('id', '=', connectionId)
      .execute();
  });
}

async function newerOutcomeExists(
  trx: Transaction<Database>,
  connectionId: string,
  requestedAt: Date,
): Promise<boolean> {
  const row = await trx
    .selectFrom('sync_runs')
    .select('sync_id')
    .where('connection_id', '=', connectionId)
    .where('requested_at', '>', requestedAt)
    .where('outcome', 'in', ['completed', 'failed'])
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}
