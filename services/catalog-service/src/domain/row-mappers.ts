import type { InventoryApp, InventoryGrant } from '@appgov/contracts';

/** A timestamp column as RFC 3339 (pg hands timestamptz over as Date). */
export const iso = (value: Date | string | null | undefined): string | null =>
  value === null || value === undefined
    ? null
    : value instanceof Date
      ? value.toISOString()
      : new Date(value).toISOString();

/** The public view of an `apps` row. */
export function toInventoryApp(row: Record<string, any>): InventoryApp {
  return {
    id: row.id,
    name: row.name,
    label: row.label,
    status: row.status,
    signOnMode: row.sign_on_mode ?? null,
    created: iso(row.created)!,
    lastUpdated: iso(row.last_updated)!,
    features: Array.isArray(row.features) ? row.features : [],
  };
}

/** The public view of an `app_grants` row. */
export function toInventoryGrant(row: Record<string, any>): InventoryGrant {
  return {
    id: row.id,
    scopeId: row.scope_id,
    status: row.status,
    issuer: row.issuer,
    clientId: row.client_id ?? null,
    source: row.source,
    userId: row.user_id ?? null,
    created: iso(row.created)!,
  };
}

/** The public view of an `api_tokens` row. */
export function toInventoryApiToken(row: Record<string, any>) {
  return {
    id: row.id as string,
    name: row.name as string,
    userId: row.user_id as string,
    clientName: (row.client_name ?? null) as string | null,
    created: iso(row.created)!,
    expiresAt: iso(row.expires_at),
    lastUpdated: iso(row.last_updated),
    tokenWindow: (row.token_window ?? null) as string | null,
    networkConnection: (row.network_connection ?? null) as string | null,
  };
}

/** Maps InventoryApp field names to `apps` columns (changed-field detection). */
export const APP_FIELD_COLUMNS: Record<keyof InventoryApp, string> = {
  id: 'id',
  name: 'name',
  label: 'label',
  status: 'status',
  signOnMode: 'sign_on_mode',
  created: 'created',
  lastUpdated: 'last_updated',
  features: 'features',
};
