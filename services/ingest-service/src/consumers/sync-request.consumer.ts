// sync.requested / sync.cancel-requested / connection.deleted: each handler only records the job or
// the cancel in Postgres (idempotent on redelivery) and returns; the job runner does the work.
import type { CloudEvent, TopicId } from '@appgov/contracts';
import { withTransaction } from '@appgov/db';
import { AppError } from '@appgov/errors';
import type { Clock } from '@appgov/service';
import type { AppLogger } from '@appgov/telemetry';
import type { Kysely, Transaction } from 'kysely';
import type { IngestDatabase } from '../domain/ingest.tables.js';
import { enqueueFailed } from '../domain/sync-events.js';
import {
  finishJob,
  getCheckpoints,
  insertJob,
  lockQueuedJobs,
  lockRunningJobs,
  requestCancel,
  type SyncJob,
} from '../domain/sync-job.repository.js';

export interface SyncRequestDeps {
  db: Kysely<IngestDatabase>;
  topics: Readonly<Record<TopicId, string>>;
  clock: Clock;
  logger: AppLogger;
  /** Wakes the local job runner. */
  wake(): void;
  /** Stops a sync this replica runs (others notice the flag within a second). */
  stopLocal(syncId: string, kind: 'cancelled' | 'superseded'): boolean;
}

function connectionOf(event: CloudEvent): string {
  if (!event.connectionid) {
    throw new AppError('INGEST_EVENT_WITHOUT_CONNECTION', `${event.type} carries no connectionid`, {
      retryable: false,
    });
  }
  return event.connectionid;
}

async function cancelQueued(
  trx: Transaction<IngestDatabase>,
  deps: SyncRequestDeps,
  jobs: SyncJob[],
  message: string,
): Promise<void> {
  for (const job of jobs) {
    const recordsSent = (await getCheckpoints(trx, job.syncId)).length > 0;
    await finishJob(trx, job.syncId, { state: 'cancelled', reasonCode: 'cancelled', message });
    await enqueueFailed(
      trx,
      deps,
      job,
      { reasonCode: 'cancelled', message },
      { startedAt: job.startedAt, recordsSent },
    );
  }
}

/** sync.requested: records the job; a newer request supersedes a queued older one. */
export async function handleSyncRequested(
  deps: SyncRequestDeps,
  event: CloudEvent<'sync.requested'>,
): Promise<void> {
  const connectionId = connectionOf(event as CloudEvent);
  const { syncId, trigger, domain, rateLimitShare } = event.data;
  const inserted = await withTransaction(deps.db, async (trx) => {
    const added = await insertJob(trx, {
      syncId,
      connectionId,
      tenantId: event.tenantid,
      domain,
      trigger,
      rateLimitShare,
    });
    if (!added) return false;
    const older = await lockQueuedJobs(trx, connectionId, syncId);
    await cancelQueued(trx, deps, older, 'Superseded by a newer sync request');
    return true;
  });
  deps.logger.info({ syncId, connectionId, trigger, duplicate: !inserted }, 'sync requested');
  if (inserted) deps.wake();
}

/** Cancels queued and running syncs of a connection (or only `syncId`). */
export async function cancelSyncs(
  deps: SyncRequestDeps,
  connectionId: string,
  syncId: string | undefined,
  why: string,
): Promise<void> {
  const running = await withTransaction(deps.db, async (trx) => {
    const queued = (await lockQueuedJobs(trx, connectionId)).filter((j) => !syncId || j.syncId === syncId);
    await cancelQueued(trx, deps, queued, why);
    const active = await lockRunningJobs(trx, connectionId, syncId);
    await requestCancel(
      trx,
      active.map((j) => j.syncId),
    );
    return active;
  });
  for (const job of running) deps.stopLocal(job.syncId, 'cancelled');
  deps.logger.info({ connectionId, syncId, running: running.map((j) => j.syncId) }, 'sync cancel requested');
}

export async function handleSyncCancelRequested(
  deps: SyncRequestDeps,
  event: CloudEvent<'sync.cancel-requested'>,
): Promise<void> {
  await cancelSyncs(
    deps,
    connectionOf(event as CloudEvent),
    event.data.syncId,
    `Cancelled (${event.data.reason})`,
  );
}

/** connection.deleted: nothing of that connection may keep running. */
export async function handleConnectionDeleted(
  deps: SyncRequestDeps,
  event: CloudEvent<'connection.deleted'>,
): Promise<void> {
  await cancelSyncs(deps, event.data.connectionId, undefined, 'Cancelled (connection deleted)');
}
