import type { Transaction } from 'kysely';
import { refreshOpenFindingCounts } from './apps.repository.js';
import { refreshOpenFindingsCount } from './dataset-counts.repository.js';
import {
  computeCurrentFindings,
  type FindingRow,
  openNewFindings,
  refreshHeldFindings,
  resolveVanishedFindings,
} from './findings.repository.js';
import type { OutboxBatch } from './inventory-outbox.js';
import type { SyncScope } from './okta-rows.repository.js';
import { iso } from './row-mappers.js';
import type { CatalogDatabase } from './tables/catalog.database.js';

/** Sign-on modes where Okta stores or replays a password (SPEC K4 "password-based sign-on apps"). */
export const PASSWORD_SIGN_ON_MODES = ['BASIC_AUTH', 'BROWSER_PLUGIN', 'SECURE_PASSWORD_STORE', 'AUTO_LOGIN'];
/** User statuses that count as deactivated. */
export const DEACTIVATED_STATUSES = ['DEPROVISIONED', 'SUSPENDED'];

/** Settings of the findings rules. */
export interface FindingRules {
  /** More super admins than this raises `super_admin_count`. */
  superAdminThreshold: number;
}

/**
 * Recomputes the connection's findings in SQL: new ones are opened, vanished ones resolved, and each
 * transition raises `finding.opened` / `finding.resolved`.
 */
export async function recomputeFindings(
  trx: Transaction<CatalogDatabase>,
  scope: SyncScope,
  rules: FindingRules,
  outbox: OutboxBatch,
): Promise<{ opened: number; resolved: number }> {
  await computeCurrentFindings(trx, scope, rules.superAdminThreshold);
  const opened = await openNewFindings(trx, scope, outbox.now);
  const resolved = await resolveVanishedFindings(trx, scope, outbox.now);
  await refreshHeldFindings(trx, scope);
  await refreshFindingCounters(trx, scope.tenantId, scope.connectionId);
  for (const row of opened) {
    outbox.inventory('finding.opened', row.id, { ...findingFields(row), details: row.details ?? {} });
  }
  for (const row of resolved) {
    outbox.inventory('finding.resolved', row.id, {
      ...findingFields(row),
      resolvedAt: iso(row.resolved_at)!,
    });
  }
  return { opened: opened.length, resolved: resolved.length };
}

/** The event fields of a `findings` row. */
export function findingFields(
  row: Pick<
    FindingRow,
    'id' | 'kind' | 'severity' | 'subject_type' | 'subject_id' | 'subject_label' | 'first_seen'
  >,
) {
  return {
    findingId: row.id,
    kind: row.kind,
    severity: row.severity,
    subject: {
      type: row.subject_type,
      id: row.subject_id,
      ...(row.subject_label ? { label: row.subject_label } : {}),
    },
    firstSeen: iso(row.first_seen)!,
  };
}

/**
 * Maintained counters of open findings: `apps.open_finding_count` (the apps list's findingCount, risk
 * filter) and the connection's `open-findings` entry of `dataset_counts` (its summary).
 */
export async function refreshFindingCounters(
  trx: Transaction<CatalogDatabase>,
  tenantId: string,
  connectionId: string,
): Promise<void> {
  await refreshOpenFindingCounts(trx, tenantId, connectionId);
  await refreshOpenFindingsCount(trx, tenantId, connectionId);
}
