import type { InventoryApp, InventoryGrant } from '@appgov/contracts';
import type { Selectable } from 'kysely';
import type { ApiTokenTable } from './tables/api-token.table.js';
import type { AppTable } from './tables/app.table.js';
import type { AppGrantTable } from './tables/app-grant.table.js';

/** A timestamp column: a Date as pg reads it, a string inside `to_jsonb` / `jsonb_agg`. */
type Timestamp = Date | string;
/** A row as selected, or as `to_jsonb` hands it back (timestamps as strings). */
type RowOrJson<T> = {
  [K in keyof T]: T[K] extends Date ? Timestamp : T[K] extends Date | null ? Timestamp | null : T[K];
};

export type AppRow = Selectable<AppTable>;
export type AppGrantRow = Selectable<AppGrantTable>;
export type ApiTokenRow = Selectable<ApiTokenTable>;

/** What the public view of an app reads. */
export type AppFields = RowOrJson<
  Pick<AppRow, 'id' | 'name' | 'label' | 'status' | 'sign_on_mode' | 'created' | 'last_updated' | 'features'>
>;
/** What the public view of a grant reads. */
export type GrantFields = RowOrJson<
  Pick<AppGrantRow, 'id' | 'scope_id' | 'status' | 'issuer' | 'client_id' | 'source' | 'user_id' | 'created'>
>;
/** What the public view of an API token reads. */
export type ApiTokenFields = Pick<
  ApiTokenRow,
  | 'id'
  | 'name'
  | 'user_id'
  | 'client_name'
  | 'created'
  | 'expires_at'
  | 'last_updated'
  | 'token_window'
  | 'network_connection'
>;

/** A timestamp column as RFC 3339 (pg hands timestamptz over as Date). */
export const iso = (value: Date | string | null | undefined): string | null =>
  value === null || value === undefined
    ? null
    : value instanceof Date
      ? value.toISOString()
      : new Date(value).toISOString();

/** The public view of an `apps` row. */
export function toInventoryApp(row: AppFields): InventoryApp {
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
export function toInventoryGrant(row: GrantFields): InventoryGrant {
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
export function toInventoryApiToken(row: ApiTokenFields) {
  return {
    id: row.id,
    name: row.name,
    userId: row.user_id,
    clientName: row.client_name ?? null,
    created: iso(row.created)!,
    expiresAt: iso(row.expires_at),
    lastUpdated: iso(row.last_updated),
    tokenWindow: row.token_window ?? null,
    networkConnection: row.network_connection ?? null,
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
