// The message a bench publishes to ask ingest for a sync, as connection-service does: a
// `sync.requested` CloudEvent keyed by the connection.
import { makeEvent } from '@appgov/contracts';

export interface SyncRequest {
  tenantId: string;
  connectionId: string;
  syncId: string;
  domain: string;
  trigger: 'schedule' | 'manual';
}

export function syncRequestMessage(r: SyncRequest): { key: string; value: string } {
  return {
    key: r.connectionId,
    value: JSON.stringify(
      makeEvent('sync.requested', {
        source: '/bench',
        tenantId: r.tenantId,
        connectionId: r.connectionId,
        data: { syncId: r.syncId, trigger: r.trigger, domain: r.domain },
      }),
    ),
  };
}
