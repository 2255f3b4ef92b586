import type { OktaRowColumns } from './okta-row.js';

export interface AppUserTable extends OktaRowColumns {
  app_id: string;
  user_id: string;
  scope: string;
  status: string | null;
  user_name: string | null;
  last_updated: Date | null;
}
