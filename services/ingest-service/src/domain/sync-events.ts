// Status and end-marker events of a sync; they go through the outbox together with the job's state
// change, so a crash or a Kafka outage can lose neither the state nor the event.
import type { AnyCloudEvent, CloudEvent, Dataset, TopicId } from '@appgov/contracts';
import { type Clock, enqueueEvents } from '@appgov/service';
import type { Transaction } from 'kysely';
import type { IngestDatabase } from './ingest.tables.js';
import { recordEvent } from './record-event.js';
import type { SyncFailureReason } from './sync-failure.js';
import type { SyncJob } from './sync-job.repository.js';

/** Topic names the events go to (the topic and key of each come from the contracts registry). */
export interface OutboxContext {
  topics: Readonly<Record<TopicId, string>>;
  clock: Clock;
}

export async function enqueueStarted(
  trx: Transaction<IngestDatabase>,
  ctx: OutboxContext,
  job: SyncJob,
  startedAt: Date,
): Promise<void> {
  const event = recordEvent(
    'sync.started',
    job,
    { syncId: job.syncId, trigger: job.trigger as never, startedAt: startedAt.toISOString() },
    `${job.syncId}:started`,
  );
  await enqueueEvents(trx, [event as AnyCloudEvent], ctx.topics);
}

export async function enqueueCompleted(
  trx: Transaction<IngestDatabase>,
  ctx: OutboxContext,
  job: SyncJob,
  data: CloudEvent<'sync.completed'>['data'],
  datasetsRead: Dataset[],
): Promise<void> {
  const completed = recordEvent('sync.completed', job, data, `${job.syncId}:completed`);
  const ended = recordEvent(
    'records.sync-ended',
    job,
    { syncId: job.syncId, outcome: 'completed', datasetsRead },
    `${job.syncId}:ended`,
  );
  await enqueueEvents(trx, [ended as AnyCloudEvent, completed as AnyCloudEvent], ctx.topics);
}

export async function enqueueFailed(
  trx: Transaction<IngestDatabase>,
  ctx: OutboxContext,
  job: SyncJob,
  failure: { reasonCode: SyncFailureReason; message: string },
  options: { startedAt?: Date | null; recordsSent: boolean },
): Promise<void> {
  const data: CloudEvent<'sync.failed'>['data'] = {
    syncId: job.syncId,
    reasonCode: failure.reasonCode,
    message: failure.message,
    failedAt: ctx.clock.now().toISOString(),
  };
  if (options.startedAt) data.startedAt = options.startedAt.toISOString();
  const events: AnyCloudEvent[] = [];
  if (options.recordsSent) {
    const ended = recordEvent(
      'records.sync-ended',
      job,
      {
        syncId: job.syncId,
        outcome: failure.reasonCode === 'cancelled' ? 'cancelled' : 'failed',
        datasetsRead: [],
      },
      `${job.syncId}:ended`,
    );
    events.push(ended as AnyCloudEvent);
  }
  events.push(recordEvent('sync.failed', job, data, `${job.syncId}:failed`) as AnyCloudEvent);
  await enqueueEvents(trx, events, ctx.topics);
}
