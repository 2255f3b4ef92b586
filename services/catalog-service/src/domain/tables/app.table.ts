import type { InventoryApp } from '@appgov/contracts';
import type { ColumnType, Generated } from 'kysely';
import type { OktaRowColumns } from './okta-row.js';

export interface AppTable extends OktaRowColumns {
  id: string;
  name: string;
  label: string;
  status: InventoryApp['status'];
  sign_on_mode: string | null;
  created: Date;
  last_updated: Date;
  features: ColumnType<string[], string | undefined, string>;
  credentials: unknown | null;
  settings: unknown | null;
  /** Maintained at the end of each sync from `app_users` / `group_apps`. */
  user_count: Generated<number>;
  group_count: Generated<number>;
  /** Maintained when findings are recomputed (apps list findingCount and risk filter). */
  open_finding_count: Generated<number>;
}
