import type { InventoryGrant } from '@appgov/contracts';
import type { OktaRowColumns } from './okta-row.js';

export interface AppGrantTable extends OktaRowColumns {
  app_id: string;
  id: string;
  status: InventoryGrant['status'];
  issuer: string;
  client_id: string | null;
  scope_id: string;
  source: InventoryGrant['source'];
  user_id: string | null;
  created: Date;
  created_by: unknown | null;
}
