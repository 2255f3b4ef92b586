import type { CloudEvent } from '@appgov/contracts';
import {
  onConnectionCreated,
  onConnectionDeleted,
  onConnectionTokenUpdated,
  type ProcessorDeps,
} from '../domain/notification-processor.js';

/** connections topic: remembers who added each connection (N1 addressee) and forgets deleted ones. */
export async function handle(
  deps: ProcessorDeps,
  event: CloudEvent<'connection.created' | 'connection.token-updated' | 'connection.deleted'>,
) {
  switch (event.type) {
    case 'connection.created':
      return onConnectionCreated(deps, event as CloudEvent<'connection.created'>);
    case 'connection.token-updated':
      return onConnectionTokenUpdated(deps, event as CloudEvent<'connection.token-updated'>);
    default:
      return onConnectionDeleted(deps, event as CloudEvent<'connection.deleted'>);
  }
}
