import { type Static, Type } from '@sinclair/typebox';
import { InventoryApp, InventoryGrant } from './app-inventory.events.js';
import { Count, DateTime, TenantId, Uuid } from './common.schema.js';

/**
 * Value of `appgov.app-inventory-state.v1` (compacted, key `tenant:connection:app`): the full current
 * state of one app. A removed app is a tombstone (null value), so compaction forgets it.
 */
export const AppInventoryState = Type.Object(
  {
    tenantId: TenantId,
    connectionId: Uuid(),
    syncId: Uuid('The sync that produced this state'),
    updatedAt: DateTime(),
    app: InventoryApp,
    grants: Type.Array(InventoryGrant),
    userCount: Count,
    groupCount: Count,
  },
  { additionalProperties: false, title: 'AppInventoryState' },
);
/** The full state of one app on the compacted state topic. */
export type AppInventoryState = Static<typeof AppInventoryState>;
