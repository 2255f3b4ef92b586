import type { Transaction } from 'kysely';
import { DATASET_SPECS } from './dataset-specs.js';
import { findingFields } from './findings.js';
import type { OutboxBatch } from './inventory-outbox.js';
import { runSql } from './record-apply.js';
import { iso, toInventoryApp } from './row-mappers.js';
import { setTenant } from './sync-apply.js';

/**
 * Removes everything the catalog holds for a deleted connection and queues the removals (app,
 * grant, token, finding) plus a tombstone per app. Idempotent: a second delivery finds nothing to
 * remove; the connection is remembered as deleted so late record batches are ignored.
 */
export async function purgeConnection(trx: Transaction<any>, outbox: OutboxBatch): Promise<void> {
  const { tenantId, connectionId } = outbox;
  await setTenant(trx, tenantId);
  const state = await runSql(
    trx,
    `insert into connection_state (connection_id, tenant_id, deleted_at) values ($1::uuid, $2, now())
     on conflict (connection_id) do update set deleted_at = coalesce(connection_state.deleted_at, now())
       where connection_state.tenant_id = excluded.tenant_id
     returning tenant_id`,
    [connectionId, tenantId],
  );
  // A connection id belongs to one tenant; an event naming another tenant marks and purges nothing
  // (the update's guard leaves the owner's row alone and returns no row).
  if (state[0]?.tenant_id !== tenantId) return;
  const params = [tenantId, connectionId];
  const where = 'tenant_id = $1 and connection_id = $2::uuid';
  const grants = await runSql(trx, `delete from app_grants where ${where} returning *`, params);
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
  const apps = await runSql(trx, `delete from apps where ${where} returning *`, params);
  for (const a of apps) {
    outbox.inventory('app.removed', a.id, {
      syncId: null,
      appId: a.id,
      reason: 'connection_deleted',
      app: toInventoryApp(a),
    });
    outbox.appState(a.id, null);
  }
  const tokens = await runSql(trx, `delete from api_tokens where ${where} returning id`, params);
  for (const t of tokens) {
    outbox.inventory('api-token.removed', t.id, {
      syncId: null,
      tokenId: t.id,
      reason: 'connection_deleted',
    });
  }
  const findings = await runSql(
    trx,
    `update findings set resolved_at = $3::timestamptz where ${where} and resolved_at is null returning *`,
    [...params, outbox.now],
  );
  for (const f of findings) {
    outbox.inventory('finding.resolved', f.id, { ...findingFields(f), resolvedAt: iso(f.resolved_at)! });
  }
  await runSql(trx, `delete from findings where ${where}`, params);
  for (const spec of Object.values(DATASET_SPECS)) {
    if (spec.table === 'apps' || spec.table === 'app_grants' || spec.table === 'api_tokens') continue;
    await runSql(trx, `delete from ${spec.table} where ${where}`, params);
  }
  await runSql(trx, `delete from pending_changes where connection_id = $1::uuid`, [connectionId]);
  await runSql(trx, `delete from dataset_counts where ${where}`, params);
  await runSql(
    trx,
    `update sync_progress set state = 'cancelled', ended_at = now() where connection_id = $1::uuid and state = 'running'`,
    [connectionId],
  );
}
