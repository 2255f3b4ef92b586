import type { AnyCloudEvent, CloudEvent } from '@appgov/contracts';
import {
  onSyncCompleted,
  onSyncFailed,
  type ProcessorDeps,
  processEvent,
} from '../domain/notification-processor.js';

/** sync-status topic: N1 ready email, N2 incident emails; every type also feeds webhooks. */
export async function handle(
  deps: ProcessorDeps,
  event: CloudEvent<'sync.started' | 'sync.completed' | 'sync.failed' | 'catalog.applied'>,
) {
  if (event.type === 'sync.completed') return onSyncCompleted(deps, event as CloudEvent<'sync.completed'>);
  if (event.type === 'sync.failed') return onSyncFailed(deps, event as CloudEvent<'sync.failed'>);
  return processEvent(deps, event as AnyCloudEvent);
}
