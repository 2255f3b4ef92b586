// Status and end-marker events of a sync; they go through the outbox together with the job's state
// change, so a crash or a Kafka outage can lose neither the state nor the event.
import type { CloudEvent, Dataset, TopicId } from '@appgov/contracts';
import { enqueueOutbox, type OutboxMessage } from '@appgov/db';
import type { EventProducer } from '@appgov/kafka';
import type { Transaction } from 'kysely';
import type { IngestDatabase } from './ingest.tables.js';
import { recordEvent } from './sync-engine.js';
import type { SyncFailureReason } from './sync-failure.js';
import type { SyncJob } from './sync-job.repository.js';

export interface OutboxContext {
  producer: EventProducer;
  topics: Readonly<Record<TopicId, string>>;
}

const toOutbox = (ctx: OutboxContext, topic: TopicId, key: string, event: CloudEvent): OutboxMessage => ({
  topic: ctx.topics[topic],
  key,
  value: event,
  headers: ctx.producer.headersFor(event as never),
});

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
  await enqueueOutbox(trx as never, [toOutbox(ctx, 'syncStatus', job.connectionId, event as CloudEvent)]);
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
  await enqueueOutbox(trx as never, [
    toOutbox(ctx, 'oktaRecords', job.connectionId, ended as CloudEvent),
    toOutbox(ctx, 'syncStatus', job.connectionId, completed as CloudEvent),
  ]);
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
    failedAt: new Date().toISOString(),
  };
  if (options.startedAt) data.startedAt = options.startedAt.toISOString();
  const messages: OutboxMessage[] = [];
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
    messages.push(toOutbox(ctx, 'oktaRecords', job.connectionId, ended as CloudEvent));
  }
  messages.push(
    toOutbox(
      ctx,
      'syncStatus',
      job.connectionId,
      recordEvent('sync.failed', job, data, `${job.syncId}:failed`) as CloudEvent,
    ),
  );
  await enqueueOutbox(trx as never, messages);
}
