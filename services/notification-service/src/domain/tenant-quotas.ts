// Finding 11 / 5 (SPEC S2): per-tenant quotas, so one tenant cannot fill the tables, the dispatcher
// or the mail relay that every tenant shares.
import { ConflictError } from '@appgov/errors';
import { sql } from 'kysely';
import type { NotificationDb } from './db.js';

/** Per-tenant maxima. */
export interface TenantQuotas {
  webhooks: number;
  recipients: number;
}

/** Defaults of {@link TenantQuotas}. */
export const DEFAULT_TENANT_QUOTAS: TenantQuotas = { webhooks: 25, recipients: 50 };

type Quota = keyof TenantQuotas;
const TABLES: Record<Quota, string> = { webhooks: 'webhooks', recipients: 'recipients' };

/**
 * Inside `trx`: 409 `NOTIFICATION_<QUOTA>_QUOTA_EXCEEDED` when the tenant already holds `max` rows.
 * A transaction-scoped advisory lock per (tenant, quota) serialises concurrent creations.
 */
export async function assertBelowQuota(
  trx: NotificationDb,
  quota: Quota,
  tenantId: string,
  max: number,
): Promise<void> {
  const table = TABLES[quota];
  await sql`select pg_advisory_xact_lock(hashtext(${`quota:${table}`}), hashtext(${tenantId}))`.execute(trx);
  const { rows } = await sql<{ n: string }>`select count(*) as n from ${sql.table(table)}
    where tenant_id = ${tenantId}`.execute(trx);
  if (Number(rows[0]?.n ?? 0) >= max) {
    throw new ConflictError(
      `NOTIFICATION_${quota.toUpperCase()}_QUOTA_EXCEEDED`,
      `A tenant may have at most ${max} ${quota}; remove one first.`,
      { details: { limit: max } },
    );
  }
}
