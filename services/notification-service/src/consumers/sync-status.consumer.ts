import type { AnyCloudEvent, CloudEvent } from '@appgov/contracts';
import {
  onSyncApplied,
  onSyncFailed,
  type ProcessorDeps,
  processEvent,
} from '../domain/notification-processor.js';

/** sync-status topic: N1 ready email and N2 recovery on the catalog's application, N2 incident emails; every type also feeds webhooks. */
export async function handle(
  deps: ProcessorDeps,
  event: CloudEvent<'sync.started' | 'sync.completed' | 'sync.failed' | 'catalog.applied'>,
) {
  if (event.type === 'catalog.applied') return onSyncApplied(deps, event as CloudEvent<'catalog.applied'>);
  if (event.type === 'sync.failed') return onSyncFailed(deps, event as CloudEvent<'sync.failed'>);
  return processEvent(deps, event as AnyCloudEvent);
}
