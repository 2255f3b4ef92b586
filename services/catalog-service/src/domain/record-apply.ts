import type { Dataset } from '@appgov/contracts';
import type { Transaction } from 'kysely';
import { bumpCount } from './dataset-counts.repository.js';
import { DATASET_SPECS } from './dataset-specs.js';
import type { OutboxBatch } from './inventory-outbox.js';
import {
  deleteUnseen,
  deleteUnseenApiTokens,
  deleteUnseenApps,
  deleteUnseenAssignments,
  deleteUnseenGrants,
  type SyncScope,
  upsertAssignments,
  upsertCountingInserts,
  upsertReturningPrevious,
} from './okta-rows.repository.js';
import { markDirty } from './pending-changes.repository.js';
import {
  APP_FIELD_COLUMNS,
  type ApiTokenRow,
  type AppFields,
  type AppGrantRow,
  type AppRow,
  toInventoryApiToken,
  toInventoryApp,
  toInventoryGrant,
} from './row-mappers.js';
import type { CatalogDatabase } from './tables/catalog.database.js';

export type { SyncScope } from './okta-rows.repository.js';

type Trx = Transaction<CatalogDatabase>;

const APP_FIELDS = Object.entries(APP_FIELD_COLUMNS).filter(([field]) => field !== 'id');

/**
 * Applies the records of one or more batches of a dataset (already known to be new to the ledger) in
 * one statement; queues the events they cause and keeps the dataset's row counter. Returns the number
 * of rows inserted (not updated).
 */
export async function applyRecords(
  trx: Trx,
  scope: SyncScope,
  dataset: Dataset,
  records: readonly object[],
  outbox: OutboxBatch,
): Promise<number> {
  if (records.length === 0) return 0;
  const spec = DATASET_SPECS[dataset];
  const dirty = new Set<string>();
  let inserted = 0;
  switch (dataset) {
    case 'apps': {
      const rows = await upsertReturningPrevious<AppRow>(trx, spec, scope, records);
      for (const row of rows) {
        const app = toInventoryApp(row);
        if (row.inserted) {
          inserted += 1;
          outbox.inventory('app.discovered', app.id, { syncId: scope.syncId, app });
          dirty.add(app.id);
          continue;
        }
        const prev = toInventoryApp(row.prev as AppFields);
        const changedFields = APP_FIELDS.filter(
          ([field]) =>
            JSON.stringify(app[field as keyof typeof app]) !==
            JSON.stringify(prev[field as keyof typeof prev]),
        ).map(([field]) => field);
        if (changedFields.length > 0) {
          const before = Object.fromEntries(changedFields.map((f) => [f, prev[f as keyof typeof prev]]));
          outbox.inventory('app.changed', app.id, {
            syncId: scope.syncId,
            appId: app.id,
            changedFields,
            before,
            after: app,
          });
          dirty.add(app.id);
        }
      }
      break;
    }
    case 'app-grants': {
      const rows = await upsertReturningPrevious<AppGrantRow>(trx, spec, scope, records);
      for (const row of rows) {
        if (row.inserted) inserted += 1;
        const grant = toInventoryGrant(row);
        const wasActive = !row.inserted && row.prev?.status === 'ACTIVE';
        if (grant.status === 'ACTIVE' && !wasActive) {
          outbox.inventory('app.grant.added', row.app_id, { syncId: scope.syncId, appId: row.app_id, grant });
          dirty.add(row.app_id);
        } else if (grant.status === 'REVOKED' && wasActive) {
          outbox.inventory('app.grant.revoked', row.app_id, {
            syncId: scope.syncId,
            appId: row.app_id,
            grantId: grant.id,
            scopeId: grant.scopeId,
            reason: 'revoked',
          });
          dirty.add(row.app_id);
        }
      }
      break;
    }
    case 'api-tokens': {
      const rows = await upsertReturningPrevious<ApiTokenRow>(trx, spec, scope, records);
      for (const row of rows) {
        if (row.inserted) {
          inserted += 1;
          outbox.inventory('api-token.discovered', row.id, {
            syncId: scope.syncId,
            token: toInventoryApiToken(row),
          });
        }
      }
      break;
    }
    case 'app-users':
    case 'group-apps': {
      // New assignments of apps the catalog knew before this sync are collected for
      // `app.assignments.changed` at the end of the sync.
      inserted = await upsertAssignments(
        trx,
        spec,
        scope,
        records,
        dataset === 'app-users' ? 'user' : 'group',
      );
      break;
    }
    default:
      inserted = await upsertCountingInserts(trx, spec, scope, records);
  }
  await markDirty(trx, scope, [...dirty]);
  await bumpCount(trx, scope, dataset, inserted);
  return inserted;
}

/**
 * Mark and sweep: removes the dataset's rows of this connection that the sync did not see, and queues
 * the removals' events. Only called once every announced batch of the dataset was applied.
 */
export async function sweepDataset(
  trx: Trx,
  scope: SyncScope,
  dataset: Dataset,
  outbox: OutboxBatch,
): Promise<number> {
  const spec = DATASET_SPECS[dataset];
  switch (dataset) {
    case 'apps': {
      const rows = await deleteUnseenApps(trx, scope);
      for (const row of rows) {
        outbox.inventory('app.removed', row.id, {
          syncId: scope.syncId,
          appId: row.id,
          reason: 'not_seen_in_sync',
          app: toInventoryApp(row),
        });
        outbox.appState(row.id, null);
      }
      await bumpCount(trx, scope, dataset, -rows.length);
      return rows.length;
    }
    case 'app-grants': {
      const rows = await deleteUnseenGrants(trx, scope);
      const dirty = new Set<string>();
      for (const row of rows) {
        if (row.status !== 'ACTIVE') continue;
        outbox.inventory('app.grant.revoked', row.app_id, {
          syncId: scope.syncId,
          appId: row.app_id,
          grantId: row.id,
          scopeId: row.scope_id,
          reason: 'removed',
        });
        dirty.add(row.app_id);
      }
      await markDirty(trx, scope, [...dirty]);
      await bumpCount(trx, scope, dataset, -rows.length);
      return rows.length;
    }
    case 'api-tokens': {
      const rows = await deleteUnseenApiTokens(trx, scope);
      for (const row of rows) {
        outbox.inventory('api-token.removed', row.id, {
          syncId: scope.syncId,
          tokenId: row.id,
          reason: 'not_seen_in_sync',
        });
      }
      await bumpCount(trx, scope, dataset, -rows.length);
      return rows.length;
    }
    case 'app-users':
    case 'group-apps': {
      const n = await deleteUnseenAssignments(trx, spec, scope, dataset === 'app-users' ? 'user' : 'group');
      await bumpCount(trx, scope, dataset, -n);
      return n;
    }
    default: {
      const n = await deleteUnseen(trx, spec, scope);
      await bumpCount(trx, scope, dataset, -n);
      return n;
    }
  }
}
