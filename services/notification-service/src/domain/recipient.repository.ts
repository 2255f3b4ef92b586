import { sql } from 'kysely';
import type { Executor } from './db.js';
import { afterCursor, type PageRequest, pageKey } from './keyset-page.js';

/** A subscribed recipient of a tenant. */
export interface Recipient {
  id: string;
  email: string;
  createdAt: string;
}

export async function listRecipients(
  db: Executor,
  tenantId: string,
  page: PageRequest = { limit: 1000 },
): Promise<Recipient[]> {
  let query = db
    .selectFrom('recipients')
    .select(['id', 'email', 'created_at'])
    .where('tenant_id', '=', tenantId);
  if (page.after) query = query.where(afterCursor(page.after));
  const rows = await query.orderBy(pageKey).orderBy('id').limit(page.limit).execute();
  return rows.map((r) => ({ id: r.id, email: r.email, createdAt: r.created_at.toISOString() }));
}

/** Adds a recipient; returns null when the tenant already has that address (any case). */
export async function addRecipient(
  db: Executor,
  tenantId: string,
  email: string,
  createdBy: string,
): Promise<Recipient | null> {
  const row = await db
    .insertInto('recipients')
    .values({ tenant_id: tenantId, email, created_by: createdBy })
    .onConflict((oc) => oc.expression(sql`tenant_id, lower(email)`).doNothing())
    .returning(['id', 'email', 'created_at'])
    .executeTakeFirst();
  return row ? { id: row.id, email: row.email, createdAt: row.created_at.toISOString() } : null;
}

/** Removes a recipient of the tenant; false when there was none. */
export async function removeRecipient(db: Executor, tenantId: string, id: string): Promise<boolean> {
  const result = await db
    .deleteFrom('recipients')
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Every address of the tenant's recipients plus `extra`, without case-insensitive duplicates. */
export async function recipientAddresses(
  db: Executor,
  tenantId: string,
  extra: (string | null)[],
): Promise<string[]> {
  const rows = await db.selectFrom('recipients').select('email').where('tenant_id', '=', tenantId).execute();
  const seen = new Map<string, string>();
  for (const address of [...extra, ...rows.map((r) => r.email)]) {
    if (address && !seen.has(address.toLowerCase())) seen.set(address.toLowerCase(), address);
  }
  return [...seen.values()];
}
