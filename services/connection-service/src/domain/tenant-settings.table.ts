import type { Generated } from 'kysely';

/** A tenant's overrides of service defaults (C10 sync interval). */
export interface TenantSettingsTable {
  tenant_id: string;
  sync_interval_seconds: number | null;
  updated_at: Generated<Date>;
}
