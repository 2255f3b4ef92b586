import type { OutboxDatabase } from '@appgov/db';
import type { ColumnType, Insertable, Selectable, Updateable } from 'kysely';
import type { BigIntColumn, JsonColumn } from './columns.js';
import type { SyncRunTable } from './sync-run.table.js';
import type { TenantSettingsTable } from './tenant-settings.table.js';

export type ConnectionStatus = 'in_progress' | 'success' | 'error';
export type CredentialType = 'api_token' | 'oauth_service_app';

/** One connected Okta org of a tenant; soft-deleted rows keep `deleted_at`. */
export interface ConnectionTable {
  id: string;
  tenant_id: string;
  provider: string;
  domain: string;
  /** `api_token` or `oauth_service_app` (C11); the secret itself is in Vault only (C3). */
  credential_type: ColumnType<CredentialType, CredentialType | undefined, CredentialType>;
  /** API tokens: last four characters and SHA-256 fingerprint; null for service apps. */
  token_last4: string | null;
  token_fingerprint: string | null;
  /** When the credential (of either kind) was last replaced. */
  token_updated_at: Date;
  oauth_client_id: string | null;
  oauth_key_id: string | null;
  oauth_scopes: ColumnType<string[] | null, string | null | undefined, string | null>;
  /** RFC 7638 thumbprint of a service app's public key. */
  public_key_fingerprint: string | null;
  token_updated_by_sub: string | null;
  vault_version: number | null;
  admin_role: string | null;
  permission_warnings: JsonColumn<string[]>;
  created_at: Date;
  created_by_sub: string;
  created_by_email: string;
  status: ConnectionStatus;
  status_reason_code: string | null;
  status_message: string | null;
  current_sync_id: string | null;
  last_success_at: Date | null;
  last_sync_finished_at: Date | null;
  last_sync_duration_ms: BigIntColumn;
  next_sync_at: Date | null;
  /** The connection's own share of each Okta bucket (null: the deployment's default). */
  rate_limit_share: ColumnType<number | null, number | null | undefined, number | null>;
  deleted_at: Date | null;
  deleted_by_sub: string | null;
}

export type ConnectionRow = Selectable<ConnectionTable>;
export type NewConnection = Insertable<ConnectionTable>;
export type ConnectionPatch = Updateable<ConnectionTable>;

/** The `connection` schema as kysely sees it, built from its `*.table.ts` files. */
export interface Database extends OutboxDatabase {
  connections: ConnectionTable;
  sync_runs: SyncRunTable;
  tenant_settings: TenantSettingsTable;
}
