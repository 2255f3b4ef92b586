import type { EventHandlers } from '@appgov/kafka';
import type { ProcessorDeps } from '../domain/notification-processor.js';
import { handle as handleAppInventory } from './app-inventory.consumer.js';
import { handle as handleConnection } from './connection-events.consumer.js';
import { handle as handleSyncStatus } from './sync-status.consumer.js';

/** Handlers by event type for the runner (sync.progress is not handled: it is skipped and committed). */
export function notificationHandlers(deps: ProcessorDeps): EventHandlers {
  const conn = async (event: Parameters<typeof handleConnection>[1]) => {
    await handleConnection(deps, event);
  };
  const sync = async (event: Parameters<typeof handleSyncStatus>[1]) => {
    await handleSyncStatus(deps, event);
  };
  const inventory = async (event: Parameters<typeof handleAppInventory>[1]) => {
    await handleAppInventory(deps, event);
  };
  return {
    'connection.created': conn,
    'connection.token-updated': conn,
    'connection.deleted': conn,
    'sync.started': sync,
    'sync.completed': sync,
    'sync.failed': sync,
    'catalog.applied': sync,
    'app.discovered': inventory,
    'app.changed': inventory,
    'app.removed': inventory,
    'app.grant.added': inventory,
    'app.grant.revoked': inventory,
    'app.assignments.changed': inventory,
    'api-token.discovered': inventory,
    'api-token.removed': inventory,
    'inventory.snapshot.completed': inventory,
    'finding.opened': inventory,
    'finding.resolved': inventory,
  };
}
