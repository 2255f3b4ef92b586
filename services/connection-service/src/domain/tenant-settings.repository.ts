import { type Kysely, sql } from 'kysely';
import type { Database } from './connection.table.js';

/** The tenant's sync interval override in seconds, or `fallback` without one (C10). */
export async function syncIntervalOf(
  db: Kysely<Database>,
  tenant: string,
  fallback: number,
): Promise<number> {
  const row = await db
    .selectFrom('tenant_settings')
    .select('sync_interval_seconds')
    .where('tenant_id', '=', tenant)
    .executeTakeFirst();
  return row?.sync_interval_seconds ?? fallback;
}

/** Sets the tenant's interval override; null restores the default. */
export async function saveSyncInterval(
  db: Kysely<Database>,
  tenant: string,
  seconds: number | null,
): Promise<void> {
  await db
    .insertInto('tenant_settings')
    .values({ tenant_id: tenant, sync_interval_seconds: seconds })
    .onConflict((oc) =>
      oc.column('tenant_id').doUpdateSet({ sync_interval_seconds: seconds, updated_at: sql`now()` }),
    )
    .execute();
}
