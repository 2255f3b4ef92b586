import type { AnyCloudEvent } from '@appgov/contracts';
import { type ProcessorDeps, processEvent } from '../domain/notification-processor.js';

/** app-inventory topic: webhook fan-out only (deduped on the event id like everything else). */
export function handle(deps: ProcessorDeps, event: AnyCloudEvent) {
  return processEvent(deps, event);
}
