import type { Transaction } from 'kysely';
import { deleteConnectionCounts } from './dataset-counts.repository.js';
import { DATASET_SPECS } from './dataset-specs.js';
import { findingFields } from './findings.js';
import { deleteConnectionFindings, resolveConnectionFindings } from './findings.repository.js';
import type { OutboxBatch } from './inventory-outbox.js';
import {
  deleteConnectionApiTokens,
  deleteConnectionApps,
  deleteConnectionGrants,
  deleteConnectionRows,
} from './okta-rows.repository.js';
import { deleteConnectionChanges } from './pending-changes.repository.js';
import { iso, toInventoryApp } from './row-mappers.js';
import { cancelRunningSyncs, markConnectionDeleted, setTenant } from './sync-progress.repository.js';
import type { CatalogDatabase } from './tables/catalog.database.js';

/**
 * Removes everything the catalog holds for a deleted connection and queues the removals (app,
 * grant, token, finding) plus a tombstone per app. Idempotent: a second delivery finds nothing to
 * remove; the connection is remembered as deleted so late record batches are ignored.
 */
export async function purgeConnection(trx: Transaction<CatalogDatabase>, outbox: OutboxBatch): Promise<void> {
  const { tenantId, connectionId } = outbox;
  await setTenant(trx, tenantId);
  const state = await markConnectionDeleted(trx, connectionId, tenantId);
  // A connection id belongs to one tenant; an event naming another tenant marks and purges nothing
  // (the update's guard leaves the owner's row alone and returns no row).
  if (state?.tenant_id !== tenantId) return;
  const grants = await deleteConnectionGrants(trx, tenantId, connectionId);
  for (const g of grants) {
    if (g.status !== 'ACTIVE') continue;
    outbox.inventory('app.grant.revoked', g.app_id, {
      syncId: null,
      appId: g.app_id,
      grantId: g.id,
      scopeId: g.scope_id,
      reason: 'connection_deleted',
    });
  }
  const apps = await deleteConnectionApps(trx, tenantId, connectionId);
  for (const a of apps) {
    outbox.inventory('app.removed', a.id, {
      syncId: null,
      appId: a.id,
      reason: 'connection_deleted',
      app: toInventoryApp(a),
    });
    outbox.appState(a.id, null);
  }
  const tokens = await deleteConnectionApiTokens(trx, tenantId, connectionId);
  for (const t of tokens) {
    outbox.inventory('api-token.removed', t.id, {
      syncId: null,
      tokenId: t.id,
      reason: 'connection_deleted',
    });
  }
  const findings = await resolveConnectionFindings(trx, tenantId, connectionId, outbox.now);
  for (const f of findings) {
    outbox.inventory('finding.resolved', f.id, { ...findingFields(f), resolvedAt: iso(f.resolved_at)! });
  }
  await deleteConnectionFindings(trx, tenantId, connectionId);
  for (const spec of Object.values(DATASET_SPECS)) {
    if (spec.table === 'apps' || spec.table === 'app_grants' || spec.table === 'api_tokens') continue;
    await deleteConnectionRows(trx, spec, tenantId, connectionId);
  }
  await deleteConnectionChanges(trx, connectionId);
  await deleteConnectionCounts(trx, tenantId, connectionId);
  await cancelRunningSyncs(trx, connectionId);
}
