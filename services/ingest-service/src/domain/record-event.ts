import { type CloudEvent, type EventType, makeEvent } from '@appgov/contracts';
import type { SyncJob } from './sync-job.repository.js';

/** The event source of everything ingest publishes. */
export const EVENT_SOURCE = '/appgov/ingest-service';

/** An event about `job` with a deterministic id, so a re-sent event is recognised as the same. */
export function recordEvent<T extends EventType>(
  type: T,
  job: SyncJob,
  data: CloudEvent<T>['data'],
  id: string,
): CloudEvent<T> {
  return makeEvent(type, {
    id,
    source: EVENT_SOURCE,
    tenantId: job.tenantId,
    connectionId: job.connectionId,
    subject: job.syncId,
    data,
  });
}
