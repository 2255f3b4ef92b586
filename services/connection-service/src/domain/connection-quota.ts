// Finding 11 (SPEC S2): a per-tenant quota on connections, so one tenant cannot fill the tables,
// the scheduler and the shared Okta clients every tenant relies on.
import { ConflictError } from '@appgov/errors';
import { type Kysely, sql } from 'kysely';
import type { Database } from './connection.table.js';

export const DEFAULT_MAX_CONNECTIONS_PER_TENANT = 100;

/**
 * 409 `CONNECTION_QUOTA_EXCEEDED` when the tenant already holds `max` live connections. Inside a
 * transaction a transaction-scoped advisory lock per tenant serialises concurrent additions.
 */
export async function assertConnectionQuota(
  db: Kysely<Database>,
  tenant: string,
  max: number,
  lock = false,
): Promise<void> {
  if (lock)
    await sql`select pg_advisory_xact_lock(hashtext('quota:connections'), hashtext(${tenant}))`.execute(db);
  const row = await db
    .selectFrom('connections')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('tenant_id', '=', tenant)
    .where('deleted_at', 'is', null)
    .executeTakeFirstOrThrow();
  if (Number(row.n) >= max) {
    throw new ConflictError(
      'CONNECTION_QUOTA_EXCEEDED',
      `This tenant already has ${max} connections, the most allowed.`,
      {
        details: { max },
      },
    );
  }
}
